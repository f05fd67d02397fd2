"""Per-token rate limits in Redis, exact across every web process and host.

Each caller (an API token of a silo, or a client address without a valid token) has a sliding-window
log in one Redis sorted set: one member per accepted request, scored by Redis' own clock (``TIME``),
so the clocks of the web hosts never matter. One Lua script per request prunes entries older than a
minute, counts the last minute and the last second, and records the request only if both counts are
under their limits. Redis runs a script atomically, so any number of processes sharing a token can
never get more than the limit through: at most ``burst`` requests in any rolling second and at most
``per_minute`` requests in any rolling minute. Refused requests are not recorded, so hammering while
limited does not push the reset further away.

Memory is one sorted-set entry per request accepted in the last minute (about 100 bytes), so a token
at 1,000/min holds about 100 KB while it is hot; keys expire a minute after the last request.

If Redis is unreachable the request is served without rate-limit headers (fail open), and the outage is
logged at most once per ``CASHSHEET_RATELIMIT_LOG_EVERY`` seconds per process.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse

from cashsheet.api.authentication import request_authenticate
from cashsheet.api.exceptions import error_body

logger = logging.getLogger(__name__)

MINUTE_US = 60_000_000
SECOND_US = 1_000_000

# KEYS[1]: the caller's log. ARGV: per-minute limit, per-second limit.
# Returns {allowed, used in the last minute, used in the last second, now (us),
#          score of the oldest entry in the minute window, score of the oldest entry in the second window}.
# Numbers are formatted with %.0f: Lua's tostring would print microsecond timestamps as 1.7e+15.
LUA = """
local key = KEYS[1]
local limit_minute = tonumber(ARGV[1])
local limit_second = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local second_start = string.format('(%.0f', now - 1000000)
redis.call('ZREMRANGEBYSCORE', key, '-inf', string.format('%.0f', now - 60000000))
local used_minute = redis.call('ZCARD', key)
local used_second = redis.call('ZCOUNT', key, second_start, '+inf')
local allowed = 0
if used_minute < limit_minute and used_second < limit_second then
  allowed = 1
  -- now:count is unique: two requests in the same microsecond see different counts.
  redis.call('ZADD', key, string.format('%.0f', now), string.format('%.0f:%d', now, used_minute))
  redis.call('PEXPIRE', key, 61000)
  used_minute = used_minute + 1
  used_second = used_second + 1
end
local oldest_minute = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2] or false
local oldest_second = redis.call('ZRANGEBYSCORE', key, second_start, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)[2] or false
return {allowed, used_minute, used_second, string.format('%.0f', now), oldest_minute, oldest_second}
"""


@dataclass(frozen=True)
class Limits:
    """Requests allowed in any rolling minute, and in any rolling second (the burst)."""

    per_minute: int
    burst: int


@dataclass(frozen=True)
class Decision:
    """The limiter's answer for one request, with everything the response headers say."""

    allowed: bool
    limits: Limits
    used_minute: int
    used_second: int
    now_us: int
    minute_frees_us: int  # when the oldest request counted in the minute window stops counting
    second_frees_us: int

    @property
    def remaining_minute(self) -> int:
        return max(0, self.limits.per_minute - self.used_minute)

    @property
    def remaining_second(self) -> int:
        return max(0, self.limits.burst - self.used_second)

    @property
    def remaining(self) -> int:
        """Requests that would be accepted right now: the smaller of the two allowances."""
        return min(self.remaining_minute, self.remaining_second)

    @property
    def reset_us(self) -> int:
        """When `remaining` next grows: the binding window's oldest request leaves it."""
        if self.remaining_second < self.remaining_minute:
            return self.second_frees_us
        if self.remaining_minute < self.remaining_second:
            return self.minute_frees_us
        return max(self.second_frees_us, self.minute_frees_us)

    @property
    def retry_after(self) -> int:
        """Whole seconds to wait before the next request can be accepted (at least 1 when refused)."""
        return max(1, math.ceil((self.reset_us - self.now_us) / SECOND_US))

    def headers(self) -> dict[str, str]:
        second_t = max(0, math.ceil((self.second_frees_us - self.now_us) / SECOND_US))
        minute_t = max(0, math.ceil((self.minute_frees_us - self.now_us) / SECOND_US))
        headers = {
            "X-RateLimit-Limit": str(self.limits.per_minute),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(math.ceil(self.reset_us / SECOND_US)),
            "RateLimit-Policy": f'"burst";q={self.limits.burst};w=1, "minute";q={self.limits.per_minute};w=60',
            "RateLimit": f'"burst";r={self.remaining_second};t={second_t}, '
            f'"minute";r={self.remaining_minute};t={minute_t}',
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after)
        return headers


