"""The Celery app. Configuration lives in settings.py under the CELERY_ namespace."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exportcentrum.settings")

app = Celery("exportcentrum")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
