"""A development environment: a real Home Assistant process plus the Proxmox VE simulator.

Used by ``scripts/develop``, the browser test and the benchmark.
"""
