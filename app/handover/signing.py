"""Signatures on a handover (H7) that work offline, on one phone, for two people.

The phone cannot check a PIN or password offline, and must not keep one in IndexedDB. So at the
moment of signing it encrypts `{secret, handover, role, staff, mutation id}` to the server's handover
key (ECDH P-256 + HKDF-SHA256 + AES-256-GCM, WebCrypto) and forgets the secret; only the ciphertext
waits in the outbox. At sync the server decrypts it, checks that it is bound to this very change, and
verifies the secret against the person's PIN or password hash (Argon2id), with a lock after repeated
failures. The key pair is derived from SECRET_KEY, so every app instance holds the same one.
Details and the reasoning: docs/handover.md.
"""

from __future__ import annotations

import base64
import functools
import json
import os
from datetime import UTC, datetime, timedelta

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from app.auth import directory
from app.auth.passwords import PasswordCheckBusy, check_password, make_hash
from app.auth.schemas import CurrentStaff
from app.errors import RuleViolation
from app.handover.schemas import Signature
from app.handover.tables import HandoverPin, SignatureFailure
from app.i18n import _
from app.settings import get_settings
from app.sync.registry import ApplyContext

VERSION = "v1"
CONTEXT = b"kfzx-handover-signature-v1"  # HKDF info and AES-GCM associated data
MAX_FAILURES = 5
LOCK_WINDOW = timedelta(minutes=15)
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


class SignatureError(Exception):
    pass


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@functools.cache
def _private_key(secret: str) -> ec.EllipticCurvePrivateKey:
    seed = HKDF(algorithm=hashes.SHA256(), length=48, salt=None, info=b"kfzx handover key v1").derive(secret.encode())
    scalar = int.from_bytes(seed, "big") % (_P256_ORDER - 1) + 1
    return ec.derive_private_key(scalar, ec.SECP256R1())


def _key() -> ec.EllipticCurvePrivateKey:
    return _private_key(get_settings().secret_key)


def public_key() -> str:
    """The server's handover key (an uncompressed P-256 point, base64url) for the phones."""
    return _b64(_key().public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint))


def _aes_key(shared: bytes, ephemeral: bytes) -> AESGCM:
    return AESGCM(HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral, info=CONTEXT).derive(shared))


def seal(payload: dict) -> str:
    """Encrypt like the phone does (used by the plain-form fallback, so both take one path)."""
    ephemeral = ec.generate_private_key(ec.SECP256R1())
    point = ephemeral.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    shared = ephemeral.exchange(ec.ECDH(), _key().public_key())
    iv = os.urandom(12)
    sealed = _aes_key(shared, point).encrypt(iv, json.dumps(payload).encode(), CONTEXT)
    return ".".join([VERSION, _b64(point), _b64(iv), _b64(sealed)])


def open_proof(proof: str) -> dict:
    """Decrypt a signature proof; SignatureError when it is not one this server can read."""
    try:
        version, point_b64, iv_b64, sealed_b64 = proof.split(".")
        if version != VERSION:
            raise SignatureError("version")
        point = _unb64(point_b64)
        ephemeral = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
        shared = _key().exchange(ec.ECDH(), ephemeral)
        payload = json.loads(_aes_key(shared, point).decrypt(_unb64(iv_b64), _unb64(sealed_b64), CONTEXT))
    except (ValueError, InvalidTag, TypeError, json.JSONDecodeError) as exc:
        raise SignatureError(str(exc)) from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("p"), str):
        raise SignatureError("payload")
    return payload


# --- PINs ------------------------------------------------------------------------------------------


async def has_pin(staff_id: int) -> bool:
    return await HandoverPin.exists().where(HandoverPin.staff == staff_id)


async def set_pin(staff: CurrentStaff, password: str, pin: str) -> None:
    """Set or change one's handover PIN (4–8 digits), confirmed with the account password."""
    if not (pin.isdigit() and 4 <= len(pin) <= 8):
        raise RuleViolation("bad_pin", _("A PIN is 4 to 8 digits."), field="pin")
    try:  # hashing runs in the bounded pool (app.auth.passwords), never on the event loop
        if not await check_password(await directory.password_hash_of(staff.id), password):
            raise RuleViolation("wrong_password", _("Wrong password."), field="password")
        pin_hash = await make_hash(pin)
    except PasswordCheckBusy:
        raise RuleViolation("busy", _("The server is busy. Try again in a minute."), field="password") from None
    if await has_pin(staff.id):
        await HandoverPin.update({HandoverPin.pin_hash: pin_hash, HandoverPin.updated_at: datetime.now(UTC)}).where(
            HandoverPin.staff == staff.id
        )
    else:
        await HandoverPin.insert(HandoverPin(staff=staff.id, pin_hash=pin_hash))


# --- checking a signature at sync --------------------------------------------------------------


def _failures(ctx: ApplyContext) -> list[SignatureFailure]:
    """Failed signatures of this batch: written at its end, so that the mutation's rollback keeps them."""
    key = "handover_signature_failures"
    if key not in ctx.cache:
        ctx.cache[key] = []

        async def flush() -> None:
            if ctx.cache[key]:
                await SignatureFailure.insert(*ctx.cache[key])

        ctx.flushes[key] = flush
    return ctx.cache[key]


async def verify(
    ctx: ApplyContext, signature: Signature, *, role: str, handover_id: str, mutation_id: str, name: str, field: str
) -> None:
    """Check one signature (H7); RuleViolation with a message naming the person when it does not hold."""
    try:
        payload = open_proof(signature.proof)
    except SignatureError:
        message = _("The signature of %(name)s could not be read. Sign again.", name=name)
        raise RuleViolation("signature_unreadable", message, field=field) from None
    bound = (
        payload.get("h") == handover_id
        and payload.get("r") == role
        and payload.get("s") == signature.staff_id
        and payload.get("m") == mutation_id
    )
    if not bound:
        message = _("The signature of %(name)s belongs to another handover or person. Sign again.", name=name)
        raise RuleViolation("signature_mismatch", message, field=field)
    failures = _failures(ctx)
    since = ctx.received_at - LOCK_WINDOW
    recent = await SignatureFailure.count().where(
        (SignatureFailure.staff == signature.staff_id) & (SignatureFailure.failed_at >= since)
    )
    recent += sum(1 for f in failures if f.staff == signature.staff_id)
    if recent >= MAX_FAILURES:
        message = _("Too many wrong PINs or passwords for %(name)s. Wait 15 minutes, then sign again.", name=name)
        raise RuleViolation("signature_locked", message, field=field)
    password_hash = await directory.password_hash_of(signature.staff_id)
    pin = await HandoverPin.select(HandoverPin.pin_hash).where(HandoverPin.staff == signature.staff_id).first()
    secret = payload["p"]
    try:  # in the bounded hashing pool: a handover's signatures never stall the event loop
        ok = pin is not None and await check_password(pin["pin_hash"], secret)
        ok = ok or (password_hash is not None and await check_password(password_hash, secret))
    except PasswordCheckBusy:
        message = _("The server is busy checking signatures. Nothing was lost: sign again in a minute.")
        raise RuleViolation("signature_busy", message, field=field) from None
    if not ok:
        failures.append(
            SignatureFailure(staff=signature.staff_id, office=ctx.staff.office_id, failed_at=ctx.received_at)
        )
        message = _("The PIN or password of %(name)s is wrong. Nothing was lost: sign again.", name=name)
        raise RuleViolation("signature_wrong", message, field=field)
