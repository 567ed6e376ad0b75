"""Settings for the Bình Định infrastructure project map.

Everything that differs between machines comes from environment variables (see .env.example);
a .env file next to manage.py is read first when present.
"""

import datetime
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from geo.env import envbool, envint, envlist, envstr, load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
load_dotenv(BASE_DIR / ".env")

DEBUG = envbool("DJANGO_DEBUG", False)
SECRET_KEY = envstr("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Run `make run` once (it writes .env), "
            "or copy .env.example to .env and set SECRET_KEY."
        )
    SECRET_KEY = "insecure-development-key"
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "pghistory.admin",  # before django.contrib.admin: its templates add history links
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django.contrib.gis",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework_gis",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "pgtrigger",
    "pghistory",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "geo",
    "projects",
    "layers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy on every response (see below)
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files, pre-compressed: answered here
    "geo.middleware.CompressionMiddleware",  # gzip for text the app writes (not behind nginx)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "geo.middleware.ErrorMiddleware",  # NUL bytes, our error family, a lost database → 4xx/503
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "projects.authentication.OgcTokenMiddleware",  # a token signs in OGC API reads (QGIS)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the user and URL of every writing request with the history events (the
    # actions add the door and comment); reads skip it.
    "pghistory.middleware.HistoryMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its 429 page.
    "axes.middleware.AxesMiddleware",
]

# History (django-pghistory): see projects/models.py and docs/decisions.md.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
PGHISTORY_ADMIN_MODEL = "projects.ChangeEvents"
PGHISTORY_ADMIN_CLASS = "projects.admin.ChangeEventsAdmin"

ROOT_URLCONF = "geo.urls"
WSGI_APPLICATION = "geo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


# Widgets render from templates/ too (templates/geo/offline_map_widget.html).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"


def _database() -> dict:
    """DATABASE_URL when set; otherwise libpq's PG* variables (the project's own cluster)."""
    url = envstr("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=envint("DB_CONN_MAX_AGE", 60))
    else:
        config = {
            "NAME": envstr("PGDATABASE", "bdmap"),
            "USER": envstr("PGUSER", "postgres"),
            "PASSWORD": envstr("PGPASSWORD"),
            "HOST": envstr("PGHOST"),
            "PORT": envstr("PGPORT"),
            "CONN_MAX_AGE": envint("DB_CONN_MAX_AGE", 60),
        }
    config["ENGINE"] = "django.contrib.gis.db.backends.postgis"
    config["CONN_HEALTH_CHECKS"] = True
    # JIT compiling costs 10-20 ms per large spatial query and wins nothing at our sizes; sorts
    # of a full page of features spill to disk at the default 4 MB of work_mem.
    config.setdefault("OPTIONS", {})["options"] = envstr(
        "PG_OPTIONS", "-c jit=off -c work_mem=32MB"
    )
    # A database host that does not answer is a quick 503, not a request hanging on connect.
    config["OPTIONS"].setdefault("connect_timeout", envint("DB_CONNECT_TIMEOUT", 5))
    return config


DATABASES = {"default": _database()}

# Debian 12's GDAL 3.6 cannot block file/network access from spatial references (gis.W001).
# Uploaded files are read with pyogrio's bundled GDAL, not Django's; see docs/decisions.md.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Logins (the login page, the admin's, HTTP Basic on the API) are throttled by django-axes:
# after AXES_FAILURE_LIMIT failures for one user name from one address, that pair is refused for
# AXES_COOLOFF_MINUTES, with a page that says so (templates/registration/locked_out.html, 429).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # a stranger cannot lock a user out
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "geo.security.locked_out"
AXES_CLIENT_IP_CALLABLE = "geo.security.client_ip"
AXES_VERBOSE = False

# HTTPS. DJANGO_HTTPS=true (docker-compose's default) says the site is served over HTTPS, with
# TLS ended by nginx or a proxy in front of it that sets X-Forwarded-Proto: cookies are then
# Secure, plain http is redirected, and browsers are told to use HTTPS for a year (HSTS).
# `make run` serves http://127.0.0.1:8000 and leaves it false.
HTTPS = envbool("DJANGO_HTTPS", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the container's health check calls gunicorn directly
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"


# Content-Security-Policy (django-csp): scripts only from this site, or inline with the
# response's nonce (`request.csp_nonce`: folium's map script, the API docs' set-up); styles may
# be inline (folium's and Leaflet's own); images also as data: and blob: URLs and from the base
# map's server when one is configured; nothing may frame the site. See docs/decisions.md.
def _origin(url: str) -> list[str]:
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "a"))
    if not parts.scheme or not parts.netloc:
        return []
    return [f"{parts.scheme}://{parts.netloc}".replace("://a.", "://*.")]


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:", *_origin(envstr("MAP_TILES_URL", ""))],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "worker-src": [SELF, "blob:"],  # the API reference (Redoc) starts a worker from a blob
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Vietnamese first, English second. Source strings are English; locale/vi holds Vietnamese.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# `collectstatic` (make run, make test, the docker image) writes hashed, pre-compressed copies
# here; WhiteNoise serves them with a year-long immutable Cache-Control. With DJANGO_DEBUG=true
# pages name the plain files and WhiteNoise (or runserver) finds them in the apps, no collecting.
STATIC_ROOT = Path(envstr("STATIC_ROOT") or BASE_DIR / "staticfiles")
# Front-end packages fetched from the npm registry by the set-up (see vendor.json), never a CDN.
VENDOR_DIR = BASE_DIR / "static_vendor"
STATICFILES_DIRS = [("vendor", VENDOR_DIR)]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "geo.storage.StaticStorage"},
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "planner-map"
LOGOUT_REDIRECT_URL = "home"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Filters are projects.queries, read by each view; DRF filters nothing on its own.
    "DEFAULT_FILTER_BACKENDS": [],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "COERCE_DECIMAL_TO_STRING": False,
    "EXCEPTION_HANDLER": "geo.views.drf_exception_handler",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "geo.views.ContentNegotiation",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so that a request without credentials gets 401 with `WWW-Authenticate`.
        "projects.authentication.TokenAuthentication",
        "geo.views.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Bình Định infrastructure project map API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Deep links put a link inside each operation's toggle button, which screen readers cannot
    # reach (axe: nested-interactive); the pages' templates are in templates/drf_spectacular/.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "projects.schema.add_components",
    ],
    "ENUM_NAME_OVERRIDES": {},
}

