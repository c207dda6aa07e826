"""Test settings: the production settings module, with a test-only secret and fast hashing."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-that-is-long-enough-for-django-checks")
os.environ["DEBUG"] = "0"  # tests always exercise the production code paths

from directory.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Templates use {% static %}; the manifest storage would need collectstatic first.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False
# Nothing is collected in tests; WhiteNoise need not look for collected files.
STATIC_ROOT = None