class RateLimiter:
    """The Redis side: one script call per request. Raises redis.RedisError if Redis is unreachable."""

    def __init__(self, url: str, *, timeout: float = 0.25):
        self.url = url
        self.client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
        self.script = self.client.register_script(LUA)

    def hit(self, key: str, limits: Limits) -> Decision:
        allowed, used_minute, used_second, now, oldest_minute, oldest_second = self.script(
            keys=[key], args=[limits.per_minute, limits.burst]
        )
        now_us = int(now)
        # An empty window frees "now"; scores come back as strings of whole microseconds.
        minute_frees = int(float(oldest_minute)) + MINUTE_US if oldest_minute else now_us
        second_frees = int(float(oldest_second)) + SECOND_US if oldest_second else now_us
        return Decision(bool(allowed), limits, int(used_minute), int(used_second), now_us, minute_frees, second_frees)


_limiter: RateLimiter | None = None
_state_lock = threading.Lock()
_down_until = 0.0  # monotonic: skip Redis until then after a failure, so an outage costs no latency
_last_logged = -math.inf


def get_limiter() -> RateLimiter:
    """The process-wide limiter for settings.CASHSHEET_RATELIMIT_REDIS_URL (rebuilt if the setting changes)."""
    global _limiter
    url = settings.CASHSHEET_RATELIMIT_REDIS_URL
    if _limiter is None or _limiter.url != url:
        with _state_lock:
            if _limiter is None or _limiter.url != url:
                _limiter = RateLimiter(url, timeout=settings.CASHSHEET_RATELIMIT_REDIS_TIMEOUT)
    return _limiter


def reset_failure_state() -> None:
    """Forget a past Redis outage (tests, or an operator after fixing Redis)."""
    global _down_until, _last_logged
    _down_until, _last_logged = 0.0, -math.inf


def rate_limit_check(key: str, limits: Limits) -> Decision | None:
    """Count one request against `key`; None when Redis cannot answer (the caller fails open)."""
    global _down_until, _last_logged
    now = time.monotonic()
    if now < _down_until:
        return None
    try:
        return get_limiter().hit(key, limits)
    except redis.RedisError as exc:
        _down_until = now + settings.CASHSHEET_RATELIMIT_RETRY_SECONDS
        if now - _last_logged >= settings.CASHSHEET_RATELIMIT_LOG_EVERY:
            _last_logged = now
            logger.error("rate limiter: Redis unreachable, serving requests unlimited: %s: %s", type(exc).__name__, exc)
        return None


def token_key(*, schema: str, token_id: int) -> str:
    """Token ids repeat across silos (one table per schema): the schema keeps their budgets apart."""
    return f"{settings.CASHSHEET_RATELIMIT_KEY_PREFIX}:t:{schema}:{token_id}"


def address_key(address: str) -> str:
    return f"{settings.CASHSHEET_RATELIMIT_KEY_PREFIX}:a:{address}"


def token_limits(token, silo) -> Limits:
    """A token's override, else its silo's plan, else the defaults; each of the two numbers on its own."""
    plan = getattr(silo, "plan", None) if silo is not None else None
    per_minute = (
        getattr(token, "rate_limit_per_minute", None)
        or getattr(plan, "requests_per_minute", None)
        or settings.CASHSHEET_RATELIMIT_PER_MINUTE
    )
    burst = (
        getattr(token, "rate_limit_burst", None)
        or getattr(plan, "burst_per_second", None)
        or settings.CASHSHEET_RATELIMIT_BURST
    )
    return Limits(per_minute=per_minute, burst=burst)


