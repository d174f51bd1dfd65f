"""Cross-validation of the learned router on the TRAINING part of the corpus only.

k-fold (default 5) over ``train.jsonl``, repeated with a few shuffles: each fold's model is
trained as ``train_router --no-history`` trains (the rest of the training part plus the rules'
keywords) and replays its held-back questions through the model alone, the engine's combined
decision (county 01, demo catalogue) and the alternatives. The held-out part is never read.

    .venv/bin/python bench/router_cv.py [--folds 5] [--shuffles 2] [--cuts 1,0.3,0.2,0.15,0.1]
        [--fallback-cuts 1,0.2,0.15] [--extra routing/learning/corpus/handwritten_7.tsv] [--misses]

``--cuts``: runner-up cuts whose alternatives coverage is reported (1 = no runner-up: a runner-up
never reaches 1), with the portal's fallback cut.
``--fallback-cuts``: for the questions that fell back to the front door, the coverage when every
actor of the model at or above the cut is listed (with the portal's runner-up cut).
``--extra``: a TSV of further questions (the corpus format) added to every fold's training and,
where its questions fall in a fold's test part, to that fold's test as well (they are scored
separately too); the hash split decides which are training questions, as corpus_build does.
Needs a database with the demo catalogue (``load_demo_data``) for the alternatives.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def count(decision, labelled: set[str], into: list[int]) -> None:
    """Add one question's alternatives to ``into`` (with such an actor, all listed, unrelated):
    ``labelled`` are the actors serving a labelled need (or labelled as further actors)."""
    serving = labelled - {decision.chosen_actor}
    listed = {s.actor_code for s in decision.alternatives} - {decision.chosen_actor}
    into[2] += len(listed - serving)
    if serving:
        into[0] += 1
        into[1] += serving <= listed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--shuffles", type=int, default=2)
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--cuts", default="1,0.4,0.3,0.25,0.2,0.15,0.1,0.05")
    parser.add_argument(
        "--fallback-cuts",
        default="1,0.3,0.2,0.15,0.1,0.05",
        help="cuts for the model's actors listed when the question falls back to the front door",
    )
    parser.add_argument("--county", default="01")
    parser.add_argument("--extra", action="append", default=[])
    parser.add_argument("--misses", action="store_true", help="print the out-of-fold misses")
    parser.add_argument("--train", default="", help="a train.jsonl to use instead of the corpus'")
    parser.add_argument("--dump", default="", help="write each out-of-fold outcome here (JSON)")
    args = parser.parse_args()

    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exportcentrum.settings")
    import django

    django.setup()

    import json

    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    from routing.catalogue import catalogue
    from routing.engine import QuestionFacts
    from routing.learning.corpus_build import _row, is_heldout
    from routing.learning.model import RouterPredictor
    from routing.learning.store import ADVICE_RUNNER_UP_PROBABILITY, advice_from
    from routing.learning.training import (
        Example,
        corpus_rows,
        rule_keyword_examples,
        train,
    )
    from routing.rules import route_question

    if args.train:
        with open(args.train, encoding="utf-8") as f:
            rows = [json.loads(line) for line in f if line.strip()]
    else:
        rows = corpus_rows("train")
    seen = {r["text"].casefold() for r in rows}
    extra: list[dict] = []
    for path in args.extra:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            actors, topics, text = line.split("\t")
            row = _row(text, actors, topics, source=path)
            if not is_heldout(row["text"]) and row["text"].casefold() not in seen:
                seen.add(row["text"].casefold())
                extra.append(row)
    cuts = [float(c) for c in args.cuts.split(",")]
    fallback_cuts = [float(c) for c in args.fallback_cuts.split(",")]
    fallback_coverage = {c: [0, 0, 0] for c in fallback_cuts}  # as coverage, fallbacks only
    keywords = rule_keyword_examples()
    services = catalogue().services(args.county)

    def example(r: dict) -> Example:
        return Example(r["text"], r["actors"][0], tuple(r["topics"]), "corpus")

    labels = [r["actors"][0] for r in rows]
    # (row, prediction-based outcomes) per out-of-fold prediction
    model_hits = combined_hits = front_door = 0
    extra_model = extra_combined = extra_n = 0
    coverage = {c: [0, 0, 0] for c in cuts}  # with needs, all listed, unrelated
    pairs: Counter[tuple[str, str]] = Counter()
    misses: list[tuple[str, str, str, float]] = []
    outcomes: list[tuple[int, str, bool, bool]] = []  # shuffle, text, model right, combined right
    n = 0
    for shuffle in range(args.shuffles):
        folds = StratifiedKFold(args.folds, shuffle=True, random_state=shuffle)
        extra_fold = np.arange(len(extra)) % args.folds
        np.random.default_rng(shuffle).shuffle(extra_fold)
        for k, (train_idx, test_idx) in enumerate(folds.split(rows, labels)):
            train_rows = [rows[i] for i in train_idx]
            train_rows += [e for e, f in zip(extra, extra_fold, strict=True) if f != k]
            test_rows = [(rows[i], False) for i in test_idx]
            test_rows += [(e, True) for e, f in zip(extra, extra_fold, strict=True) if f == k]
            payload = train([example(r) for r in train_rows] + keywords).payload
            predictor = RouterPredictor(payload)
            for row, is_extra in test_rows:
                expected = row["actors"][0]
                prediction = predictor.predict(row["text"])
                advice = advice_from(prediction, threshold=args.threshold)
                facts = QuestionFacts(county_code=args.county, text=row["text"])
                decision = route_question(facts, advice=advice)
                chosen = decision.chosen_actor
                if is_extra:
                    extra_n += 1
                    extra_model += prediction.actor == expected
                    extra_combined += chosen == expected
                    continue
                n += 1
                outcomes.append(
                    (shuffle, row["text"], prediction.actor == expected, chosen == expected)
                )
                model_hits += prediction.actor == expected
                combined_hits += chosen == expected
                front_door += decision.fallback_to_front_door
                if prediction.actor != expected:
                    pairs[tuple(sorted((expected, prediction.actor)))] += 1
                    if args.misses and shuffle == 0:
                        misses.append(
                            (row["text"], expected, prediction.actor, prediction.confidence)
                        )
                needs = set(row["topics"])
                labelled = {x.actor_code for x in services if not x.topics.isdisjoint(needs)}
                labelled.update(row["actors"][1:])
                for cut in cuts:
                    d = route_question(facts, advice=replace(advice, runner_up_cut=cut))
                    count(d, labelled, coverage[cut])
                if decision.fallback_to_front_door:
                    for cut in fallback_cuts:
                        given = replace(
                            advice, runner_up_cut=ADVICE_RUNNER_UP_PROBABILITY, fallback_cut=cut
                        )
                        count(route_question(facts, advice=given), labelled, fallback_coverage[cut])
            print(f"shuffle {shuffle} fold {k}: done", file=sys.stderr, flush=True)
    print(
        f"training part: {len(rows)} questions (+{len(extra)} extra), {args.folds}-fold x "
        f"{args.shuffles}: {n} out-of-fold predictions"
    )
    print(f"model alone, top choice: {model_hits / n:.3f}")
    print(f"combined (threshold {args.threshold:g}): {combined_hits / n:.3f}, "
          f"front door {front_door / n:.3f}")  # fmt: skip
    if extra_n:
        print(f"extra questions out of fold ({extra_n}): model {extra_model / extra_n:.3f}, "
              f"combined {extra_combined / extra_n:.3f}")  # fmt: skip
    print("model misses by pair:", ", ".join(f"{a}/{b} {c}" for (a, b), c in pairs.most_common()))
    per_shuffle = args.shuffles
    for cut in cuts:
        with_needs, listed, unrelated = coverage[cut]
        name = "no runner-up" if cut == 1 else f"runner-up cut {cut:g}"
        print(
            f"alternatives, {name}: every serving actor listed {listed}/{with_needs} "
            f"({listed / (with_needs or 1):.3f}); unrelated actors told {unrelated} "
            f"(per shuffle: {listed / per_shuffle:.0f}/{with_needs / per_shuffle:.0f}, "
            f"{unrelated / per_shuffle:.0f})"
        )
    for cut in fallback_cuts:
        with_needs, listed, unrelated = fallback_coverage[cut]
        name = "none" if cut == 1 else f"{cut:g}"
        print(
            f"fell back to the front door, model's actors at cut {name} (runner-up "
            f"{ADVICE_RUNNER_UP_PROBABILITY:g}): every serving actor listed {listed}/{with_needs}; "
            f"unrelated actors told {unrelated}"
        )
    if args.dump:
        Path(args.dump).write_text(json.dumps(outcomes, ensure_ascii=False), encoding="utf-8")
    for text, expected, got, p in misses:
        print(f"MISS\t{expected}\t{got}\t{p:.2f}\t{text}")


if __name__ == "__main__":
    main()
