"""Embedded mode for `make run`: DEBUG on unless set, a per-checkout secret key kept in var/."""

import secrets

from coaching.env import env_bool
from coaching.settings.base import *  # noqa: F403
from coaching.settings.base import SECRET_KEY, VAR_DIR

DEBUG = env_bool("DEBUG", True)

if not SECRET_KEY:
    _key_file = VAR_DIR / "secret_key"
    if not _key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        _key_file.write_text(secrets.token_urlsafe(50))
        _key_file.chmod(0o600)
    SECRET_KEY = _key_file.read_text().strip()
