"""Settings for HAWK Agent, read from the environment with embedded defaults for a laptop.

Every variable is read here and nowhere else. A bad value stops start-up with a message that
names the variable (ImproperlyConfigured), so a typo never turns into a silent default.
"""

import os
import re
import secrets
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_float(name: str, default: float, *, minimum: float = 0.0) -> float:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_rate(name: str, default: str) -> str:
    """A rate as DRF spells it: "<count>/<period>", the period starting with s, m, h or d."""
    raw = env_str(name, default)
    count, _, period = raw.partition("/")
    if not (count.isdigit() and int(count) > 0 and period[:1] in {"s", "m", "h", "d"}):
        raise ImproperlyConfigured(f"{name} must look like 120/min, not {raw!r}")
    return raw


def env_url(name: str, *, schemes: set[str]) -> str:
    """A URL whose scheme must be one of `schemes`; empty when the variable is unset."""
    raw = env_str(name)
    if not raw:
        return ""
    parsed = urlparse(raw)
    if parsed.scheme not in schemes or not (parsed.hostname or parsed.path):
        allowed = ", ".join(sorted(schemes))
        raise ImproperlyConfigured(f"{name} must be a URL with scheme {allowed}, not {raw!r}")
    return raw


def env_usd(name: str, default: str = "0") -> Decimal:
    """An amount of US dollars, 0 or more (0 means "no budget")."""
    raw = env_str(name, default) or default
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ImproperlyConfigured(f"{name} must be an amount in USD, not {raw!r}") from None
    if not value.is_finite() or value < 0:
        raise ImproperlyConfigured(f"{name} must be 0 or more, not {raw!r}")
    return value


def env_prices(name: str, default: str) -> dict[str, tuple[Decimal, Decimal]]:
    """A price table "model=in/out,...": USD per million input and output tokens."""
    raw, table = env_str(name, default), {}
    for entry in filter(None, (item.strip() for item in raw.split(","))):
        model, _, prices = entry.partition("=")
        given, _, taken = prices.partition("/")
        try:
            table[model.strip()] = (Decimal(given), Decimal(taken))
        except InvalidOperation:
            raise ImproperlyConfigured(
                f"{name} must look like gpt-4o=2.5/10, not {entry!r}"
            ) from None
        if not model.strip() or min(table[model.strip()]) < 0:
            raise ImproperlyConfigured(f"{name} must look like gpt-4o=2.5/10, not {entry!r}")
    return table


def env_choice(name: str, default: str, choices: set[str]) -> str:
    raw = env_str(name, default).lower() or default
    if raw not in choices:
        raise ImproperlyConfigured(
            f"{name} must be one of {', '.join(sorted(choices))}, not {raw!r}"
        )
    return raw


ANALYSIS_BACKENDS = ("dify", "openai", "builtin")


def env_chain(name: str, default: str) -> list[str]:
    """The fallback chain "dify,openai,builtin": known backends, each once; builtin is added at
    the end when missing, so that a run always has an answer."""
    chain = [item.lower() for item in env_list(name) or default.split(",")]
    if any(item not in ANALYSIS_BACKENDS for item in chain) or len(set(chain)) != len(chain):
        raise ImproperlyConfigured(f"{name} must look like dify,openai,builtin, not {chain!r}")
    return chain if "builtin" in chain else [*chain, "builtin"]


def env_routes(name: str, default: str, *, keys: tuple[str, ...]) -> dict[str, str]:
    """Analysis routes "key=backend,...": key an intent or template category, backend `builtin`,
    `dify` (the app of DIFY_API_KEY / DIFY_API_KEY_<CATEGORY>), `dify:<category>` (the app
    of DIFY_API_KEY_<CATEGORY>, e.g. a cheaper one) or `openai` (the chain from the
    OpenAI-compatible endpoint on, without Dify)."""
    raw, routes = env_str(name, default), {}
    for entry in filter(None, (item.strip() for item in raw.split(","))):
        key, _, backend = (part.strip().lower() for part in entry.partition("="))
        app = backend.removeprefix("dify:")
        valid_backend = backend in {"builtin", "dify", "openai"} or (
            backend.startswith("dify:") and app in keys
        )
        if key not in keys or not valid_backend:
            raise ImproperlyConfigured(
                f"{name} must look like inquiry=builtin,risk_analysis=dify, not {entry!r}"
            )
        routes[key] = backend
    return routes


