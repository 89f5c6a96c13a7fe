"""Tests of the Proxmox VE client (``custom_components/proxmox_live/pve``)."""
