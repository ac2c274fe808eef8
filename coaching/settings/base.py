"""Settings shared by every environment. Every value comes from the environment (README lists
them); the defaults are the embedded mode: SQLite and media under var/, a filesystem broker."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
import plotly
from django.core.exceptions import ImproperlyConfigured

from coaching.env import env_bool, env_int, env_list, env_str
from inference.pose.registry import DEFAULT_BACKEND, backend_spec

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("POSECOACH_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "coaching.accounts",
    "coaching.athletes",
    "coaching.videos",
    "coaching.analysis",
    "coaching.reviews",
    "coaching.reports",
    "coaching.progress",
    "coaching.learning",
    "coaching.api",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the body (CsrfViewMiddleware reads request.POST): oversized → 413.
    "coaching.middleware.RequestBodyLimitMiddleware",
    # A NUL in the path, query or a plain form (PostgreSQL refuses it in text): a 400, not a 500.
    "coaching.middleware.NulCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "coaching.middleware.ContentSecurityPolicyMiddleware",
    # Turns StorageUnavailable from any view into a 503 (its response still gets the CSP above).
    "coaching.middleware.StorageUnavailableMiddleware",
]

# Shared across processes when CACHE_URL points at Redis (login limits must see every worker).
_cache_url = env_str("CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}
        if _cache_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW_S = env_int("LOGIN_FAILURE_WINDOW_S", 900)
# Per client address: high, since a club behind one NAT shares an address.
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 100)
# The header the proxy in front sets to the client's address (X-Real-IP, or X-Forwarded-For whose
# last entry is taken); empty: REMOTE_ADDR. Only set it when every request comes through that proxy.
TRUSTED_PROXY_HEADER = env_str("TRUSTED_PROXY_HEADER", "")
# Every sign-in form authenticates through the throttle first (coaching/accounts/throttle.py).
AUTHENTICATION_BACKENDS = [
    "coaching.accounts.throttle.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "coaching.urls"
WSGI_APPLICATION = "coaching.wsgi.application"

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
                "coaching.reviews.context_processors.review_unread",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker share the file: wait for the lock instead of failing.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
# Dates "30 Nov 2026" and moments "30 Nov 2026, 15:04" on every page: coaching/formats.
FORMAT_MODULE_PATH = ["coaching.formats"]

STATIC_URL = "static/"
# plotly.min.js comes from the plotly package (served as static/plotly/plotly.min.js; no CDN).
STATICFILES_DIRS = [BASE_DIR / "static", ("plotly", Path(plotly.__file__).parent / "package_data")]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))

# Media are never served from a public path: every file goes through an authorized view.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-public/"
STORAGE_BACKEND = env_str("POSECOACH_STORAGE", "local")
if STORAGE_BACKEND == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("AWS_S3_REGION_NAME", "") or None,
            "querystring_auth": True,
            "querystring_expire": env_int("AWS_QUERYSTRING_EXPIRE", 600),
            # Signature V4: what every S3 store accepts (V2, botocore's default here, is deprecated
            # by AWS and refused by its newer regions); the URL carries X-Amz-Expires.
            "signature_version": "s3v4",
            "default_acl": None,
            "file_overwrite": False,
        },
    }
elif STORAGE_BACKEND == "local":
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise RuntimeError(f"POSECOACH_STORAGE={STORAGE_BACKEND!r}: use 'local' or 's3'.")
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads stream to a temporary file in chunks (never into memory), then move into storage.
FILE_UPLOAD_HANDLERS = ["coaching.videos.upload.LimitedTemporaryFileUploadHandler"]
FILE_UPLOAD_TEMP_DIR = str(Path(env_str("FILE_UPLOAD_TEMP_DIR", str(VAR_DIR / "tmp"))))
Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)  # Django checks that it exists
FILE_UPLOAD_MAX_MEMORY_SIZE = 0
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 2 * 1024**3)
UPLOAD_MAX_DURATION_S = env_int("UPLOAD_MAX_DURATION_S", 600)
# Work is bounded by what the packets hold, not by what the headers claim (inference/packets.py):
# frames shown (10 min at 120 fps), frames per second (phone slow motion), seconds of demuxing.
UPLOAD_MAX_FRAMES = env_int("UPLOAD_MAX_FRAMES", 72_000)
UPLOAD_MAX_FPS = env_int("UPLOAD_MAX_FPS", 240)
UPLOAD_PROBE_BUDGET_S = env_int("UPLOAD_PROBE_BUDGET_S", 20)
UPLOAD_ALLOWED_EXTENSIONS = env_list(
    "UPLOAD_ALLOWED_EXTENSIONS", ["mp4", "mov", "m4v", "mkv", "webm", "avi"]
)

# Celery: JSON only, acks late, time limits. Embedded default: kombu's filesystem transport.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
_broker_dir = VAR_DIR / "broker"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 4 * 3600)}
)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 3 * 3600)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 3 * 3600 + 300)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# An upload must not hang on a down broker: two quick tries, then the sweeper takes over.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# Every kind of background job (coaching.jobs.registry): re-send lost messages, take over dead
# workers' jobs.
CELERY_BEAT_SCHEDULE = {
    "jobs-sweep": {"task": "jobs.sweep", "schedule": 60.0, "options": {"queue": "default"}},
    # Temp files and work folders killed workers and interrupted uploads left (coaching/accounts/tempfiles.py).
    "temp-cleanup": {"task": "maintenance.temp_cleanup", "schedule": 3600.0,
                     "options": {"queue": "default"}},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# A worker renews its claim on a run every quarter of this; a run whose claim is older than it is
# taken over by the next delivery (its worker died).
ANALYSIS_LEASE_S = env_int("ANALYSIS_LEASE_S", 60)
# Fine-tuning steps of a segmentation retraining on the library (inference.segmentation.train).
SEGMENTATION_RETRAIN_STEPS = env_int("SEGMENTATION_RETRAIN_STEPS", 400)
# A temp file or work folder untouched this long belongs to no live job (longer than the hard limit).
TEMP_MAX_AGE_S = env_int("TEMP_MAX_AGE_S", CELERY_TASK_TIME_LIMIT + 3600)
ANALYSIS_RESEND_AFTER_S = env_int("ANALYSIS_RESEND_AFTER_S", 600)

POSECOACH_DEFAULT_BACKEND = env_str("POSECOACH_POSE_BACKEND", DEFAULT_BACKEND)
try:
    backend_spec(POSECOACH_DEFAULT_BACKEND)
except ValueError as _error:
    raise ImproperlyConfigured(f"POSECOACH_POSE_BACKEND: {_error}") from None

# The API (coaching/api): personal tokens first (a request without one falls back to the
# browser's session), JSON only, limits per token (API_THROTTLE_RATE) and per address without
# credentials, the schema and its documentation page from local static files.
API_THROTTLE_RATE = env_str("API_THROTTLE_RATE", "600/min")
API_ANON_THROTTLE_RATE = env_str("API_ANON_THROTTLE_RATE", "60/min")
# The chunk size the upload page sends per tus PATCH (a PATCH holds its upload's row lock).
API_TUS_CHUNK_BYTES = env_int("API_TUS_CHUNK_BYTES", 8 * 1024 * 1024)
# Webhook URLs on loopback or private networks are refused (no probing the servers inside)
# unless this is on: a receiver on the same machine or LAN (the tests' local receiver).
WEBHOOK_ALLOW_PRIVATE_HOSTS = env_bool("WEBHOOK_ALLOW_PRIVATE_HOSTS", False)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "coaching.api.auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": [
        "coaching.api.throttles.CredentialRateThrottle",
        "coaching.api.throttles.AnonymousRateThrottle",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["coaching.api.parsers.BoundedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "coaching.api.pagination.Pages",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "coaching.api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PoseCoach API",
    "DESCRIPTION": "Teams, athletes, videos, analyses and their results, reviews and progress "
    "metrics; resumable uploads (tus 1.0). Authenticate with a personal token "
    "(Authorization: Bearer pc_…) made on the account page.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