# --- Core -----------------------------------------------------------------------------------

DEBUG = env_bool("DEBUG", default=True)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    # Development only: a fresh key per process means sessions do not survive a restart.
    SECRET_KEY = "dev-only-" + secrets.token_urlsafe(40)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", ["http://localhost:4200"])
# Headers the Angular app reads: the request id of an error report, a 429's wait, and the run
# id of a stream (to stop it) before its first event arrives.
CORS_EXPOSE_HEADERS = ["X-Request-ID", "Retry-After", "X-Run-ID"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_prometheus",
    "corsheaders",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "channels",
    "hawk",
    "templates_app",
    "analytics",
    "cache_admin",
]

# Django's hook middleware (MiddlewareMixin) would hop to a thread twice per request under
# ASGI; hawk.web.middleware runs the same hooks on the event loop. The others are async already.
MIDDLEWARE = [
    "hawk.web.request_id.RequestIdMiddleware",
    "hawk.web.inputs.query_text_middleware",
    "hawk.web.middleware.PrometheusBeforeMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "hawk.web.errors.JsonNotFoundMiddleware",
    "hawk.web.middleware.SecurityMiddleware",
    "hawk.web.middleware.SessionMiddleware",
    "hawk.web.middleware.CommonMiddleware",
    "hawk.web.middleware.CsrfViewMiddleware",
    "hawk.web.middleware.AuthenticationMiddleware",
    "hawk.web.middleware.MessageMiddleware",
    "hawk.web.middleware.XFrameOptionsMiddleware",
    "hawk.web.content_security.admin_content_security_middleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "hawk.web.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "hawk.urls"
# The console's login (not the admin's, which admits staff only); after it, the console.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "console"
LOGOUT_REDIRECT_URL = "login"
ASGI_APPLICATION = "hawk.asgi.application"
WSGI_APPLICATION = "hawk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'hawk.sqlite3'}"
try:
    _database = dj_database_url.parse(DATABASE_URL)
except Exception as exc:  # dj_database_url raises ValueError or its own errors on bad URLs
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
POSTGRES_ENGINE = "hawk.database.postgresql"
if _database["ENGINE"] == "django.db.backends.postgresql":
    # Django's native psycopg 3 pool; persistent connections must stay off with it.
    _database["CONN_MAX_AGE"] = 0
    _database.setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DATABASE_POOL_MIN", 2),
        "max_size": env_int("DATABASE_POOL_MAX", 20, minimum=1),
        "timeout": env_float("DATABASE_POOL_TIMEOUT", 10.0),
    }
    # A connection is checked as it leaves the pool: after a Postgres restart or failover the
    # dead ones are replaced instead of failing a request each. The engine's check makes the
    # round trip only for a connection whose socket has news (hawk.database.postgresql).
    _database["CONN_HEALTH_CHECKS"] = True
    _database["ENGINE"] = POSTGRES_ENGINE
    _database["OPTIONS"]["connect_timeout"] = env_int("DATABASE_CONNECT_TIMEOUT", 3, minimum=1)
elif _database["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    _database.setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
_database["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME") or None}
DATABASES = {"default": _database}

