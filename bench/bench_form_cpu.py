"""CPU of one form submission (GET /fraga/ + POST) or one API question, in process.

The Django test client with CSRF checks on drives the same GET + POST as bench_form.py (or the
API's JSON POST), with the same limits lifted and Celery on an in-memory broker. Prints the
process CPU per submission, median of five batches: steadier than HTTP throughput on a shared
machine, so two trees can be compared by running it in each, alternately.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ec_bench REDIS_URL=redis://127.0.0.1:6379/9 \\
        .venv/bin/python bench/bench_form_cpu.py [--api] [--batch 60]

The database must hold the reference and demo data (see bench_form.py).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
QUESTION = "Vi behöver ett lån för att finansiera en större order till Tyskland."


def form_submission(client_class, i: int) -> None:
    client = client_class(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
    token = TOKEN_RE.search(client.get("/fraga/").content.decode()).group(1)
    response = client.post("/fraga/", {
        "csrfmiddlewaretoken": token, "company_name": f"Cpu {i} AB",
        "org_number": "556036-0793", "contact_name": "Bänk Testsson",
        "email": f"cpu{i}@company{i % 500}.example", "postal_code": "211 20",
        "language": "sv", "topic": "financing", "question": QUESTION,
        "target_countries": "Tyskland", "consent": "on",
    }, HTTP_REFERER="http://127.0.0.1/fraga/")  # fmt: skip
    if response.status_code != 302:
        sys.exit(f"form POST answered {response.status_code}")


def api_question(client_class, i: int) -> None:
    body = json.dumps({
        "company_name": f"Cpu {i} AB", "org_number": "556036-0793",
        "contact_name": "Bänk Testsson", "email": f"cpu{i}@company{i % 500}.example",
        "postal_code": "21120", "topic": "financing", "question": QUESTION, "language": "sv",
        "consent": True,
    })  # fmt: skip
    response = client_class(HTTP_HOST="127.0.0.1").post(
        "/api/v1/questions/", body, content_type="application/json"
    )
    if response.status_code != 201:
        sys.exit(f"API POST answered {response.status_code}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", action="store_true", help="API questions instead of the form")
    parser.add_argument("--batch", type=int, default=60)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must point at a PostgreSQL database with the reference data.")
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "exportcentrum.settings", "DJANGO_DEBUG": "false",
        "INTAKE_RATE_LIMIT_COUNT": "1000000000", "RECEIPT_LIMIT_PER_HOUR": "1000000",
        "QUESTION_THROTTLE_RATE": "1000000/hour", "LOG_LEVEL": "WARNING",
        "CELERY_BROKER_URL": os.environ.get("BENCH_BROKER_URL", "memory://"),
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    })  # fmt: skip
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client

    one = api_question if args.api else form_submission
    start = int(time.time() * 1000) % 1_000_000_000  # distinct companies across runs
    batches = cpu_ms_per_call(lambda i: one(Client, start + i), batch=args.batch)
    report("api_question" if args.api else "form_get_post", batches)


def cpu_ms_per_call(one, *, batch: int) -> list[float]:
    """Process CPU per call of ``one(i)`` in five batches, after a warm-up of 20 calls (the
    catalogue snapshot, templates, connections); ``i`` is distinct for every call."""
    for i in range(20):
        one(i)
    batches = []
    for b in range(5):
        cpu = time.process_time()
        for i in range(batch):
            one(100 + b * batch + i)
        batches.append((time.process_time() - cpu) * 1000 / batch)
    return batches


def report(kind: str, batches: list[float]) -> None:
    print(f"METRIC {kind}_cpu_ms_median {statistics.median(batches):.2f} ms")
    print(f"METRIC {kind}_cpu_ms_min {min(batches):.2f} ms")


if __name__ == "__main__":
    main()
