"""Constants of the Proxmox VE Live integration."""

from __future__ import annotations

import logging
from typing import Final

DOMAIN: Final = "proxmox_live"
LOGGER = logging.getLogger(__package__)

DEFAULT_PORT: Final = 8006

# Config entry data (a contract other tools build on: keep names and types stable)
CONF_HOST: Final = "host"  # str: hostname, IPv4 or IPv6 address
CONF_PORT: Final = "port"  # int
CONF_VERIFY_SSL: Final = "verify_ssl"  # bool
CONF_FINGERPRINT: Final = "fingerprint"  # str | None: SHA-256, colon-separated hex; pins the certificate
CONF_USERNAME: Final = "username"  # "user@realm"
CONF_TOKEN_ID: Final = "token_id"  # the token's name only (after "!"), e.g. "homeassistant"
CONF_TOKEN_SECRET: Final = "token_secret"
CONF_PASSWORD: Final = "password"

# Options (seconds)
CONF_LIVE_INTERVAL: Final = "live_interval"
CONF_INVENTORY_INTERVAL: Final = "inventory_interval"
CONF_STORAGE_INTERVAL: Final = "storage_interval"
CONF_BACKUP_INTERVAL: Final = "backup_interval"
CONF_DETAILED_GUESTS: Final = "detailed_guests"  # list[int]: VMIDs that also get per-guest status/current
CONF_INCLUDE_TEMPLATES: Final = "include_templates"  # bool

DEFAULT_LIVE_INTERVAL: Final = 2
DEFAULT_INVENTORY_INTERVAL: Final = 10
DEFAULT_STORAGE_INTERVAL: Final = 60
DEFAULT_BACKUP_INTERVAL: Final = 60
MIN_LIVE_INTERVAL: Final = 1
MAX_LIVE_INTERVAL: Final = 10

# Per-tier request timeouts (seconds): a hung tier never stalls another
LIVE_TIMEOUT: Final = 5.0
INVENTORY_TIMEOUT: Final = 10.0
STORAGE_TIMEOUT: Final = 15.0
BACKUP_TIMEOUT: Final = 20.0

# Backups tier windows (seconds)
BACKUP_TASK_WINDOW: Final = 7 * 24 * 3600  # vzdump task history read per node
BACKUP_FAILED_WINDOW: Final = 24 * 3600  # [failed_backups] counts failures ended this recently
BACKUP_TASK_LIMIT: Final = 500
BACKUP_RIGHTS_INTERVAL: Final = 3600  # the backups tier re-reads /access/permissions this often

MANUFACTURER: Final = "Proxmox Server Solutions"
