"""Settings are declared once, in exportcentrum/settings.py, and a value the portal cannot use
stops it from starting."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("exportcentrum", "regions", "routing", "indicators", "privacy", "evaluation", "bench")
# getattr(settings, "NAME", default) or hasattr(settings, …): a second default for a setting.
SETTINGS_FALLBACK = re.compile(r"\b(getattr|hasattr)\(\s*settings\s*,")


def _check(env: dict[str, str]) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECRET_"))}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_an_unknown_django_env_is_an_error():
    """A typo such as "prod" must not quietly start the development configuration."""
    result = _check({"DJANGO_ENV": "prod"})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "DJANGO_ENV" in result.stderr
    assert _check({"DJANGO_ENV": "development"}).returncode == 0


def test_an_unknown_deadline_policy_is_an_error():
    result = _check({"DEADLINE_POLICY": "calendar"})
    assert result.returncode != 0
    assert "DEADLINE_POLICY" in result.stderr


def test_code_reads_settings_without_its_own_defaults():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if path.name != "settings.py"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if SETTINGS_FALLBACK.search(line)
    ]
    assert offenders == []
