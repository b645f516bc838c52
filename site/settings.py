"""Relais settings: one module, two run modes, chosen by environment variables only.

Embedded default (no variable set): SQLite under ``var/``, in-memory channel layer, database search,
console e-mail. Production (``RELAIS_ENV=production``): every external service comes from its URL
variable, and a missing secret is a start-up error rather than a silent default.
See README.md for the variables.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.conf.locale import LANG_INFO

from relais.client import check_proxy_settings
from relais.env import (
    EnvError,
    env_base_url,
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_str,
    load_dev_secret_key,
    next_redis_db,
)

# This package's folder: site/ in a checkout, relais/ in an installed wheel (templates, static, locale).
PROJECT_DIR = Path(__file__).resolve().parent


def _leaflet_dir() -> str:
    """Leaflet's JS and CSS, installed from PyPI (XStatic-Leaflet), served as /static/vendor/leaflet/."""
    import xstatic.pkg.leaflet

    return xstatic.pkg.leaflet.BASE_DIR


RELAIS_ENV = env_str("RELAIS_ENV", "embedded")
if RELAIS_ENV not in ("embedded", "production"):
    raise EnvError("RELAIS_ENV", f"must be 'embedded' or 'production', not {RELAIS_ENV!r}")
PRODUCTION = RELAIS_ENV == "production"

# Data written at run time (SQLite file, collected static files, media). A checkout keeps it in var/ beside
# manage.py; an installed wheel has no folder of its own, so production names one (static files collected
# by one command and served by another process must land in the same place).
if (PROJECT_DIR.parent / "manage.py").is_file():
    VAR_DIR = Path(env_str("RELAIS_VAR_DIR", str(PROJECT_DIR.parent / "var")))
else:
    VAR_DIR = Path(env_str("RELAIS_VAR_DIR", None if PRODUCTION else str(Path.cwd() / "var"), required=PRODUCTION))

DEBUG = env_bool("RELAIS_DEBUG", False)

if PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY", required=True)
    if len(SECRET_KEY) < 50:
        raise EnvError("SECRET_KEY", "must be at least 50 characters long in production")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", required=True)
else:
    SECRET_KEY = env_str("SECRET_KEY", "") or load_dev_secret_key(VAR_DIR)
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Daphne must come before staticfiles so that `runserver` is the ASGI one.
    "daphne",
    "relais",
    "directory",
    "guide",
    "meetings",
    "meetings.indicators",
    "search",
    "relais.demo",  # the `load_demo` command; no other code imports it
    "wagtail_localize",
    "wagtail_localize.locales",  # the admin's locales (instead of wagtail.locales)
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "channels",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.sitemaps",  # the sitemap.xml template (relais.sitemaps)
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy header on every response (see "Content-Security-Policy" below).
    "relais.csp.RelaisCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "relais.languages.ReaderLocaleMiddleware",  # the reader's language: URL prefix, else cookie (public pages)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "relais.login_protection.IdleSessionMiddleware",
    "relais.login_protection.SecondFactorMiddleware",
    # Cache-Control: private, no-store for signed-in users and professional paths (relais.middleware).
    "relais.middleware.PrivateResponses",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "relais.middleware.AdminQueryGuard",
    # Axes last, as its documentation asks: it turns lockouts into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "relais.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "relais.context_processors.relais",
            ],
        },
    },
]

ASGI_APPLICATION = "relais.asgi.application"
WSGI_APPLICATION = "relais.wsgi.application"

# --- Database -------------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    try:
        # A WSGI worker keeps its connection a minute (health-checked before reuse): opening one per request
        # cost 3 of a guide article's 14 ms of CPU (docs/performance.md). ASGI servers always close (relais.asgi).
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
                                                   conn_health_checks=True)}
    except Exception as exc:  # dj-database-url raises several types for a bad URL
        raise EnvError("DATABASE_URL", f"cannot be parsed ({exc})") from exc
