"""``manage.py routing_eval [--county 01] [--threshold 0.5]``: replay the held-out corpus.

Through the rules only (as intake routes, in the given county), through the model only (the
active model; without one, a model trained in memory on the corpus and the rules' keywords),
and through a preview of the combined decision (rules where one actor leads, else the model).
Prints accuracy per actor, a confusion matrix and the share sent to the front door.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from routing.learning.evaluation import (
    combined_router,
    model_router,
    replay,
    report_lines,
    rules_router,
)
from routing.learning.model import RouterPredictor
from routing.learning.store import active_predictor
from routing.learning.training import corpus_examples, train, training_examples


class Command(BaseCommand):
    help = "Replay the held-out corpus through the rules and the learned model."

    def add_arguments(self, parser):
        parser.add_argument("--county", default="01", help="county code for the rules (01)")
        parser.add_argument(
            "--threshold",
            type=float,
            default=0.5,
            help="model confidence below which the question goes to the front door (0.5)",
        )

    def handle(self, *args, county: str, threshold: float, **options):
        from regions.models import County

        if not County.objects.filter(code=county).exists():
            raise CommandError(f"no county with code {county!r} (use 01-25)")
        if not 0.0 <= threshold <= 1.0:
            raise CommandError("the threshold is a probability between 0 and 1")
        heldout = corpus_examples("heldout")
        predictor = active_predictor()
        if predictor is None:
            self.stdout.write("no active router model: training one on the corpus in memory")
            predictor = RouterPredictor(train(training_examples(with_history=False)).payload)
        else:
            self.stdout.write(f"active router model v{predictor.version}")
        from routing.catalogue import front_door_actor_type

        front_door = front_door_actor_type(county)
        for result in (
            replay(f"rules only (county {county})", heldout, rules_router(county)),
            replay(
                f"model only (threshold {threshold:g})",
                heldout,
                model_router(predictor, threshold, front_door),
            ),
            replay("model only, top choice", heldout, model_router(predictor, 0.0, front_door)),
            replay(
                f"combined preview: rules, else model >= {threshold:g}, else front door",
                heldout,
                combined_router(county, predictor, threshold, front_door),
            ),
        ):
            self.stdout.write("\n".join(report_lines(result)))