# Live mode (docs/data.md): the HAWK tables are read from the HAWK platform's own Postgres,
# through the router in hawk.database.routers; the product's own tables stay in DATABASE_URL.
# Never migrated: the platform owns its public schema.
HAWK_DATABASE_URL = env_url("HAWK_DATABASE_URL", schemes={"postgres", "postgresql"})
if HAWK_DATABASE_URL:
    _hawk_database = dj_database_url.parse(HAWK_DATABASE_URL)
    _hawk_database["CONN_MAX_AGE"] = 0
    _hawk_database.setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("HAWK_DATABASE_POOL_MIN", 2),
        "max_size": env_int("HAWK_DATABASE_POOL_MAX", 20, minimum=1),
        "timeout": env_float("DATABASE_POOL_TIMEOUT", 10.0),
    }
    _hawk_database["CONN_HEALTH_CHECKS"] = True
    _hawk_database["ENGINE"] = POSTGRES_ENGINE
    _hawk_database["OPTIONS"]["connect_timeout"] = env_int("DATABASE_CONNECT_TIMEOUT", 3, minimum=1)
    # The product's views (hawk.database.live_views) first: they add the product's own columns
    # to the platform's tables that lack them.
    _hawk_database["OPTIONS"]["options"] = "-c search_path=hawk_agent,public"
    # The test runner must never create, flush or drop the platform's database: under test the
    # alias is the test database of DATABASE_URL.
    _hawk_database["TEST"] = {"MIRROR": "default"}
    DATABASES["hawk"] = _hawk_database


def _replica_database(url: str, primary: str) -> dj_database_url.DBConfig:
    """A hot standby of `primary`: a small pool of its own, never migrated, and under test the
    primary's test database (the test runner creates nothing for it)."""
    replica = dj_database_url.parse(url)
    replica["CONN_MAX_AGE"] = 0
    replica.setdefault("OPTIONS", {})["pool"] = {
        "min_size": 0,
        "max_size": env_int("DATABASE_POOL_MAX", 20, minimum=1),
        "timeout": env_float("DATABASE_REPLICA_POOL_TIMEOUT", 1.0),
    }
    replica["CONN_HEALTH_CHECKS"] = True
    replica["ENGINE"] = POSTGRES_ENGINE
    replica["OPTIONS"]["connect_timeout"] = env_int("DATABASE_CONNECT_TIMEOUT", 3, minimum=1)
    if search_path := DATABASES[primary].get("OPTIONS", {}).get("options"):
        replica["OPTIONS"]["options"] = search_path
    replica["TEST"] = {"MIRROR": primary}
    return replica


# Read replicas (docs/operations.md, "Scale-out"): streaming hot standbys of DATABASE_URL
# (DATABASE_REPLICA_URLS) and, in live mode, of HAWK_DATABASE_URL (HAWK_DATABASE_REPLICA_URLS).
# Cache fills read from one only once it has replayed the write that made the generation they
# are keyed on (hawk.datacache.replica_reads); every other read and every write stays on the
# primary. A replica further behind than HAWK_REPLICA_MAX_LAG_SECONDS is skipped.
DATABASE_REPLICAS: dict[str, list[str]] = {"default": []}
for _primary, _variable, _prefix in (
    ("default", "DATABASE_REPLICA_URLS", "replica"),
    ("hawk", "HAWK_DATABASE_REPLICA_URLS", "hawk_replica"),
):
    _urls = env_list(_variable) if _primary in DATABASES else []
    if _urls and DATABASES[_primary]["ENGINE"] != POSTGRES_ENGINE:
        raise ImproperlyConfigured(f"{_variable} needs a Postgres primary")
    for _index, _url in enumerate(_urls):
        if urlparse(_url).scheme not in {"postgres", "postgresql"}:
            raise ImproperlyConfigured(f"{_variable}: not a postgres URL: {_url!r}")
        DATABASES[f"{_prefix}_{_index}"] = _replica_database(_url, _primary)
    DATABASE_REPLICAS[_primary] = [f"{_prefix}_{index}" for index in range(len(_urls))]
