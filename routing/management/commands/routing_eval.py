"""``manage.py routing_eval [--county 01] [--threshold 0.5] [--from D --to D]``: replay the
held-out corpus, and with ``--from``/``--to`` also the cases closed as answered in that period.

Through the rules only (as intake routes, in the given county), through the model only (the
active model; without one, a model trained in memory on the corpus and the rules' keywords),
and through the combined decision (the engine's: rules where they decide clearly, else the
model above the threshold, else the front door). Closed cases are replayed in their own county
with their own facts, against the actor that finally answered. Prints accuracy per actor, a
confusion matrix and the share sent to the front door; then how many held-out questions get
every other actor serving their labelled needs listed as an alternative.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from routing.learning.model import RouterPredictor
from routing.learning.store import active_predictor
from routing.learning.training import corpus_examples, corpus_rows, train, training_examples
from routing.router_evaluation import (
    alternatives_coverage,
    case_routers,
    closed_cases,
    combined_router,
    coverage_lines,
    model_router,
    replay,
    replay_cases,
    report_lines,
    rules_router,
)


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
        parser.add_argument("--from", dest="date_from", help="closed cases from this date")
        parser.add_argument("--to", dest="date_to", help="closed cases up to this date")

    def handle(self, *args, county: str, threshold: float, date_from=None, date_to=None, **opts):
        from regions.models import County

        period = _period(date_from, date_to)

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
                f"combined: rules where clear, else model >= {threshold:g}, else front door",
                heldout,
                combined_router(county, predictor, threshold, front_door),
            ),
        ):
            self.stdout.write("\n".join(report_lines(result)))
        coverage = alternatives_coverage(county, corpus_rows("heldout"), predictor, threshold)
        self.stdout.write("\n".join(coverage_lines(coverage)))
        if period is not None:
            cases = closed_cases(*period)
            self.stdout.write(f"closed cases {date_from} to {date_to}: {len(cases)}")
            for name, route in case_routers(predictor, threshold).items():
                result = replay_cases(f"closed cases, {name}", cases, route)
                self.stdout.write("\n".join(report_lines(result)))


def _period(date_from: str | None, date_to: str | None):
    """[start of --from, end of --to) in the portal's time zone, or None without them."""
    if date_from is None and date_to is None:
        return None
    if date_from is None or date_to is None:
        raise CommandError("give both --from and --to (YYYY-MM-DD)")
    try:
        start, end = date.fromisoformat(date_from), date.fromisoformat(date_to)
    except ValueError as exc:
        raise CommandError(f"dates as YYYY-MM-DD: {exc}") from exc
    if end < start:
        raise CommandError("--to is before --from")
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )
