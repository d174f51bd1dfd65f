"""Time of the two staff pages that read a county's or the country's whole history: the
coordinator's county case list (its actor and office filter choices) and the personal-data
search by e-mail address. Median of ``--repeat`` page loads through the Django test client,
with the statement count and the slowest statement.

Needs a database seeded at volume (``manage.py seed_volume``) with the demo logins
(``load_demo_data``); it only reads it.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ec_bench \\
        .venv/bin/python bench/bench_staff_lookups.py
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
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from routing.models import Case  # noqa: E402


def timed(client: Client, url: str, params: dict, repeat: int) -> tuple[float, int, float]:
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url, params, HTTP_HOST="127.0.0.1")
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    slowest = max(float(q["time"]) for q in queries.captured_queries)
    return statistics.median(times), len(queries.captured_queries), slowest


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    users = get_user_model().objects
    print(f"# {Case.objects.count()} cases, load {os.getloadavg()[0]:.2f}")
    for login in ("samordnare.stockholm", "samordnare.skane"):
        client = Client()
        client.force_login(users.get(email=f"{login}@demo.exportcentrum.se"))
        median, count, slowest = timed(client, "/samordnare/arenden/", {}, args.repeat)
        print(f"county case list ({login}): median {median:.3f} s, {count} statements, "
              f"slowest {slowest:.3f} s")  # fmt: skip
    client = Client()
    client.force_login(users.get(email="nationell@demo.exportcentrum.se"))
    email = Case.objects.exclude(email="").order_by("-pk").values_list("email", flat=True)[0]
    median, count, slowest = timed(
        client, "/personuppgifter/sok/", {"q": email.upper()}, args.repeat
    )
    print(f"personal-data search by e-mail: median {median:.3f} s, {count} statements, "
          f"slowest {slowest:.3f} s")  # fmt: skip


if __name__ == "__main__":
    main()
