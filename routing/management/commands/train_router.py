"""``manage.py train_router [--no-history] [--no-activate]``: train and store a router model."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from routing.learning.services import router_model_train


class Command(BaseCommand):
    help = "Train the learned router from the corpus and the portal's history, and activate it."

    def add_arguments(self, parser):
        parser.add_argument("--no-history", action="store_true", help="corpus and rules only")
        parser.add_argument("--no-activate", action="store_true", help="store without activating")

    def handle(self, *args, no_history: bool, no_activate: bool, **options):
        started = time.perf_counter()
        model = router_model_train(with_history=not no_history, activate=not no_activate)
        scores = model.heldout_scores
        self.stdout.write(
            f"router model v{model.version}: {model.training_size} training examples, "
            f"held-out accuracy {scores.get('accuracy')} (n={scores.get('n')}), "
            f"{'active' if model.is_active else 'not active'}, "
            f"{time.perf_counter() - started:.1f} s"
        )
