"""Async client for the Proxmox VE API: no Home Assistant imports, typed models, its own errors.

Modules, one job each:

* ``client``: :class:`PveClient`, the read methods (``timeout=`` per call).
* ``auth``: :class:`TokenAuth`, :class:`PasswordAuth` and the ticket login/renewal/re-login logic.
* ``tls``: ssl parameter (verify / pin / off), :func:`fetch_fingerprint`, :func:`normalize_fingerprint`.
* ``transport``: one HTTP request through the injected ``aiohttp.ClientSession``, transport errors mapped.
* ``responses``: status and body of an answer -> ``data`` or the matching error (pure).
* ``parsing`` / ``values``: JSON -> ``models`` (tolerant of PVE 7-9 quirks; see ``parsing``'s policy).
* ``models``, ``errors``: the contract other code builds on.
"""
