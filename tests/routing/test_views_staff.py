"""Staff pages: inbox, case page and actions, coordinator and national lists, health.
Every page has its "denies the outsider" test: out of scope answers 404."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from routing.clock import STOCKHOLM
from routing.escalation import escalation_audit, escalation_sweep
from routing.models import Case, OutboxMessage
from tests.routing.conftest import WEDNESDAY
from tests.routing.factories_cases import make_case

NOW = WEDNESDAY
pytestmark = pytest.mark.usefixtures("frozen")  # tests/routing/conftest.py


@pytest.fixture
def cases(people):
    return {
        "mine": make_case(
            office=people.skane_almi_office,
            submitted_at=NOW - timedelta(hours=2),
            handler=people.handler,
        ),
        "queue": make_case(office=people.skane_almi_office, submitted_at=NOW - timedelta(hours=1)),
        "region": make_case(office=people.skane_region_office, submitted_at=NOW),
        "dalarna": make_case(office=people.dalarna_almi_office, submitted_at=NOW),
        "overdue": make_case(office=people.skane_almi_office, submitted_at=NOW - timedelta(days=3)),
    }


def detail(case):
    return reverse("case-detail", args=[case.reference])


def action(case, name):
    return reverse("case-action", args=[case.reference, name])


# --------------------------------------------------------------------------- inbox


def test_inbox_shows_my_cases_and_my_office_queue_by_deadline_with_time_left(client, people, cases):
    client.force_login(people.handler)
    response = client.get(reverse("handler-inbox"))
    assert response.status_code == 200
    html = response.content.decode()
    assert cases["mine"].reference in html
    assert cases["queue"].reference in html
    assert cases["region"].reference not in html
    assert cases["dalarna"].reference not in html
    queue = response.context["queue"]
    assert [row.case for row in queue] == [cases["overdue"], cases["queue"]]
    # 22 working hours left on the queued case, shown as text in a <time datetime>.
    assert queue[1].left_seconds == 23 * 3600
    assert "23 h 00 min kvar" in html
    assert f'datetime="{cases["queue"].deadline_at.astimezone(STOCKHOLM).isoformat()}"' in html
    assert "Försenat" in html
    assert 'aria-live="off"' in html
    assert "js/countdown.js" in html


def test_inbox_filters(client, people, cases):
    client.force_login(people.handler)
    response = client.get(reverse("handler-inbox"), {"overdue": "on"})
    refs = [row.case for row in response.context["queue"] + response.context["mine"]]
    assert refs == [cases["overdue"]]
    response = client.get(reverse("handler-inbox"), {"status": "assigned"})
    assert [row.case for row in response.context["mine"]] == [cases["mine"]]
    assert response.context["queue"] == []


def test_inbox_denies_other_roles_and_anonymous(client, people):
    response = client.get(reverse("handler-inbox"))
    assert response.status_code == 302
    client.force_login(people.coordinator)
    assert client.get(reverse("handler-inbox")).status_code == 404
    client.force_login(people.company)
    assert client.get(reverse("handler-inbox")).status_code == 404


# --------------------------------------------------------------------------- case page


def test_case_page_shows_company_question_routing_trace_and_history(client, people, cases):
    client.force_login(people.coordinator)
    response = client.get(detail(cases["mine"]))
    assert response.status_code == 200
    html = response.content.decode()
    case = cases["mine"]
    for text in (case.company_name, case.org_number, case.email, "Tyskland", "Business Sweden"):
        assert text in html
    # How the deadline was computed, in words and the page's date format, not the raw trace.
    start = html.index('id="deadline-explained"')
    explained = html[start : html.index("</details>", start)]
    assert "Hur fristen räknades" in explained
    assert "Klockan startade 3 juni 2026 08:00" in explained
    assert "Kontakt senast 4 juni 2026 08:00" in explained
    assert case.deadline_trace not in html and "holidays==" not in html
    assert "Omfördela inom länet" in html


def test_case_page_explains_the_routing_in_the_page_language(client, people, cases):
    """The stored decision reads as sentences, rules by name and what they matched on."""
    client.force_login(people.coordinator)
    for language, sentence, matched in (
        ("sv", "Frågan dirigeras till Business Sweden (poäng 2).", "matchade på nyckelord"),
        ("en", "The question is routed to Business Sweden (score 2).", "matched on keyword"),
    ):
        html = client.get(detail(cases["mine"]), HTTP_ACCEPT_LANGUAGE=language).content.decode()
        start = html.index('id="routing"')
        routing = html[start : html.index("</section>", start)]
        assert sentence in routing
        assert "Nyckelord: marknad, kunder och mässor → Business Sweden" in routing
        assert f"{matched}: marknadsanalys" in routing
        for raw in ("{", "[", "'sv'", "business_sweden", "matched_on"):
            assert raw not in routing


def test_handler_does_not_see_coordinator_actions(client, people, cases):
    client.force_login(people.handler)
    html = client.get(detail(cases["mine"])).content.decode()
    assert "Omfördela inom länet" not in html
    assert "Registrera första kontakt" in html


@pytest.mark.parametrize("who", ["other_handler", "other_coordinator", "region_handler", "company"])
def test_case_page_and_actions_deny_the_outsider(client, people, cases, who):
    client.force_login(getattr(people, who))
    case = cases["queue"]
    assert client.get(detail(case)).status_code == 404
    assert client.post(action(case, "claim")).status_code == 404
    assert client.post(action(case, "note"), {"note-text": "x"}).status_code == 404
    case.refresh_from_db()
    assert case.handler is None and not case.events.exists()


def test_missing_case_is_the_same_404(client, people):
    client.force_login(people.handler)
    assert client.get(reverse("case-detail", args=["REC-2026-999999"])).status_code == 404


def test_claim_and_first_contact_through_the_page(client, people, cases):
    client.force_login(people.handler)
    case = cases["queue"]
    response = client.post(action(case, "claim"))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.handler == people.handler

    response = client.post(
        action(case, "first_contact"),
        {"first_contact-channel": "phone", "first_contact-at": "2026-06-03T09:30"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.CONTACTED
    assert case.first_contact_at == datetime(2026, 6, 3, 9, 30, tzinfo=STOCKHOLM)
    history = client.get(detail(case)).content.decode()
    assert "Första kontakt" in history and "Telefon" in history


def test_invalid_form_keeps_input_and_marks_the_field(client, people, cases):
    client.force_login(people.handler)
    case = cases["mine"]
    response = client.post(action(case, "first_contact"), {"first_contact-at": "2026-06-03T09:45"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="2026-06-03T09:45"' in html
    assert 'aria-invalid="true"' in html
    assert "error-summary" in html
    case.refresh_from_db()
    assert case.first_contact_at is None


def test_email_to_company_and_note_through_the_page(client, people, cases):
    client.force_login(people.handler)
    case = cases["mine"]
    client.post(action(case, "note"), {"note-text": "Ringde, inget svar."})
    client.post(action(case, "email"), {"email-subject": "Hej", "email-body": "Vi ringer."})
    assert OutboxMessage.objects.filter(case=case, kind="company_message").count() == 1
    html = client.get(detail(case)).content.decode()
    assert "Ringde, inget svar." in html
    assert "syns för företaget" in html


def test_disallowed_action_is_refused_with_a_message(client, people, cases):
    client.force_login(people.handler)
    case = cases["mine"]
    response = client.post(action(case, "start_work"), follow=True)
    assert response.status_code == 200
    assert "går inte att göra" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.ASSIGNED


def test_handler_cannot_reassign_through_the_page(client, people, cases):
    client.force_login(people.handler)
    case = cases["mine"]
    response = client.post(
        action(case, "reassign"), {"reassign-office": people.skane_region_office.pk}, follow=True
    )
    assert "går inte att göra" in response.content.decode()
    case.refresh_from_db()
    assert case.office == people.skane_almi_office


# --------------------------------------------------------------------------- coordinator


def test_coordinator_lists_cover_the_county_only(client, people, cases):
    client.force_login(people.coordinator)
    html = client.get(reverse("coordinator-cases")).content.decode()
    for key in ("mine", "queue", "region", "overdue"):
        assert cases[key].reference in html
    assert cases["dalarna"].reference not in html


def test_triage_queue(client, people, cases):
    triaged = make_case(office=None, county=people.skane, in_triage=True, submitted_at=NOW)
    client.force_login(people.coordinator)
    response = client.get(reverse("coordinator-triage"))
    assert [row.case for row in response.context["page"].rows] == [triaged]


def test_overdue_list_has_escalated_cases_first(client, people, cases):
    late = make_case(office=people.skane_almi_office, submitted_at=NOW - timedelta(days=2))
    escalation_sweep(NOW)
    Case.objects.filter(pk=late.pk).update(escalation_level=0)  # as if not yet swept
    client.force_login(people.coordinator)
    rows = client.get(reverse("coordinator-overdue")).context["page"].rows
    assert [row.case for row in rows] == [cases["overdue"], late]
    assert rows[0].case.escalation_level == 3
    assert all(row.overdue for row in rows)


def test_coordinator_reassigns_to_a_handler_in_the_county(client, people, cases):
    client.force_login(people.coordinator)
    case = cases["overdue"]
    response = client.post(
        action(case, "reassign"),
        {
            "reassign-office": people.skane_region_office.pk,
            "reassign-handler": people.region_handler.pk,
            "reassign-reason": "Region Skåne har exportrådgivaren för Tyskland",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.office, case.handler) == (people.skane_region_office, people.region_handler)


def test_reassign_form_offers_only_the_countys_offices(client, people, cases):
    client.force_login(people.coordinator)
    case = cases["overdue"]
    response = client.post(
        action(case, "reassign"), {"reassign-office": people.dalarna_almi_office.pk}
    )
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.office == people.skane_almi_office


def test_coordinator_overrides_routing(client, people, cases):
    client.force_login(people.coordinator)
    case = cases["queue"]
    client.post(
        action(case, "override_routing"),
        {
            "override_routing-office": people.skane_region_office.pk,
            "override_routing-reason": "Check",
        },
    )
    case.refresh_from_db()
    assert case.office == people.skane_region_office
    assert case.decision.override.reason == "Check"


@pytest.mark.parametrize(
    "url_name", ["coordinator-cases", "coordinator-triage", "coordinator-overdue"]
)
def test_coordinator_lists_deny_handlers_and_national(client, people, url_name):
    for user in (people.handler, people.national, people.company):
        client.force_login(user)
        assert client.get(reverse(url_name)).status_code == 404


# --------------------------------------------------------------------------- national


def test_national_overdue_shows_level_three_and_the_sweep_state(client, people, cases):
    client.force_login(people.national)
    html = client.get(reverse("national-overdue")).content.decode()
    assert "aldrig körts" in html  # no sweep yet: red
    escalation_sweep(NOW)
    response = client.get(reverse("national-overdue"))
    html = response.content.decode()
    assert [row.case for row in response.context["page"].rows] == [cases["overdue"]]
    assert "i drift" in html
    assert cases["dalarna"].reference not in html


def test_national_overdue_goes_red_when_stale_and_shows_the_audit(client, people, cases, frozen):
    escalation_audit(NOW)  # the overdue case has no records yet
    escalation_sweep(NOW - timedelta(minutes=30))
    frozen.shift(timedelta(minutes=30))
    client.force_login(people.national)
    html = client.get(reverse("national-overdue")).content.decode()
    assert "Inaktuell" in html
    assert 'id="audit-banner"' in html
    assert cases["overdue"].reference in html


def test_national_overdue_denies_coordinators_and_handlers(client, people):
    for user in (people.coordinator, people.handler):
        client.force_login(user)
        assert client.get(reverse("national-overdue")).status_code == 404


# --------------------------------------------------------------------------- health


def test_health_reports_the_last_sweep_and_goes_red_when_stale(client, db, frozen):
    body = client.get("/health/").json()
    assert body["checks"]["sweep"] is False
    assert body["sweep"]["stale"] is True
    escalation_sweep(NOW)
    body = client.get("/health/").json()
    assert body["checks"]["sweep"] is True
    assert body["sweep"]["age_seconds"] == 0
    frozen.shift(timedelta(minutes=10))
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["sweep"]["stale"] is True
