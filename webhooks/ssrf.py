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


# IPv6 ranges whose addresses carry an IPv4 destination (RFC 6052 NAT64, deprecated IPv4-compatible): the
# address a relay forwards to is the embedded IPv4 one, so that is the one checked.
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def embedded_ipv4(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address wraps: IPv4-mapped, IPv4-compatible, 6to4 (2002::/16), Teredo
    (2001::/32: its server and its de-obfuscated client) and NAT64. Empty for anything else."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return []
    if ip.ipv4_mapped:
        return [ip.ipv4_mapped]
    if ip.sixtofour:
        return [ip.sixtofour]
    if ip.teredo:
        return list(ip.teredo)
    if any(ip in net for net in _NAT64) or (ip in _IPV4_COMPATIBLE and int(ip) > 1):
        return [ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)]
    return []


def _kind_refused(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, *, private_ok: bool) -> str | None:
    if ip in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if private_ok:
        return None
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_private:
        return "a private address"
    if not ip.is_global or ip.is_multicast or ip.is_unspecified or ip.is_reserved:
        return "not a public address"
    return None


def _address_refusal(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, *, private_ok: bool) -> str | None:
    """Why `ip` may not receive webhooks (e.g. "a private address"), checking what it wraps too, or None."""
    for candidate in [*embedded_ipv4(ip), ip]:
        reason = _kind_refused(candidate, private_ok=private_ok)
        if reason:
            return reason
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
    literal_given = True
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        literal_given = False
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
            # A literal address is the client's own input; what a *name* resolves to is never echoed (it
            # would map internal DNS for whoever can create an endpoint).
            what = f"{host} is" if literal_given else f"{host} resolves to"
            raise UnsafeUrl(f"Webhooks may not be sent to {host}: {what} {reason}.")
    return scheme, host, port, str(addresses[0])
