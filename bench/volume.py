"""The volume the benchmarks need, seeded once: the scripts call this after ``django.setup()``."""

from __future__ import annotations

import time

from django.core.management import call_command

from indicators.models import ActivityParticipant
from regions.models import ExportCentre
from routing.models import Case


def ensure_volume(*, cases: int, participations: int, years: float, **seed_options) -> bool:
    """Migrate, load the demo partnership and top the history up to ``cases`` cases and
    ``participations`` activity participations (``seed_options`` go to ``seed_volume``).
    True when anything was seeded."""
    call_command("migrate", verbosity=0)
    if ExportCentre.objects.count() < 21:
        call_command("load_demo_data", quiet_logins=True, verbosity=0)
    seeded = False
    have = Case.objects.count()
    if have < cases:
        started = time.perf_counter()
        call_command("seed_volume", cases=cases - have, years=years, **seed_options)
        print(f"seeded {cases - have} cases in {time.perf_counter() - started:.0f} s")
        seeded = True
    have = ActivityParticipant.objects.count()
    if have < participations:
        started = time.perf_counter()
        call_command("seed_activities", participations=participations - have)
        took = time.perf_counter() - started
        print(f"seeded {participations - have} participations in {took:.0f} s")
        seeded = True
    return seeded
