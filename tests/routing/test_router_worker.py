# ruff: noqa: F811 - pytest fixtures imported from tests.routing.intake_support
"""The nightly training on a real worker: a coordinator's corrections of a kind of question,
the training task run by a separately started Celery worker, and the next such question filed
through intake goes to the corrected actor, without restarting anything."""

from __future__ import annotations

import pytest
from django.utils import timezone

from exportcentrum.celery import app
from routing import services
from routing.intake import case_create
from routing.models import RouterModel
from tests.conftest import wait_for
from tests.routing.intake_support import catalogue  # noqa: F401 - fixture
from tests.routing.test_intake import _data

pytestmark = [pytest.mark.worker]

# Skåne's coordinator sends questions about sustainability reports to EEN (its advisers on EU
# sustainability reporting) instead of where the rules and the corpus put them.
CORRECTED_KIND = [
    "Vi behöver hjälp med hållbarhetsredovisningen som våra kunder i Tyskland kräver",
    "Kunderna i Norge vill se vår hållbarhetsredovisning, vem kan hjälpa oss?",
    "Hållbarhetsredovisning inför export – finns det stöd?",
    "Våra utländska kunder frågar efter en hållbarhetsredovisning och klimatbokslut",
    "Hur tar vi fram en hållbarhetsredovisning som duger för kunder i Frankrike?",
    "Vi måste ha en hållbarhetsredovisning för att få sälja till en dansk kedja",
    "Hållbarhetsredovisningen – vem kan hjälpa oss inför exporten?",
    "Stöd till hållbarhetsredovisning för små exportföretag?",
]
NEXT_QUESTION = "Vi behöver en hållbarhetsredovisning för kunderna i Finland"


def test_corrections_then_the_nightly_task_on_a_worker_route_the_next_question(
    reference_data,
    people,
    catalogue,
    start_worker,
    redis_url,  # noqa: F811
):
    before = case_create(data=_data(question=NEXT_QUESTION, company_name="Före AB"))
    assert before.assigned_actor.actor_type_id != "een"

    for number, text in enumerate(CORRECTED_KIND):
        case = case_create(data=_data(question=text, company_name=f"Företag {number} AB"))
        if case.office_id != catalogue.een_office.pk:
            services.case_override_routing(
                case=case,
                user=people.coordinator,
                office=catalogue.een_office,
                reason="EEN:s rådgivare tar frågor om hållbarhetsredovisning.",
            )

    worker = start_worker(env={"CELERY_BROKER_URL": redis_url})
    with app.connection_for_write(redis_url) as connection:
        app.send_task("routing.train_router_model", connection=connection)
    started = timezone.now()
    model = wait_for(
        lambda: RouterModel.objects.filter(is_active=True).first(),
        timeout=600,
        message=f"the worker never stored a model:\n{worker.log()}",
    )
    assert model.created_at >= started and model.training_size > len(CORRECTED_KIND)

    # This process picks the new model up through the shared stamp the worker bumped.
    from routing.learning import store

    wait_for(
        lambda: store.active_predictor() is not None,
        timeout=30,
        message="the web process never picked up the worker's model",
    )
    after = case_create(data=_data(question=NEXT_QUESTION, company_name="Efter AB"))
    assert after.assigned_actor.actor_type_id == "een", after.decision
    assert after.office_id == catalogue.een_office.pk
    assert after.decision.decided_by_model
    assert after.decision.advice.model_version == model.version
