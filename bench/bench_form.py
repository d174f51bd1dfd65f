"""The public question form over HTTP, as the peer's load generator drives django-helpdesk.

Starts gunicorn (2 sync workers by default, DEBUG off, the per-IP limit and the receipt cap
lifted, Celery on an in-memory broker) on the database named by DATABASE_URL,
then runs closed-loop clients: each submission is an anonymous browser with a fresh cookie jar
that GETs /fraga/, keeps the csrftoken cookie and POSTs the form (a 302 to the receipt is
success, not followed). With ``--api`` it also POSTs JSON questions to /api/v1/questions/.
Loopback only; bounded by ``--n`` and ``--max-seconds``. Prints ``METRIC name value unit``
lines named like the peer's (../shared/bench-peer/loadgen.py), so summary.py can set them side
by side.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ec_bench REDIS_URL=redis://127.0.0.1:6379/9 \\
        .venv/bin/python bench/bench_form.py --n 1000 --concurrency 4 --api

The database must be migrated and hold the reference and demo data (bench_intake.py or
``manage.py load_reference_data && manage.py load_demo_data``; add history with seed_volume).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
TOKEN_RE = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
POSTAL_CODES = ["211 20", "411 02", "111 20", "791 30", "582 22", "903 25", "972 31", "553 18"]
QUESTIONS = [
    ("financing", "Vi behöver ett lån för att finansiera en större order till Tyskland."),
    ("unknown", "Vi vill hitta distributörer och agenter i USA och Kanada."),
    ("payment_risk", "Hur skyddar vi oss mot att kunden i Brasilien inte betalar?"),
    ("unknown", "Vilka produktkrav gäller för CE-märkning av våra maskiner?"),
]


def metric(name: str, value, unit: str) -> None:
    if isinstance(value, float):
        value = f"{value:.6g}"
    print(f"METRIC {name} {value} {unit}", flush=True)


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    if not s:
        return float("nan")
    return s[max(0, min(len(s) - 1, int(round(p / 100.0 * len(s) + 0.5)) - 1))]


def request(port: int, method: str, path: str, body: bytes | None = None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(
            method, path, body=body, headers={"Host": f"127.0.0.1:{port}", **(headers or {})}
        )
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


def cookie(headers, name: str) -> str | None:
    for key, value in headers:
        if key.lower() == "set-cookie" and value.startswith(name + "="):
            return value.split(";", 1)[0].split("=", 1)[1]
    return None


def form_submission(port: int, rng: random.Random, i: int):
    """(kind, GET seconds, POST seconds) of one browser-like submission."""
    t0 = time.perf_counter()
    status, headers, body = request(port, "GET", "/fraga/")
    t1 = time.perf_counter()
    token, csrf = TOKEN_RE.search(body), cookie(headers, "csrftoken")
    if status != 200 or not (token and csrf):
        return ("get", t1 - t0, None)
    topic, question = rng.choice(QUESTIONS)
    fields = {
        "csrfmiddlewaretoken": token.group(1).decode(), "company_name": f"Lasttest {i} AB",
        "org_number": "556036-0793", "contact_name": "Bänk Testsson",
        "email": f"load{i}@company{i % 500}.example", "phone": "", "employees": "",
        "export_experience": "", "postal_code": rng.choice(POSTAL_CODES), "municipality_code": "",
        "contact_language": "sv", "language": "sv", "topic": topic, "question": question,
        "target_countries": "Tyskland", "consent": "on", "website": "",
    }  # fmt: skip
    t2 = time.perf_counter()
    status, headers, _ = request(port, "POST", "/fraga/", urlencode(fields).encode(), {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf}",
        "Referer": f"http://127.0.0.1:{port}/fraga/",
    })  # fmt: skip
    t3 = time.perf_counter()
    location = {k.lower(): v for k, v in headers}.get("location", "")
    return ("ok" if status == 302 and "kvitto" in location else f"post{status}", t1 - t0, t3 - t2)


def api_question(port: int, rng: random.Random, i: int):
    topic, question = rng.choice(QUESTIONS)
    body = json.dumps({
        "company_name": f"Lasttest {i} AB", "org_number": "556036-0793",
        "contact_name": "Bänk Testsson", "email": f"load{i}@company{i % 500}.example",
        "postal_code": rng.choice(POSTAL_CODES).replace(" ", ""), "topic": topic,
        "question": question, "language": "sv", "consent": True,
    }).encode()  # fmt: skip
    t0 = time.perf_counter()
    status, _, _ = request(
        port, "POST", "/api/v1/questions/", body, {"Content-Type": "application/json"}
    )
    return ("ok" if status == 201 else f"api{status}", None, time.perf_counter() - t0)


def server_cpu_s(master_pid: int) -> float:
    """CPU seconds (user + system) used so far by the gunicorn master's worker processes: on a
    shared machine this is steadier than wall time, which waits for other people's jobs."""
    total = 0.0
    for child in Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split():
        fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def run(
    port: int, one, *, n: int, warmup: int, concurrency: int, max_seconds: float, prefix: str,
    server_pid: int,
):  # fmt: skip
    rng0 = random.Random(1)
    for i in range(warmup):
        kind, *_ = one(port, rng0, -1 - i)
        if kind != "ok":
            sys.exit(f"warm-up failed: {kind}")
    lock, results, counter = threading.Lock(), [], {"next": 0}
    deadline = time.perf_counter() + max_seconds

    def worker(wid: int) -> None:
        rng = random.Random(wid)
        while True:
            with lock:
                i = counter["next"]
                if i >= n or time.perf_counter() > deadline:
                    return
                counter["next"] += 1
            try:
                result = one(port, rng, i)
            except (OSError, http.client.HTTPException) as exc:
                result = (f"exc:{type(exc).__name__}", None, None)
            with lock:
                results.append(result)

    cpu_before = server_cpu_s(server_pid)
    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(w,)) for w in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    cpu = server_cpu_s(server_pid) - cpu_before
    ok = [r for r in results if r[0] == "ok"]
    posts = [r[2] * 1000 for r in ok]
    gets = [r[1] * 1000 for r in results if r[1] is not None]
    metric(f"{prefix}_concurrency", concurrency, "clients")
    metric(f"{prefix}_completed", len(ok), "submissions")
    metric(f"{prefix}_errors", len(results) - len(ok), "submissions")
    metric(f"{prefix}_throughput", len(ok) / elapsed, "submissions/s")
    metric(f"{prefix}_post_p50_ms", pct(posts, 50), "ms")
    metric(f"{prefix}_post_p95_ms", pct(posts, 95), "ms")
    metric(f"{prefix}_server_cpu_ms_per_submission", cpu * 1000 / max(1, len(results)), "ms")
    if gets:
        pairs = [(r[1] + r[2]) * 1000 for r in ok]
        metric(f"{prefix}_get_p50_ms", pct(gets, 50), "ms")
        metric(f"{prefix}_get_p95_ms", pct(gets, 95), "ms")
        metric(f"{prefix}_get_post_p50_ms", pct(pairs, 50), "ms")
        metric(f"{prefix}_get_post_p95_ms", pct(pairs, 95), "ms")
    errors = sorted({r[0] for r in results if r[0] != "ok"})
    if errors:
        print(f"NOTE {prefix} errors: {errors}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-seconds", type=float, default=180)
    parser.add_argument("--api", action="store_true", help="also POST JSON questions")
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must point at a PostgreSQL database with the reference data.")
    if not 0 < args.n <= 100_000 or not 0 < args.concurrency <= 64:
        sys.exit("--n must be 1..100000 and --concurrency 1..64")
    env = {
        **os.environ,
        # Every client is 127.0.0.1: lift the per-IP limit and the receipt cap for the run.
        "INTAKE_RATE_LIMIT_COUNT": "1000000000",
        "RECEIPT_LIMIT_PER_HOUR": "1000000",
        "QUESTION_THROTTLE_RATE": "1000000/hour",
        "CELERY_BROKER_URL": os.environ.get("BENCH_BROKER_URL", "memory://"),
        "DJANGO_DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    }
    server = subprocess.Popen(
        [PY, "-m", "gunicorn", "exportcentrum.wsgi:application", "--workers", str(args.workers),
         "--bind", f"127.0.0.1:{args.port}", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if request(args.port, "GET", "/fraga/")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                sys.exit("gunicorn did not start")
            time.sleep(0.3)
        print(f"NOTE ours {time.strftime('%H:%M:%S', time.gmtime())} UTC, "
              f"load {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
        common = {"n": args.n, "warmup": args.warmup, "concurrency": args.concurrency,
                  "max_seconds": args.max_seconds, "server_pid": server.pid}  # fmt: skip
        run(args.port, form_submission, prefix=f"submit_c{args.concurrency}", **common)
        if args.api:
            run(args.port, api_question, prefix=f"api_c{args.concurrency}", **common)
    finally:
        server.terminate()
        server.wait(timeout=15)


if __name__ == "__main__":
    main()
