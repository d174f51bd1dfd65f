"""The learned router: corpus, model as plain data, hash check, accuracy, history labels."""

from __future__ import annotations

import json

import numpy as np
import pytest

from routing import services
from routing.engine import TOPICS
from routing.learning.corpus_build import is_heldout
from routing.learning.features import char_wb_ngrams, preprocess
from routing.learning.model import (
    ModelIntegrityError,
    RouterPredictor,
    payload_dumps,
    payload_sha256,
)
from routing.learning.store import ActivePredictorCache, router_model_create
from routing.learning.training import (
    CORE_ACTORS,
    corpus_rows,
    history_examples,
)
from routing.models import Case, RouterModel
from tests.routing.factories_cases import make_case


@pytest.fixture
def trained(trained_router):
    """The session's model: corpus and rule keywords, no history (no database)."""
    return trained_router


# --------------------------------------------------------------------------- corpus


def test_corpus_has_600_questions_with_valid_labels_split_80_20():
    train_rows, heldout_rows = corpus_rows("train"), corpus_rows("heldout")
    rows = train_rows + heldout_rows
    assert len(rows) >= 600
    assert 0.15 <= len(heldout_rows) / len(rows) <= 0.25
    texts = [r["text"].casefold() for r in rows]
    assert len(texts) == len(set(texts)), "a question appears twice"
    for row in rows:
        assert row["actors"] and set(row["actors"]) <= CORE_ACTORS, row
        assert row["topics"] and set(row["topics"]) <= set(TOPICS), row
        assert row["language"] in {"sv", "en"}
    assert all(is_heldout(r["text"]) for r in heldout_rows)
    assert not any(is_heldout(r["text"]) for r in train_rows)
    assert {a for r in heldout_rows for a in r["actors"]} == CORE_ACTORS
    english = sum(r["language"] == "en" for r in rows)
    assert 0.05 < english / len(rows) < 0.3


# --------------------------------------------------------------------------- model


def test_ngrams_are_sklearns_char_wb_ngrams():
    from sklearn.feature_extraction.text import TfidfVectorizer

    analyzer = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), preprocessor=preprocess
    ).build_analyzer()
    texts = [r["text"] for r in corpus_rows("heldout")] + ["a  b", "CE-märkning!", "ö"]
    for text in texts:
        assert char_wb_ngrams(text) == analyzer(text)


def test_numpy_predictor_from_stored_json_predicts_as_sklearn(trained):
    vectorizer, actor_model, topic_models = trained.fitted
    text = payload_dumps(trained.payload)
    predictor = RouterPredictor.from_text(text, sha256=payload_sha256(text))
    questions = [r["text"] for r in corpus_rows("heldout")]
    matrix = vectorizer.transform(questions)
    # The calibration temperature is folded into the stored coefficients.
    logits = actor_model.decision_function(matrix) / trained.payload["actors"]["temperature"]
    expected_actors = np.exp(logits - logits.max(axis=1, keepdims=True))
    expected_actors /= expected_actors.sum(axis=1, keepdims=True)
    for i, question in enumerate(questions):
        actor_p, topic_p = predictor.scores(question)
        # Coefficients are stored to five decimals: probabilities agree to about 1e-3.
        np.testing.assert_allclose(actor_p, expected_actors[i], atol=2e-3)
        assert (
            predictor.predict(question).actor == actor_model.classes_[expected_actors[i].argmax()]
        )
        for j, topic in enumerate(predictor.topic_classes):
            expected = topic_models[topic].predict_proba(matrix[i])[0, 1]
            assert topic_p[j] == pytest.approx(expected, abs=2e-3)


def test_a_tampered_payload_is_refused(trained):
    text = payload_dumps(trained.payload)
    digest = payload_sha256(text)
    payload = json.loads(text)
    payload["actors"]["intercept"][0] += 5.0  # send everything to one actor
    with pytest.raises(ModelIntegrityError):
        RouterPredictor.from_text(payload_dumps(payload), sha256=digest)
    RouterPredictor.from_text(text, sha256=digest)  # the untouched one loads


def test_heldout_accuracy_is_at_least_90_percent_and_probabilities_calibrated(trained):
    scores = trained.heldout_scores
    assert scores["n"] >= 100
    assert scores["accuracy"] >= 0.9
    # Confidence within a few points of the share right, bin by bin.
    assert scores["calibration_error"] < 0.08


def test_plain_words_reach_the_actor_that_offers_the_service(trained):
    predictor = RouterPredictor(trained.payload)
    assert predictor.predict("Vi är rädda att kunden inte betalar").actor == "ekn"
    assert predictor.predict("Vi söker en återförsäljare i Tyskland").actor == "business_sweden"
    prediction = predictor.predict("Vi söker en återförsäljare i Tyskland")
    assert "een" in [a for a, _ in prediction.actors[:2]]


# --------------------------------------------------------------------------- storage


@pytest.mark.django_db
def test_active_model_is_picked_up_and_a_tampered_row_refused(
    trained, django_capture_on_commit_callbacks
):
    cache = ActivePredictorCache(recheck_seconds=0)
    assert cache.get() is None
    with django_capture_on_commit_callbacks(execute=True):
        first = router_model_create(result=trained)
    assert cache.get().version == first.version
    with django_capture_on_commit_callbacks(execute=True):
        second = router_model_create(result=trained)
    assert cache.get().version == second.version == first.version + 1
    assert RouterModel.objects.filter(is_active=True).get() == second

    # Someone edits the stored JSON behind the portal's back: the model is not used.
    RouterModel.objects.filter(pk=second.pk).update(payload=second.payload.replace("1", "2", 1))
    from routing.learning.store import router_model_version_bump

    router_model_version_bump()
    assert cache.get() is None