elif PRODUCTION:
    raise EnvError("DATABASE_URL", "is required in production (a postgres:// URL)")
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("RELAIS_SQLITE_PATH", str(VAR_DIR / "relais.sqlite3")),
            "OPTIONS": {
                # WAL lets the Daphne process read while a management command writes. A 64 MiB page cache
                # per connection (SQLite's default is 2 MiB) keeps the search index's pages in memory: a
                # search reading thousands of matched rows otherwise re-reads most pages from the file.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # No JIT compilation: PostgreSQL compiles a statement it estimates costly (a search of tens of thousands
    # of matches), and compiling took 200 of such a search's 680 ms (tests/perf/bench_search.py, national
    # scale); a web request never runs long enough to earn it back. An `options` in DATABASE_URL is kept.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    if "jit" not in options.get("options", ""):
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
# Lets several test runs share one PostgreSQL server without clashing.
if env_str("RELAIS_TEST_DB_NAME", ""):
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env_str("RELAIS_TEST_DB_NAME")
elif DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not Django's shared-cache memory database: the live server thread of the browser tests then
    # waits on SQLite's file lock instead of failing on table locks. One file per test process.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Channels -------------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # One Daphne process holds every sheet of a session under one Redis key capped by `capacity`:
            # 50 sheets take 51 slots per tap, so the default (100) drops messages on two quick taps.
            "CONFIG": {"hosts": [REDIS_URL], "prefix": env_str("RELAIS_CHANNEL_PREFIX", "relais"),
                       "capacity": env_int("RELAIS_CHANNEL_CAPACITY", 1500), "expiry": 60},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Cache (rate limits, login throttling) ----------------------------------------------------------
if REDIS_URL:
    # Its own Redis database (REDIS_CACHE_URL, by default the next database number after REDIS_URL's): clearing
    # the cache must never wipe the channel layer's group subscriptions.
    # ResilientRedisCache: a stopped Redis degrades to process memory instead of failing pages (relais.cache).
    CACHES = {"default": {"BACKEND": "relais.cache.ResilientRedisCache",
                          "LOCATION": env_str("REDIS_CACHE_URL", "") or next_redis_db(REDIS_URL)}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Background tasks (django-tasks) ----------------------------------------------------------------
# Work that can wait (index updates, e-mails, the whole-guide PDF) leaves the request as a task.
# "immediate" runs it at once in the same process (embedded default, tests); "database" stores it in the
# database for `manage.py db_worker` (django-tasks-db), which production runs next to the app servers.
RELAIS_TASKS_BACKEND = env_choice("RELAIS_TASKS_BACKEND", "database" if PRODUCTION else "immediate",
                                  ("immediate", "database"))
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if RELAIS_TASKS_BACKEND == "database"
        else "django_tasks.backends.immediate.ImmediateBackend",
    }
}
# True when tasks run in a worker: the timeouts of work done there can then be long.
TASKS_IN_WORKER = RELAIS_TASKS_BACKEND == "database"
# Without a worker, the whole-guide PDF (tens of seconds) is built in a thread of the server, after the reader
# got the "being prepared" page, rather than inside the request.
RELAIS_GUIDE_PDF_THREAD = env_bool("RELAIS_GUIDE_PDF_THREAD", not TASKS_IN_WORKER)

