"""Production settings: secrets from the environment, clean deploy checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    base.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", "DATABASE_URL": "sqlite:///:memory:"})
    base.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=60
    )


class TestProductionSettings:
    def test_deploy_check_is_clean(self):
        """With the documented variables set, `check --deploy` reports nothing."""
        result = run_manage(
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            SECRET_KEY=secrets.token_urlsafe(64),
            ALLOWED_HOSTS="plans.example.org",
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "no issues" in result.stdout

    def test_missing_secret_key_stops_start_up(self):
        result = run_manage("check", ALLOWED_HOSTS="plans.example.org")
        assert result.returncode != 0
        assert "SECRET_KEY" in result.stderr

    def test_missing_allowed_hosts_stops_start_up(self):
        result = run_manage("check", SECRET_KEY=secrets.token_urlsafe(64))
        assert result.returncode != 0
        assert "ALLOWED_HOSTS" in result.stderr


class TestEvidenceStorage:
    def test_an_s3_compatible_bucket_from_the_environment(self):
        """EVIDENCE_S3_* select django-storages' S3 backend, private; without them, the local disk."""
        code = (
            "from django.core.files.storage import storages; s = storages['evidence']; "
            "print(type(s).__name__, s.bucket_name, s.endpoint_url, s.default_acl, s.querystring_auth, s.location)"
        )
        result = run_manage(
            "shell",
            "--no-imports",
            "-c",
            code,
            SECRET_KEY=secrets.token_urlsafe(64),
            ALLOWED_HOSTS="plans.example.org",
            EVIDENCE_S3_BUCKET="preuves-plans",
            EVIDENCE_S3_ENDPOINT_URL="https://s3.fr-par.scw.cloud",
            EVIDENCE_S3_REGION="fr-par",
            EVIDENCE_S3_PREFIX="prod",
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == [
            "S3Storage",
            "preuves-plans",
            "https://s3.fr-par.scw.cloud",
            "private",
            "True",
            "prod",
        ]
        local = run_manage(
            "shell",
            "--no-imports",
            "-c",
            "from django.core.files.storage import storages; print(type(storages['evidence']).__name__)",
            SECRET_KEY=secrets.token_urlsafe(64),
            ALLOWED_HOSTS="plans.example.org",
        )
        assert local.stdout.split()[-1] == "FileSystemStorage", local.stderr


class TestSharedCache:
    def test_production_counts_rate_limits_in_one_cache_for_every_worker(self):
        """gunicorn's workers are processes: an in-process cache would count each one's requests apart."""
        code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
        env = {"SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "plans.example.org"}
        result = run_manage("shell", "--no-imports", "-c", code, **env)
        assert result.stdout.strip() == "django.core.cache.backends.db.DatabaseCache", result.stderr
        result = run_manage("shell", "--no-imports", "-c", code, CACHE_URL="redis://cache:6379/0", **env)
        assert result.stdout.strip() == "django.core.cache.backends.redis.RedisCache", result.stderr

    def test_two_processes_share_the_database_cache(self, db, settings):
        """What one worker process counted, another reads: the migrations created the table."""
        from django.core.cache.backends.db import DatabaseCache

        first, second = (DatabaseCache(settings.CACHE_TABLE, {}) for _ in range(2))
        first.set("throttle_user_1", [1, 2, 3])
        assert second.get("throttle_user_1") == [1, 2, 3]


class TestDevelopmentSetUp:
    def test_make_run_serves_on_the_port_asked_and_says_so(self):
        result = subprocess.run(
            ["make", "-n", "run", "PORT=8123"], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
        )
        assert "runserver 127.0.0.1:8123" in result.stdout
        code = "from django.conf import settings; print(settings.SITE_URL, '127.0.0.1' in settings.ALLOWED_HOSTS)"
        env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
        shown = subprocess.run(
            ["make", "-s", "--no-print-directory", "-f", "-", "show"],
            cwd=ROOT,
            input=(
                "include Makefile\nshow:\n\t@DJANGO_SETTINGS_MODULE=config.settings.dev "
                f'$(BIN)/python manage.py shell --no-imports -c "{code}"\n'
            ),
            capture_output=True,
            text=True,
            timeout=60,
            env={**env, "PORT": "8123"},
        )
        assert shown.stdout.strip() == "http://127.0.0.1:8123 True", shown.stdout + shown.stderr

    def test_development_mail_is_a_readable_file_per_message(self, tmp_path):
        from django.core.mail import EmailMessage

        from config.mail import ReadableFileBackend

        backend = ReadableFileBackend(file_path=str(tmp_path / "mails"))
        message = EmailMessage(
            "À valider : « Prévention », T3 2026",
            "Vérifiez les valeurs :\nhttp://127.0.0.1:8123/plans/1/suivi/2026/T3/",
            "noreply@example.org",
            ["coordination@val-de-sorne.example"],
        )
        assert backend.send_messages([message, message]) == 2
        files = sorted((tmp_path / "mails").iterdir())
        assert len(files) == 2
        text = files[0].read_text(encoding="utf-8")
        assert "Objet : À valider : « Prévention », T3 2026" in text
        assert "http://127.0.0.1:8123/plans/1/suivi/2026/T3/" in text
        assert "=C3" not in text and "quoted-printable" not in text
