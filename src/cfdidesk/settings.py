"""CFDI Desk settings: every value comes from the environment, with safe defaults for development."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(environ.Env().str("CFDIDESK_VAR_DIR", default=str(PROJECT_DIR / "var")))

env = environ.Env()
# The SQLite file, uploads and collected static files live under var/.
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment, or DEBUG=1 for development."
        )
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "cfdidesk.core",
    "cfdidesk.web",
    "cfdidesk.audit",
    "cfdidesk.accounts",
    "cfdidesk.customers",
    "cfdidesk.desk",
    "cfdidesk.kb",
    "cfdidesk.service",
    "cfdidesk.invoicing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cfdidesk.web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "cfdidesk.accounts.middleware.TwoFactorEnrolmentMiddleware",
    "cfdidesk.web.errors.FriendlyNotFoundMiddleware",
]

ROOT_URLCONF = "cfdidesk.urls"
WSGI_APPLICATION = "cfdidesk.wsgi.application"

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
                "django.template.context_processors.i18n",
                "cfdidesk.web.context_processors.navigation",
            ],
        },
    },
]

# An empty DATABASE_URL (as `DATABASE_URL= make test` leaves it) means the embedded default.
DATABASES = {
    "default": env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'cfdidesk.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and the worker share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            # A 64 MB page cache keeps index pages in memory during bulk loads.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Set-password links (invitations and resets) work once and for this long.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_LINK_HOURS", default=72) * 3600
# Two-factor authentication (django-otp): the name authenticator apps show beside the account.
OTP_TOTP_ISSUER = "CFDI Desk"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Failed log-ins: 5 wrong passwords (or second-step codes) for a user from one address lock it for
# 15 minutes; 20 failures from one address, whatever the usernames, lock the address (one password
# tried across many users). accounts.lockout.AddressAwareHandler counts both.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "cfdidesk.accounts.lockout.AddressAwareHandler"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "es-mx"
# Each language by its own name: whoever looks for their language finds it written as they write it.
LANGUAGES = [("es-mx", "Español (México)"), ("en", "English"), ("it", "Italiano")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Mexico_City"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Uploads: Django keeps up to 2.5 MB in memory, larger files go to a temp file.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
CUSTOMER_IMPORT_MAX_BYTES = env.int("CUSTOMER_IMPORT_MAX_BYTES", default=30 * 1024 * 1024)
# No upload may exceed this; the data stops being stored as soon as it does.
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=CUSTOMER_IMPORT_MAX_BYTES)
FILE_UPLOAD_HANDLERS = [
    "cfdidesk.core.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CFDI Desk <soporte@localhost>")
# The helpdesk address customers write to and reply to; also the domain of our Message-IDs.
HELPDESK_EMAIL = env.str("HELPDESK_EMAIL", default="soporte@localhost")
# Absolute links in e-mails (survey, portal) start with this.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=5)
INBOUND_EMAIL_MAX_BYTES = env.int("INBOUND_EMAIL_MAX_BYTES", default=25 * 1024 * 1024)
# imap://user:password@host:143/INBOX or imaps://… for `cfdidesk fetch-email`.
IMAP_URL = env.str("IMAP_URL", default="")
SURVEY_DELAY_MINUTES = env.int("SURVEY_DELAY_MINUTES", default=60)
SURVEY_VALID_DAYS = env.int("SURVEY_VALID_DAYS", default=30)

# Invoicing: the CSD private keys and their passwords are encrypted at rest with this key (any
# string; a comma-separated list rotates: the first encrypts, all decrypt). Required with DEBUG off
# as soon as a CSD is stored or used; in development it is derived from SECRET_KEY.
CSD_ENCRYPTION_KEY = env.list("CSD_ENCRYPTION_KEY", default=[])
# Movements per API request or uploaded file, and the largest movements file or XML accepted.
INVOICING_BATCH_MAX = env.int("INVOICING_BATCH_MAX", default=1000)
INVOICING_UPLOAD_MAX_BYTES = env.int("INVOICING_UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
INVOICING_XML_MAX_BYTES = env.int("INVOICING_XML_MAX_BYTES", default=2 * 1024 * 1024)

TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)  # set to 1 behind HTTPS
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "cfdidesk.web.errors.csrf_failure"
# Content-Security-Policy (django-csp) on every response: scripts and styles only from our own
# static files, never inline (the pages' behaviour is in web/static/web/app.js, htmx's indicator
# styles are in app.css and htmx is told not to inject them).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
