"""Async client for the Proxmox VE API: no Home Assistant imports, typed models, its own errors."""