# --- Public search (see search/) ------------------------------------------------------------------
ELASTICSEARCH_URL = env_str("ELASTICSEARCH_URL", "")
RELAIS_SEARCH = {
    "BACKEND": "elasticsearch" if ELASTICSEARCH_URL else "database",
    "ELASTICSEARCH_URL": ELASTICSEARCH_URL,
    "INDEX_PREFIX": env_str("ELASTICSEARCH_INDEX_PREFIX", "relais"),
    # Seconds a visitor's search waits for Elasticsearch before the database answers instead.
    "TIMEOUT": env_float("RELAIS_SEARCH_TIMEOUT", 2.0),
    # Seconds an index update waits: long in the worker, as short as a search when it runs in the request.
    "INDEX_TIMEOUT": env_float("RELAIS_SEARCH_INDEX_TIMEOUT", 30.0 if TASKS_IN_WORKER else 2.0),
    # Seconds during which, after a failure, searches go straight to the database without asking again.
    "RETRY_AFTER": env_int("RELAIS_SEARCH_RETRY_AFTER", 30),
}
# Wagtail's own search, used by the admin only: the database backend in both modes.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# --- Auth -----------------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "relais.login_protection.AddressThrottleBackend",
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sessions: a maximum age, and an idle delay (short for accounts that change shared records): see
# relais.login_protection.
SESSION_COOKIE_AGE = env_int("RELAIS_SESSION_MAX_HOURS", 10) * 3600
RELAIS_SESSION_IDLE_MINUTES = env_int("RELAIS_SESSION_IDLE_MINUTES", 30)
RELAIS_SESSION_IDLE_MINUTES_PROFESSIONAL = env_int("RELAIS_SESSION_IDLE_MINUTES_PROFESSIONAL", 120)
# Second factor (TOTP, django-otp): required for these groups ("superuser": superuser accounts), optional for
# other staff accounts.
RELAIS_2FA_REQUIRED_ROLES = env_list("RELAIS_2FA_REQUIRED_ROLES", ["admin_departement", "superuser"])
OTP_TOTP_ISSUER = env_str("RELAIS_SITE_NAME", "Relais")
LOGIN_URL = "relais:login"
LOGIN_REDIRECT_URL = "relais:pro-home"
LOGOUT_REDIRECT_URL = "relais:login"

# django-axes: five failures for one username from one address lock it for a quarter of an hour.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
# Across usernames: failed logins from one client address before it is refused (relais.login_protection).
RELAIS_LOGIN_ADDRESS_LIMIT = env_int("RELAIS_LOGIN_ADDRESS_LIMIT", 20)
RELAIS_LOGIN_ADDRESS_COOLOFF_MINUTES = env_int("RELAIS_LOGIN_ADDRESS_COOLOFF_MINUTES", 15)
# Password reset e-mails per hour, per client address and per account.
RELAIS_PASSWORD_RESET_LIMIT = env_int("RELAIS_PASSWORD_RESET_LIMIT", 3)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Axes keys on the same client address as every rate limit (relais.client, django-ipware behind proxies).
AXES_CLIENT_IP_CALLABLE = "relais.client.client_ip"

# Reverse proxies in front of the app servers (see relais.client): with neither set, X-Forwarded-For is ignored.
RELAIS_PROXY_COUNT = env_int("RELAIS_PROXY_COUNT", 0)
RELAIS_TRUSTED_PROXIES = env_list("RELAIS_TRUSTED_PROXIES")
check_proxy_settings(RELAIS_PROXY_COUNT, RELAIS_TRUSTED_PROXIES)

GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None  # no guardian "AnonymousUser" row: the public never holds object permissions

# --- i18n -----------------------------------------------------------------------------------------
# French is the source. The public pages (guide, Urgence, search) also exist in the languages of the young people
# who arrived alone (docs/guide.md, "Languages"): English, Arabic, Dari, Pashto, Tigrinya. The interface strings
# come from the catalogues under site/locale (compiled at set-up: `compilemessages`); the guide's pages are
# translated in Wagtail (wagtail-localize). The admin and the professional space stay in French.
LANGUAGE_CODE = "fr"
LANGUAGES = [
    ("fr", "Français"),
    ("en", "English"),
    ("ar", "العربية"),
    ("fa-af", "دری"),  # Dari: Persian as written in Afghanistan (fa-AF), right to left
    ("ps", "پښتو"),
    ("ti", "ትግርኛ"),
]
# Django knows Arabic and Persian but neither Dari (as such), Pashto nor Tigrinya: their names and direction.
EXTRA_LANG_INFO = {
    "fa-af": {"bidi": True, "code": "fa-af", "name": "Dari", "name_local": "دری"},
    "ps": {"bidi": True, "code": "ps", "name": "Pashto", "name_local": "پښتو"},
    "ti": {"bidi": False, "code": "ti", "name": "Tigrinya", "name_local": "ትግርኛ"},
}
LANG_INFO.update({code: info for code, info in EXTRA_LANG_INFO.items() if code not in LANG_INFO})
LANGUAGES_BIDI = ["he", "ar", "ar-dz", "ckb", "fa", "fa-af", "ps", "ug", "ur"]
WAGTAIL_I18N_ENABLED = True
WAGTAILADMIN_PERMITTED_LANGUAGES = [("fr", "Français")]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# The reader's choice (the header's switcher, relais.languages): a cookie, no account.
LANGUAGE_COOKIE_NAME = "django_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [PROJECT_DIR / "locale"]

