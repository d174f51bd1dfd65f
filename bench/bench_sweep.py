"""One escalation sweep's wall time and SQL query count against a large case table.

Needs PostgreSQL (a separate database: the script migrates it and seeds it with seed_volume):

    createdb ec_bench
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ec_bench \
        .venv/bin/python bench/bench_sweep.py --sizes 10000,100000,1000000 --due 10,100,1000

For each table size (cumulative: 10k, then 90k more, …) and each number of due cases N
(N per level, so 3N escalations in the sweep), the due cases are re-seeded and one sweep runs
under CaptureQueriesContext; median of --repeat runs. The CPU column is this process's CPU time
(Python: reading, rendering, building the writes; PostgreSQL's own work is not in it), the last
column the 1-minute load average when the sweeps of that row had run (the machine is shared).
The broker is Kombu's in-memory transport so dispatching the digests costs what a broker call
costs without needing a worker.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exportcentrum.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--due", default="10,100,1000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="Keep the seeded cases at the start.")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.management.commands.seed_volume import DUE_PREFIX, PREFIX
    from exportcentrum.celery import app
    from routing.escalation import due_cases, escalation_sweep
    from routing.models import Case

    if connection.vendor != "postgresql":
        sys.exit("bench_sweep needs PostgreSQL (set DATABASE_URL).")
    from tests.routing.conftest import switch_broker

    app.conf.broker_transport_options = {}
    switch_broker(app, "memory://")
    call_command("migrate", verbosity=0)
    if not args.keep:
        call_command("seed_volume", "--reset", stdout=open(os.devnull, "w"))  # noqa: SIM115

    print(f"# {platform.python_version()}, {connection.pg_version}, {platform.machine()}")
    print(
        "| cases | due per level | escalations | sweep wall time | CPU (Python) | SQL queries "
        "| load |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size in [int(s) for s in args.sizes.split(",")]:
        have = (
            Case.objects.filter(reference__startswith=PREFIX)
            .exclude(reference__startswith=DUE_PREFIX)
            .count()
        )
        if size > have:
            started = time.perf_counter()
            call_command("seed_volume", "--cases", str(size - have), stdout=open(os.devnull, "w"))  # noqa: SIM115
            print(f"<!-- seeded {size - have} cases in {time.perf_counter() - started:.0f} s -->")
        for due in [0] + [int(d) for d in args.due.split(",")]:
            times, cpu_times, queries, escalations = [], [], [], 0
            for _ in range(args.repeat):
                call_command("seed_volume", "--due", str(due), stdout=open(os.devnull, "w"))  # noqa: SIM115
                with CaptureQueriesContext(connection) as captured:
                    started, cpu_started = time.perf_counter(), time.process_time()
                    run = escalation_sweep()
                    times.append(time.perf_counter() - started)
                    cpu_times.append(time.process_time() - cpu_started)
                queries.append(len(captured))
                escalations = run.reminders + run.overdue + run.national
            print(
                f"| {size:,} | {due:,} | {escalations:,} | "
                f"{statistics.median(times) * 1000:.1f} ms | "
                f"{statistics.median(cpu_times) * 1000:.1f} ms | "
                f"{statistics.median(queries):.0f} | "
                f"{os.getloadavg()[0]:.2f} |",
                flush=True,
            )
    from django.db import transaction
    from django.utils import timezone

    with transaction.atomic():
        plan = due_cases(2, timezone.now()).select_for_update(skip_locked=True)
        print("\nPlan of the level-2 read:\n")
        print(plan.values("pk")[:1000].explain())


if __name__ == "__main__":
    main()
