"""Answers (the ``data`` member) as real Proxmox VE 7, 8 and 9 servers send them."""

from __future__ import annotations

from typing import Any

type Json = Any

NODE_STATUS_PVE9: Json = {
    "cpu": 0.0412,
    "wait": 0.0021,
    "idle": 0,
    "loadavg": ["0.16", "0.10", "0.02"],
    "uptime": 123456,
    "pveversion": "pve-manager/9.0.10/49c767b70aeb6648",
    "kversion": "Linux 6.14.8-2-pve #1 SMP PREEMPT_DYNAMIC PMX 6.14.8-2 (2025-07-22T10:04Z) x86_64",
    "current-kernel": {
        "sysname": "Linux",
        "release": "6.14.8-2-pve",
        "version": "#1 SMP",
        "machine": "x86_64",
    },
    "boot-info": {"mode": "efi", "secureboot": 0},
    "cpuinfo": {"cpus": 16, "cores": 8, "sockets": 1, "model": "AMD Ryzen 7 5800X", "mhz": "3800.000"},
    "memory": {"total": 67108864000, "used": 20000000000, "free": 30000000000, "available": 45000000000},
    "swap": {"total": 8589934592, "used": 1048576, "free": 8588886016},
    "rootfs": {"total": 100000000000, "used": 25000000000, "free": 75000000000, "avail": 70000000000},
    "ksm": {"shared": 0},
}

NODE_STATUS_PVE7: Json = {
    "cpu": 0.0123,
    "wait": 0.0004,
    "idle": 0,
    "loadavg": ["0.06", "0.05", "0.01"],
    "uptime": 98765,
    "pveversion": "pve-manager/7.4-3/9002ab8a",
    "kversion": "Linux 5.15.102-1-pve #1 SMP PVE 5.15.102-1 (2023-03-14T13:48Z)",
    "cpuinfo": {"cpus": 4, "cores": 4, "sockets": 1, "model": "Intel(R) Core(TM) i5-6500T CPU @ 2.50GHz"},
    "memory": {"total": 16663883776, "used": 5318197248, "free": 11345686528},
    "swap": {"total": 0, "used": 0, "free": 0},
    "rootfs": {"total": 29394726912, "used": 4171849728, "free": 25222877184, "avail": 23697764352},
    "ksm": {"shared": 0},
}

QEMU_LIST_PVE8: Json = [
    {
        "vmid": 100,
        "name": "homeassistant",
        "status": "running",
        "cpu": 0.0312,
        "cpus": 2,
        "mem": 2147483648,
        "maxmem": 4294967296,
        "disk": 0,
        "maxdisk": 34359738368,
        "netin": 123456789,
        "netout": 98765432,
        "diskread": 0,
        "diskwrite": 0,
        "uptime": 86400,
        "pid": 1234,
        "tags": "prod;ha",
    },
    {
        "vmid": 9000,
        "name": "debian-template",
        "status": "stopped",
        "cpu": 0,
        "cpus": 1,
        "mem": 0,
        "maxmem": 2147483648,
        "disk": 0,
        "maxdisk": 8589934592,
        "netin": 0,
        "netout": 0,
        "diskread": 0,
        "diskwrite": 0,
        "uptime": 0,
        "template": 1,
    },
]

LXC_LIST_PVE7: Json = [
    {
        "vmid": "101",
        "type": "lxc",
        "name": "pihole",
        "status": "running",
        "cpu": 0.0021,
        "cpus": "2",
        "mem": 123456789,
        "maxmem": 536870912,
        "swap": 0,
        "maxswap": "536870912",
        "disk": 1234567890,
        "maxdisk": 8589934592,
        "netin": 1000,
        "netout": 2000,
        "diskread": 3000,
        "diskwrite": 4000,
        "uptime": 3600,
        "pid": "4242",
        "tags": "dns, infra",
        "lock": "",
        "template": "",
    },
    {"vmid": "102", "type": "lxc", "name": "stopped-ct", "status": "stopped", "maxmem": 536870912},
]

LXC_LIST_PVE9: Json = [
    {
        "vmid": 101,
        "type": "lxc",
        "name": "pihole",
        "status": "running",
        "cpu": 0.0021,
        "cpus": 2,
        "mem": 123456789,
        "maxmem": 536870912,
        "disk": 1234567890,
        "maxdisk": 8589934592,
        "netin": 1000,
        "netout": 2000,
        "diskread": 3000,
        "diskwrite": 4000,
        "uptime": 3600,
        "pressurecpusome": "0.00",
        "pressurecpufull": "0.00",
        "pressureiosome": "0.12",
        "pressurememorysome": "0.00",
    },
]

