"""Start web, Celery worker and Celery beat together; Ctrl-C stops all three."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


def _stop_as_on_ctrl_c(signum, frame):
    raise KeyboardInterrupt


def portal_base_url(host: str, port: int) -> str:
    """The address this command serves, unless PORTAL_BASE_URL names another one on purpose
    (a proxy in front); the settings default (port 8000) is not such a choice."""
    explicit = os.environ.get("PORTAL_BASE_URL", "").strip()
    if explicit:
        return explicit.rstrip("/")
    shown = "127.0.0.1" if host in {"0.0.0.0", "::"} else host  # noqa: S104 - display only
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


class Command(BaseCommand):
    help = "Run the portal: web server, Celery worker and beat (development)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, host: str, port: int, **options):
        python = sys.executable
        base_url = portal_base_url(host, port)
        # Web and worker both write links into e-mails: they must name the address served here.
        env = {**os.environ, "PORTAL_BASE_URL": base_url}
        celery = [python, "-m", "celery", "-A", "exportcentrum"]
        commands = {
            "web": [python, "manage.py", "runserver", f"{host}:{port}", "--noreload"],
            "worker": [*celery, "worker", "--pool=solo", "--loglevel=INFO"],
            "beat": [*celery, "beat", "--loglevel=INFO"],
        }
        # `kill`, `timeout`, a service manager or a closed terminal stop us with SIGTERM or
        # SIGHUP: stop web, worker and beat too, as Ctrl-C does, instead of leaving them running.
        for name in ("SIGTERM", "SIGHUP"):
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), _stop_as_on_ctrl_c)
        processes = {
            name: subprocess.Popen(cmd, env=env)  # noqa: S603 - our own fixed commands
            for name, cmd in commands.items()
        }
        db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        broker = settings.CELERY_BROKER_URL.split("://")[0]
        self.stdout.write(
            self.style.SUCCESS(
                f"\nPortal: {base_url}/  (database: {db}, broker: {broker})\n"
                f"Staff login: {base_url}/konto/login/ (demo logins above)\n"
                "Ctrl-C stops web, worker and beat.\n"
            )
        )
        try:
            while all(p.poll() is None for p in processes.values()):
                time.sleep(0.5)
            failed = [n for n, p in processes.items() if p.poll() is not None]
            self.stderr.write(f"{', '.join(failed)} stopped; stopping the rest.")
        except KeyboardInterrupt:
            pass
        finally:
            for p in processes.values():
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM if os.name == "posix" else signal.SIGINT)
            for p in processes.values():
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