def client_address(request) -> str:
    """The client's address; behind N trusted proxies, the Nth X-Forwarded-For entry from the right."""
    proxies = settings.CASHSHEET_RATELIMIT_TRUSTED_PROXIES
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def too_many_requests(decision: Decision) -> JsonResponse:
    return JsonResponse(
        error_body(
            429,
            "rate_limited",
            f"Rate limit exceeded ({decision.limits.burst} requests per second, {decision.limits.per_minute} per "
            f"minute). Retry after {decision.retry_after} seconds.",
            retry_after=decision.retry_after,
        ),
        status=429,
    )


class RateLimitMiddleware:
    """Limits every /api/ request and puts the rate-limit headers on every /api/ response.

    Runs right after silo routing and before everything else, so Django-level 404s, 405s and 500s get
    headers too. The token is authenticated here once; DRF reuses the result. A request with no valid
    token (none, unknown, revoked, expired) counts against its client address, never against a token.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.CASHSHEET_RATELIMIT_ENABLED or not request.path.startswith("/api/"):
            return self.get_response(request)
        auth = request_authenticate(request)
        if auth.token is not None:
            silo = getattr(connection, "tenant", None)
            key = token_key(schema=connection.schema_name, token_id=auth.token.pk)
            limits = token_limits(auth.token, silo)
        else:
            key = address_key(client_address(request))
            limits = Limits(settings.CASHSHEET_RATELIMIT_ANON_PER_MINUTE, settings.CASHSHEET_RATELIMIT_ANON_BURST)
        decision = rate_limit_check(key, limits)
        if decision is not None and not decision.allowed:
            response = too_many_requests(decision)
        else:
            response = self.get_response(request)
        if decision is not None:
            for name, value in decision.headers().items():
                response[name] = value
        return response


# --- OpenAPI: what every operation's documentation says about limits and Idempotency-Key -------------------

_HEADER_DOCS = {
    "X-RateLimit-Limit": "Requests allowed per rolling minute for this token.",
    "X-RateLimit-Remaining": "Requests that can be sent right now without a 429 (the smaller of the minute's and "
    "the burst's remainders).",
    "X-RateLimit-Reset": "Unix timestamp (seconds) at which X-RateLimit-Remaining next grows.",
    "RateLimit-Policy": 'IETF policies, e.g. `"burst";q=100;w=1, "minute";q=1000;w=60`.',
    "RateLimit": 'IETF state per policy, e.g. `"burst";r=97;t=1, "minute";r=997;t=60`.',
}
_IDEMPOTENCY_PARAMETER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    "example": "5b0a6a4e-8f1e-4d8e-9a57-0c1f3f2e7a10",
    "description": "Makes a retry safe: a 2xx answer is kept 24 h per token and replayed to a retry with the same "
    "key, method, path and body (`Idempotent-Replayed: true`). Same key, different request → 422; "
    "a retry while the first is still running → 409.",
}


def _error_response(description: str, example: dict, headers: dict | None = None) -> dict:
    response = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    response["content"]["application/json"]["examples"] = {"error": {"value": example}}
    if headers:
        response["headers"] = headers
    return response


def openapi_postprocess(result, generator, request, public):
    """drf-spectacular hook: rate-limit headers and 429 on every operation; Idempotency-Key on POST/PATCH."""
    components = result.setdefault("components", {})
    components.setdefault("headers", {}).update(
        {
            name: {"description": text, "schema": {"type": "integer" if name.startswith("X-") else "string"}}
            for name, text in _HEADER_DOCS.items()
        }
    )
    refs = {name: {"$ref": f"#/components/headers/{name}"} for name in _HEADER_DOCS}
    too_many = _error_response(
        "Rate limit exceeded.",
        error_body(
            429,
            "rate_limited",
            "Rate limit exceeded (100 requests per second, 1000 per minute). Retry after 1 seconds.",
            retry_after=1,
        ),
        {**refs, "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}},
    )
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for response in operation["responses"].values():
                response.setdefault("headers", {}).update(refs)
            operation["responses"].setdefault("429", too_many)
            if method in ("post", "patch"):
                operation.setdefault("parameters", []).append(_IDEMPOTENCY_PARAMETER)
                operation["responses"].setdefault(
                    "422",
                    _error_response(
                        "The Idempotency-Key was already used for a different request.",
                        error_body(
                            422,
                            "idempotency_key_reused",
                            "This Idempotency-Key was already used for a different request.",
                        ),
                    ),
                )
    return result
