"""Peak memory (RSS) of every staff page and export, one fresh process per page.

Needs a database seeded at volume (``seed_volume`` and ``seed_activities``, as for
``bench_dashboard.py``); the script only reads it, apart from refreshing the indicator snapshots
first (what the beat task does) and, for the "no snapshot" row, deleting them before that page.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ec_bench \\
        .venv/bin/python bench/bench_memory.py

Like the peer's ``views_bench.py``: the Django test client with ``force_login``, each page
requested twice in its own process (the first request loads templates and catalogues), and
that process's peak RSS (``VmHWM``; see ``_peak_mib``), which includes Django's own baseline
(printed as "before the request"). Streaming responses (the CSV exports) are read to the end,
chunk by chunk.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exportcentrum.settings")

# name → (who, URL). {case} is an open case of the seeded Stockholm office. /min-sida/ only
# redirects to the role's start page, which is listed.
PAGES = {
    "handler inbox": ("handler", "/handlaggare/"),
    "case detail": ("handler", "/arenden/{case}/"),
    "register a question (form)": ("handler", "/registrera-fraga/"),
    "coordinator: county cases": ("coordinator", "/samordnare/arenden/"),
    "coordinator: triage": ("coordinator", "/samordnare/triage/"),
    "coordinator: overdue": ("coordinator", "/samordnare/forsenade/"),
    "coordinator dashboard": ("coordinator", "/samordnare/indikatorer/?preset=last_12_months"),
    "county dashboard (Stockholm)": ("national", "/indikatorer/lan/01/?preset=last_12_months"),
    "national dashboard": ("national", "/nationellt/?preset=last_12_months"),
    "national dashboard, no snapshot": ("national", "/nationellt/?preset=last_12_months"),
    "national: overdue": ("national", "/nationellt/forsenade/"),
    "indicator export CSV": ("national", "/indikatorer/export.csv?preset=last_12_months"),
    "indicator export XLSX": ("national", "/indikatorer/export.xlsx?preset=last_12_months"),
    "company panel export CSV": ("national", "/indikatorer/foretagspanel.csv"),
    "indicators API": ("national", "/api/v1/indicators/?preset=last_12_months"),
    "activities": ("national", "/aktiviteter/"),
    "accessibility measurements": ("national", "/nationellt/tillganglighetsmatning/"),
    "experiments": ("national", "/nationellt/forsok/"),
    "routing rules": ("national", "/vagledning/regler/"),
    "routing simulator": ("national", "/vagledning/simulator/"),
    "router settings": ("national", "/vagledning/modell/"),
    "personal data search": ("national", "/personuppgifter/sok/?q=kontakt1%40foretag.example"),
    "processing register": ("national", "/personuppgifter/register/"),
    "admin: cases": ("admin", "/admin/routing/case/"),
    "admin: case events": ("admin", "/admin/routing/caseevent/"),
    "admin: outbox": ("admin", "/admin/routing/outboxmessage/"),
}


def _user(who: str):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    if who == "admin":
        return users.filter(is_superuser=True, is_active=True).order_by("pk").first()
    email = {
        "handler": "seed.handler.01@example.se",
        "coordinator": "seed.coordinator.01@example.se",
        "national": "seed.national@example.se",
    }[who]
    return users.get(username=email)


def _peak_mib() -> float:
    """This process's peak RSS since its exec (VmHWM). ``getrusage``'s ru_maxrss would also carry
    the parent's peak across the spawn (Linux keeps it in the signal struct through vfork/exec),
    so every page would show at least what the parent's snapshot refresh reached."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_page(name: str) -> None:
    """In this (fresh) process: request the page twice, print one result line."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from indicators.models import IndicatorSnapshot
    from routing.models import Case

    who, url = PAGES[name]
    if "{case}" in url:
        case = (
            Case.objects.filter(office__name="Seed Region Stockholm")
            .exclude(status=Case.Status.CLOSED)
            .order_by("-created_at")
            .first()
        )
        url = url.format(case=case.reference)
    client = Client()
    client.force_login(_user(who))
    baseline = _peak_mib()
    times, size = [], 0
    for _ in range(2):
        if name.endswith("no snapshot"):
            IndicatorSnapshot.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            # A server sends a stream chunk by chunk: count it, do not hold it.
            if response.streaming:
                size = sum(len(chunk) for chunk in response.streaming_content)
            else:
                size = len(response.content)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    print(
        f"| {name} | `{url}` | {times[0]:.2f} s | {times[1]:.2f} s | {len(captured)} | "
        f"{size / 1024:,.0f} kB | {baseline:.0f} MiB | **{_peak_mib():.0f} MiB** |",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--page", help="measure this page in this process (used by the loop)")
    parser.add_argument("--pages", help="comma-separated names (default: all)")
    args = parser.parse_args()
    if args.page:
        measure_page(args.page)
        return

    import django

    django.setup()
    from indicators.snapshots import snapshots_refresh_presets
    from routing.models import Case

    started = time.perf_counter()
    snapshots_refresh_presets()
    print(
        f"cases={Case.objects.count():,}; snapshots refreshed in "
        f"{time.perf_counter() - started:.1f} s; load average {os.getloadavg()[0]:.2f}\n"
    )
    print(
        "| page or export | URL | first request | second | SQL (second) | response "
        "| before the request | peak RSS |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    names = args.pages.split(",") if args.pages else list(PAGES)
    # The row that deletes the snapshots goes last, so every other page reads a warm one.
    names.sort(key=lambda name: name.endswith("no snapshot"))
    for name in names:
        result = subprocess.run(
            [sys.executable, __file__, "--page", name], capture_output=True, text=True
        )
        if result.returncode:
            tail = (result.stderr.strip().splitlines() or ["?"])[-1]
            print(f"| {name} | {PAGES[name][1]} | failed: {tail} |", flush=True)
        else:
            print(result.stdout.strip(), flush=True)
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
