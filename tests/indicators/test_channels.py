"""Indicators split by how questions came in: the channel figures, the table 5 indicator that
names a channel ("företag som fått rådgivning per telefon eller e-post"), exports and the
dashboard. Every case is made through the real code paths (intake, registration, services)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse

from indicators import definitions as d
from indicators.evaluation import compute_all, compute_by_county, compute_by_month
from indicators.exports import indicator_headers, indicators_csv
from indicators.values import Period
from routing.clock import STOCKHOLM
from routing.intake import QuestionData, case_create
from routing.models import Case
from routing.registration import case_register
from routing.services import case_record_first_contact
from tests.factories import question_data
from tests.indicators.evaluate import value

MARCH = (date(2026, 3, 1), date(2026, 3, 31))
PERIOD = {"from": "2026-03-01", "to": "2026-03-31"}


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=STOCKHOLM)


def question(org_number: str, code: str = "1280") -> QuestionData:
    return question_data(
        company_name=f"Företag {org_number}",
        org_number=org_number,
        contact_name="Kim Kontakt",
        email=f"{org_number}@foretag.example",
        municipality=code,
        question="Vi vill börja exportera till Norge och behöver råd om tull.",
    )


@pytest.fixture
def channels(people):
    """Skåne in March 2026: one question through every door."""
    with time_machine.travel(at(10, 12), tick=False):
        # Answered on the phone: advice by telephone.
        case_register(
            data=question("5560360793"), user=people.handler, channel="phone",
            received_at=at(10, 9), send_receipt=False, answered_outcome="answered",
        )  # fmt: skip
        # Answered at a visit: advice, but not by telephone or e-mail.
        case_register(
            data=question("5568765432"), user=people.handler, channel="visit",
            received_at=at(9), send_receipt=False, answered_outcome="answered",
        )  # fmt: skip
        # An e-mail routed on, not answered yet.
        case_register(
            data=question("5565432109"), user=people.coordinator, channel="email",
            received_at=at(10, 8), send_receipt=True,
        )  # fmt: skip
        # From outside the partnership, answered: the company is the phone one's again.
        case_register(
            data=question("556036-0793"), user=people.coordinator, channel="referral",
            received_at=at(10, 11), send_receipt=False, answered_outcome="referred_outside",
        )  # fmt: skip
    # A web question called back, and one through the API.
    web = case_create(data=question("5561231234"), now=at(3))
    with time_machine.travel(at(3, 12), tick=False):
        office_handler = {
            people.skane_almi_office.pk: people.handler,
            people.skane_region_office.pk: people.region_handler,
        }[web.office_id]
        case_record_first_contact(case=web, user=office_handler, channel="phone", at=at(3, 11))
    case_create(data=question("5569879876"), now=at(4), channel=Case.IntakeChannel.API)
    # In Dalarna, and in April: elsewhere and later.
    case_create(data=question("5564564564", code="2080"), now=at(5))
    with time_machine.travel(datetime(2026, 4, 2, 12, tzinfo=STOCKHOLM), tick=False):
        case_register(
            data=question("5567897897"), user=people.handler, channel="phone",
            received_at=datetime(2026, 4, 2, 9, tzinfo=STOCKHOLM), send_receipt=False,
        )  # fmt: skip
    return people


def test_questions_per_channel(channels):
    expected = {"web": 1, "api": 1, "phone": 1, "email": 1, "visit": 1, "event": 0, "referral": 1}
    for channel, count in expected.items():
        assert value(d.CHANNEL_INDICATORS[channel], "12", *MARCH) == count, channel
    assert value(d.cases_received, "12", *MARCH) == 6
    assert value(d.CHANNEL_INDICATORS["web"], None, *MARCH) == 2  # Dalarna's web question too
    phone = d.CHANNEL_INDICATORS["phone"]
    by_county = compute_by_county(["12", "20"], *MARCH, [phone])
    assert (by_county["12"][phone.key], by_county["20"][phone.key]) == (1, 0)
    assert compute_by_month([phone], "12", *MARCH)[phone.key] == {date(2026, 3, 1): 1}


def test_advice_by_telephone_or_email_counts_registered_questions(channels):
    # The phone call answered on the spot and the web question called back; the same company
    # by referral counts once; the visit was advice in person, the e-mail is not answered yet.
    assert value(d.companies_advised, "12", *MARCH) == 2


def test_registered_questions_count_in_the_headline(channels):
    # Answered on the spot: first contact when the company asked, within the working day
    # (phone, visit, referral, and the web question called back); e-mail and API missed.
    with time_machine.travel(datetime(2026, 4, 10, 12, tzinfo=STOCKHOLM), tick=False):
        share = value(d.first_contact_in_time, "12", *MARCH)
    assert (share.numerator, share.denominator) == (4, 6)


def test_exports_split_by_channel(channels):
    headers = indicator_headers()
    assert "Frågor per telefon" in headers and "Frågor via API" in headers
    with time_machine.travel(datetime(2026, 4, 10, 12, tzinfo=STOCKHOLM), tick=False):
        body = indicators_csv(["12"], Period(*MARCH)).decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(body), delimiter=";"))
    assert row["Frågor per telefon"] == "1"
    assert row["Frågor vid evenemang"] == "0"
    assert row["Företag som fått rådgivning per telefon eller e-post"] == "2"


def test_panel_has_the_channel_of_each_case(client, channels):
    client.force_login(channels.coordinator)
    with time_machine.travel(datetime(2026, 4, 10, 12, tzinfo=STOCKHOLM), tick=False):
        response = client.get(reverse("panel-export"), PERIOD)
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    # Row 1 is for people (Swedish headers), row 2 holds the codes for scripts.
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[1:])), delimiter=";"))
    assert lines[0].split(";")[-1] == "Kanal"
    assert sorted(r["channel"] for r in rows if r["record"] == "Ärende") == sorted(
        str(label) for _code, label in Case.IntakeChannel.choices if _code != "event"
    )


def test_dashboard_shows_the_channel_section_in_both_languages(client, channels):
    client.force_login(channels.coordinator)
    with time_machine.travel(datetime(2026, 4, 10, 12, tzinfo=STOCKHOLM), tick=False):
        html = client.get(reverse("coordinator-dashboard"), PERIOD).content.decode()
        assert "Inkomna frågor per kanal" in html and "Frågor per telefon" in html
        english = client.get(
            reverse("coordinator-dashboard"), PERIOD, HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    assert "Questions received per channel" in english and "Questions by telephone" in english


def test_anonymising_keeps_the_channel_figures(channels):
    from privacy.services import cases_anonymise

    keys = [ind.key for ind in d.CHANNEL_INDICATORS.values()] + ["companies_advised"]
    before = {key: compute_all("12", *MARCH)[key] for key in keys}
    cases_anonymise(list(Case.objects.all()), now=datetime(2026, 11, 1, tzinfo=STOCKHOLM))
    assert Case.objects.filter(company_name="").count() == Case.objects.count()
    assert {key: compute_all("12", *MARCH)[key] for key in keys} == before
