"""The router model as plain data, and the numpy predictor rebuilt from it.

A trained model is one JSON document (``payload``): the character n-gram vocabulary with its idf
weights, and for actors (one multinomial logistic regression) and topics (one binary logistic
regression per topic) the coefficients and intercepts. Nothing in it is code: loading cannot
execute anything, unlike a pickle. Its sha256 is stored beside it and checked on every load, so
a payload changed outside the portal's own training is refused.

Prediction needs only numpy: n-gram counts -> sublinear tf * idf -> L2 norm -> one gather of
the touched coefficient rows -> softmax over actors, sigmoid per topic.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from routing.learning.features import char_wb_ngrams

PAYLOAD_FORMAT = 1


class ModelIntegrityError(ValueError):
    """The stored payload does not match its hash, or is not a payload of a known format."""


def payload_dumps(payload: dict[str, Any]) -> str:
    """The one serialisation that is stored and hashed."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def payload_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class RouterPrediction:
    """Actors and topics, each ``(code, probability)`` best first."""

    actors: tuple[tuple[str, float], ...]
    topics: tuple[tuple[str, float], ...]
    model_version: int | None = None

    @property
    def actor(self) -> str:
        return self.actors[0][0]

    @property
    def confidence(self) -> float:
        return self.actors[0][1]

    def topics_above(self, threshold: float = 0.5) -> tuple[str, ...]:
        return tuple(code for code, p in self.topics if p >= threshold)


class RouterPredictor:
    """Predicts from a payload; immutable and safe to share between threads."""

    def __init__(self, payload: dict[str, Any], *, version: int | None = None) -> None:
        if payload.get("format") != PAYLOAD_FORMAT:
            raise ModelIntegrityError(f"unknown payload format {payload.get('format')!r}")
        self.version = version
        self.ngram_range = tuple(payload["ngram_range"])
        self.sublinear_tf = bool(payload["sublinear_tf"])
        self.term_index = {term: i for i, term in enumerate(payload["vocabulary"])}
        self.idf = np.asarray(payload["idf"], dtype=np.float64)
        actors, topics = payload["actors"], payload["topics"]
        self.actor_classes = tuple(actors["classes"])
        self.topic_classes = tuple(topics["classes"])
        # One (terms x outputs) matrix, actors first: a question touches a few hundred rows.
        self.weights = np.ascontiguousarray(
            np.hstack(
                [
                    np.asarray(actors["coef"], dtype=np.float64).T,
                    np.asarray(topics["coef"], dtype=np.float64)
                    .reshape(len(self.topic_classes), -1)
                    .T,
                ]
            )
        )
        self.intercepts = np.concatenate(
            [
                np.asarray(actors["intercept"], dtype=np.float64),
                np.asarray(topics["intercept"], dtype=np.float64),
            ]
        )
        if self.weights.shape != (len(self.term_index), len(self.intercepts)):
            raise ModelIntegrityError("coefficients do not fit the vocabulary")

    @classmethod
    def from_text(cls, text: str, *, sha256: str, version: int | None = None) -> RouterPredictor:
        """Rebuild from stored JSON text, refusing it unless its hash is ``sha256``."""
        if payload_sha256(text) != sha256:
            raise ModelIntegrityError("the stored router model does not match its hash")
        return cls(json.loads(text), version=version)

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(columns, tf-idf values) of the question, L2-normalised as sklearn does."""
        index = self.term_index
        counts = Counter(g for g in char_wb_ngrams(text, self.ngram_range) if g in index)
        if not counts:
            return np.empty(0, dtype=np.intp), np.empty(0)
        columns = np.fromiter((index[g] for g in counts), dtype=np.intp, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        if self.sublinear_tf:
            tf = np.log(tf) + 1.0
        values = tf * self.idf[columns]
        norm = math.sqrt(float(values @ values))
        return columns, values / norm if norm else values

    def scores(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(actor probabilities, topic probabilities) in class order."""
        columns, values = self.features(text)
        raw = values @ self.weights[columns] + self.intercepts if len(columns) else self.intercepts
        n_actors = len(self.actor_classes)
        logits = raw[:n_actors]
        exp = np.exp(logits - logits.max())
        actor_p = exp / exp.sum()
        topic_p = 1.0 / (1.0 + np.exp(-raw[n_actors:]))
        return actor_p, topic_p

    def predict(self, text: str) -> RouterPrediction:
        actor_p, topic_p = self.scores(text)
        actors = sorted(zip(self.actor_classes, actor_p.tolist(), strict=True), key=_by_p)
        topics = sorted(zip(self.topic_classes, topic_p.tolist(), strict=True), key=_by_p)
        return RouterPrediction(
            actors=tuple(actors), topics=tuple(topics), model_version=self.version
        )


def _by_p(item: tuple[str, float]) -> tuple[float, str]:
    return (-item[1], item[0])
