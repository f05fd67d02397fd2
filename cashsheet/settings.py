"""CashSheet settings, read from the environment with production-safe defaults.

Without DATABASE_URL / REDIS_URL the embedded PostgreSQL and Redis servers are used, started by the first
database connection, never by importing this module (see cashsheet/embedded.py); with them set, those
servers are used and nothing is embedded.
"""

import os
import warnings
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if os.environ.get("CASHSHEET_ENV") == "production":
        raise RuntimeError("SECRET_KEY must be set when CASHSHEET_ENV=production")
    # Development only. API tokens are SHA-256 digests and do not depend on this key.
    SECRET_KEY = "dev-insecure-cashsheet-key-change-me"

# Fernet keys for secrets stored encrypted (webhook signing secrets), newest first, comma-separated; see
# cashsheet/encryption.py for rotation. Development falls back to a key derived from SECRET_KEY.
CASHSHEET_ENCRYPTION_KEYS = [k.strip() for k in os.environ.get("CASHSHEET_ENCRYPTION_KEYS", "").split(",") if k.strip()]
if not CASHSHEET_ENCRYPTION_KEYS:
    if os.environ.get("CASHSHEET_ENV") == "production":
        raise RuntimeError("CASHSHEET_ENCRYPTION_KEYS must be set when CASHSHEET_ENV=production")
    import base64
    import hashlib

    # Same derivation as cashsheet.encryption.key_derive (which cannot be imported from settings).
    _derived = hashlib.sha256(b"cashsheet-encryption-v1\0" + SECRET_KEY.encode()).digest()
    CASHSHEET_ENCRYPTION_KEYS = [base64.urlsafe_b64encode(_derived).decode()]

CASHSHEET_BASE_DOMAIN = os.environ.get("CASHSHEET_BASE_DOMAIN", "localhost").lower().strip(".")
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h] or [
    CASHSHEET_BASE_DOMAIN,
    f".{CASHSHEET_BASE_DOMAIN}",
    "localhost",
    "127.0.0.1",
    "[::1]",
]

# --- Apps: the public schema holds the silo registry and platform administration only -----------
SHARED_APPS = [
    "django_tenants",
    "silos",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and ReDoc served from the package: /api/v2/docs/ works offline
    "cashsheet.ui",  # the silo UI's shell (templates, static files, navigation); see cashsheet/ui/__init__.py
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "silos.members",
    "parties",
    "sales",
    "inventory",
    "ledger",
    "atp",
    "operations",
    "webhooks",
    "audit",
]
INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "silos.Silo"
TENANT_DOMAIN_MODEL = "silos.Domain"
PUBLIC_SCHEMA_URLCONF = "cashsheet.urls_public"
ROOT_URLCONF = "cashsheet.urls_tenant"
# A host that is no silo's is served the public URLconf, whose /api/ answers 404 in JSON.
SHOW_PUBLIC_IF_NO_TENANT_FOUND = True
# New silos are cloned from this migrated template schema instead of replaying every migration.
TENANT_BASE_SCHEMA = "_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
# Issue `SET search_path` only when the connection's silo changes, not before every query.
TENANT_LIMIT_SET_CALLS = True

MIDDLEWARE = [
    # Probes first: they must answer without the database (healthz) and before the host → silo lookup.
    "cashsheet.api.health.HealthMiddleware",
    # Static files (the UI's CSS, htmx, the admin's, Swagger UI's) before the host → silo lookup: any host.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cashsheet.ui.csp.ContentSecurityPolicyMiddleware",
    "cashsheet.api.middleware.ApiGuardMiddleware",
    "cashsheet.api.middleware.SiloMiddleware",
    "cashsheet.api.ratelimit.RateLimitMiddleware",
    "cashsheet.api.idempotency.IdempotencyMiddleware",
    "cashsheet.api.middleware.ApiResponseHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Sessions, CSRF, auth and messages as Django's, skipped for Bearer-token API calls (cashsheet.api.middleware).
    "cashsheet.api.middleware.SessionMiddleware",
    "cashsheet.api.middleware.CommonMiddleware",
    "cashsheet.api.middleware.CsrfViewMiddleware",
    "cashsheet.api.middleware.AuthenticationMiddleware",
    "cashsheet.api.middleware.MessageMiddleware",
    # Who writes: the token's or the signed-in user, for the audit trail's triggers (audit/actor.py).
    "audit.actor.AuditActorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cashsheet.ui.context_processors.ui",
            ]
        },
    }
]

