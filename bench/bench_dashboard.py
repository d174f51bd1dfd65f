"""National dashboard and XLSX export at volume: wall time and SQL query count.

Seeds (once, additively) N cases with `manage.py seed_volume` and P activity participations
with `manage.py seed_activities`, then renders the national dashboard and the XLSX export of
all indicators for the last 12 months as national staff, 3 rounds each.

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

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from indicators.models import ActivityParticipant  # noqa: E402
from regions.models import ExportCentre, StaffProfile  # noqa: E402
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
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    if ExportCentre.objects.count() < 21:
        call_command("load_demo_data", quiet_logins=True, verbosity=0)
    have = Case.objects.count()
    if have < args.cases:
        started = time.perf_counter()
        call_command("seed_volume", cases=args.cases - have, years=1)
        print(f"seeded {args.cases - have} cases in {time.perf_counter() - started:.0f} s")
    have = ActivityParticipant.objects.count()
    if have < args.participations:
        started = time.perf_counter()
        call_command("seed_activities", participations=args.participations - have)
        print(f"seeded participations in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE") if connection.vendor == "postgresql" else None

    national = StaffProfile.objects.filter(role="national").select_related("user").first().user
    client = Client()
    client.force_login(national)
    print(
        f"\ncases={Case.objects.count():,} real={Case.objects.real().count():,} "
        f"participations={ActivityParticipant.objects.count():,} db={connection.vendor}"
    )
    print("| page | median | min | max | SQL queries |\n|---|---|---|---|---|")
    for name, url in URLS.items():
        times, queries = [], set()
        for _ in range(args.rounds):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                elapsed = time.perf_counter() - started
            assert response.status_code == 200, response.status_code
            times.append(elapsed)
            queries.add(len(captured))
        print(
            f"| {name} | {statistics.median(times):.2f} s | {min(times):.2f} s | "
            f"{max(times):.2f} s | {', '.join(map(str, sorted(queries)))} |"
        )


if __name__ == "__main__":
    main()
