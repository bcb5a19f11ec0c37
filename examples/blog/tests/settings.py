"""Settings for the test run (`pytest --ds=blog.tests.settings`): the
project's settings with a fast password hasher, as Django's testing docs
recommend. pyguide's weak-hasher warning skips files about tests."""

from blog.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
