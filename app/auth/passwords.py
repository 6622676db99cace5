"""Password and PIN hashing with Argon2id (memory-hard)."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2-cffi defaults: Argon2id, 64 MiB, t=3
# A hash of a random password, verified when the username is unknown so that the
# answer takes as long as for a real account (no user enumeration by timing).
_DUMMY_HASH = _hasher.hash("not-a-password-at-all")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
