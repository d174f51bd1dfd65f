"""Settings for the HTTP benchmarks: the portal's own, with the per-IP limits lifted (every
benchmark client comes from 127.0.0.1). Used by bench_form.py through DJANGO_SETTINGS_MODULE."""

from exportcentrum.settings import *  # noqa: F403

INTAKE_RATE_LIMIT = (10**9, 600)
