"""The snapshot refresh with kept closed months against the refresh from scratch: wall time, CPU
time (this process plus its PostgreSQL backend) and SQL queries, with the load average.

Seeds (once, additively) N cases over ``--years`` with ``manage.py seed_volume`` and P activity
participations with ``manage.py seed_activities``; then, for the preset "last 12 months":

* the refresh from scratch (``compute_payload(period, use_kept_months=False)``: what every
  refresh did before kept months);
* the first refresh with kept months, which computes and stores every closed month (once);
* the refresh with kept months in place (what the beat task does every 10 minutes);
* the whole beat task (all preset periods): first with only the last 12 months kept, then with
  every closed month kept.

Run it at 100k, then again with ``--cases 1000000`` on the same database (seeding adds the rest):

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ec_bench \\
        .venv/bin/python bench/bench_refresh.py --cases 100000 --participations 20000
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
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.volume import ensure_volume  # noqa: E402
from indicators.models import ActivityParticipant, IndicatorSnapshot, KeptMonth  # noqa: E402
from indicators.selectors import period_for_preset  # noqa: E402
from indicators.snapshots import (  # noqa: E402
    compute_payload,
    snapshot_refresh,
    snapshots_refresh_presets,
)
from routing.models import Case  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def backend_cpu_s() -> float:
    """CPU seconds of this connection's PostgreSQL backend (same machine; parallel workers,
    if the planner starts any, are not included)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--participations", type=int, default=20_000)
    parser.add_argument("--years", type=float, default=3, help="seed_volume --years")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    if ensure_volume(
        cases=args.cases, participations=args.participations, years=args.years, open_share=0.01
    ):
        # The seeders write history directly, past the services that mark changed months.
        KeptMonth.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE") if connection.vendor == "postgresql" else None

    period = period_for_preset("last_12_months")
    in_period = Case.objects.real().filter(
        created_at__gte=period.start_at, created_at__lt=period.end_at
    )
    print(
        f"\ncases={Case.objects.count():,} real={Case.objects.real().count():,} "
        f"participations={ActivityParticipant.objects.count():,}; period {period.start} – "
        f"{period.end}: {in_period.count():,} real cases; load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print("| what | wall median | min | max | CPU (Python + PostgreSQL) | SQL queries |")
    print("|---|---|---|---|---|---|")

    def measure(name: str, action, rounds: int = args.rounds, before=None) -> None:
        walls, cpus, queries = [], [], set()
        for _ in range(rounds):
            if before:
                before()
            cpu_started = time.process_time() + backend_cpu_s()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                action()
                walls.append(time.perf_counter() - started)
            cpus.append(time.process_time() + backend_cpu_s() - cpu_started)
            queries.add(len(captured))
        print(
            f"| {name} | {statistics.median(walls):.2f} s | {min(walls):.2f} s | "
            f"{max(walls):.2f} s | {statistics.median(cpus):.2f} s | "
            f"{', '.join(map(str, sorted(queries)))} |",
            flush=True,
        )

    measure("refresh from scratch", lambda: compute_payload(period, use_kept_months=False))
    measure(
        "first refresh: computes and keeps the closed months",
        lambda: snapshot_refresh(period),
        rounds=1,
        before=lambda: KeptMonth.objects.all().delete(),
    )
    measure("refresh with kept months (the beat's case)", lambda: snapshot_refresh(period))
    measure(
        "beat task, 3 preset periods, first (keeps last year's months too)",
        snapshots_refresh_presets,
        rounds=1,
    )
    measure("beat task, 3 preset periods, kept months", snapshots_refresh_presets)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), coalesce(sum(pg_column_size(parts)), 0), "
            "coalesce(sum(length(parts::text)), 0) FROM indicators_keptmonth "
            "WHERE parts IS NOT NULL"
        )
        months, stored, text = cursor.fetchone()
    print(
        f"kept months: {months} ({stored / 1e6:.1f} MB stored, {text / 1e6:.1f} MB as JSON text); "
        f"snapshots: {IndicatorSnapshot.objects.count()}; load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )


if __name__ == "__main__":
    main()
