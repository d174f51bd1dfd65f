"""Training the router model: examples from the corpus and the portal's history -> payload.

Labels from the history, both real-case only (a mystery-shopper test is never a label):
- a closed, answered case: the actor type that finally had it, after every referral and
  reassignment (``Case.assigned_actor`` at closing);
- a coordinator's routing override, also on an open case: the actor type chosen by hand.
A case's own history counts once: its final actor when closed and answered, else its latest
override. The company's chosen topic (when it chose one) is the case's topic label.

scikit-learn is needed here only; prediction rebuilds the model with numpy (``model``).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from routing.learning.features import NGRAM_RANGE, preprocess
from routing.learning.model import PAYLOAD_FORMAT, RouterPredictor

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
# Bounds that keep a nightly run within minutes on a small machine and the payload a few MB:
# the most recent distinct examples, and the most frequent n-grams.
MAX_EXAMPLES = 40_000
MAX_FEATURES = 40_000
ACTOR_C = 20.0
# One-vs-rest topics are rare against the rest; balanced class weights keep a topic's few
# examples from being drowned (held-out topic recall 0.53 -> 0.79 at precision 0.91).
TOPIC_C = 50.0
COEF_DIGITS = 5
CALIBRATION_BINS = 10
UNKNOWN_TOPIC = "unknown"
CORE_ACTORS = frozenset({"almi", "business_sweden", "een", "ekn", "tillvaxtverket", "region"})
KEYWORD_WEIGHT = 2.0


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    actor: str
    topics: tuple[str, ...] = ()
    source: str = "corpus"
    # Further actors the corpus labels for the question (its other needs): alternatives the
    # company must be told about, never training labels; only the evaluation reads them.
    also: tuple[str, ...] = ()


@dataclass
class TrainingResult:
    payload: dict[str, Any]
    training_size: int
    heldout_scores: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    # The fitted scikit-learn objects (vectorizer, actor model, {topic: model}); never stored,
    # kept so tests can hold the numpy predictor to them.
    fitted: tuple | None = field(default=None, repr=False)


# --------------------------------------------------------------------------- examples


def corpus_rows(part: str) -> list[dict[str, Any]]:
    """The labelled questions of ``part`` ("train" or "heldout")."""
    path = CORPUS_DIR / f"{part}.jsonl"
    with path.open(encoding="utf-8") as rows:
        return [json.loads(line) for line in rows if line.strip()]


def corpus_examples(part: str) -> list[Example]:
    return [
        Example(
            text=r["text"],
            actor=r["actors"][0],
            topics=tuple(r["topics"]),
            source=part,
            also=tuple(r["actors"][1:]),
        )
        for r in corpus_rows(part)
    ]


def history_examples(*, limit: int = MAX_EXAMPLES) -> list[Example]:
    """Labels from real cases: overrides of cases not closed as answered, then closed cases
    newest first (see the module docstring)."""
    from routing.models import Case, CaseEvent

    labelled: dict[int, Example] = {}
    answered = (
        Case.objects.real()
        .filter(
            status=Case.Status.CLOSED,
            outcome=Case.Outcome.ANSWERED,
            assigned_actor__isnull=False,
        )
        .order_by("-closed_at")
        .values_list("pk", "question", "assigned_actor__actor_type_id", "topic_id")[:limit]
    )
    for pk, question, actor, topic in answered.iterator(chunk_size=5_000):
        labelled[pk] = Example(question, actor, _topic_label(topic), "closed")

    from regions.models import Actor

    actor_types = dict(Actor.objects.values_list("pk", "actor_type_id"))
    overrides = (
        CaseEvent.objects.filter(kind="routing_overridden", case__is_test=False)
        .order_by("-at", "-pk")
        .values_list("case_id", "case__question", "case__topic_id", "data")[:limit]
    )
    for case_id, question, topic, data in overrides.iterator(chunk_size=5_000):
        actor = actor_types.get((data or {}).get("to_actor"))
        if actor and case_id not in labelled:
            labelled[case_id] = Example(question, actor, _topic_label(topic), "override")
    # Overrides first: the fewest and the most telling, they must never fall under the cap.
    examples = list(labelled.values())
    return [e for e in examples if e.source == "override"] + [
        e for e in examples if e.source != "override"
    ]


def rule_keyword_examples() -> list[Example]:
    """Each keyword of the national default rules as a tiny example of its actor: the words the
    rules were written for stay known to the model ("remburs", "Almi Invest", "främjanderesa")."""
    from routing.default_rules import DEFAULT_NATIONAL_RULES

    return [
        Example(keyword.rstrip("$"), rule["actor_type"], tuple(rule["topics"]), "rules")
        for rule in DEFAULT_NATIONAL_RULES
        if rule["actor_type"] in CORE_ACTORS and rule["weight"] >= KEYWORD_WEIGHT
        for keyword in rule["keywords"]
    ]


def training_examples(*, with_history: bool = True) -> list[Example]:
    """Everything the nightly model learns from: the corpus and the rules' keywords first, so
    the cap on examples (``MAX_EXAMPLES``) only ever drops the oldest history."""
    history = history_examples() if with_history else []
    return corpus_examples("train") + rule_keyword_examples() + history


def _topic_label(topic: str | None) -> tuple[str, ...]:
    return (topic,) if topic and topic != UNKNOWN_TOPIC else ()


# --------------------------------------------------------------------------- training


def _distinct(examples: Iterable[Example], limit: int) -> tuple[list[Example], np.ndarray]:
    """Identical (text, actor) pairs become one example weighted by their count: a portal sees
    the same wording many times, and vectorising it once is most of the training time."""
    counts: Counter[tuple[str, str]] = Counter()
    first: dict[tuple[str, str], Example] = {}
    for ex in examples:
        key = (preprocess(ex.text), ex.actor)
        if key not in first:
            if len(first) >= limit:
                continue
            first[key] = ex
        counts[key] += 1
    keys = list(first)
    return [first[k] for k in keys], np.asarray([counts[k] for k in keys], dtype=np.float64)


def train(
    examples: Sequence[Example],
    *,
    heldout: Sequence[Example] = (),
    max_examples: int = MAX_EXAMPLES,
    max_features: int = MAX_FEATURES,
) -> TrainingResult:
    """Fit the vectoriser, the actor model and one model per topic; return the payload.

    Beyond ``max_examples`` distinct examples the later ones are dropped: list what must be
    learnt first, then the history newest first.
    """
    from threadpoolctl import threadpool_limits

    started = time.perf_counter()
    # Two cores shared with web and worker: BLAS threads only fight each other here.
    with threadpool_limits(1):
        result = _train(examples, max_examples=max_examples, max_features=max_features)
    if heldout:
        result.heldout_scores = evaluate(RouterPredictor(result.payload), heldout)
    result.seconds = round(time.perf_counter() - started, 2)
    return result


def _train(examples: Sequence[Example], *, max_examples: int, max_features: int) -> TrainingResult:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    distinct, weights = _distinct(examples, max_examples)
    actors = sorted({ex.actor for ex in distinct})
    if len(actors) < 2:
        raise ValueError("training needs examples of at least two actor types")
    vectorizer = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=NGRAM_RANGE,
        preprocessor=preprocess,
        sublinear_tf=True,
        max_features=max_features,
        dtype=np.float64,
    )
    matrix = vectorizer.fit_transform([ex.text for ex in distinct])

    actor_model = LogisticRegression(C=ACTOR_C, max_iter=2_000)
    actor_model.fit(matrix, [ex.actor for ex in distinct], sample_weight=weights)
    actor_coef = actor_model.coef_
    actor_intercept = actor_model.intercept_
    if len(actor_model.classes_) == 2:
        # sklearn keeps one row for two classes; softmax of (-z/2, z/2) is its sigmoid.
        actor_coef = np.vstack([-actor_coef[0] / 2, actor_coef[0] / 2])
        actor_intercept = np.array([-actor_intercept[0] / 2, actor_intercept[0] / 2])
    # Calibration: one temperature for the logits, fitted on out-of-fold predictions and
    # folded into the stored coefficients (the ranking is unchanged, the probabilities honest).
    temperature = _fit_temperature(matrix, [ex.actor for ex in distinct], weights)
    actor_coef = actor_coef / temperature
    actor_intercept = actor_intercept / temperature

    # Topics are learnt only from examples that carry topic labels: a case without a chosen
    # topic says nothing about which topics it lacks.
    with_topics = np.flatnonzero([bool(ex.topics) for ex in distinct])
    topic_matrix = matrix[with_topics]
    topic_weights = weights[with_topics]
    topic_classes, topic_coef, topic_intercept, topic_models = [], [], [], {}
    for topic in sorted({t for i in with_topics for t in distinct[i].topics}):
        labels = np.asarray([topic in distinct[i].topics for i in with_topics])
        if labels.all():
            continue
        model = LogisticRegression(C=TOPIC_C, max_iter=2_000, class_weight="balanced")
        model.fit(topic_matrix, labels, sample_weight=topic_weights)
        topic_models[topic] = model
        topic_classes.append(topic)
        topic_coef.append(model.coef_[0])
        topic_intercept.append(model.intercept_[0])

    vocabulary = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
    payload = {
        "format": PAYLOAD_FORMAT,
        "ngram_range": list(NGRAM_RANGE),
        "sublinear_tf": True,
        "vocabulary": vocabulary,
        "idf": _rounded(vectorizer.idf_),
        "actors": {
            "classes": [str(c) for c in actor_model.classes_] if len(actors) > 2 else actors,
            "coef": _rounded(actor_coef),
            "intercept": _rounded(actor_intercept),
            "temperature": round(temperature, 4),
        },
        "topics": {
            "classes": topic_classes,
            "coef": _rounded(np.asarray(topic_coef).reshape(len(topic_classes), -1)),
            "intercept": _rounded(np.asarray(topic_intercept)),
        },
        "trained_on": dict(Counter(ex.source for ex in examples)),
    }
    return TrainingResult(
        payload=payload,
        training_size=len(examples),
        fitted=(vectorizer, actor_model, topic_models),
    )


def _fit_temperature(matrix, labels: list[str], weights: np.ndarray, folds: int = 3) -> float:
    """The temperature T minimising the log loss of softmax(z / T) on out-of-fold logits z;
    1.0 when some actor has too few examples to be split into folds."""
    from scipy.optimize import minimize_scalar
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    classes, y = np.unique(labels, return_inverse=True)
    if len(classes) < 3 or np.bincount(y).min() < folds:
        return 1.0
    logits = cross_val_predict(
        LogisticRegression(C=ACTOR_C, max_iter=2_000),
        matrix,
        y,
        cv=StratifiedKFold(folds, shuffle=True, random_state=0),
        method="decision_function",
        params={"sample_weight": weights},
    )
    rows = np.arange(len(y))

    def log_loss(t: float) -> float:
        scaled = logits / t
        scaled -= scaled.max(axis=1, keepdims=True)
        log_p = scaled[rows, y] - np.log(np.exp(scaled).sum(axis=1))
        return float(-(weights * log_p).sum() / weights.sum())

    return float(minimize_scalar(log_loss, bounds=(0.05, 10.0), method="bounded").x)


def _rounded(values: np.ndarray) -> list:
    # Five decimals change no prediction and shrink the stored JSON by half.
    return np.round(np.asarray(values, dtype=np.float64), COEF_DIGITS).tolist()


# --------------------------------------------------------------------------- scoring


def evaluate(predictor: RouterPredictor, examples: Sequence[Example]) -> dict[str, Any]:
    """Accuracy, per-actor accuracy, log loss and topic recall of ``predictor`` on examples."""
    correct = 0
    log_loss = 0.0
    per_actor: dict[str, list[int]] = {}
    topic_hits = topic_total = topic_predicted = 0
    # Calibration: in bins of confidence, how far the share right is from the confidence.
    bins = np.zeros((CALIBRATION_BINS, 3))  # count, sum of confidence, sum right
    for ex in examples:
        prediction = predictor.predict(ex.text)
        hit = prediction.actor == ex.actor
        correct += hit
        tally = per_actor.setdefault(ex.actor, [0, 0])
        tally[0] += hit
        tally[1] += 1
        p_true = dict(prediction.actors).get(ex.actor, 0.0)
        log_loss -= float(np.log(max(p_true, 1e-12)))
        predicted_topics = set(prediction.topics_above(0.5))
        topic_hits += len(predicted_topics & set(ex.topics))
        topic_total += len(ex.topics)
        topic_predicted += len(predicted_topics)
        b = min(int(prediction.confidence * CALIBRATION_BINS), CALIBRATION_BINS - 1)
        bins[b] += (1, prediction.confidence, hit)
    n = len(examples) or 1
    filled = bins[:, 0] > 0
    calibration_error = float(np.abs(bins[filled, 1] - bins[filled, 2]).sum() / n)
    return {
        "n": len(examples),
        "accuracy": round(correct / n, 4),
        "log_loss": round(log_loss / n, 4),
        "calibration_error": round(calibration_error, 4),
        "topic_recall": round(topic_hits / topic_total, 4) if topic_total else None,
        "topic_precision": round(topic_hits / topic_predicted, 4) if topic_predicted else None,
        "per_actor": {a: round(h / t, 4) for a, (h, t) in sorted(per_actor.items())},
    }
