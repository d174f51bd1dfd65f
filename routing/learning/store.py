"""Storing trained models and the per-process cache of the active one.

``router_model_create`` writes a model (and by default activates it, bumping a shared version
stamp after commit); ``router_settings_update`` changes the portal's confidence threshold (and
bumps the same stamp). ``active_predictor()`` returns this process's predictor and
``model_advice(text)`` its advice with the threshold: they read the stamp from the cache at
most once every ``RECHECK_SECONDS`` and reload from the database only when the stamp changed,
so a question costs no query and a new model or threshold reaches web and worker processes
within seconds, without a restart.
"""

from __future__ import annotations

import logging
import threading
import time

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from regions.versions import shared_version, shared_version_bump
from routing.engine import ModelAdvice
from routing.learning.model import (
    ModelIntegrityError,
    RouterPrediction,
    RouterPredictor,
    payload_dumps,
    payload_sha256,
)
from routing.learning.training import TrainingResult
from routing.models import RouterModel, RouterSettings

logger = logging.getLogger(__name__)

ROUTER_MODEL_VERSION_KEY = "routing:router-model-version"
# The topics the model reads in a question bring in the alternatives (every other actor that
# serves them). Chosen by 5-fold cross-validation on the training corpus (767 questions, 314
# whose needs another actor serves): every such actor listed for 256 at 0.5, 261 at 0.4, 272
# at 0.3, 279 at 0.25, with 84, 99, 135, 178 actors told that serve none of the needs; below
# 0.3 each question gained costs six actors nobody asked about.
ADVICE_TOPIC_PROBABILITY = 0.3
# The model's runner-up (its most probable actor other than the one the question went to) is
# listed among the alternatives at or above this probability. Chosen like the topic cut, by
# 5-fold cross-validation on the training corpus only (767 questions, two shuffles, 639
# out-of-fold questions whose needs another actor serves; bench/router_cv.py): every such
# actor listed for 544 without a runner-up, 549, 555, 561, 566, 566, 574 at 0.4, 0.3, 0.2,
# 0.15, 0.1, 0.05, with 283, 288, 312, 344, 361, 398, 475 actors told that serve none of the
# needs. Down to 0.15 each question gained costs three to four such actors; below it, nothing
# is gained until 0.05, at ten each.
ADVICE_RUNNER_UP_PROBABILITY = 0.15
# When the question falls back to the front door (the model below the threshold), every actor
# of the model at or above this probability is listed too, with its service for the likeliest
# need it serves. Chosen by the same cross-validation (865 training questions, two shuffles: 24
# out-of-fold questions fell back with a need another actor serves): every such actor listed
# for 16 with the runner-up alone, 17, 17, 20, 20, 20 at 0.3, 0.2, 0.15, 0.1, 0.05, with 25,
# 29, 40, 51, 62, 78 actors told that serve none of the needs; below 0.15 nothing is gained.
ADVICE_FALLBACK_PROBABILITY = 0.15
RECHECK_SECONDS = 5.0


@transaction.atomic
def router_model_create(*, result: TrainingResult, activate: bool = True) -> RouterModel:
    """Store a trained model; activating it deactivates the previous one."""
    text = payload_dumps(result.payload)
    latest = RouterModel.objects.select_for_update().aggregate(v=Max("version"))["v"] or 0
    if activate:
        RouterModel.objects.filter(is_active=True).update(is_active=False)
    model = RouterModel.objects.create(
        version=latest + 1,
        created_at=timezone.now(),
        training_size=result.training_size,
        heldout_scores=result.heldout_scores,
        payload=text,
        payload_sha256=payload_sha256(text),
        is_active=activate,
    )
    if activate:
        transaction.on_commit(router_model_version_bump)
    return model


@transaction.atomic
def router_model_activate(*, model: RouterModel) -> None:
    RouterModel.objects.filter(is_active=True).exclude(pk=model.pk).update(is_active=False)
    RouterModel.objects.filter(pk=model.pk).update(is_active=True)
    transaction.on_commit(router_model_version_bump)


