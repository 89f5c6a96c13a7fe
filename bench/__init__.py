"""Benchmark of the Proxmox VE Live integration: requests, freshness and Home Assistant load.

One module per job: ``cli`` (scenarios and windows in turn), ``window`` (one measured window in its
own process), ``hass_core`` (a real Home Assistant core with the recorder on SQLite), ``simproc`` /
``simlink`` (the simulator in its own process and the channel to it), ``driver`` and ``statewatch``
(changes and the lag until Home Assistant shows them), ``loopmeter`` (event-loop busy time),
``measures`` (ticks, memory, recorder rows, percentiles), ``variants`` (the baselines) and ``report``
(tables, targets, the JSON line).
"""
