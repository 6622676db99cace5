"""Outbound requests (push services, work-chat robots) go only to public https addresses
(DESIGN "Security", issue 16: SSRF).

Checked three times: when an address is registered (`address_problem`, with a DNS look-up), before
each send and each redirect hop (`guard_middleware`: scheme and IP literals), and at connect time
(`PublicOnlyResolver`: every address a name resolves to, so a name that changes its DNS answer
after it was registered — DNS rebinding — is still refused).

Not public: loopback, private (RFC 1918, ULA), link-local, multicast, reserved, unspecified,
shared address space (100.64/10), and the cloud metadata addresses (169.254.169.254,
fd00:ec2::254, Alibaba's 100.100.100.200) — `ipaddress`'s `is_global` plus the explicit list.

`APP_OUTBOUND_ALLOW` (comma-separated `host:port`, or `host:*` for any port) exempts exact hosts
from both rules — the tests' loopback push service and robot doubles (plain http, random port).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from typing import Any
from urllib.parse import urlparse

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from app.i18n import _
from app.settings import get_settings

METADATA = tuple(ipaddress.ip_network(n) for n in ("169.254.169.254/32", "fd00:ec2::254/128", "100.100.100.200/32"))
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


class UnsafeAddress(aiohttp.ClientConnectionError):
    """Refused before connecting: not a public https address."""


def is_public(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if any(ip in network for network in METADATA):
        return False
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_private or ip.is_link_local)


def _port(scheme: str, port: int | None) -> int:
    return port or (443 if scheme == "https" else 80)


def is_allowed(host: str, port: int) -> bool:
    """An exact host from APP_OUTBOUND_ALLOW (`host:port` or `host:*`)."""
    host = host.lower().strip("[]")
    for entry in get_settings().outbound_allow:
        allowed_host, _sep, allowed_port = entry.rpartition(":")
        if allowed_host.lower().strip("[]") == host and allowed_port in {"*", str(port)}:
            return True
    return False


def url_problem(url: str) -> str | None:
    """Why this URL may not be called (without DNS), or None: https, a host, no private IP literal."""
    try:
        parts = urlparse(url)
        port = _port(parts.scheme, parts.port)
    except ValueError:
        return _("This is not a valid web address.")
    host = parts.hostname or ""
    if not host:
        return _("This is not a valid web address.")
    if is_allowed(host, port):
        return None
    if parts.scheme != "https":
        return _("The address must start with https://.")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if host.lower() in _LOCAL_NAMES or host.lower().endswith((".localhost", ".local", ".internal")):
            return _("The address must be on the public internet, not inside this network.")
        return None
    return None if is_public(host) else _("The address must be on the public internet, not inside this network.")


async def address_problem(url: str) -> str | None:
    """`url_problem` plus a DNS look-up: a name resolving to any non-public address is refused.
    A name that does not resolve now is let through here (the connect-time check still applies)."""
    if problem := url_problem(url):
        return problem
    parts = urlparse(url)
    host = parts.hostname or ""
    port = _port(parts.scheme, parts.port)
    if is_allowed(host, port):
        return None
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return None
    if any(not is_public(str(info[4][0])) for info in infos):
        return _("The address must be on the public internet, not inside this network.")
    return None


class PublicOnlyResolver(AbstractResolver):
    """aiohttp resolver that refuses a name when any of its addresses is not public."""

    def __init__(self) -> None:
        self._inner = DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        if is_allowed(host, port):
            return results
        if not results or any(not is_public(r["host"]) for r in results):
            raise UnsafeAddress(f"{host} resolves to an address that is not public")
        return results

    async def close(self) -> None:
        await self._inner.close()


async def guard_middleware(request: aiohttp.ClientRequest, handler: Any) -> aiohttp.ClientResponse:
    """aiohttp client middleware: every request and every redirect hop passes `url_problem`."""
    if problem := url_problem(str(request.url)):
        raise UnsafeAddress(f"{request.url.host}: {problem}")
    return await handler(request)


def client_session(timeout: aiohttp.ClientTimeout) -> aiohttp.ClientSession:
    """An HTTP client session that only reaches public https addresses (or allow-listed ones)."""
    connector = aiohttp.TCPConnector(resolver=PublicOnlyResolver())
    return aiohttp.ClientSession(timeout=timeout, connector=connector, middlewares=(guard_middleware,))
