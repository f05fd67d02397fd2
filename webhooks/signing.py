"""Webhook signatures: ours (`X-CashSheet-Signature`) and the Standard Webhooks ones (`webhook-signature`).

X-CashSheet-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>[,v1=<previous secret's>]
The key is the whole secret string ("whsec_..."), as receivers paste it. Standard Webhooks signs
"<msg id>.<t>.<body>" with the base64-decoded part after "whsec_" and sends "v1,<base64>" values.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets as _secrets
import time

SECRET_PREFIX = "whsec_"


def secret_generate() -> str:
    """`whsec_` + base64 of 32 random bytes (a valid Standard Webhooks secret as well)."""
    return SECRET_PREFIX + base64.b64encode(_secrets.token_bytes(32)).decode()


def _v1(*, payload: bytes, secret: str, timestamp: int) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()


def signature_header(*, payload: bytes, secrets: list[str], timestamp: int) -> str:
    """The X-CashSheet-Signature value: one v1 per secret (two while a rotated secret is still honoured)."""
    return ",".join([f"t={timestamp}", *(f"v1={_v1(payload=payload, secret=s, timestamp=timestamp)}" for s in secrets)])


def standard_signature_header(*, payload: bytes, secrets: list[str], msg_id: str, timestamp: int) -> str:
    """The Standard Webhooks `webhook-signature` value: space-separated `v1,<base64>`."""
    out = []
    for secret in secrets:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
        digest = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + payload, hashlib.sha256).digest()
        out.append("v1," + base64.b64encode(digest).decode())
    return " ".join(out)


def verify_signature(*, payload: bytes, header: str, secrets: list[str], tolerance_s=300) -> bool:
    """True when `header` (X-CashSheet-Signature) signs `payload` with one of `secrets` within the tolerance.

    A timestamp further than `tolerance_s` from now (either way) is refused, so a captured request cannot
    be replayed later. Comparison is constant-time.
    """
    timestamp = None
    signatures = []
    for part in (header or "").split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            continue
        if key == "t" and value.isascii() and value.isdigit():
            timestamp = int(value)
        elif key == "v1":
            signatures.append(value)
    if timestamp is None or not signatures or abs(time.time() - timestamp) > tolerance_s:
        return False
    for secret in secrets:
        expected = _v1(payload=payload, secret=secret, timestamp=timestamp)
        if any(hmac.compare_digest(expected, given) for given in signatures):
            return True
    return False
