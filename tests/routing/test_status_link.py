# ruff: noqa: F811 - pytest fixtures imported from tests.routing.intake_support
"""The company's status link: it expires 12 months after the case closed, and the public
history never shows the company's own e-mail address (issue 15 §4)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from routing import services
from routing.clock import STOCKHOLM
from routing.company_view import case_status_path, case_status_token
from routing.models import Case
from tests.routing.intake_support import _fresh_cache, catalogue, question_payload  # noqa: F401

FILED = datetime(2026, 3, 2, 10, 0, tzinfo=STOCKHOLM)


@pytest.fixture
def filed_case(client, people, catalogue) -> Case:
    """A question filed through the public form, answered by mail and closed by its handler."""
    with time_machine.travel(FILED, tick=False):
        client.post("/fraga/", question_payload(email="karin@exempel.se"))
        case = Case.objects.get()
        handler = case.handler or people.handler
        services.case_email_company(
            case=case, user=handler, subject="Lån för export", body="Vi ringer i morgon."
        )
        services.case_close(case=case, user=handler, outcome="answered")
    case.refresh_from_db()
    assert case.closed_at is not None
    return case


def test_public_history_does_not_show_the_company_email(client, filed_case):
    with time_machine.travel(FILED + timedelta(days=1)):
        html = client.get(case_status_path(filed_case)).content.decode()
        api = client.get(
            f"/api/v1/questions/{filed_case.reference}/",
            {"token": case_status_token(filed_case)},
        )
    assert "Ni fick ett e-postmeddelande från handläggaren" in html
    assert "karin@exempel.se" not in html
    assert api.status_code == 200
    assert "karin@exempel.se" not in api.content.decode()
    kinds = [item["kind"] for item in api.json()["history"]]
    assert "email_company" in kinds


@pytest.mark.parametrize(
    ("after_closing", "status"), [(timedelta(days=360), 200), (timedelta(days=366), 404)]
)
def test_status_link_expires_twelve_months_after_closing(client, filed_case, after_closing, status):
    with time_machine.travel(filed_case.closed_at + after_closing):
        assert client.get(case_status_path(filed_case)).status_code == status
        api = client.get(
            f"/api/v1/questions/{filed_case.reference}/",
            {"token": case_status_token(filed_case)},
        )
        assert api.status_code == status


def test_an_open_case_keeps_its_link(client, people, catalogue):
    with time_machine.travel(FILED, tick=False):
        client.post("/fraga/", question_payload())
    case = Case.objects.get()
    with time_machine.travel(FILED + timedelta(days=800)):
        assert client.get(case_status_path(case)).status_code == 200
