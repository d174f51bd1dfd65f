"""Benchmarks and their seeders (``seed_volume``, ``seed_activities``).

A Django app only outside production (see ``INSTALLED_APPS``); its commands refuse to run with
``DJANGO_ENV=production`` as well, since they bulk-insert fake cases and activities.
"""
