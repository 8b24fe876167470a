"""Local development: SQLite by default, debug on, a throwaway secret key."""

import os

from config.settings.base import *  # noqa: F403
from config.settings.base import env_bool

DEBUG = env_bool("DEBUG", default=True)
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-never-use-in-production"
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
