"""Settings for the blog's project, as they look after a few years of quick
fixes: a fallback secret key, a wildcard host, middleware appended at the end,
a fast password hasher, an ALLOW-FROM frame option. Next to them, the
settings pyguide explains (database connections, caches, HTTPS, CSP).

`pyguide check` reports the mistakes as warnings; `--hints` links every
setting to the topic that explains it.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = os.environ.get("DJANGO_DEBUG") == "1"

# The key comes from the environment in production... unless the variable is
# missing, and then every deployment signs sessions with the key below.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    SECRET_KEY = "q8v#n2!x7@kz$0w^c4m&h1p*r9t_e5j+b3y6u(l)d-s=f8g!a2k7z@x1c9v#n4m0"
SECRET_KEY_FALLBACKS = [k for k in os.environ.get("DJANGO_OLD_SECRET_KEYS", "").split(",") if k]

# Added during an outage "until the load balancer health check is fixed".
ALLOWED_HOSTS = ["blog.example.com", "*"]
USE_X_FORWARDED_HOST = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "blog",
]

# LocaleMiddleware was appended when the blog got translations: below the
# cache middleware, pages are cached without their language in `Vary`.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.cache.UpdateCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "blog.middleware.RequestTimingMiddleware",
    "django.middleware.cache.FetchFromCacheMiddleware",
    "django.middleware.locale.LocaleMiddleware",
]

ROOT_URLCONF = "blog.urls"
AUTH_USER_MODEL = "blog.Member"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("DB_NAME", "blog"),
        "HOST": os.environ.get("DB_HOST", "localhost"),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "ATOMIC_REQUESTS": True,
    },
    "replica": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("DB_NAME", "blog"),
        "HOST": os.environ.get("DB_REPLICA_HOST", "localhost"),
        "OPTIONS": {"pool": {"min_size": 2, "max_size": 8}},
    },
}
DATABASE_ROUTERS = ["blog.routers.ReplicaRouter"]

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ.get("REDIS_URL", "redis://localhost:6379/1"),
    }
}

# MD5 first "because logins were slow": every new password gets a fast hash.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

SECURE_SSL_REDIRECT = not DEBUG
SECURE_HSTS_SECONDS = 3600
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = ["https://blog.example.com"]
SECURE_CSP = {
    "default-src": ["'self'"],
    "frame-ancestors": ["'self'", "https://partner.example.com"],
}

X_FRAME_OPTIONS = "DENY"
if os.environ.get("PARTNER_EMBED") == "1":
    # Meant to let one partner frame the blog; browsers ignore ALLOW-FROM.
    X_FRAME_OPTIONS = "ALLOW-FROM https://partner.example.com"

LOGGING = {
    "version": 1,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
