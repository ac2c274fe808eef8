"""Tests: the same settings as production where it matters, a fixed key, fast hashing."""

from coaching.settings.base import *  # noqa: F403

SECRET_KEY = "tests-only-not-secret"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
