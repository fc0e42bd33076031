"""XinDang settings: one module, driven by the environment (see .env.example)."""

import hashlib
import importlib.util
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
# A local `.env` (written by `make install` for development: XINDANG_DEV=1 and a random secret key)
# fills in what the real environment does not set; the environment always wins. A production
# server has no .env (or its own) and no XINDANG_DEV, so it still refuses to start without its
# own XINDANG_SECRET_KEY. XINDANG_ENV_FILE names another file ("" reads none).
ENV_FILE = os.environ.get("XINDANG_ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE:
    load_dotenv(ENV_FILE, override=False)
VAR_DIR = Path(os.environ.get("XINDANG_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise RuntimeError(f"environment variable {name} is required")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise RuntimeError(f"environment variable {name} must be a boolean, got {raw!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("XINDANG_DEBUG", False)
SECRET_KEY = os.environ.get("XINDANG_SECRET_KEY") or (
    "insecure-dev-key-only-for-local-use" if DEBUG or os.environ.get("XINDANG_DEV") else None
)
if not SECRET_KEY:
    # Running outside `make run`/tests without a secret is a deployment mistake, not a default.
    SECRET_KEY = env_str("XINDANG_SECRET_KEY")


def _audit_key() -> tuple[bytes, bool]:
    """The key of the audit chain's HMAC, kept outside the database: XINDANG_AUDIT_KEY, or the first
    line of the file XINDANG_AUDIT_KEY_FILE; else derived from the secret key (then rotating the
    secret key needs the old derived key among the retired ones — set a key of its own)."""
    raw = os.environ.get("XINDANG_AUDIT_KEY", "")
    path = os.environ.get("XINDANG_AUDIT_KEY_FILE", "")
    if not raw and path:
        raw = Path(path).read_text(encoding="utf-8").strip().splitlines()[0].strip()
    if raw:
        if len(raw) < 32:
            raise RuntimeError("XINDANG_AUDIT_KEY must be at least 32 characters")
        return raw.encode(), False
    return hashlib.sha256(b"xindang audit chain|" + SECRET_KEY.encode()).hexdigest().encode(), True


XINDANG_AUDIT_KEY, XINDANG_AUDIT_KEY_DERIVED = _audit_key()
# Keys the chain was signed with before a rotation (comma-separated), kept to verify older events.
XINDANG_AUDIT_RETIRED_KEYS = [key.encode() for key in env_list("XINDANG_AUDIT_RETIRED_KEYS")]
# Where `verify_audit --anchor` appends the chain head's anchors: put it on other storage than the
# database (another disk, a mounted share, write-once media); the nightly output carries them too.
XINDANG_AUDIT_ANCHOR_FILE = Path(os.environ.get("XINDANG_AUDIT_ANCHOR_FILE", VAR_DIR / "audit-anchors.jsonl"))


# Keys of the fields stored encrypted (identity-card and passport numbers): comma-separated Fernet keys,
# newest first — the first encrypts, all decrypt (rotation: put a new key first, run
# `manage.py rotate_field_keys`, then drop the old one). In development a key derived from the secret
# key is used; without XINDANG_DEV a missing key stops the start, like a missing secret key.
def _field_keys() -> list[str]:
    from xindang.core.fieldcrypto import derived_dev_key, parse_keys

    try:
        keys = parse_keys(os.environ.get("XINDANG_FIELD_KEYS", ""))
    except ValueError as exc:
        raise RuntimeError("XINDANG_FIELD_KEYS holds a malformed key (Fernet keys, comma-separated)") from exc
    if keys:
        return keys
    if DEBUG or os.environ.get("XINDANG_DEV"):
        return [derived_dev_key(SECRET_KEY)]
    raise RuntimeError(
        "environment variable XINDANG_FIELD_KEYS is required (see manage.py rotate_field_keys --new-key)"
    )


XINDANG_FIELD_KEYS = _field_keys()

ALLOWED_HOSTS = env_list("XINDANG_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("XINDANG_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "xindang.core",
    "xindang.audit",
    "xindang.policy",
    "xindang.accounts",
    "xindang.customers",
    "xindang.documents",
    "xindang.contracts",
    "xindang.approvals",
    "xindang.ledger",
    "xindang.ledger.collection",
    "xindang.credit",
    "xindang.credit.grants",
    "xindang.credit.control",
    "xindang.credit.evaluations",
    "xindang.custody",
    "xindang.lifecycle",
    "xindang.retention",
    "xindang.privacy",
    "xindang.onboarding",
    "xindang.suppliers",
    "xindang.handovers",
    "xindang.duties",
    "xindang.relations",
    "xindang.reports",
    "xindang.api",
]

MIDDLEWARE = [
    "xindang.core.request_cache.RequestCacheMiddleware",  # values computed once per request
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Two of Django's middlewares serve only pages and browsers and are passed through for an
    # integration's call with an API key (xindang.accounts.middleware.PagesOnlyMixin): locale (the
    # language is UserLanguageMiddleware's) and messages. Everything else, the session, CSRF (kept
    # as Django's own class: `check --deploy` looks for it by name) and the login included, runs for
    # every request.
    "xindang.accounts.middleware.PageLocaleMiddleware",
    "xindang.core.middleware.RefuseNulMiddleware",
    "xindang.core.middleware.ContentSecurityPolicyMiddleware",
    "xindang.documents.uploads.OversizedUploadMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "xindang.accounts.middleware.LoginRequiredMiddleware",
    "xindang.accounts.middleware.UserLanguageMiddleware",
    "xindang.policy.middleware.SessionTimeoutMiddleware",
    "xindang.accounts.middleware.PageMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

# One query for the request's user and department; their permissions and roles from the shared cache
# (read in one query when it has none: xindang/accounts/backends.py). ModelBackend
# stays listed second only so that sessions begun before it was replaced stay logged in.
AUTHENTICATION_BACKENDS = [
    "xindang.accounts.backends.AccountBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Second factor (django-otp, TOTP): the name authenticator apps show beside the account.
OTP_TOTP_ISSUER = "XinDang"

ROOT_URLCONF = "xindang.urls"
WSGI_APPLICATION = "xindang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "xindang" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "xindang.navigation.navigation",
            ],
        },
    },
]

# Forms render their plain widgets (inputs, selects, textareas) in Python, the same text as Django's
# templates (xindang/core/form_renderer.py); any other widget through the templates.
FORM_RENDERER = "xindang.core.form_renderer.FastWidgetRenderer"

# --- Database: SQLite by default, DATABASE_URL selects PostgreSQL or MySQL/MariaDB -------------
DEFAULT_SQLITE = VAR_DIR / "xindang.sqlite3"
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE}"  # empty = SQLite too
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=int(os.environ.get("XINDANG_CONN_MAX_AGE", "0")))
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + IMMEDIATE: writers queue instead of failing with "database is locked" (ARCHITECTURE.md).
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    # A file, not :memory:, so that threads (concurrency tests, the browser tests' live server) share it.
    _db["TEST"] = {"NAME": str(VAR_DIR / f"test_xindang_{os.getpid()}.sqlite3")}