# --- Static and media -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# site/static is the `relais` app's own folder (found with every app's); Leaflet comes from its package.
STATICFILES_DIRS = [("vendor/leaflet", _leaflet_dir())]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "relais.fonts.FontFinder",  # Arabic and Ge'ez fonts from npm, two WOFF2 files (relais.fonts)
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Image files of the library (MEDIA_ROOT/original_images/ and images/) are always served by Django after their
# privacy check (relais.media: restricted collection, or used only on restricted pages); the proxy hands those
# two folders to Django. Other media: Django serves them in the embedded mode only, production leaves them to
# the proxy (README, "Deploying"). RELAIS_SERVE_MEDIA=1 forces Django to serve them.
RELAIS_SERVE_MEDIA = env_bool("RELAIS_SERVE_MEDIA", not PRODUCTION)
# Documents always go through Wagtail's serve view, which checks the collection's privacy (a document in a
# login-only collection is not downloadable anonymously) and the pages that use it (relais.media); never a
# redirect to their file under MEDIA_URL. Their files live under MEDIA_ROOT/documents/, which the proxy must
# not serve (README, "Deploying").
WAGTAILDOCS_SERVE_METHOD = "serve_view"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Production serves hashed, compressed files collected at deploy time; the embedded mode
        # serves straight from the app folders so that `make run` needs no collectstatic.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when its root is missing
WHITENOISE_AUTOREFRESH = DEBUG

# --- E-mail ---------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Relais <ne-pas-repondre@relais.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env_str("EMAIL_HOST", "")
# Seconds an SMTP exchange may hang: e-mails are tasks, so only the worker waits this long; when tasks run in
# the request (RELAIS_TASKS_BACKEND=immediate) the default is short.
EMAIL_TIMEOUT = env_float("EMAIL_TIMEOUT", 30.0 if TASKS_IN_WORKER else 5.0)
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
elif env_str("RELAIS_EMAIL_DIR", ""):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env_str("RELAIS_EMAIL_DIR")
elif PRODUCTION:
    raise EnvError("EMAIL_HOST", "is required in production (the SMTP server that sends convocations)")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Wagtail --------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = env_str("RELAIS_SITE_NAME", "Relais")
# The public address every absolute link starts with (relais.links): e-mails, .ics, QR codes, PDFs, open data.
# Required in production: a link built from a guess (a proxy's host, 127.0.0.1) would be wrong in every e-mail.
if PRODUCTION:
    env_str("RELAIS_BASE_URL", required=True)
RELAIS_BASE_URL = env_base_url("RELAIS_BASE_URL", "http://127.0.0.1:8000")
WAGTAILADMIN_BASE_URL = RELAIS_BASE_URL
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "ods", "pdf", "xlsx"]
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "svg"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# An account's address is changed only through the confirmed link of the professional space
# (relais.accounts), never typed straight into Wagtail's account settings.
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False

