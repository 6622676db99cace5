"""Checkpoint codes (P1): short, easy to read and type, unique per office; their QR sheet."""

from __future__ import annotations

import hashlib
import secrets

from app.patrols.tables import Checkpoint

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: easy to read and type
CODE_LENGTH = 6


# --- codes ----------------------------------------------------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(value: str) -> str:
    """A typed or scanned code: upper case, no spaces; a scanned URL gives its last path part."""
    value = value.strip().rstrip("/")
    if "/" in value:
        value = value.rsplit("/", 1)[1]
    return "".join(value.split()).replace("-", "").upper()


def code_hash(checkpoint_id: int, code: str) -> str:
    """What the walk page carries instead of the code: the phone checks a typed code offline
    without the page showing it (a code is the proof of having been there)."""
    return hashlib.sha256(f"{checkpoint_id}:{code}".encode()).hexdigest()


async def _unused_code(office_id: int, taken: set[str] | None = None) -> str:
    taken = taken if taken is not None else set()
    while True:
        code = new_code()
        if code not in taken and not await Checkpoint.exists().where(
            (Checkpoint.office == office_id) & (Checkpoint.code == code)
        ):
            taken.add(code)
            return code
