"""Indicator snapshots, national dashboard and XLSX export at volume: wall time and SQL queries.

Seeds (once, additively) N cases with `manage.py seed_volume` and P activity participations
with `manage.py seed_activities`, then, for the last 12 months as national staff, 3 rounds each:

* the snapshot refresh (``indicators.snapshots.snapshot_refresh``: every figure of the period,
  what the beat task ``indicators.refresh_snapshots`` does per preset period);
* the national dashboard and the XLSX export of all indicators with a warm (fresh) snapshot;
* the national dashboard with no snapshot (the first request for a custom period);

and once the whole beat task (all preset periods).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ec_bench \\
        .venv/bin/python bench/bench_dashboard.py --cases 1000000 --participations 200000
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exportcentrum.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.volume import ensure_volume  # noqa: E402
from indicators.models import ActivityParticipant, IndicatorSnapshot  # noqa: E402
from indicators.selectors import period_for_preset  # noqa: E402
from indicators.snapshots import snapshot_refresh, snapshots_refresh_presets  # noqa: E402
from regions.models import StaffProfile  # noqa: E402
from routing.models import Case  # noqa: E402

URLS = {
    "national dashboard": "/nationellt/?preset=last_12_months",
    "XLSX export (all indicators, 21 counties + country)": (
        "/indikatorer/export.xlsx?preset=last_12_months"
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--participations", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--years", type=float, default=1, help="seed_volume --years")
    args = parser.parse_args()

    ensure_volume(cases=args.cases, participations=args.participations, years=args.years)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE") if connection.vendor == "postgresql" else None

    national = StaffProfile.objects.filter(role="national").select_related("user").first().user
    client = Client()
    client.force_login(national)
    print(
        f"\ncases={Case.objects.count():,} real={Case.objects.real().count():,} "
        f"participations={ActivityParticipant.objects.count():,} db={connection.vendor}"
    )
    period = period_for_preset("last_12_months")
    in_period = Case.objects.real().filter(
        created_at__gte=period.start_at, created_at__lt=period.end_at
    )
    print(f"period {period.start} – {period.end}: {in_period.count():,} real cases")
    print("| what | median | min | max | SQL queries |\n|---|---|---|---|---|")

    def measure(name: str, action, rounds: int = args.rounds, before=None) -> None:
        times, queries = [], set()
        for _ in range(rounds):
            if before:
                before()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                action()
                elapsed = time.perf_counter() - started
            times.append(elapsed)
            queries.add(len(captured))
        print(
            f"| {name} | {statistics.median(times):.2f} s | {min(times):.2f} s | "
            f"{max(times):.2f} s | {', '.join(map(str, sorted(queries)))} |",
            flush=True,
        )

    def page(url: str):
        def get() -> None:
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        return get

    def drop_snapshots() -> None:
        IndicatorSnapshot.objects.all().delete()

    measure("snapshot refresh (last 12 months)", lambda: snapshot_refresh(period))
    for name, url in URLS.items():
        measure(f"{name}, warm snapshot", page(url))
    measure(
        "national dashboard, no snapshot (computes it)",
        page(URLS["national dashboard"]),
        before=drop_snapshots,
    )
    measure("beat task: refresh all preset periods", snapshots_refresh_presets, rounds=1)
    size = IndicatorSnapshot.objects.values_list("payload", flat=True).first()
    print(f"payload: {len(str(size)):,} characters (as a Python dict)")


if __name__ == "__main__":
    main()
