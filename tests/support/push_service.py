"""Loopback doubles of the outside services alerts talk to, run by the tests themselves:

- `PushServiceDouble`: a web push service. It checks each request as a real one would — the VAPID
  JWT's ES256 signature against the app's public key, its audience and expiry, the TTL and
  Content-Encoding headers — and decrypts the aes128gcm body (RFC 8291) with the private key of a
  subscription made here with real EC keys, so a test asserts on the payload the phone would get.
- `WebhookDouble`: a WeCom/DingTalk group robot that records the JSON it is posted.

Answers can be scripted per subscription / per call (404, 410, 429, 5xx, robot errcodes).
"""

from __future__ import annotations

import base64
import json
import os
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlparse

import http_ece
from aiohttp import web
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64u_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class VapidError(Exception):
    pass


def verify_vapid(header: str, expected_key: str, audience: str) -> dict:
    """Check `Authorization: vapid t=<jwt>,k=<key>` (RFC 8292); returns the JWT claims."""
    scheme, _, params = header.partition(" ")
    if scheme.lower() != "vapid":
        raise VapidError(f"scheme {scheme!r}")
    parts = dict(p.strip().split("=", 1) for p in params.split(","))
    if parts.get("k") != expected_key:
        raise VapidError("the public key is not the application server key")
    head_b64, claims_b64, signature_b64 = parts["t"].split(".")
    head = json.loads(b64u_decode(head_b64))
    if head.get("alg") != "ES256":
        raise VapidError(f"alg {head.get('alg')!r}")
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64u_decode(expected_key))
    raw = b64u_decode(signature_b64)
    if len(raw) != 64:
        raise VapidError("an ES256 signature is 64 bytes (r || s)")
    signature = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        public.verify(signature, f"{head_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as exc:
        raise VapidError("bad signature") from exc
    claims = json.loads(b64u_decode(claims_b64))
    if claims.get("aud") != audience:
        raise VapidError(f"aud {claims.get('aud')!r} is not {audience!r}")
    now = time.time()
    if not now < claims.get("exp", 0) <= now + 24 * 3600:
        raise VapidError("exp must be in the future and at most 24 hours away")
    if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
        raise VapidError("sub must be a mailto: or https: contact")
    return claims


@dataclass
class PushSubscriptionKeys:
    """A browser's side of a subscription: its ECDH key pair and auth secret."""

    token: str
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes

    @property
    def p256dh(self) -> str:
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64u(point)

    def as_json(self, label: str = "test phone") -> dict:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": b64u(self.auth)}, "label": label}


@dataclass
class PushAttempt:
    token: str
    status: int
    payload: dict | None  # decrypted (None when the request was refused before decrypting)
    headers: Mapping[str, str]
    claims: dict | None
    error: str = ""


class _Loopback:
    def __init__(self) -> None:
        self.runner: web.AppRunner | None = None
        self.base_url = ""

    def routes(self, app: web.Application) -> None:
        raise NotImplementedError

    async def start(self) -> None:
        app = web.Application()
        self.routes(app)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


class PushServiceDouble(_Loopback):
    def __init__(self, vapid_public_key: str) -> None:
        super().__init__()
        self.vapid_public_key = vapid_public_key
        self.subscriptions: dict[str, PushSubscriptionKeys] = {}
        self.script: dict[str, list[int]] = defaultdict(list)
        self.retry_after: dict[str, str] = {}
        self.attempts: list[PushAttempt] = []

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/push/{token}", self.handle)

    def new_subscription(self) -> PushSubscriptionKeys:
        token = b64u(os.urandom(12))
        keys = PushSubscriptionKeys(
            token=token,
            endpoint=f"{self.base_url}/push/{token}",
            private_key=ec.generate_private_key(ec.SECP256R1()),
            auth=os.urandom(16),
        )
        self.subscriptions[token] = keys
        return keys

    def answer(self, keys: PushSubscriptionKeys, *statuses: int, retry_after: str | None = None) -> None:
        """The next answers for this subscription, in order (then 201 Created)."""
        self.script[keys.token].extend(statuses)
        if retry_after:
            self.retry_after[keys.token] = retry_after

    def delivered(self, keys: PushSubscriptionKeys | None = None) -> list[dict]:
        """Payloads accepted (201), decrypted, in arrival order."""
        return [
            a.payload
            for a in self.attempts
            if a.status == 201 and a.payload is not None and (keys is None or a.token == keys.token)
        ]

    async def handle(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        headers = request.headers.copy()  # case-insensitive, as HTTP headers are
        body = await request.read()
        keys = self.subscriptions.get(token)
        if keys is None:
            self.attempts.append(PushAttempt(token, 404, None, headers, None, "unknown subscription"))
            return web.Response(status=404)
        try:
            claims = verify_vapid(request.headers.get("Authorization", ""), self.vapid_public_key, self.base_url)
        except (VapidError, KeyError, ValueError) as exc:
            self.attempts.append(PushAttempt(token, 403, None, headers, None, f"VAPID: {exc}"))
            return web.Response(status=403, text=str(exc))
        if request.headers.get("Content-Encoding") != "aes128gcm" or "TTL" not in request.headers:
            self.attempts.append(PushAttempt(token, 400, None, headers, claims, "headers"))
            return web.Response(status=400)
        plaintext = http_ece.decrypt(body, private_key=keys.private_key, auth_secret=keys.auth, version="aes128gcm")
        payload = json.loads(plaintext)
        status = self.script[token].pop(0) if self.script[token] else 201
        self.attempts.append(PushAttempt(token, status, payload, headers, claims))
        extra = {"Retry-After": self.retry_after[token]} if status == 429 and token in self.retry_after else {}
        return web.Response(status=status, headers=extra)


@dataclass
class RobotPost:
    path: str
    query: dict
    body: dict
    status: int
    answer: dict = field(default_factory=dict)


class WebhookDouble(_Loopback):
    """A group robot: answers 200 {"errcode": 0, "errmsg": "ok"} unless scripted otherwise."""

    def __init__(self) -> None:
        super().__init__()
        self.posts: list[RobotPost] = []
        self.script: list[tuple[int, dict]] = []

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/cgi-bin/webhook/send", self.handle)
        app.router.add_post("/robot/send", self.handle)

    @property
    def wecom_url(self) -> str:
        return f"{self.base_url}/cgi-bin/webhook/send?key=test-key"

    @property
    def dingtalk_url(self) -> str:
        return f"{self.base_url}/robot/send?access_token=test-token"

    def answer(self, status: int, errcode: int = 0, errmsg: str = "ok") -> None:
        self.script.append((status, {"errcode": errcode, "errmsg": errmsg}))

    def accepted(self) -> list[dict]:
        return [p.body for p in self.posts if p.status == 200 and p.answer.get("errcode") == 0]

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        status, answer = self.script.pop(0) if self.script else (200, {"errcode": 0, "errmsg": "ok"})
        self.posts.append(RobotPost(request.path, dict(request.query), body, status, answer))
        if status != 200:
            return web.Response(status=status, text="unavailable")
        return web.json_response(answer)


def audience(url: str) -> str:
    parts = urlparse(url)
    return f"{parts.scheme}://{parts.netloc}"