HAWK_REPLICA_MAX_LAG_SECONDS = env_float("HAWK_REPLICA_MAX_LAG_SECONDS", 5.0)
# After a replica failed to answer, it is left alone for this long.
HAWK_REPLICA_RETRY_SECONDS = env_float("HAWK_REPLICA_RETRY_SECONDS", 5.0)
DATABASE_ROUTERS = ["hawk.database.routers.HawkRouter"]

# The change feed (docs/data.md, "Live mode"): how writes made outside Django reach the caches.
# triggers: statement triggers bump a generation in the writer's transaction (install with
# `manage.py install_change_feed`); logical: a logical replication slot read with SQL
# functions; off: only writes made through Django are seen. On SQLite only `off` applies.
HAWK_CHANGE_FEED = env_str(
    "HAWK_CHANGE_FEED",
    "triggers" if HAWK_DATABASE_URL or _database["ENGINE"] == POSTGRES_ENGINE else "off",
)
if HAWK_CHANGE_FEED not in {"triggers", "logical", "off"}:
    raise ImproperlyConfigured("HAWK_CHANGE_FEED must be one of triggers, logical, off")
HAWK_CHANGE_FEED_SLOT = env_str("HAWK_CHANGE_FEED_SLOT", "hawk_agent")
# Postgres's own rule for slot names; it also makes the name safe to print in SQL for a DBA.
if not re.fullmatch(r"[a-z0-9_]{1,63}", HAWK_CHANGE_FEED_SLOT):
    raise ImproperlyConfigured("HAWK_CHANGE_FEED_SLOT: 1 to 63 of a-z, 0-9 and _")
# How often the logical-mode reader polls its slot, and the listener's reconnect back-off.
HAWK_CHANGE_FEED_POLL_SECONDS = env_float("HAWK_CHANGE_FEED_POLL_SECONDS", 0.5, minimum=0.01)
HAWK_CHANGE_FEED_RECONNECT_SECONDS = env_float(
    "HAWK_CHANGE_FEED_RECONNECT_SECONDS", 2.0, minimum=0.05
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and channel layer ----------------------------------------------------------------

REDIS_URL = env_url("REDIS_URL", schemes={"redis", "rediss", "unix"})
REDIS_SOCKET_TIMEOUT = env_float("REDIS_SOCKET_TIMEOUT", 0.5)
# Redis Sentinel (docs/operations.md, "Scale-out"): "host:port" of each Sentinel, the name they
# monitor the master under, and the database number; used instead of REDIS_URL when set.
REDIS_SENTINELS = env_list("REDIS_SENTINELS")
REDIS_SENTINEL_MASTER = env_str("REDIS_SENTINEL_MASTER", "hawk")
REDIS_SENTINEL_DB = env_int("REDIS_SENTINEL_DB", 0)
# Every consumer waits for its messages in a blocking pop of 5 s (channels_redis); redis-py's
# default read timeout is 5 s too, so under load the pop's answer came after the timeout and
# the consumer died with its socket (issue 8 load test). The read timeout must outlast it.
CHANNEL_LAYER_SOCKET_TIMEOUT = 15.0


def _sentinel_address(raw: str) -> tuple[str, int]:
    host, _, port = raw.rpartition(":")
    if not host or not port.isdigit():
        raise ImproperlyConfigured(f"REDIS_SENTINELS: host:port, not {raw!r}")
    return host, int(port)


_REDIS_TIMEOUTS = {
    "SOCKET_CONNECT_TIMEOUT": REDIS_SOCKET_TIMEOUT,
    "SOCKET_TIMEOUT": REDIS_SOCKET_TIMEOUT,
}
if REDIS_SENTINELS:
    _sentinels = [_sentinel_address(raw) for raw in REDIS_SENTINELS]
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            # The master only (a list of one): a replica may lag behind a generation bump.
            "LOCATION": [f"redis://{REDIS_SENTINEL_MASTER}/{REDIS_SENTINEL_DB}?is_master=1"],
            "KEY_PREFIX": "hawk",
            "OPTIONS": {
                **_REDIS_TIMEOUTS,
                "CLIENT_CLASS": "django_redis.client.SentinelClient",
                "CONNECTION_FACTORY": "django_redis.pool.SentinelConnectionFactory",
                "SENTINELS": _sentinels,
                "SENTINEL_KWARGS": {"socket_timeout": REDIS_SOCKET_TIMEOUT},
            },
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "sentinels": _sentinels,
                        "master_name": REDIS_SENTINEL_MASTER,
                        "db": REDIS_SENTINEL_DB,
                        "socket_timeout": CHANNEL_LAYER_SOCKET_TIMEOUT,
                        "sentinel_kwargs": {"socket_timeout": REDIS_SOCKET_TIMEOUT},
                    }
                ],
                "prefix": "hawk-asgi",
            },
        }
    }