WSGI_APPLICATION = "cashsheet.wsgi.application"

# --- Database ---------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")))
    _db["ENGINE"] = "django_tenants.postgresql_backend"
else:
    # No HOST: cashsheet.embedded_db starts the embedded servers on the first connection and fills it in.
    _db = {"NAME": "cashsheet", "USER": "postgres", "PASSWORD": "", "HOST": "", "PORT": ""}
    _db["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))
    _db["ENGINE"] = "cashsheet.embedded_db"
_db.setdefault("OPTIONS", {})
_db["CONN_HEALTH_CHECKS"] = True
# A database that does not answer fails a request (503) in seconds instead of hanging the worker.
_db["OPTIONS"].setdefault("connect_timeout", int(os.environ.get("CASHSHEET_DB_CONNECT_TIMEOUT", "5")))
_db["TEST"] = {"NAME": os.environ.get("CASHSHEET_TEST_DATABASE") or f"test_{_db['NAME']}"}
DATABASES = {"default": _db}
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache, Celery -------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
else:
    from cashsheet import embedded

    _sock = embedded.redis_socket_path()  # the server starts with the first database connection
    REDIS_URL = f"unix://{_sock}?db=0"
    # kombu reaches a Redis Unix socket through the redis+socket:// transport URL.
    CELERY_BROKER_URL = f"redis+socket://{_sock}"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # Cache keys carry the silo's schema so silos never read each other's entries.
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    }
}
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 4
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Several hosts: the broker may be named on its own, e.g. Redis Sentinel (docs/scaling.md):
# CELERY_BROKER_URL=sentinel://s1:26379;sentinel://s2:26379;sentinel://s3:26379/0
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or CELERY_BROKER_URL
if CELERY_BROKER_URL.startswith("sentinel://"):
    CELERY_BROKER_TRANSPORT_OPTIONS["master_name"] = os.environ.get("CELERY_SENTINEL_MASTER", "cashsheet")
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BEAT_SCHEDULE: dict = {}

