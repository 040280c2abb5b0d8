"""Where a district deployment keeps its private signing keys (上报包签名私钥).

One PEM file per district, ``<key folder>/<区名>.pem``, readable by the platform's own user
only (mode 0600, like ``secret_key``). The key folder is ``QUALITYMONTH_UPWARD_KEY_DIR`` when
set (a mounted secret, say), else ``upward-keys`` under ``QUALITYMONTH_DATA_DIR``. Made by
``qualitymonth upward-keygen``; the private key never leaves the district's server: only its
public key goes to the city.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings

from . import signing

KEY_DIR_VARIABLE = "QUALITYMONTH_UPWARD_KEY_DIR"
_FILE_NAME = re.compile(r"[^/\\\x00-\x1f]+")


def key_dir() -> Path:
    return Path(os.environ.get(KEY_DIR_VARIABLE) or settings.DATA_DIR / "upward-keys")


def key_file(district: str) -> Path:
    if not _FILE_NAME.fullmatch(district) or district.startswith("."):
        raise ValueError(f"not a district name to keep a key under: {district!r}")
    return key_dir() / f"{district}.pem"


def load(district: str) -> Ed25519PrivateKey | None:
    """The district's private key, None if it has none; `signing.KeyFormatError` if its file
    is damaged."""
    try:
        pem = key_file(district).read_bytes()
    except FileNotFoundError:
        return None
    return signing.private_key(pem)


def create(district: str) -> Ed25519PrivateKey:
    """A new private key for the district, written to its file (replacing one there): to a
    temporary file of mode 0600 first, then renamed, so no reader sees half a key."""
    path = key_file(district)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    pem = signing.new_private_key()
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".new-", suffix=".pem")
    try:
        with os.fdopen(handle, "wb") as file:  # mkstemp opens it 0600, whatever the umask
            file.write(pem)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return signing.private_key(pem)
