"""Training a model end to end: examples -> fit -> held-out scores -> stored model."""

from __future__ import annotations

from routing.learning.store import router_model_create
from routing.learning.training import (
    MAX_EXAMPLES,
    corpus_examples,
    train,
    training_examples,
)
from routing.models import RouterModel


def router_model_train(
    *, with_history: bool = True, activate: bool = True, max_examples: int = MAX_EXAMPLES
) -> RouterModel:
    """Train on the corpus, the rules' keywords and (by default) the portal's history; score
    on the held-out corpus; store the model and make it the active one."""
    result = train(
        training_examples(with_history=with_history),
        heldout=corpus_examples("heldout"),
        max_examples=max_examples,
    )
    return router_model_create(result=result, activate=activate)