elif _db["ENGINE"] == "django.db.backends.mysql":
    import pymysql

    pymysql.install_as_MySQLdb()
    _db["OPTIONS"] = {
        "charset": "utf8mb4",
        "isolation_level": "read committed",
        "init_command": "SET sql_mode='STRICT_TRANS_TABLES'",
    }
    _db["TEST"] = {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"}
DATABASES = {"default": _db}
# The open debits' index (ledger_entry_open_due_idx) carries its INCLUDE columns on PostgreSQL only;
# SQLite and MariaDB build it on its key columns, as intended, so their warning about it is not shown.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
# The credit check's record (README, "The credit check's record"): by default written before the
# answer with a synchronous commit, on every engine. Opt-in for PostgreSQL sites that measured they
# need it: the recorder thread writing it just behind the answer, and a commit without waiting for
# the WAL flush — both can lose the records of the last fraction of a second of answers.
CREDIT_CHECK_RECORD_BEHIND = env_bool("XINDANG_CHECK_RECORD_BEHIND", False)
CREDIT_CHECK_ASYNC_COMMIT = env_bool("XINDANG_CHECK_ASYNC_COMMIT", False)
# The load bench's constant page /bench/floor/ (bench/load.py); never set in production.
XINDANG_BENCH_FLOOR = env_bool("XINDANG_BENCH_FLOOR", False)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Long work (the confirm of a customer import) runs as a task on a queue kept in the database, run by
# `manage.py worker` (django-tasks, the reference implementation of Django's tasks API, with its
# database backend): it survives a restart of the web process and needs no broker.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# On MariaDB/MySQL, counter and exposure rows that concurrent writers may all find missing are
# committed at once on a connection of their own (core.numbering.ensure_row). The test suite turns
# it off for tests that run inside one wrapping transaction (conftest.py).
XINDANG_OWN_CONNECTION_INSERTS = True

# Content-Security-Policy of every HTML page: scripts from our own files only (no inline script or
# handler anywhere), styles from our files and style attributes, nothing framed but by ourselves.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'self'"
)

# --- Cache: a file cache shared by all worker processes; Redis when REDIS_URL is set -------------
# Keys are prefixed by the database they describe: two instances (or test runs) on one Redis or one
# var directory do not read each other's sessions, permissions or policy.
_CACHE_PREFIX = hashlib.sha256(
    f"{_db['ENGINE']}|{_db.get('HOST')}|{_db.get('PORT')}|{_db.get('NAME')}".encode()
).hexdigest()[:12]
if os.environ.get("REDIS_URL"):
    if importlib.util.find_spec("redis") is None:
        raise RuntimeError("REDIS_URL is set but the redis package is missing: pip install 'xindang[redis]'")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": _CACHE_PREFIX,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "KEY_PREFIX": _CACHE_PREFIX,
        }
    }

