"""Test settings: fast hashing, plain static storage, the database from DATABASE_URL."""

import os
import tempfile
from pathlib import Path

from config.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-secret-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Tests talk to the app through the test client and live_server; no compressed manifest needed.
WHITENOISE_AUTOREFRESH = True
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# No persistent connections: the live server's threads must not keep the test database open at teardown.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Exports run at once in tests (the background flow is tested with the database backend explicitly).
# (`make bench` queues them as in production: TASKS_BACKEND=django_tasks_db.DatabaseBackend.)
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")}}
# One folder per pytest-xdist worker: two workers' databases give the same ids, so the same file names.
MEDIA_ROOT = Path(tempfile.gettempdir()) / f"plans-locaux-test-media-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