elif REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "hawk",
            "OPTIONS": dict(_REDIS_TIMEOUTS),
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": CHANNEL_LAYER_SOCKET_TIMEOUT}],
                "prefix": "hawk-asgi",
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Analysis backend (Dify) ----------------------------------------------------------------

DIFY_BASE_URL = env_url("DIFY_BASE_URL", schemes={"http", "https"}).rstrip("/")
DIFY_API_KEY = env_str("DIFY_API_KEY")
if DIFY_BASE_URL and not DIFY_API_KEY:
    raise ImproperlyConfigured("DIFY_API_KEY must be set when DIFY_BASE_URL is set")

# --- Dify client ----------------------------------------------------------------------------
# One Dify app per template category may be configured: DIFY_API_KEY_<CATEGORY> (e.g.
# DIFY_API_KEY_RISK_ANALYSIS). Only the keys that are set appear here, by lower-case category;
# every other category uses DIFY_API_KEY.
DIFY_CATEGORIES = (
    "inception",
    "utilisation",
    "rollover",
    "termination",
    "amendment",
    "inquiry",
    "risk_analysis",
    "compliance",
    "performance",
    "monitoring",
    "general",
)
DIFY_API_KEYS = {
    category: key
    for category in DIFY_CATEGORIES
    if (key := env_str(f"DIFY_API_KEY_{category.upper()}"))
}
# Seconds. Dify pings every 10 s while it works, so 30 s without a byte means it is gone.
DIFY_CONNECT_TIMEOUT = env_float("DIFY_CONNECT_TIMEOUT", 5.0, minimum=0.01)
DIFY_READ_TIMEOUT = env_float("DIFY_READ_TIMEOUT", 30.0, minimum=0.01)
DIFY_RUN_DEADLINE = env_float("DIFY_RUN_DEADLINE", 300.0, minimum=0.1)
DIFY_STOP_TIMEOUT = env_float("DIFY_STOP_TIMEOUT", 3.0, minimum=0.01)
# Retries happen only before the answer starts: connection errors, 429 and 5xx.
DIFY_RETRY_ATTEMPTS = env_int("DIFY_RETRY_ATTEMPTS", 3, minimum=1)
DIFY_RETRY_BACKOFF = env_float("DIFY_RETRY_BACKOFF", 0.5)  # first wait; doubles, with jitter
DIFY_RETRY_BACKOFF_MAX = env_float("DIFY_RETRY_BACKOFF_MAX", 8.0)
DIFY_RETRY_AFTER_MAX = env_float("DIFY_RETRY_AFTER_MAX", 10.0)  # cap on a 429's Retry-After
DIFY_CIRCUIT_FAILURES = env_int("DIFY_CIRCUIT_FAILURES", 5, minimum=1)
DIFY_CIRCUIT_COOLDOWN = env_float("DIFY_CIRCUIT_COOLDOWN", 30.0)
DIFY_MAX_CONNECTIONS = env_int("DIFY_MAX_CONNECTIONS", 200, minimum=1)