QEMU_STATUS_CURRENT: Json = {
    "vmid": 100,
    "name": "homeassistant",
    "status": "running",
    "qmpstatus": "running",
    "agent": 1,
    "cpu": 0.05,
    "cpus": 2,
    "mem": 2147483648,
    "maxmem": 4294967296,
    "disk": 0,
    "maxdisk": 34359738368,
    "netin": 1,
    "netout": 2,
    "diskread": 3,
    "diskwrite": 4,
    "uptime": 86400,
    "pid": 1234,
    "ha": {"managed": 1, "state": "started", "group": "prefer-pve1"},
    "running-qemu": "9.2.0",
    "running-machine": "pc-q35-9.2+pve1",
    "pressurecpusome": 0.0,
}

LXC_STATUS_CURRENT_STOPPED: Json = {
    "vmid": 102,
    "name": "stopped-ct",
    "status": "stopped",
    "type": "lxc",
    "maxmem": 536870912,
    "ha": {"managed": 0},
}

NODES: Json = [
    {
        "node": "pve1",
        "status": "online",
        "cpu": 0.05,
        "maxcpu": 16,
        "mem": 20000000000,
        "maxmem": 67108864000,
        "disk": 25000000000,
        "maxdisk": 100000000000,
        "uptime": 123456,
        "level": "",
        "id": "node/pve1",
        "type": "node",
        "ssl_fingerprint": "AB:" * 31 + "AB",
    },
    {"node": "pve2", "status": "offline", "id": "node/pve2", "type": "node", "level": ""},
]

CLUSTER_RESOURCES: Json = [
    {"id": "node/pve1", "type": "node", "node": "pve1", "status": "online", "cpu": 0.05, "maxcpu": 16},
    {"id": "node/pve2", "type": "node", "node": "pve2", "status": "offline"},
    {
        "id": "qemu/100",
        "type": "qemu",
        "vmid": 100,
        "node": "pve1",
        "name": "homeassistant",
        "status": "running",
        "cpu": 0.03,
        "maxcpu": 2,
        "mem": 1,
        "maxmem": 2,
        "disk": 0,
        "maxdisk": 3,
        "netin": 4,
        "netout": 5,
        "diskread": 6,
        "diskwrite": 7,
        "uptime": 8,
        "template": 0,
        "tags": "prod;ha",
        "hastate": "started",
        "pool": "core",
    },
    {"id": "lxc/101", "type": "lxc", "vmid": 101, "node": "pve1", "status": "stopped", "lock": "backup"},
    {
        "id": "storage/pve1/local",
        "type": "storage",
        "node": "pve1",
        "storage": "local",
        "status": "available",
        "shared": 0,
        "content": "iso,vztmpl,backup",
        "plugintype": "dir",
        "disk": 10,
        "maxdisk": 100,
    },
    {"id": "pool/core", "type": "pool", "pool": "core"},
]

CLUSTER_STATUS: Json = [
    {"id": "cluster", "type": "cluster", "name": "homelab", "nodes": 3, "quorate": 1, "version": 5},
    {
        "id": "node/pve1",
        "type": "node",
        "name": "pve1",
        "nodeid": 1,
        "online": 1,
        "local": 1,
        "ip": "192.0.2.11",
        "level": "",
    },
    {
        "id": "node/pve2",
        "type": "node",
        "name": "pve2",
        "nodeid": 2,
        "online": 0,
        "local": 0,
        "ip": "192.0.2.12",
    },
]

STANDALONE_STATUS: Json = [
    {
        "id": "node/pve",
        "type": "node",
        "name": "pve",
        "nodeid": 0,
        "online": 1,
        "local": 1,
        "ip": "192.0.2.10",
    },
]

STORAGES: Json = [
    {
        "storage": "local",
        "type": "dir",
        "content": "vztmpl,iso,backup",
        "shared": 0,
        "enabled": 1,
        "active": 1,
        "total": 100,
        "used": 25,
        "avail": 75,
        "used_fraction": 0.25,
    },
    {"storage": "nfs-backup", "type": "nfs", "content": "backup", "shared": 1, "enabled": 1, "active": 0},
]

