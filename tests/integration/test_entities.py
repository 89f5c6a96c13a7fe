"""The entity catalogue against a simulated 3-node cluster: every entity on its device, values as served."""

from __future__ import annotations

from datetime import UTC, datetime

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator import Simulator

from .conftest import device_of, state_of

GIB = 1024**3
pytestmark = pytest.mark.usefixtures("entity_registry_enabled_by_default")


def pct(part: float | None, total: float | None) -> str:
    """A percentage as the integration rounds it."""
    assert part is not None
    assert total
    return str(round(part / total * 100, 1))


async def test_nodes(hass: HomeAssistant, sim: Simulator, loaded_entry: MockConfigEntry) -> None:
    """Every node: a device via the cluster with its PVE version, and live values as served."""
    client = loaded_entry.runtime_data.client
    hub = device_of(hass, "homelab")
    assert hub is not None
    assert hub.name == "homelab"
    assert hub.configuration_url == f"https://127.0.0.1:{sim.port}/"
    for node in ("pve1", "pve2", "pve3"):
        status = await client.get_node_status(node)
        device = device_of(hass, f"homelab_node_{node}")
        assert device is not None
        assert device.name == node
        assert device.via_device_id == hub.id
        assert device.sw_version == "9.0.6"
        assert device.configuration_url.endswith(f"#v1:0:=node%2F{node}")
        prefix = f"homelab_node_{node}_"
        assert state_of(hass, "binary_sensor", prefix + "online") == "on"
        assert state_of(hass, "sensor", prefix + "cpu_usage") == str(round(status.cpu * 100, 1))
        assert state_of(hass, "sensor", prefix + "load_average") == str(round(status.loadavg[0], 2))
        assert state_of(hass, "sensor", prefix + "memory_used") == str(round(status.memory_used / GIB, 2))
        assert state_of(hass, "sensor", prefix + "memory_usage") == pct(
            status.memory_used, status.memory_total
        )
        assert state_of(hass, "sensor", prefix + "swap_usage") == pct(status.swap_used, status.swap_total)
        assert state_of(hass, "sensor", prefix + "root_disk_usage") == pct(
            status.rootfs_used, status.rootfs_total
        )
        assert status.iowait is not None
        assert state_of(hass, "sensor", prefix + "io_wait") == str(round(status.iowait * 100, 1))
        assert status.uptime is not None
        boot = datetime.fromtimestamp(int(datetime.now(UTC).timestamp() - status.uptime), UTC)
        assert state_of(hass, "sensor", prefix + "boot_time") == boot.isoformat()


async def test_guests(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    """Every guest (templates excluded): a device via its node, values from the node's lists."""
    client = loaded_entry.runtime_data.client
    seen = 0
    for node in ("pve1", "pve2", "pve3"):
        node_device = device_of(hass, f"homelab_node_{node}")
        assert node_device is not None
        for guest in [*await client.get_qemu_guests(node), *await client.get_lxc_guests(node)]:
            prefix = f"homelab_{guest.type}_{guest.vmid}_"
            if guest.template:
                assert device_of(hass, f"homelab_{guest.type}_{guest.vmid}") is None
                continue
            seen += 1
            device = device_of(hass, f"homelab_{guest.type}_{guest.vmid}")
            assert device is not None
            assert device.name == guest.name
            assert device.via_device_id == node_device.id
            assert device.configuration_url.endswith(f"#v1:0:={guest.type}%2F{guest.vmid}")
            running = guest.status == "running"
            assert state_of(hass, "binary_sensor", prefix + "running") == ("on" if running else "off")
            assert state_of(hass, "sensor", prefix + "status") == guest.status
            assert guest.cpu is not None
            assert guest.mem is not None
            assert state_of(hass, "sensor", prefix + "cpu_usage") == str(round(guest.cpu * 100, 1))
            assert state_of(hass, "sensor", prefix + "memory_used") == str(round(guest.mem / GIB, 2))
            assert state_of(hass, "sensor", prefix + "memory_usage") == pct(guest.mem, guest.maxmem)
            assert state_of(hass, "sensor", prefix + "node") == node
            disk_usage = state_of(hass, "sensor", prefix + "disk_usage")
            assert disk_usage == (pct(guest.disk, guest.maxdisk) if guest.type == "lxc" else None)
            for key in ("network_in", "network_out", "disk_read", "disk_write", "boot_time"):
                assert state_of(hass, "sensor", prefix + key) is not None
            assert state_of(hass, "sensor", prefix + "last_backup") is not None
            assert state_of(hass, "binary_sensor", prefix + "backup_failed") in ("on", "off")
    assert seen == 29


async def test_storages(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    """Shared storage: one device via the cluster; local storage: one per node, named with it."""
    client = loaded_entry.runtime_data.client
    hub = device_of(hass, "homelab")
    assert hub is not None
    for node in ("pve1", "pve2", "pve3"):
        for storage in await client.get_storages(node):
            if storage.shared:
                identifier, name, via = f"homelab_storage_{storage.storage}", storage.storage, hub.id
            else:
                identifier = f"homelab_storage_{node}_{storage.storage}"
                name = f"{storage.storage} ({node})"
                node_device = device_of(hass, f"homelab_node_{node}")
                assert node_device is not None
                via = node_device.id
            device = device_of(hass, identifier)
            assert device is not None
            assert device.name == name
            assert device.via_device_id == via
            assert storage.used is not None
            assert storage.avail is not None
            assert state_of(hass, "sensor", f"{identifier}_storage_usage") == pct(storage.used, storage.total)
            assert state_of(hass, "sensor", f"{identifier}_storage_used") == str(round(storage.used / GIB, 1))
            assert state_of(hass, "sensor", f"{identifier}_storage_available") == str(
                round(storage.avail / GIB, 1)
            )
            assert state_of(hass, "binary_sensor", f"{identifier}_active") == (
                "on" if storage.active else "off"
            )


async def test_cluster(hass: HomeAssistant, sim: Simulator, loaded_entry: MockConfigEntry) -> None:
    """The hub's entities: quorum, nodes online, running guests and the backup summary."""
    resources = await loaded_entry.runtime_data.client.get_cluster_resources()
    running = [r for r in resources if r.type in ("qemu", "lxc") and r.status == "running" and not r.template]
    assert state_of(hass, "binary_sensor", "homelab_quorate") == "on"
    assert state_of(hass, "sensor", "homelab_nodes_online") == "3"
    assert state_of(hass, "sensor", "homelab_guests_running") == str(len(running))
    not_backed_up = await loaded_entry.runtime_data.client.get_not_backed_up()
    assert state_of(hass, "sensor", "homelab_guests_without_backup") == str(len(not_backed_up))
    assert state_of(hass, "sensor", "homelab_failed_backups") is not None
    assert state_of(hass, "sensor", "homelab_next_backup") is not None
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), loaded_entry.entry_id)
    assert len(devices) == 1 + 3 + 29 + 2 + 3 * 2  # hub, nodes, guests, shared, local storages
    entities = er.async_entries_for_config_entry(er.async_get(hass), loaded_entry.entry_id)
    assert all(entity.translation_key for entity in entities)
