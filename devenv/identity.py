"""A stable identity for the development simulator, so Home Assistant's saved entry survives restarts.

The certificate (whose fingerprint the entry pins) and the token secret are kept in the (ignored)
config folder.
"""

from __future__ import annotations

import json
from pathlib import Path
import uuid

from simulator.tls import TlsMaterial, generate


def load_or_create(path: Path) -> tuple[TlsMaterial, str]:
    """The TLS material and token secret saved at ``path``, made and saved on first use."""
    if path.is_file():
        saved = json.loads(path.read_text())
        material = TlsMaterial(
            ca_pem=saved["ca_pem"].encode(),
            cert_pem=saved["cert_pem"].encode(),
            key_pem=saved["key_pem"].encode(),
            fingerprint=saved["fingerprint"],
        )
        return material, str(saved["token_secret"])
    material = generate(("localhost", "127.0.0.1", "::1"))
    secret = str(uuid.uuid4())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "ca_pem": material.ca_pem.decode(),
                "cert_pem": material.cert_pem.decode(),
                "key_pem": material.key_pem.decode(),
                "fingerprint": material.fingerprint,
                "token_secret": secret,
            }
        )
    )
    path.chmod(0o600)
    return material, secret
