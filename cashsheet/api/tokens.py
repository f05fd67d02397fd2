"""Token format and hashing, shared by the authentication class and the token services.

A token looks like ``cs_1a2b3c4d_<43 url-safe chars>``: ``cs_1a2b3c4d`` is its visible prefix,
shown in lists to recognise it; the rest is 32 random bytes. Only the SHA-256 digest is stored.
"""

import hashlib
import secrets

TOKEN_PREFIX = "cs_"


def token_digest(raw: str) -> str:
    """SHA-256 of the whole token: with 256 random bits a plain digest is enough (no salt needed)."""
    return hashlib.sha256(raw.encode()).hexdigest()


def token_generate() -> tuple[str, str]:
    """Return (raw token, visible prefix)."""
    ident = secrets.token_hex(4)
    return f"{TOKEN_PREFIX}{ident}_{secrets.token_urlsafe(32)}", f"{TOKEN_PREFIX}{ident}"