# --- Analysis backend (OpenAI-compatible: OpenAI, Azure OpenAI v1, vLLM, llama.cpp, Ollama,
# LiteLLM; docs/llm.md) ---------------------------------------------------------------------
OPENAI_BASE_URL = env_url("OPENAI_BASE_URL", schemes={"http", "https"}).rstrip("/")
OPENAI_API_KEY = env_str("OPENAI_API_KEY")  # empty: no auth header (a local server)
OPENAI_MODEL = env_str("OPENAI_MODEL", "gpt-4o-mini")
# The header the key goes in: `authorization` (Bearer) for most servers, `api-key` for Azure.
OPENAI_AUTH_HEADER = env_choice("OPENAI_AUTH_HEADER", "authorization", {"authorization", "api-key"})
# Seconds. The first token must come within OPENAI_FIRST_TOKEN_TIMEOUT, else the chain moves on.
OPENAI_CONNECT_TIMEOUT = env_float("OPENAI_CONNECT_TIMEOUT", 5.0, minimum=0.01)
OPENAI_READ_TIMEOUT = env_float("OPENAI_READ_TIMEOUT", 30.0, minimum=0.01)
OPENAI_FIRST_TOKEN_TIMEOUT = env_float("OPENAI_FIRST_TOKEN_TIMEOUT", 20.0, minimum=0.01)
OPENAI_RUN_DEADLINE = env_float("OPENAI_RUN_DEADLINE", 300.0, minimum=0.1)
OPENAI_MAX_CONNECTIONS = env_int("OPENAI_MAX_CONNECTIONS", 200, minimum=1)

# --- The fallback chain (docs/llm.md) -------------------------------------------------------
# The backends tried in order when the router sends a run to an LLM; the next one answers when
# one fails before its first token. Unconfigured backends are left out; builtin ends every chain.
HAWK_ANALYSIS_CHAIN = env_chain("HAWK_ANALYSIS_CHAIN", "dify,openai,builtin")
# A backend that failed HAWK_BACKEND_COOLDOWN_FAILURES times in a row (before answering) is
# skipped by every worker for HAWK_BACKEND_COOLDOWN_SECONDS (kept in the Django cache).
HAWK_BACKEND_COOLDOWN_FAILURES = env_int("HAWK_BACKEND_COOLDOWN_FAILURES", 3, minimum=1)
HAWK_BACKEND_COOLDOWN_SECONDS = env_int("HAWK_BACKEND_COOLDOWN_SECONDS", 60, minimum=1)

# --- The answer check (docs/llm.md) ---------------------------------------------------------
# The risk score (0-1) at which an answer's risk is medium, high (a quality_warning notice and
# the alert's numerator) or critical.
HAWK_RISK_MEDIUM = env_float("HAWK_RISK_MEDIUM", 0.15, minimum=0.01)
HAWK_RISK_HIGH = env_float("HAWK_RISK_HIGH", 0.5, minimum=0.01)
HAWK_RISK_CRITICAL = env_float("HAWK_RISK_CRITICAL", 0.9, minimum=0.01)
if not HAWK_RISK_MEDIUM <= HAWK_RISK_HIGH <= HAWK_RISK_CRITICAL:
    raise ImproperlyConfigured("HAWK_RISK_MEDIUM <= HAWK_RISK_HIGH <= HAWK_RISK_CRITICAL")