def router_model_version_bump() -> None:
    shared_version_bump(ROUTER_MODEL_VERSION_KEY)


def load_predictor(model: RouterModel) -> RouterPredictor:
    """Rebuild a stored model; raises ``ModelIntegrityError`` if its payload was altered."""
    return RouterPredictor.from_text(
        model.payload, sha256=model.payload_sha256, version=model.version
    )


class ActivePredictorCache:
    """This process's copy of the active model, refreshed when the shared stamp changes."""

    def __init__(self, recheck_seconds: float = RECHECK_SECONDS) -> None:
        self.recheck_seconds = recheck_seconds
        self._lock = threading.Lock()
        self._stamp: str | None = None
        self._checked_at = float("-inf")
        self._predictor: RouterPredictor | None = None
        self._threshold = RouterSettings.DEFAULT_THRESHOLD
        self.loads = 0

    @property
    def threshold(self) -> float:
        """The threshold loaded with the predictor (call ``get`` first)."""
        return self._threshold

    def get(self) -> RouterPredictor | None:
        now = time.monotonic()
        if now - self._checked_at < self.recheck_seconds:
            return self._predictor
        with self._lock:
            stamp = shared_version(ROUTER_MODEL_VERSION_KEY)
            self._checked_at = now
            if stamp != self._stamp:
                self._predictor = self._load()
                self._stamp = stamp
            return self._predictor

    def _load(self) -> RouterPredictor | None:
        self.loads += 1
        threshold = RouterSettings.objects.values_list("model_threshold", flat=True).first()
        self._threshold = RouterSettings.DEFAULT_THRESHOLD if threshold is None else threshold
        model = RouterModel.objects.filter(is_active=True).first()
        if model is None:
            return None
        try:
            return load_predictor(model)
        except ModelIntegrityError:
            # Routing goes on by the rules alone; an altered model is never used.
            logger.error("router model v%s refused: payload does not match its hash", model.version)
            return None

    def clear(self) -> None:
        with self._lock:
            self._stamp = None
            self._checked_at = float("-inf")
            self._predictor = None


_process_cache = ActivePredictorCache()


def active_predictor() -> RouterPredictor | None:
    """The active model of this process, or None when there is none (or it was refused)."""
    return _process_cache.get()


def model_advice(text: str) -> ModelAdvice | None:
    """The active model's advice on a question, with the portal's threshold; None without a
    model. No query unless the shared stamp changed (``ActivePredictorCache``)."""
    predictor = _process_cache.get()
    if predictor is None or not text.strip():
        return None
    return advice_from(predictor.predict(text), threshold=_process_cache.threshold)


def advice_from(prediction: RouterPrediction, *, threshold: float) -> ModelAdvice:
    """The advice the engine is given for a prediction, at the portal's ``threshold``."""
    return ModelAdvice(
        actors=prediction.actors,
        topics=prediction.topics_above(ADVICE_TOPIC_PROBABILITY),
        threshold=threshold,
        model_version=prediction.model_version,
        topic_scores=prediction.topics,
        runner_up_cut=ADVICE_RUNNER_UP_PROBABILITY,
        fallback_cut=ADVICE_FALLBACK_PROBABILITY,
    )


def router_settings() -> RouterSettings:
    """The one settings row (created with the defaults on first use)."""
    found, _created = RouterSettings.objects.get_or_create(pk=1)
    return found


@transaction.atomic
def router_settings_update(*, user, model_threshold: float) -> RouterSettings:
    """National staff set the model's confidence threshold; every process reloads it."""
    if not 0.0 <= model_threshold <= 1.0:
        raise ValueError("the threshold is a probability between 0 and 1")
    RouterSettings.objects.update_or_create(
        pk=1,
        defaults={
            "model_threshold": model_threshold,
            "updated_at": timezone.now(),
            "updated_by": user if getattr(user, "pk", None) else None,
        },
    )
    transaction.on_commit(router_model_version_bump)
    return RouterSettings.objects.get(pk=1)
