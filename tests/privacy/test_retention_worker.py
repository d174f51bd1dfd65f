"""The nightly retention run is Celery's to schedule: a real beat sends it, a worker runs it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from privacy.models import ErasureRecord
from routing.intake import case_create
from routing.models import Case
from routing.services import case_close
from tests.conftest import wait_for
from tests.factories import question_data

pytestmark = [pytest.mark.worker]


def test_beat_runs_the_retention_and_a_case_past_its_period_is_anonymised(
    reference_data, people, start_worker, redis_url
):
    # Filed and closed four years ago, through intake and the handling service.
    with time_machine.travel(datetime(2022, 9, 6, 10, tzinfo=UTC), tick=False):
        case = case_create(
            data=question_data(
                company_name="Gammal Fråga AB",
                question="Vi behöver ett lån för en order till Norge.",
            )
        )
        case_close(case=case, user=people.coordinator, outcome="answered")
    worker = start_worker(
        env={"CELERY_BROKER_URL": redis_url, "RETENTION_INTERVAL_SECONDS": "1"}, beat=True
    )
    wait_for(
        lambda: ErasureRecord.objects.filter(kind="retention").exists(),
        timeout=60,
        message=f"beat never ran the retention:\n{worker.log()}",
    )
    case = Case.objects.get(pk=case.pk)
    assert case.anonymised_at is not None
    assert (case.contact_name, case.email, case.question) == ("", "", "")