# --- Analysis routing, cost and budgets (docs/operations.md) -----------------------------------
# Which backend answers an intent or template category (the category wins when both match).
# Pure look-ups go to the built-in analyst at no LLM cost; everything else to Dify when set.
HAWK_ANALYSIS_ROUTES = env_routes(
    "HAWK_ANALYSIS_ROUTES", "inquiry=builtin,monitoring=builtin", keys=DIFY_CATEGORIES
)
# The model the Dify apps run: the price table's row and the gen_ai_request_model label.
HAWK_LLM_MODEL = env_str("HAWK_LLM_MODEL", "gpt-4o-mini")
# USD per million input / output tokens, used when Dify's usage gives no USD price.
HAWK_LLM_PRICES = env_prices("HAWK_LLM_PRICES", "gpt-4o-mini=0.15/0.60,gpt-4o=2.50/10.00")
# Budgets in USD (0: none). Spent: runs are answered by the built-in analyst until the period
# (UTC day or month) turns. At HAWK_BUDGET_WARNING_RATIO a warning is logged and counted.
HAWK_BUDGET_DAILY_USD = env_usd("HAWK_BUDGET_DAILY_USD")
HAWK_BUDGET_MONTHLY_USD = env_usd("HAWK_BUDGET_MONTHLY_USD")
HAWK_BUDGET_USER_DAILY_USD = env_usd("HAWK_BUDGET_USER_DAILY_USD")
HAWK_BUDGET_USER_MONTHLY_USD = env_usd("HAWK_BUDGET_USER_MONTHLY_USD")
HAWK_BUDGET_WARNING_RATIO = env_float("HAWK_BUDGET_WARNING_RATIO", 0.8, minimum=0.01)
# The least a run reserves against the budgets before Dify is asked (the price table's estimate
# when larger): Dify's own price may exceed the table's.
HAWK_BUDGET_RUN_RESERVE_USD = env_usd("HAWK_BUDGET_RUN_RESERVE_USD", "0.01")
# --- end Dify client ------------------------------------------------------------------------

# --- Auth, sessions, security ---------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Request bodies: prompts are at most 4,000 characters; bundles go through the command line.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 1_048_576, minimum=1024)

# --- Internationalisation and static files --------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

# --- REST framework and OpenAPI -------------------------------------------------------------

# Per user, over HTTP and WebSocket together (hawk.web.throttling).
AGENT_RATE_LIMIT = env_rate("AGENT_RATE_LIMIT", "120/min")

# How long a token's user and roles may be served from the cache (hawk.web.authentication):
# a change to them by the ORM drops the entry at once; one made around the ORM (raw SQL, a
# queryset update) is seen within this bound. Each worker keeps an entry in memory for at
# most HAWK_AUTH_LOCAL_SECONDS of it (a change made in another process waits that long).
HAWK_AUTH_CACHE_SECONDS = env_float("HAWK_AUTH_CACHE_SECONDS", 60.0)
HAWK_AUTH_LOCAL_SECONDS = min(
    env_float("HAWK_AUTH_LOCAL_SECONDS", 2.0), 5.0, HAWK_AUTH_CACHE_SECONDS
)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "hawk.web.authentication.CachedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "hawk.web.inputs.CheckedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "hawk.web.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "hawk.web.errors.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {"agent": AGENT_RATE_LIMIT},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "HAWK Agent API",
    "DESCRIPTION": "Hedge-operations agent: prompt understanding, hedge data and analysis.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "HealthStatusEnum": ["healthy", "degraded", "unhealthy"],
        "RunStatusEnum": "hawk.models.AgentRun.Status",
        "TemplateStatusEnum": "templates_app.models.PromptTemplate.Status",
        "ExperimentStatusEnum": "templates_app.models.Experiment.Status",
    },
}

# --- Logging --------------------------------------------------------------------------------

LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "hawk.web.request_id.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.request": {"level": "ERROR"}},
}

# --- HAWK -----------------------------------------------------------------------------------