# --- Auth -------------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "ui-dashboard"
LOGOUT_REDIRECT_URL = "login"
# A UI session lasts this long from sign-in, however active (cashsheet.ui.views.SignInView sets an absolute
# expiry); tokens made in the UI never outlive it.
SESSION_COOKIE_AGE = int(os.environ.get("CASHSHEET_SESSION_SECONDS", str(8 * 3600)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Sign-in throttling (cashsheet/ui/throttle.py): this many failures within the window lock the account, and
# separately the client address, for the window.
CASHSHEET_LOGIN_MAX_FAILURES = int(os.environ.get("CASHSHEET_LOGIN_MAX_FAILURES", "10"))
CASHSHEET_LOGIN_LOCK_SECONDS = int(os.environ.get("CASHSHEET_LOGIN_LOCK_SECONDS", str(15 * 60)))
CASHSHEET_LOGIN_KEY_PREFIX = os.environ.get("CASHSHEET_LOGIN_KEY_PREFIX", "cs:login")
# Sudo mode (cashsheet/ui/sudo.py): creating an API token in the UI needs the password typed this recently.
CASHSHEET_SUDO_SECONDS = int(os.environ.get("CASHSHEET_SUDO_SECONDS", "300"))

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# WhiteNoise serves static files in production and the demo alike: from STATIC_ROOT (collectstatic, the
# production image) and, with USE_FINDERS, straight from the apps' static/ folders (demo, tests: no collect step).
WHITENOISE_USE_FINDERS = True
# Without collectstatic (demo, tests) STATIC_ROOT does not exist; the finders serve everything then.
warnings.filterwarnings("ignore", message="No directory at", module="whitenoise")
WHITENOISE_MAX_AGE = 3600

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG and env_bool("CASHSHEET_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- REST framework ----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["cashsheet.api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["cashsheet.api.permissions.ModelPermissions"],
    "DEFAULT_PAGINATION_CLASS": "cashsheet.api.pagination.PageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "cashsheet.api.filters.SearchFilter",
        "cashsheet.api.filters.OrderingFilter",
    ],
    "DEFAULT_RENDERER_CLASSES": ["cashsheet.api.renderers.ApiJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["cashsheet.api.parsers.JSONParser"],
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.URLPathVersioning",
    "DEFAULT_VERSION": "v2",
    "ALLOWED_VERSIONS": ["v1", "v2"],
    "EXCEPTION_HANDLER": "cashsheet.api.exceptions.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "cashsheet.api.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "PAGE_SIZE": 25,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "CashSheet API",
    "DESCRIPTION": (
        "API-first ERP for meat processors and distributors. Each silo is served at its own host, "
        "`https://{slug}.cashsheets.com/api/v2/`. Authenticate with `Authorization: Bearer <token>`."
    ),
    "VERSION": "2.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v[12]",
    "ENUM_NAME_OVERRIDES": {},
    "SECURITY": [{"bearerAuth": []}],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- CashSheet ---------------------------------------------------------------------------------------
CASHSHEET_TOKEN_MODEL = "members.ApiToken"
# Per-silo defaults and demo data come from each app's AppConfig: `silo_initialize(silo)` and
# `demo_seed(silo)`, ordered by `silo_initialize_order` / `demo_seed_order` (see silos/services.py).
CASHSHEET_API_DOCS_URL = "/api/v2/docs/"
CASHSHEET_V1_SUNSET = os.environ.get("CASHSHEET_V1_SUNSET", "Wed, 30 Jun 2027 23:59:59 GMT")
CASHSHEET_WEBHOOK_ALLOW_PRIVATE = env_bool("CASHSHEET_WEBHOOK_ALLOW_PRIVATE", False)
# last_used_at is written at most this often per token, so a hot token does not write per request.
CASHSHEET_TOKEN_TOUCH_SECONDS = int(os.environ.get("CASHSHEET_TOKEN_TOUCH_SECONDS", "30"))
# host → silo lookups are cached per process: at most this many hosts (LRU), each for this many seconds,
# so a renamed, re-planned or dropped silo is seen within seconds.
CASHSHEET_SILO_CACHE_SECONDS = float(os.environ.get("CASHSHEET_SILO_CACHE_SECONDS", "5"))
CASHSHEET_SILO_CACHE_SIZE = int(os.environ.get("CASHSHEET_SILO_CACHE_SIZE", "1000"))
# Request limits Django answers in JSON (414, 431); gunicorn.conf.py sets gunicorn's own limits above them.
CASHSHEET_MAX_URL_BYTES = int(os.environ.get("CASHSHEET_MAX_URL_BYTES", "8192"))
CASHSHEET_MAX_HEADER_BYTES = int(os.environ.get("CASHSHEET_MAX_HEADER_BYTES", "8192"))
CASHSHEET_MAX_HEADERS = int(os.environ.get("CASHSHEET_MAX_HEADERS", "100"))
# JSON request bodies nested deeper than this are refused (400) before any serializer sees them.
CASHSHEET_MAX_JSON_DEPTH = int(os.environ.get("CASHSHEET_MAX_JSON_DEPTH", "32"))

# --- Rate limits and idempotency (docs/ratelimit.md) -------------------------------------------------
CASHSHEET_RATELIMIT_ENABLED = env_bool("CASHSHEET_RATELIMIT_ENABLED", True)
CASHSHEET_RATELIMIT_REDIS_URL = os.environ.get("CASHSHEET_RATELIMIT_REDIS_URL", REDIS_URL)
CASHSHEET_RATELIMIT_REDIS_TIMEOUT = float(os.environ.get("CASHSHEET_RATELIMIT_REDIS_TIMEOUT", "0.25"))
CASHSHEET_RATELIMIT_KEY_PREFIX = os.environ.get("CASHSHEET_RATELIMIT_KEY_PREFIX", "cs:rl")
# Per token, unless the silo's plan or the token carries its own numbers: the help page's figures.
# (Overridable for load tests and CI runs that share one token across many tests.)
CASHSHEET_RATELIMIT_PER_MINUTE = int(os.environ.get("CASHSHEET_RATELIMIT_PER_MINUTE", "1000"))
CASHSHEET_RATELIMIT_BURST = int(os.environ.get("CASHSHEET_RATELIMIT_BURST", "100"))
# Requests without a valid token, per client address: lower, so guessing tokens is slow.
CASHSHEET_RATELIMIT_ANON_PER_MINUTE = int(os.environ.get("CASHSHEET_RATELIMIT_ANON_PER_MINUTE", "300"))
CASHSHEET_RATELIMIT_ANON_BURST = int(os.environ.get("CASHSHEET_RATELIMIT_ANON_BURST", "30"))
# How many reverse proxies in front of gunicorn append to X-Forwarded-For (0: use REMOTE_ADDR).
CASHSHEET_RATELIMIT_TRUSTED_PROXIES = int(os.environ.get("CASHSHEET_RATELIMIT_TRUSTED_PROXIES", "0"))
# After a Redis failure, skip it for this long (requests served unlimited); log an outage this often.
CASHSHEET_RATELIMIT_RETRY_SECONDS = float(os.environ.get("CASHSHEET_RATELIMIT_RETRY_SECONDS", "1"))
CASHSHEET_RATELIMIT_LOG_EVERY = 60
CASHSHEET_IDEMPOTENCY_MODEL = "members.IdempotencyRecord"
CASHSHEET_TOMBSTONE_MODEL = "members.DeletedObject"  # cashsheet/api/tombstones.py
CASHSHEET_IDEMPOTENCY_TTL_HOURS = 24
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "cashsheet.api.ratelimit.openapi_postprocess",
    "cashsheet.api.openapi.postprocess",
]
CELERY_BEAT_SCHEDULE["idempotency-records-purge"] = {
    "task": "silos.members.tasks.idempotency_records_purge_all",
    "schedule": 3600.0,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Ledger: name the ledger's status enums in the OpenAPI schema (several resources have a `status`).
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    **SPECTACULAR_SETTINGS.get("ENUM_NAME_OVERRIDES", {}),
    "DocumentStatusEnum": "ledger.models.documents.DocumentStatus",
    "PeriodStatusEnum": "ledger.models.accounts.PeriodStatus",
    # Names a generated client keeps: without these, colliding `kind` / `state` fields get hash suffixes.
    "MovementKindEnum": "inventory.models.core.MovementKind",
    "LotStateEnum": "inventory.models.lots.LotState",
    "LpRunStatusEnum": "atp.models.LpRunStatus",
}

# --- Webhooks (see docs/webhooks.md) ------------------------------------------------------------------
# Seconds before attempt 1, 2, ... of a delivery: attempt 1 immediately, then the issue's ~3-day schedule.
# Tests and benchmarks shorten it through the environment so a retry takes moments.
CASHSHEET_WEBHOOK_RETRY_DELAYS = [
    float(s)
    for s in os.environ.get("CASHSHEET_WEBHOOK_RETRY_DELAYS", "0,5,300,1800,7200,18000,36000,50400,72000,86400").split(
        ","
    )
]
CASHSHEET_WEBHOOK_TIMEOUT_S = float(os.environ.get("CASHSHEET_WEBHOOK_TIMEOUT_S", "15"))
CASHSHEET_WEBHOOK_DISABLE_AFTER_S = float(os.environ.get("CASHSHEET_WEBHOOK_DISABLE_AFTER_S", str(5 * 86400)))
# A pending delivery whose task was sent this long ago and has not run is presumed lost (Redis restart,
# SIGKILLed worker holding it unacked) and is sent again by the sweep.
CASHSHEET_WEBHOOK_REQUEUE_AFTER_S = float(os.environ.get("CASHSHEET_WEBHOOK_REQUEUE_AFTER_S", "60"))
# How long a worker owns a delivery it is sending; after that a crashed worker's delivery is taken over.
CASHSHEET_WEBHOOK_LEASE_S = float(os.environ.get("CASHSHEET_WEBHOOK_LEASE_S", "60"))
CASHSHEET_WEBHOOK_SWEEP_S = float(os.environ.get("CASHSHEET_WEBHOOK_SWEEP_S", "10"))
CELERY_BEAT_SCHEDULE["webhooks-sweep"] = {"task": "webhooks.sweep", "schedule": CASHSHEET_WEBHOOK_SWEEP_S}
CELERY_BEAT_SCHEDULE["webhooks-purge"] = {"task": "webhooks.purge", "schedule": 3600.0}
# A task waits this long for its batch; slower requests finish in the background (see webhooks/sender.py).
CASHSHEET_WEBHOOK_HANDOFF_S = float(os.environ.get("CASHSHEET_WEBHOOK_HANDOFF_S", "1"))
# Per worker process: requests in flight to one endpoint, for one silo, and send threads in all. A silo's
# slow receivers can hold at most its share; see webhooks/sender.py.
CASHSHEET_WEBHOOK_ENDPOINT_CONCURRENCY = int(os.environ.get("CASHSHEET_WEBHOOK_ENDPOINT_CONCURRENCY", "8"))
CASHSHEET_WEBHOOK_SILO_CONCURRENCY = int(os.environ.get("CASHSHEET_WEBHOOK_SILO_CONCURRENCY", "16"))
CASHSHEET_WEBHOOK_SEND_THREADS = int(os.environ.get("CASHSHEET_WEBHOOK_SEND_THREADS", "64"))
