"""Server-side request forgery guard: where a webhook may be sent.

Checked when an endpoint is saved and again before every attempt, on the addresses the name resolves
to at that moment; the connection is then made to the checked address (no second lookup an attacker's
DNS could answer differently).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

# Cloud metadata services: never reachable, even with the development setting.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200")
)


class UnsafeUrl(ValueError):
    """The URL may not receive webhooks; the message says why (shown to the client)."""


def allow_private() -> bool:
    return bool(getattr(settings, "CASHSHEET_WEBHOOK_ALLOW_PRIVATE", False))


def _address_refusal(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, *, private_ok: bool) -> str | None:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip in METADATA_ADDRESSES:
        return f"{ip} is a cloud metadata address"
    if private_ok:
        return None
    if ip.is_loopback:
        return f"{ip} is a loopback address"
    if ip.is_link_local:
        return f"{ip} is a link-local address"
    if ip.is_private:
        return f"{ip} is a private address"
    if not ip.is_global or ip.is_multicast or ip.is_unspecified or ip.is_reserved:
        return f"{ip} is not a public address"
    return None


def parse(url: str, *, private_ok: bool | None = None) -> tuple[str, str, int]:
    """(scheme, host, port) of an acceptable URL, or UnsafeUrl."""
    private_ok = allow_private() if private_ok is None else private_ok
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeUrl(f"Not a valid URL: {exc}.") from None
    schemes = {"https", "http"} if private_ok else {"https"}
    if parts.scheme not in schemes:
        raise UnsafeUrl("The URL must use https." if not private_ok else "The URL must use http or https.")
    if not parts.hostname:
        raise UnsafeUrl("The URL has no host.")
    if parts.username or parts.password:
        raise UnsafeUrl("The URL may not carry a user name or password.")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


def resolve(url: str, *, private_ok: bool | None = None) -> tuple[str, str, int, str]:
    """Check `url` and the addresses its host resolves to now: (scheme, host, port, address to connect to)."""
    private_ok = allow_private() if private_ok is None else private_ok
    scheme, host, port = parse(url, private_ok=private_ok)
    try:
        literal = ipaddress.ip_address(host)
        addresses = [literal]
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise UnsafeUrl(f"The host {host} does not resolve ({exc.strerror or exc}).") from None
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not addresses:
        raise UnsafeUrl(f"The host {host} does not resolve.")
    # Every address must pass: a name that resolves to one public and one private address is refused.
    for ip in addresses:
        reason = _address_refusal(ip, private_ok=private_ok)
        if reason:
            raise UnsafeUrl(f"Webhooks may not be sent to {host}: {reason}.")
    return scheme, host, port, str(addresses[0])
