"""Local development: SQLite by default, debug on, a throwaway secret key."""

import os
from urllib.parse import urlsplit

from config.settings.base import *  # noqa: F403
from config.settings.base import env_bool

DEBUG = env_bool("DEBUG", default=True)
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-never-use-in-production"
# Mail is written to files a person can read, one a message, in MAIL_DIR (mails/ by default): see the README.
MAILERS = {
    "default": {
        "BACKEND": "config.mail.ReadableFileBackend",
        "OPTIONS": {"file_path": os.environ.get("MAIL_DIR") or str(BASE_DIR / "mails")},  # noqa: F405
    }
}
# `make run HOST=… PORT=…` serves at SITE_URL: its host is allowed too.
_site_host = urlsplit(SITE_URL).hostname  # noqa: F405
if _site_host and _site_host not in ALLOWED_HOSTS:  # noqa: F405
    ALLOWED_HOSTS = [*ALLOWED_HOSTS, _site_host]  # noqa: F405
