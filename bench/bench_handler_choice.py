"""The handler choice at the busiest office, before and after the partial index, in process.

Times ``routing.assignment.handler_candidates(office).first()`` (open cases counted through
``case_open_per_handler``) against the earlier query (every case of every candidate joined and
counted with a FILTER, closed ones included) for the office whose handlers hold the most cases,
median of ``--repeat`` runs each, and prints both plans' first lines.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ec_bench \\
        .venv/bin/python bench/bench_handler_choice.py --repeat 50
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

from django.contrib.auth import get_user_model  # noqa: E402
from django.db.models import Count, Q  # noqa: E402

from regions.models import Office, StaffProfile  # noqa: E402
from routing.assignment import handler_candidates  # noqa: E402
from routing.models import Case  # noqa: E402


def before(office: Office):
    """The query as it was: a LEFT JOIN of every case of every candidate, then GROUP BY."""
    profiles = StaffProfile.objects.filter(
        office=office, role=StaffProfile.Role.HANDLER, is_available=True, user__is_active=True
    )
    return (
        get_user_model()
        .objects.filter(pk__in=profiles.values("user_id"))
        .annotate(open_cases=Count("handled_cases", filter=~Q(handled_cases__status="closed")))
        .order_by("open_cases", "pk")
    )


def median_ms(run, repeat: int) -> float:
    run()  # warm
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    busiest = (
        Case.objects.exclude(handler=None)
        .values("office")
        .annotate(n=Count("*"))
        .order_by("-n")
        .first()
    )
    office = Office.objects.get(pk=busiest["office"])
    open_cases = Case.objects.filter(office=office).exclude(status="closed").count()
    print(f"cases in table: {Case.objects.count()}; busiest office {office.name}: "
          f"{busiest['n']} cases, {open_cases} open")  # fmt: skip
    for label, query in (("before", before), ("after", handler_candidates)):
        ms = median_ms(lambda q=query: q(office).first(), args.repeat)
        # The database's own execution time is steadier than wall time on a shared machine.
        executions = []
        for _ in range(max(3, args.repeat // 5)):
            plan = query(office).explain(analyze=True).splitlines()
            executions.append(float(plan[-1].split(":")[1].split()[0]))
        uses = [line.strip() for line in plan if "routing_case" in line]
        print(f"{label}: median {ms:.2f} ms wall, {statistics.median(executions):.2f} ms "
              f"execution in PostgreSQL; reads cases by: {uses[0] if uses else '?'}")  # fmt: skip


if __name__ == "__main__":
    main()