# --- Auth -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Sessions are written to the database and read through the cache (Django's cached_db engine): a page
# finds its session in the cache instead of asking the database; a session missing from the cache
# (evicted, another machine's cache) is read from the database, which stays the record.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("XINDANG_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# HTTPS (README, "Production basics"; `manage.py check --deploy` is clean with them set): redirect
# plain HTTP to HTTPS, tell browsers to use HTTPS only (HSTS, seconds; 0 = no header), and, behind a
# reverse proxy that ends TLS, the header by which it says the request came over HTTPS
# (XINDANG_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO, value "https" unless given as NAME=VALUE).
SECURE_SSL_REDIRECT = env_bool("XINDANG_SSL_REDIRECT", False)
try:
    SECURE_HSTS_SECONDS = int(os.environ.get("XINDANG_HSTS_SECONDS") or 0)
except ValueError as exc:
    raise RuntimeError("environment variable XINDANG_HSTS_SECONDS must be a number of seconds") from exc
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("XINDANG_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("XINDANG_HSTS_PRELOAD", True)


def _proxy_ssl_header(raw: str) -> tuple[str, str] | None:
    name, _, value = raw.strip().partition("=")
    return (name.strip(), value.strip() or "https") if name.strip() else None


SECURE_PROXY_SSL_HEADER = _proxy_ssl_header(os.environ.get("XINDANG_PROXY_SSL_HEADER", ""))
# Behind a reverse proxy, the client IP comes from this header (audit log); empty = REMOTE_ADDR.
XINDANG_CLIENT_IP_HEADER = os.environ.get("XINDANG_CLIENT_IP_HEADER", "")
# PDFs: a TrueType CJK font to embed (path, or path#index in a .ttc); empty = an installed one if
# found, else reportlab's built-in STSong-Light; "cid" = always the built-in font (core/pdf.py).
XINDANG_PDF_FONT = os.environ.get("XINDANG_PDF_FONT", "")

# --- i18n: Chinese first, English on request ---------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "xindang" / "locale"]
# Chinese date inputs render as 2026-12-06, which is what a browser's date field reads (xindang/formats)
FORMAT_MODULE_PATH = ["xindang.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files -------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "xindang" / "static"]
# Backups (manage.py backup) keep datetimes to the microsecond: xindang.core.serializers.
SERIALIZATION_MODULES = {"exactjson": "xindang.core.serializers"}

# Uploaded files live outside the web root and are never served directly.
MEDIA_ROOT = Path(os.environ.get("XINDANG_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/_never_served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and not os.environ.get("XINDANG_DEV")
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}


def s3_storage(env) -> dict:
    """The default storage on S3-compatible object storage (MinIO, Ceph, S3 gateways, AWS), configured
    from `env` (os.environ, or a dict in tests): XINDANG_S3_BUCKET, _ENDPOINT_URL, _ACCESS_KEY,
    _SECRET_KEY, _REGION, _PREFIX."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env["XINDANG_S3_BUCKET"],
            "endpoint_url": env.get("XINDANG_S3_ENDPOINT_URL") or None,
            "access_key": env.get("XINDANG_S3_ACCESS_KEY") or None,
            "secret_key": env.get("XINDANG_S3_SECRET_KEY") or None,
            "region_name": env.get("XINDANG_S3_REGION") or None,
            "location": env.get("XINDANG_S3_PREFIX", "xindang"),
            "default_acl": None,  # private objects; every download goes through a checked view
            "querystring_auth": True,
            "file_overwrite": False,
            # files past 5 MB spill to a temporary file instead of memory while read
            "max_memory_size": 5 * 1024 * 1024,
        },
    }


# Uploaded files go to S3-compatible object storage when a bucket is set.
if os.environ.get("XINDANG_S3_BUCKET"):
    STORAGES["default"] = s3_storage(os.environ)

# Hard ceiling for any request body; the per-upload limit is company policy (policy.core.upload_limit_mb).
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = None
# An upload is cut off as soon as it passes the policy's size limit (xindang/documents/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "xindang.documents.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("XINDANG_LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 50
SIMPLE_HISTORY_REVERT_DISABLED = True
# Development and tests serve static files straight from the source folders (no collectstatic step).
WHITENOISE_USE_FINDERS = DEBUG or bool(os.environ.get("XINDANG_DEV"))
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS

# E-mail (the daily run's duty digests): printed to the console unless an SMTP host is set.
EMAIL_HOST = os.environ.get("XINDANG_EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get("XINDANG_EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("XINDANG_EMAIL_PORT") or 25)
EMAIL_HOST_USER = os.environ.get("XINDANG_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("XINDANG_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("XINDANG_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("XINDANG_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("XINDANG_EMAIL_FROM", "xindang@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address users reach XinDang at: the links in e-mails start with it.
XINDANG_BASE_URL = os.environ.get("XINDANG_BASE_URL", "http://127.0.0.1:8000")