# --- Relais ---------------------------------------------------------------------------------------
RELAIS_DEPARTEMENT_NAME = env_str("RELAIS_DEPARTEMENT_NAME", "Département du Pas-de-Calais")
# The site's own département (COG code): the guide's partner lists show it alone until a reader picks a commune.
RELAIS_DEPARTEMENT_CODE = env_str("RELAIS_DEPARTEMENT_CODE", "62")
# The data folder of the npm package @etalab/decoupage-administratif (INSEE's COG) that load_territories reads;
# unset: node_modules of the checkout, then of the current folder (directory.cog.default_paths).
RELAIS_COG_PATH = env_str("RELAIS_COG_PATH", "")
# RGAA compliance status shown on the home page and on /accessibilite/ ("non conforme",
# "partiellement conforme", "totalement conforme"): a legal statement, so it is configuration.
RELAIS_RGAA_STATUS = env_str("RELAIS_RGAA_STATUS", "partiellement conforme")
# Hours before a session when `send_meeting_reminders` reminds the invited (a body can override it).
RELAIS_MEETING_REMINDER_HOURS = env_int("RELAIS_MEETING_REMINDER_HOURS", 48)
# The ORGANIZER of a session's .ics when no secretary of its body has an address (a mailbox people may
# reply to); empty: the sender address.
RELAIS_MEETINGS_ORGANIZER_EMAIL = env_str("RELAIS_MEETINGS_ORGANIZER_EMAIL", "")
# RGPD: days after which the optional contact left with young people's feedback is erased.
RELAIS_FEEDBACK_CONTACT_RETENTION_DAYS = env_int("RELAIS_FEEDBACK_CONTACT_RETENTION_DAYS", 90)

# --- Security -------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Error reporting: every server error (HTTP 5xx, failed background task) is e-mailed to RELAIS_ADMINS
# (comma-separated addresses) besides the log.
ADMINS = [(address, address) for address in env_list("RELAIS_ADMINS")]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"},
                 "mail_admins": {"class": "django.utils.log.AdminEmailHandler", "level": "ERROR",
                                 "include_html": False}},
    "root": {"handlers": ["console"], "level": env_str("RELAIS_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},  # Django mails ADMINS through its own "django" logger
        "django_tasks": {"level": "WARNING", "handlers": ["mail_admins"]},
        "daphne": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}

# --- Content-Security-Policy (django-csp) -------------------------------------------------------------
# No inline script or style anywhere on the public and professional pages: scripts and styles are static files,
# data reaches scripts through json_script or data- attributes. A nonce ({{ request.csp_nonce }}) is added to
# script-src only on a response whose template asked for one. The Wagtail admin gets a few documented
# exceptions in relais.csp. Map tiles come from RELAIS_MAP_TILES_URL's host.
from csp.constants import NONCE, NONE, REPORT_SAMPLE, SELF  # noqa: E402

RELAIS_MAP_TILES_URL = env_str("RELAIS_MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
# Where the browser sends violation reports (relais.csp.csp_report logs them); empty: no reports.
RELAIS_CSP_REPORT_URI = env_str("RELAIS_CSP_REPORT_URI", "/csp-report/")
# Hosts of video files that guide pages play in place (VideoBlock with a .mp4/.webm URL), e.g. a CDN.
RELAIS_CSP_MEDIA_HOSTS = env_list("RELAIS_CSP_MEDIA_HOSTS", [])


def _origin(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # 'report-sample': a violation report carries the first characters of what was blocked.
        "script-src": [SELF, NONCE, REPORT_SAMPLE],
        "style-src": [SELF, REPORT_SAMPLE],
        "img-src": [SELF, "data:", *filter(None, [_origin(RELAIS_MAP_TILES_URL)])],
        "font-src": [SELF],
        # 'self' covers same-origin ws:/wss: in current browsers (CSP Level 3); the live sheet's websocket is
        # same-origin, and the browser tests prove it connects.
        "connect-src": [SELF],
        "media-src": [SELF, *RELAIS_CSP_MEDIA_HOSTS],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "report-uri": [RELAIS_CSP_REPORT_URI] if RELAIS_CSP_REPORT_URI else None,
    },
}

WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no editor's e-mail hash sent to a third party; also keeps img-src 'self'
