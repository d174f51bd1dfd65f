"""docker-compose.yml and production settings, checked without a Docker engine."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_five_services_with_health_checks_and_volumes():
    services = compose()["services"]
    assert set(services) == {"postgres", "redis", "web", "worker", "beat"}
    for name in ("postgres", "redis", "web", "worker"):
        assert "healthcheck" in services[name], name
    assert "pgdata" in compose()["volumes"]
    for name in ("web", "worker", "beat"):
        deps = services[name]["depends_on"]
        assert deps["postgres"]["condition"] == "service_healthy"
        assert deps["redis"]["condition"] == "service_healthy"


def test_compose_commands_point_at_real_entry_points():
    services = compose()["services"]
    web = services["web"]["command"]
    assert "gunicorn exportcentrum.wsgi:application" in web
    from exportcentrum.wsgi import application

    assert callable(application)
    for name in ("worker", "beat"):
        command = services[name]["command"]
        assert command[:3] == ["celery", "-A", "exportcentrum"]
        assert command[3] == name
    from exportcentrum.celery import app

    assert app.main == "exportcentrum"
    env = services["web"]["environment"]
    assert env["DJANGO_ENV"] == "production"
    assert env["DATABASE_URL"].startswith("postgresql://")
    assert env["REDIS_URL"].startswith("redis://")


def _manage(*args, env):
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DJANGO_ENV",
            "DJANGO_DEBUG",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "PORTAL_BASE_URL",
            "EMAIL_BACKEND",
            "PSEUDONYM_KEY",
        }
    }
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_key_and_hosts():
    result = _manage("check", env={"DJANGO_ENV": "production"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    result = _manage("check", env={"DJANGO_ENV": "production", "SECRET_KEY": "k" * 60})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


OLD_COMPOSE_DEFAULT_KEY = "change-me-to-a-long-random-string-of-at-least-fifty-characters"
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "a-very-long-random-production-key-7f3c9e1b2d4a6f8e0c1b3d5f7a9e2c4b6d8f",
    "PSEUDONYM_KEY": "another-long-random-key-for-pseudonyms-1a2b3c4d5e6f7a8b9c0d1e2f3a4b",
    "ALLOWED_HOSTS": "exportcentrum.example.se",
    "PORTAL_BASE_URL": "https://exportcentrum.example.se",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
}


def test_production_passes_check_deploy():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"SECRET_KEY": OLD_COMPOSE_DEFAULT_KEY}, "placeholder"),
        ({"SECRET_KEY": "dev-only-insecure-key-" + "x" * 40}, "placeholder"),
        ({"PORTAL_BASE_URL": ""}, "PORTAL_BASE_URL"),
        ({"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, "EMAIL_BACKEND"),
        ({"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend"}, "EMAIL_BACKEND"),
        ({"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}, "EMAIL_BACKEND"),
        ({"EMAIL_BACKEND": ""}, "EMAIL_BACKEND"),  # the default writes files
        ({"PSEUDONYM_KEY": ""}, "PSEUDONYM_KEY"),
        ({"PSEUDONYM_KEY": PRODUCTION_ENV["SECRET_KEY"]}, "PSEUDONYM_KEY"),
    ],
)  # fmt: skip
def test_production_refuses_unsafe_settings(change, complaint):
    result = _manage("check", env={**PRODUCTION_ENV, **change})
    assert result.returncode != 0
    assert complaint in result.stderr


def test_email_timeout_is_set(settings):
    assert settings.EMAIL_TIMEOUT and settings.EMAIL_TIMEOUT <= 30


def test_compose_has_no_default_secrets_and_a_real_mail_backend():
    env = compose()["x-app"]["environment"]
    for name in ("SECRET_KEY", "PSEUDONYM_KEY", "PORTAL_BASE_URL", "EMAIL_HOST"):
        assert env[name].startswith("${" + name + ":?"), name
    assert env["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
    assert "EMAIL_TIMEOUT" in env
