"""Benchmark of the learned router: prediction per question, and training on 100,000 cases.

Prediction: the numpy predictor rebuilt from the stored JSON, on 2,000 questions (the corpus
and variations of it with a company's own context), 3 rounds; median and p99 in microseconds.
Decision: the model's advice plus the engine with the default national rules and the demo
catalogue's services (so the alternatives are picked too), per question.
Training: 100,000 distinct labelled cases (corpus questions, each with its own context sentence,
so no two texts are equal and nothing is saved by deduplication) plus the corpus.

    .venv/bin/python bench/bench_router_model.py [--train-cases 100000]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from routing.learning.model import (  # noqa: E402
    RouterPredictor,
    payload_dumps,
    payload_sha256,
)
from routing.learning.training import (  # noqa: E402
    Example,
    corpus_examples,
    train,
    training_examples,
)

SEED = 20261130
N_QUESTIONS = 2_000
ROUNDS = 3
PLACES = ["Malmö", "Umeå", "Borlänge", "Växjö", "Luleå", "Kalmar", "Gävle", "Skövde", "Visby"]
TRADES = ["snickeri", "mjukvarubolag", "bryggeri", "verkstad", "designstudio", "livsmedelsföretag"]


def _context(rng: random.Random, i: int) -> str:
    return (
        f"Vi är ett {rng.choice(TRADES)} i {rng.choice(PLACES)} med {rng.randint(1, 240)} "
        f"anställda (ref {i})."
    )


def questions(rng: random.Random, n: int) -> list[str]:
    base = [ex.text for ex in corpus_examples("train") + corpus_examples("heldout")]
    out = list(base)
    while len(out) < n:
        out.append(f"{_context(rng, len(out))} {rng.choice(base)}")
    return out[:n]


def bench_predict(predictor: RouterPredictor, texts: list[str]) -> tuple[float, float]:
    timings: list[float] = []
    for _ in range(ROUNDS):
        for text in texts:
            started = time.perf_counter_ns()
            predictor.predict(text)
            timings.append((time.perf_counter_ns() - started) / 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.99)]


def bench_decide(predictor: RouterPredictor, texts: list[str]) -> tuple[float, float]:
    """The whole decision as intake takes it: the model's advice, then the engine with the
    default national rules (compiled once) and the demo catalogue's services (alternatives)."""
    import django

    # The catalogue and the advice live in Django apps; no database is touched.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exportcentrum.settings")
    django.setup()
    from regions.demo import SERVICES
    from routing.default_rules import DEFAULT_NATIONAL_RULES
    from routing.engine import (
        QuestionFacts,
        ServiceSpec,
        compile_rules,
        decide,
        rule_spec_from_dict,
    )
    from routing.learning.store import advice_from

    compiled = compile_rules(
        rule_spec_from_dict(d, rule_id=i) for i, d in enumerate(DEFAULT_NATIONAL_RULES, 1)
    )
    services = [
        ServiceSpec(i, i, actor, actor, title, frozenset(topics))
        for i, (actor, title, topics) in enumerate(
            (actor, title, topics)
            for actor, rows in SERVICES.items()
            for title, _description, topics, _free, *_english in rows
        )
    ]
    timings: list[float] = []
    for _ in range(ROUNDS):
        for text in texts:
            started = time.perf_counter_ns()
            advice = advice_from(predictor.predict(text), threshold=0.5)
            facts = QuestionFacts(county_code="01", text=text)
            decide(facts, compiled, services=services, advice=advice)
            timings.append((time.perf_counter_ns() - started) / 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.99)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--train-cases", type=int, default=100_000)
    args = parser.parse_args()
    rng = random.Random(SEED)
    print(f"python {platform.python_version()} on {platform.machine()}")

    started = time.perf_counter()
    result = train(training_examples(with_history=False))
    text = payload_dumps(result.payload)
    seconds = time.perf_counter() - started
    print(
        f"corpus model: {result.training_size} examples, {len(result.payload['vocabulary'])} "
        f"n-grams, payload {len(text) / 1e6:.1f} MB, trained in {seconds:.1f} s"
    )
    started = time.perf_counter()
    predictor = RouterPredictor.from_text(text, sha256=payload_sha256(text))
    print(f"load (hash check + rebuild): {(time.perf_counter() - started) * 1000:.0f} ms")
    median, p99 = bench_predict(predictor, questions(rng, N_QUESTIONS))
    print(f"predict, {N_QUESTIONS} questions x {ROUNDS}: median {median:.0f} us, p99 {p99:.0f} us")
    median, p99 = bench_decide(predictor, questions(random.Random(SEED), N_QUESTIONS))
    print(
        f"decision incl. model (advice + rules), {N_QUESTIONS} questions x {ROUNDS}: "
        f"median {median:.0f} us, p99 {p99:.0f} us"
    )

    if args.train_cases:
        corpus = corpus_examples("train")
        history = []
        for i in range(args.train_cases):
            ex = rng.choice(corpus)
            history.append(Example(f"{_context(rng, i)} {ex.text}", ex.actor, ex.topics, "closed"))
        started, cpu_started = time.perf_counter(), time.process_time()
        big = train(history + training_examples(with_history=False))
        big_text = payload_dumps(big.payload)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        print(
            f"training on {args.train_cases} cases + corpus: {seconds:.1f} s wall, "
            f"{cpu:.1f} s CPU "
            f"(incl. serialising), {len(big.payload['vocabulary'])} n-grams, "
            f"payload {len(big_text) / 1e6:.1f} MB"
        )
        big_predictor = RouterPredictor(big.payload)
        median, p99 = bench_predict(big_predictor, questions(rng, N_QUESTIONS))
        print(f"predict with that model: median {median:.0f} us, p99 {p99:.0f} us")


if __name__ == "__main__":
    main()