# Base map tiles are optional: the map stays readable over the boundary outlines without them.
# Empty = no base map. Example: https://tile.openstreetmap.org/{z}/{x}/{y}.png
MAP_TILES_URL = envstr("MAP_TILES_URL", "")
MAP_TILES_ATTRIBUTION = envstr("MAP_TILES_ATTRIBUTION", "&copy; OpenStreetMap contributors")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "pyogrio": {"level": "WARNING"},  # "Created N records" on every export
    },
}

DEMO_DATA_DIR = BASE_DIR / "data" / "shapefiles"

# OC4IDS publication (see docs/oc4ids.md). A project id is the prefix plus the project code.
# The prefix must be `oc4ids-` and six lower-case letters or digits, registered with the Open
# Contracting Partnership before publishing for real; the default is a visible placeholder.
OC4IDS_PREFIX = envstr("OC4IDS_PREFIX", "oc4ids-xxxxxx-")
OC4IDS_PUBLISHER = envstr("OC4IDS_PUBLISHER", "Bình Định infrastructure project map (demo)")
OC4IDS_LICENSE = envstr("OC4IDS_LICENSE", "")
OC4IDS_PUBLICATION_POLICY = envstr("OC4IDS_PUBLICATION_POLICY", "")

# Background jobs (Django's Tasks API through the django-tasks backport): the queue is a table
# in this database (django-tasks-db), worked by `manage.py db_worker` (make run starts one; the
# docker-compose service "worker" is another). An import confirmed on the upload page runs
# as a job when its file holds at least IMPORT_BACKGROUND_FROM features, with a progress bar.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
IMPORT_BACKGROUND_FROM = envint("IMPORT_BACKGROUND_FROM", 5000)

# Files agencies attach to their yearly reports (docs/reporting.md): kept here, outside
# STATIC_ROOT and with no URL of their own; a view that checks access serves them.
PRIVATE_MEDIA_ROOT = Path(envstr("PRIVATE_MEDIA_ROOT") or BASE_DIR / "private_media")
REPORT_ATTACHMENT_MAX_BYTES = envint("REPORT_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)

# Mail (reporting reminders): printed to the console unless a backend is configured, e.g.
# EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend with EMAIL_HOST and friends.
EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "bdmap@localhost")
# The address links in e-mails start with (no request to take it from in a command).
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
