"""VAPID keys (RFC 8292): made once into the data directory (`python -m app vapid-keys`, or on first
use), or given as VAPID_PRIVATE_KEY so that several app instances sign with one key."""

from __future__ import annotations

import base64
import functools
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02

from app.settings import Settings, get_settings

KEY_FILE = "vapid_private.pem"


def key_path(settings: Settings | None = None) -> Path:
    return (settings or get_settings()).data_dir / KEY_FILE


def _pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def ensure_key_file(settings: Settings | None = None) -> tuple[Path, bool]:
    """Create the key file unless it exists; returns (path, created). Safe when several processes
    start at once: the file is linked into place atomically, and a loser reads the winner's key."""
    path = key_path(settings)
    if path.exists():
        return path, False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{KEY_FILE}.{os.getpid()}.tmp")
    tmp.write_bytes(_pem(ec.generate_private_key(ec.SECP256R1())))
    tmp.chmod(0o600)
    try:
        os.link(tmp, path)
        created = True
    except FileExistsError:
        created = False
    finally:
        tmp.unlink(missing_ok=True)
    return path, created


def _from_text(text: str) -> Vapid02:
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode(), password=None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        return Vapid02(private_key=key)
    return Vapid02.from_string(text)  # raw 32-byte scalar or DER, base64url


@functools.cache
def vapid() -> Vapid02:
    """The signing key of this installation."""
    settings = get_settings()
    if settings.vapid_private_key:
        return _from_text(settings.vapid_private_key)
    path, _ = ensure_key_file(settings)
    return _from_text(path.read_text())


def public_key_of(signer: Vapid02) -> str:
    """The public key as the browser's `applicationServerKey` wants it: base64url, uncompressed point."""
    raw = signer.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def public_key() -> str:
    return public_key_of(vapid())