TASKS: Json = [
    {
        "upid": "UPID:pve1:00001234:0000ABCD:66000000:vzdump:100:root@pam:",
        "node": "pve1",
        "pid": 4660,
        "pstart": 43981,
        "starttime": 1711276032,
        "endtime": 1711276100,
        "type": "vzdump",
        "id": "100",
        "user": "root@pam",
        "status": "OK",
    },
    {
        "upid": "UPID:pve1:00001235:0000ABCE:66000100:vzdump::root@pam:",
        "node": "pve1",
        "pid": 4661,
        "pstart": 43982,
        "starttime": 1711276288,
        "type": "vzdump",
        "id": "",
        "user": "root@pam",
    },
    {
        "upid": "UPID:pve1:00001236:0000ABCF:66000200:vzdump:101:root@pam:",
        "node": "pve1",
        "pid": 4662,
        "pstart": 43983,
        "starttime": 1711276544,
        "endtime": 1711276600,
        "type": "vzdump",
        "id": "101",
        "user": "root@pam",
        "status": "job errors",
    },
]

BACKUP_JOBS: Json = [
    {
        "id": "backup-1a2b3c4d-5e6f",
        "type": "vzdump",
        "schedule": "sun 01:00",
        "storage": "nfs-backup",
        "enabled": 1,
        "all": 1,
        "exclude": "9000,9001",
        "mode": "snapshot",
        "next-run": 1711846800,
        "comment": "weekly",
    },
    {
        "id": "backup-2",
        "type": "vzdump",
        "schedule": "daily",
        "storage": "local",
        "enabled": 0,
        "vmid": "100,101",
        "node": "pve1",
    },
    {"id": "backup-old", "type": "vzdump", "starttime": "02:30", "dow": "mon,tue", "pool": "core"},
]

BACKUP_VOLUMES: Json = [
    {
        "volid": "nfs-backup:backup/vzdump-qemu-100-2024_03_24-02_00_05.vma.zst",
        "content": "backup",
        "format": "vma.zst",
        "subtype": "qemu",
        "vmid": 100,
        "ctime": 1711245605,
        "size": 2147483648,
        "notes": "homeassistant",
        "protected": 1,
    },
    {
        "volid": "nfs-backup:backup/vzdump-lxc-101-2024_03_24-02_03_10.tar.zst",
        "content": "backup",
        "format": "tar.zst",
        "subtype": "lxc",
        "vmid": "101",
        "ctime": 1711245790,
        "size": 536870912,
    },
    {
        "volid": "pbs:backup/ct/102/2024-03-24T02:05:00Z",
        "content": "backup",
        "format": "pbs-ct",
        "vmid": 102,
        "ctime": 1711245900,
        "size": 104857600,
        "verification": {
            "state": "ok",
            "upid": "UPID:pbs:000012AB:0000AB12:00000001:66000000:verify::root@pam:",
        },
        "encrypted": "1",
    },
    {"volid": "local:backup/vzdump-openvz-103-2012_01_01-00_00_00.tgz", "format": "tgz", "ctime": 1325376000},
]

NOT_BACKED_UP: Json = [
    {"vmid": 103, "type": "qemu", "name": "scratch"},
    {"vmid": "104", "type": "lxc"},
]

HA_STATUS: Json = [
    {"id": "quorum", "type": "quorum", "node": "pve1", "status": "OK", "quorate": 1},
    {"id": "master", "type": "master", "node": "pve1", "status": "pve1 (active, Mon Mar 25 10:00:00 2024)"},
    {"id": "lrm:pve1", "type": "lrm", "node": "pve1", "status": "pve1 (active, Mon Mar 25 10:00:00 2024)"},
    {
        "id": "service:vm:100",
        "type": "service",
        "node": "pve1",
        "sid": "vm:100",
        "state": "started",
        "crm_state": "started",
        "request_state": "started",
        "status": "vm:100 (pve1, started)",
        "max_restart": 1,
        "max_relocate": 1,
    },
]

PERMISSIONS: Json = {
    "/": {"Sys.Audit": 1, "VM.Audit": 1, "Datastore.Audit": 1},
    "/nodes/pve1": {"Sys.Audit": 0},
    "/vms/100": {"VM.Audit": True, "VM.PowerMgmt": "1", "weird": "x"},
    "/bad": "not an object",
}

TICKET: Json = {
    "ticket": "PVE:homeassistant@pve:66000000::c2lnbmF0dXJl",
    "CSRFPreventionToken": "66000000:Y3NyZg",
    "username": "homeassistant@pve",
    "clustername": "homelab",
    "cap": {"vms": {}},
}

VERSION: Json = {"version": "9.0.10", "release": "9.0", "repoid": "49c767b70aeb6648", "console": "html5"}