# Context budget for the analysis backend, in characters.
HAWK_CONTEXT_MAX_CHARS = env_int("HAWK_CONTEXT_MAX_CHARS", 100_000, minimum=1000)
# An FX rate older than this adds a RATE_STALE warning (it is still used).
HAWK_RATE_MAX_AGE_HOURS = env_int("HAWK_RATE_MAX_AGE_HOURS", 72, minimum=1)
# Below this confidence (0..1) in the reading of a prompt, the agent asks instead of answering
# (API.md, "Unclear requests"); a prompt with no intent word is always asked about.
HAWK_CONFIDENCE_FLOOR = env_float("HAWK_CONFIDENCE_FLOOR", 0.5)
HAWK_ROLLOVER_WINDOW_DAYS = env_int("HAWK_ROLLOVER_WINDOW_DAYS", 30, minimum=1)
# Hedged item changes below this (in currency units) make an effectiveness test inconclusive.
HAWK_EFFECTIVENESS_MATERIALITY = env_int("HAWK_EFFECTIVENESS_MATERIALITY", 1000)
# Threads for blocking database work from async code and for reading the sources of a plan
# concurrently (each with its own pooled connection while it works). A worker runs Python on
# one core (the GIL): past a few threads more only contend for it (docs/benchmarks.md, issue
# 19: 4 carried about 10% more runs/s than 8 at the knee on two cores, 2 fewer).
HAWK_DB_THREADS = env_int("HAWK_DB_THREADS", 4, minimum=1)

# Seconds for which the end of a run (cancelled or failed) is retried in the background while
# the database is down, so that the run does not stay `running` in history.
HAWK_RUN_RECORD_RETRY_SECONDS = env_float("HAWK_RUN_RECORD_RETRY_SECONDS", 600.0)
# Runs whose worker died (hawk.pipeline.run.liveness): each worker beats this often for its
# runs; a run silent for longer than the second is ended failed (worker_lost).
HAWK_RUN_HEARTBEAT_SECONDS = env_float("HAWK_RUN_HEARTBEAT_SECONDS", 15.0, minimum=0.1)
HAWK_RUN_LOST_AFTER_SECONDS = env_float("HAWK_RUN_LOST_AFTER_SECONDS", 45.0, minimum=1.0)

# Draining on SIGTERM (hawk.api.shutdown): /health/ready is 503 at once and no new run is taken;
# the runs in flight may finish for up to HAWK_DRAIN_SECONDS, then the rest are cut
# (server_restarting, recorded cancelled). The worker keeps listening for at least
# HAWK_DRAIN_NOTICE_SECONDS even with nothing in flight, so that a proxy checking readiness
# takes it out of rotation before its socket closes.
HAWK_DRAIN_SECONDS = env_float("HAWK_DRAIN_SECONDS", 30.0, minimum=0.0)
HAWK_DRAIN_NOTICE_SECONDS = env_float("HAWK_DRAIN_NOTICE_SECONDS", 3.0, minimum=0.0)

# Runs one WebSocket may have in flight at once; a further prompt is refused (rate_limited)
# until one ends. The per-user AGENT_RATE_LIMIT applies to WebSocket prompts as well.
HAWK_WS_MAX_RUNS = env_int("HAWK_WS_MAX_RUNS", 5, minimum=1)

# /metrics is for Prometheus only: scrapers from these addresses, or with this bearer token.
# /metrics: a bearer METRICS_TOKEN, or a source address listed here. No address by default:
# behind a reverse proxy on the host every client would look like loopback.
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", [])
METRICS_TOKEN = env_str("METRICS_TOKEN")
# Several worker processes (uvicorn --workers): each writes its metrics to files here and a
# scrape of any worker sums them all (prometheus_client multiprocess mode, which reads the
# same variable itself). The directory must exist and be emptied before the workers start.
PROMETHEUS_MULTIPROC_DIR = env_str("PROMETHEUS_MULTIPROC_DIR")
if PROMETHEUS_MULTIPROC_DIR and not Path(PROMETHEUS_MULTIPROC_DIR).is_dir():
    raise ImproperlyConfigured(
        f"PROMETHEUS_MULTIPROC_DIR must be an existing directory, not {PROMETHEUS_MULTIPROC_DIR!r}"
    )
