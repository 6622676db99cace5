"""Sending: web push through pywebpush's async path (VAPID headers signed once per push service
and reused until shortly before they expire), and the work-chat group robots (WeCom, DingTalk)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from datetime import datetime, timedelta
from urllib.parse import quote_plus, urlparse

import aiohttp
import msgspec
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush_async

from app.alerts.vapid import vapid
from app.outbound import UnsafeAddress, client_session, url_problem
from app.settings import get_settings

VAPID_LIFETIME = timedelta(hours=12)  # RFC 8292: at most 24 h
VAPID_RENEW_BEFORE = timedelta(hours=1)
TIMEOUT_SECONDS = 10.0
# No request was made: the address is not a public https one (app.outbound). 421 Misdirected
# Request is not retried for push (queue.retryable), so the delivery fails at once with the reason.
REFUSED_STATUS = 421


class SendResult(msgspec.Struct):
    ok: bool
    status: int | None = None  # HTTP status; None when the network failed
    error: str = ""
    retry_after: float | None = None  # seconds, from a Retry-After header


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff


def origin(url: str) -> str:
    parts = urlparse(url)
    return f"{parts.scheme}://{parts.netloc}"


def _refused(reason: str) -> SendResult:
    return SendResult(ok=False, status=REFUSED_STATUS, error=f"not sent, not a public address: {reason}"[:300])


class VapidHeaders:
    """The Authorization header per push-service origin (the JWT's `aud`), reused while it is valid:
    signing is an ECDSA operation, not worth repeating for every message."""

    def __init__(self, signer: Vapid02, subject: str) -> None:
        self.signer = signer
        self.subject = subject
        self.signed = 0  # how many JWTs were made (tests and the benchmark read it)
        self._cache: dict[str, tuple[datetime, dict[str, str]]] = {}

    def for_endpoint(self, endpoint: str, now: datetime) -> dict[str, str]:
        audience = origin(endpoint)
        cached = self._cache.get(audience)
        if cached and cached[0] - now > VAPID_RENEW_BEFORE:
            return cached[1]
        expires = now + VAPID_LIFETIME
        headers = self.signer.sign({"aud": audience, "exp": int(expires.timestamp()), "sub": self.subject})
        self._cache[audience] = (expires, headers)
        self.signed += 1
        return headers


def webhook_body(kind: str, text: str, mobiles: list[str]) -> dict:
    """The robot message: WeCom and DingTalk both take {"msgtype": "text", "text": {"content": …}};
    they differ in how people are mentioned."""
    if kind == "dingtalk":
        content = text + ("\n" + " ".join(f"@{m}" for m in mobiles) if mobiles else "")
        return {"msgtype": "text", "text": {"content": content}, "at": {"atMobiles": mobiles, "isAtAll": False}}
    body: dict = {"msgtype": "text", "text": {"content": text}}
    if mobiles:
        body["text"]["mentioned_mobile_list"] = mobiles
    return body


def dingtalk_signed_url(url: str, secret: str, now_ms: int | None = None) -> str:
    """DingTalk's 加签: timestamp and HMAC-SHA256 of "timestamp\\nsecret", appended to the URL."""
    timestamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = quote_plus(base64.b64encode(digest).decode())
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}&sign={sign}"


class Senders:
    """The push and webhook senders with one shared HTTP session; `async with Senders() as s: …`."""

    def __init__(self, signer: Vapid02 | None = None, subject: str | None = None) -> None:
        self.vapid = VapidHeaders(signer or vapid(), subject or get_settings().vapid_subject)
        self.session: aiohttp.ClientSession | None = None
        self.timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)

    async def __aenter__(self) -> Senders:
        self.session = client_session(self.timeout)  # public https addresses only (app.outbound)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.session is not None:
            await self.session.close()
            self.session = None

    async def push(self, subscription: dict, payload: bytes, *, ttl: int, urgency: str, now: datetime) -> SendResult:
        """Encrypt (aes128gcm) and send one push message; 201 means the push service took it."""
        assert self.session is not None, "use `async with Senders()`"
        if problem := url_problem(subscription["endpoint"]):
            return _refused(problem)
        headers = {**self.vapid.for_endpoint(subscription["endpoint"], now), "Urgency": urgency}
        info = {
            "endpoint": subscription["endpoint"],
            "keys": {"p256dh": subscription["p256dh"], "auth": subscription["auth"]},
        }
        try:
            response = await webpush_async(
                subscription_info=info,
                data=payload,  # bytes are accepted and sent as they are
                headers=headers,
                ttl=ttl,
                timeout=self.timeout,
                aiohttp_session=self.session,
            )
        except WebPushException as exc:
            return SendResult(
                ok=False, status=exc.status_code, error=exc.message[:300], retry_after=_retry_after(exc.retry_after)
            )
        except UnsafeAddress as exc:
            return _refused(str(exc))
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            return SendResult(ok=False, error=f"{type(exc).__name__}: {exc}"[:300])
        return SendResult(ok=True, status=response.status)

    async def webhook(self, settings: dict, text: str, mobiles: list[str]) -> SendResult:
        """Post to the office's group robot. Both robots answer 200 with {"errcode": 0} on success."""
        assert self.session is not None, "use `async with Senders()`"
        kind, url = settings.get("webhook_kind") or "", settings.get("webhook_url") or ""
        if not kind or not url:
            return SendResult(ok=False, error="no work-chat robot configured")
        if problem := url_problem(url):
            return _refused(problem)
        if kind == "dingtalk" and settings.get("webhook_secret"):
            url = dingtalk_signed_url(url, settings["webhook_secret"])
        try:
            async with self.session.post(
                url, json=webhook_body(kind, text, mobiles), allow_redirects=False
            ) as response:
                raw = await response.read()
                status = response.status
                retry = _retry_after(response.headers.get("Retry-After"))
        except UnsafeAddress as exc:
            return _refused(str(exc))
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            return SendResult(ok=False, error=f"{type(exc).__name__}: {exc}"[:300])
        if status >= 300:
            return SendResult(ok=False, status=status, error=raw[:200].decode(errors="replace"), retry_after=retry)
        try:
            answer = msgspec.json.decode(raw)
        except msgspec.DecodeError:
            return SendResult(ok=False, status=status, error="the robot did not answer JSON")
        errcode = answer.get("errcode", 0) if isinstance(answer, dict) else "?"
        if errcode != 0:
            message = answer.get("errmsg", "") if isinstance(answer, dict) else "unexpected answer"
            return SendResult(ok=False, status=status, error=f"errcode {errcode}: {message}"[:300])
        return SendResult(ok=True, status=status)
