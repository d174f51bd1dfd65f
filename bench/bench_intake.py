"""Question intake over HTTP: gunicorn (2 sync workers) + PostgreSQL, POST /api/v1/questions/.

Prepares the database named by DATABASE_URL (migrate, reference and demo data), starts gunicorn
on 127.0.0.1, then sends N questions from a thread pool (bounded by count and by time; loopback
only) and prints requests/s, median and p95 latency. Throttling and the receipt cap are switched
off for the run (QUESTION_THROTTLE_RATE, RECEIPT_LIMIT_PER_HOUR); Celery publishes to an
in-memory broker unless BENCH_BROKER_URL is set, so the number is the web tier plus the
database, not a mail queue.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ec_bench \\
        .venv/bin/python bench/bench_intake.py --requests 2000 --concurrency 8
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

QUESTIONS = [
    ("financing", "Vi behöver ett lån för att finansiera en större order till Tyskland."),
    ("unknown", "Vi vill hitta distributörer och agenter i USA och Kanada."),
    ("payment_risk", "Hur skyddar vi oss mot att kunden i Brasilien inte betalar?"),
    ("unknown", "Vilka produktkrav gäller för CE-märkning av våra maskiner?"),
    ("business_development", "Kan vi söka en affärsutvecklingscheck för internationalisering?"),
    ("unknown", "Hej! Vi undrar lite allmänt hur man börjar exportera."),
]
POSTAL_CODES = ["21120", "41102", "11120", "79130", "58222", "90325", "97231", "55318"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def payload(rng: random.Random) -> bytes:
    topic, question = rng.choice(QUESTIONS)
    return json.dumps(
        {
            "company_name": f"Benchmark {rng.randint(1, 10_000)} AB",
            "org_number": "556036-0793",
            "contact_name": "Bänk Testsson",
            "email": "bench@example.se",
            "postal_code": rng.choice(POSTAL_CODES),
            "topic": topic,
            "question": question,
            "target_countries": rng.sample(["DE", "US", "BR", "NO", "CN"], rng.randint(0, 2)),
            "language": rng.choice(["sv", "en"]),
            "consent": True,
        }
    ).encode()


def post(url: str, body: bytes) -> tuple[int, float]:
    request = urllib.request.Request(  # noqa: S310 - loopback URL built above
        url, data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    return status, (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--max-seconds", type=float, default=120)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-setup", action="store_true")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must point at a PostgreSQL database (it is migrated and filled).")
    if not 0 < args.requests <= 100_000 or not 0 < args.concurrency <= 64:
        sys.exit("--requests must be 1..100000 and --concurrency 1..64")

    env = {
        **os.environ,
        "QUESTION_THROTTLE_RATE": "1000000/hour",
        "RECEIPT_LIMIT_PER_HOUR": "1000000",  # one address for all: every receipt still written
        "CELERY_BROKER_URL": os.environ.get("BENCH_BROKER_URL", "memory://"),
        "DJANGO_DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    }
    if not args.skip_setup:
        for command in (["migrate", "--noinput"], ["load_reference_data"], ["load_demo_data"]):
            subprocess.run(
                [PY, "manage.py", *command], cwd=ROOT, env=env, check=True,
                stdout=subprocess.DEVNULL,
            )  # fmt: skip

    port = free_port()
    server = subprocess.Popen(
        [PY, "-m", "gunicorn", "exportcentrum.wsgi:application", "--workers", str(args.workers),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/api/v1/questions/"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/topics/", timeout=5)  # noqa: S310
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        else:
            sys.exit("gunicorn did not start")

        rng = random.Random(42)
        bodies = [payload(rng) for _ in range(args.requests)]
        for body in bodies[: args.workers * 4]:  # warm both workers (compile rules, connect)
            post(url, body)

        stop_at = time.monotonic() + args.max_seconds

        def one(body: bytes) -> tuple[int, float] | None:
            if time.monotonic() > stop_at:
                return None
            return post(url, body)

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            results = [r for r in pool.map(one, bodies) if r is not None]
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=15)

    latencies = sorted(ms for _status, ms in results)
    ok = sum(1 for status, _ms in results if status == 201)
    p95 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))]
    print(f"Python {platform.python_version()}, gunicorn {args.workers} sync workers, "
          f"{args.concurrency} client threads, {os.cpu_count()} CPUs")  # fmt: skip
    print(f"requests: {len(results)} in {elapsed:.1f} s, 201: {ok}, other: {len(results) - ok}")
    print(
        f"throughput: {len(results) / elapsed:.0f} requests/s; latency median "
        f"{statistics.median(latencies):.1f} ms, p95 {p95:.1f} ms, max {latencies[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