# --------------------------------------------------------------------------- history labels


@pytest.mark.django_db
def test_history_labels_final_actor_and_overrides_never_test_cases(people):
    question = "Vi är rädda att kunden i Kenya inte betalar"
    # Answered by Almi after a coordinator moved it there from the region.
    overridden = make_case(office=people.skane_region_office, question=question)
    services.case_override_routing(
        case=overridden, user=people.coordinator, office=people.skane_almi_office, reason="Lån."
    )
    services.case_claim(case=overridden, user=people.handler)
    # Still open, moved by hand: the override is the label.
    open_override = make_case(office=people.skane_almi_office, question="Behöver en check")
    services.case_override_routing(
        case=open_override,
        user=people.coordinator,
        office=people.skane_region_office,
        reason="Regionens check.",
    )
    # Closed but not answered, and a mystery-shopper test: no labels.
    duplicate = make_case(office=people.skane_almi_office, handler=people.handler)
    services.case_close(case=duplicate, user=people.handler, outcome="duplicate")
    test_case = make_case(office=people.skane_almi_office, handler=people.handler, is_test=True)
    services.case_close(case=test_case, user=people.handler, outcome="answered")
    shopper = make_case(office=people.skane_region_office, is_test=True)
    services.case_override_routing(
        case=shopper, user=people.coordinator, office=people.skane_almi_office, reason="Test."
    )

    overridden.refresh_from_db()
    services.case_record_first_contact(
        case=overridden, user=people.handler, channel="phone", at=overridden.created_at
    )
    services.case_close(case=overridden, user=people.handler, outcome="answered")

    labels = {(ex.text, ex.actor, ex.source) for ex in history_examples()}
    assert labels == {
        (question, "almi", "closed"),
        ("Behöver en check", "region", "override"),
    }
    assert Case.objects.filter(is_test=True).count() == 2


# --------------------------------------------------------------------------- corrections


CORRECTED_KIND = [
    "Vi behöver hjälp med hållbarhetsredovisningen som våra kunder i Tyskland kräver",
    "Kunderna i Norge vill se vår hållbarhetsredovisning, vem kan hjälpa oss?",
    "Hållbarhetsredovisning inför export – finns det stöd?",
    "Våra utländska kunder frågar efter en hållbarhetsredovisning och klimatbokslut",
    "Hur tar vi fram en hållbarhetsredovisning som duger för kunder i Frankrike?",
    "Vi måste ha en hållbarhetsredovisning för att få sälja till en dansk kedja",
    "Hållbarhetsredovisningen – kan regionens program hjälpa oss inför exporten?",
    "Stöd till hållbarhetsredovisning för små exportföretag?",
]


@pytest.mark.django_db
def test_coordinators_corrections_teach_the_nightly_model(
    people, eager_celery, django_capture_on_commit_callbacks
):
    """Skåne's coordinator moves questions about sustainability reports to the region (its
    programme for them); after the nightly training the next such question goes there."""
    from routing.tasks import train_router_model_task

    new_question = "Vi behöver en hållbarhetsredovisning för kunderna i Finland"
    cache = ActivePredictorCache(recheck_seconds=0)
    with django_capture_on_commit_callbacks(execute=True):
        train_router_model_task.delay()
    assert cache.get().predict(new_question).actor != "region"

    for text in CORRECTED_KIND:
        case = make_case(office=people.skane_almi_office, question=text)
        services.case_override_routing(
            case=case,
            user=people.coordinator,
            office=people.skane_region_office,
            reason="Regionens program för hållbarhetsredovisning.",
        )
    with django_capture_on_commit_callbacks(execute=True):
        version = train_router_model_task.delay().get()
    predictor = cache.get()
    assert predictor.version == version == 2
    assert predictor.predict(new_question).actor == "region"


# --------------------------------------------------------------------------- commands


@pytest.mark.django_db
def test_routing_eval_replays_the_heldout_corpus_three_ways(
    trained, django_capture_on_commit_callbacks
):
    from io import StringIO

    from django.core.management import CommandError, call_command

    from routing.learning import store

    with django_capture_on_commit_callbacks(execute=True):
        model = router_model_create(result=trained)
    store._process_cache.clear()
    out = StringIO()
    call_command("routing_eval", "--county", "12", stdout=out)
    report = out.getvalue()
    assert f"active router model v{model.version}" in report
    n = trained.heldout_scores["n"]
    for replay_name in ("rules only (county 12)", "model only (threshold 0.5)", "combined"):
        assert replay_name in report
    # four replays, then the alternatives of the combined decision
    assert report.count(f"(n={n})") == 5
    assert "== alternatives (combined decision): every actor serving a labelled need" in report
    assert "confusion (rows: expected, columns: routed to):" in report
    with pytest.raises(CommandError):
        call_command("routing_eval", "--county", "99")
    store._process_cache.clear()


def test_routing_eval_second_figure_counts_a_labelled_alternative_the_headline_does_not():
    from routing.learning.training import Example
    from routing.router_evaluation import replay, report_lines

    examples = [Example("a", "business_sweden", also=("een",)), Example("b", "almi")]
    result = replay("combined", examples, lambda text: ("een" if text == "a" else "almi", False))
    assert result.accuracy == 0.5 and result.accuracy_or_labelled_alternative == 1.0
    lines = "\n".join(report_lines(result))
    assert "accuracy 0.500" in lines
    assert "(not the headline) right actor or a labelled alternative: 1.000 (1 questions" in lines
