"""The held-out figures of ``routing_eval`` on two parts of the held-out corpus: the questions
that were held out before a round (an earlier ``heldout.jsonl``) and the ones the round added.

New questions written by the same hand as a round's training questions tend to be easier, and
would flatter the total; this keeps the old ones comparable across rounds.

    git show <before>:routing/learning/corpus/heldout.jsonl > /tmp/heldout_before.jsonl
    .venv/bin/python bench/router_heldout_split.py /tmp/heldout_before.jsonl [--threshold 0.5]

Uses the active router model (``train_router``) and the demo catalogue of county 01.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", help="an earlier heldout.jsonl")
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--county", default="01")
    args = parser.parse_args()

    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exportcentrum.settings")
    import django

    django.setup()

    from routing.catalogue import front_door_actor_type
    from routing.learning.store import active_predictor
    from routing.learning.training import corpus_examples, corpus_rows
    from routing.router_evaluation import (
        alternatives_coverage,
        combined_router,
        model_router,
        replay,
        rules_router,
    )

    predictor = active_predictor()
    if predictor is None:
        sys.exit("no active router model: run manage.py train_router first")
    with open(args.before, encoding="utf-8") as f:
        before = {json.loads(line)["text"] for line in f if line.strip()}
    examples, rows = corpus_examples("heldout"), corpus_rows("heldout")
    front_door = front_door_actor_type(args.county)
    t = args.threshold
    print(f"active router model v{predictor.version}, threshold {t:g}, county {args.county}")
    for name, keep in (("held out before", True), ("added since", False), ("all", None)):
        part = [e for e in examples if keep is None or (e.text in before) == keep]
        part_rows = [r for r in rows if keep is None or (r["text"] in before) == keep]
        if not part:
            continue
        figures = []
        for label, route in (
            ("rules", rules_router(args.county)),
            (f"model>={t:g}", model_router(predictor, t, front_door)),
            ("model top", model_router(predictor, 0.0, front_door)),
            ("combined", combined_router(args.county, predictor, t, front_door)),
        ):
            result = replay(label, part, route)
            hits = sum(e == g for e, g, _ in result.outcomes)
            fallback = sum(f for _e, _g, f in result.outcomes)
            figures.append(
                f"{label} {hits / len(part):.3f} (front door {fallback / len(part):.3f})"
            )
        coverage = alternatives_coverage(args.county, part_rows, predictor, t)
        print(f"{name} (n={len(part)}): " + ", ".join(figures))
        print(
            f"  alternatives: every serving actor listed {coverage.all_listed}/"
            f"{coverage.with_needs}, unrelated actors told {coverage.unrelated}"
        )


if __name__ == "__main__":
    main()
