"""Kept months: a period's figures from kept closed months plus live ones are exactly the figures
computed from scratch, before and after every change the domain allows to a closed month.

Everything is made through the real code paths: questions through intake and registration,
first contact, referral, closing and reopening through the case services, escalations by the
sweep, surveys by dispatch and answers, activities by their services, erasure by privacy.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine

from indicators import kept_months as kept_months_module
from indicators.kept_months import (
    kept_months_forget,
    percentile_cont_median,
)
from indicators.models import Activity, KeptMonth, SurveyInvitation
from indicators.services import (
    activity_add_participants,
    activity_cancel,
    activity_create,
    activity_update,
    survey_answer,
    survey_dispatch,
)
from indicators.snapshots import compute_payload
from indicators.values import Period
from privacy.services import cases_anonymise, participants_anonymise
from routing.clock import STOCKHOLM
from routing.escalation import escalation_sweep
from routing.intake import QuestionData, case_create
from routing.models import Case, EscalationRecord
from routing.registration import case_register
from routing.services import case_close, case_record_first_contact, case_refer, case_reopen
from tests.conftest import require, uses_postgres
from tests.factories import question_data

PERIOD = Period(date(2025, 10, 1), date(2026, 4, 15))
FIRST_REFRESH = datetime(2026, 4, 15, 12, tzinfo=STOCKHOLM)
SECOND_REFRESH = datetime(2026, 5, 20, 12, tzinfo=STOCKHOLM)
SKANE, DALARNA = "1280", "2080"  # Malmö, Falun


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=STOCKHOLM)


def travel(moment: datetime):
    return time_machine.travel(moment, tick=False)


def question(org_number: str, municipality: str) -> QuestionData:
    return question_data(
        company_name=f"Företag {org_number}",
        org_number=org_number,
        contact_name="Kim Kontakt",
        email=f"{org_number}@foretag.example",
        municipality=municipality,
        question="Vi vill börja exportera till Norge och behöver råd om tull.",
    )


class History:
    """A county's year of questions, handled by the admin (who may do every action)."""

    def __init__(self, people):
        self.people = people
        self.user = people.admin

    def file(self, org_number: str, moment: datetime, municipality: str = SKANE) -> Case:
        with travel(moment):
            return case_create(data=question(org_number, municipality), now=moment)

    def contact(self, case: Case, hours: float) -> Case:
        moment = case.created_at + timedelta(hours=hours)
        with travel(moment):
            return case_record_first_contact(case=case, user=self.user, channel="phone", at=moment)

    def close(self, case: Case, moment: datetime) -> Case:
        with travel(moment):
            return case_close(case=case, user=self.user, outcome="answered")

    def refer(self, case: Case, moment: datetime) -> Case:
        people = self.people
        offices = {
            people.skane.code: (people.skane_almi_office, people.skane_region_office),
            people.dalarna.code: (people.dalarna_almi_office, people.dalarna_region_office),
        }[case.county_id]
        office = offices[0] if case.office_id != offices[0].pk else offices[1]
        with travel(moment):
            return case_refer(case=case, user=self.user, office=office, reason="Rätt aktör")

    def handled(self, org_number, moment, hours, municipality=SKANE, close_after_days=2) -> Case:
        case = self.file(org_number, moment, municipality)
        self.contact(case, hours)
        return self.close(case, moment + timedelta(days=close_after_days))


def assert_same_as_from_scratch(moment: datetime) -> dict:
    with travel(moment):
        kept = compute_payload(PERIOD)
        scratch = compute_payload(PERIOD, use_kept_months=False)
    assert kept == scratch
    return kept


def kept_months() -> dict[date, KeptMonth]:
    return {row.month: row for row in KeptMonth.objects.exclude(parts=None)}


@pytest.fixture
def history(people):
    require(uses_postgres(), "kept months use PostgreSQL's ARRAY_AGG")
    h = History(people)
    h.a1 = h.handled("5560000001", at(2025, 10, 6), hours=2)
    h.a2 = h.handled("5560000002", at(2025, 10, 7), hours=30)  # late
    h.a3 = h.handled("556000-0001", at(2025, 10, 8), hours=5, municipality=DALARNA)
    with travel(at(2025, 10, 20)):
        h.financing = activity_create(
            county=people.skane, kind=Activity.Kind.FINANCING_DECISION, title="Exportlån",
            date=date(2025, 10, 20), actors=[people.skane_almi_office.actor],
            participant_count=1, companies={"5560000002": "Företag 2"}, created_by=h.user,
        )  # fmt: skip
    h.b1 = h.file("5560000003", at(2025, 11, 3))
    h.contact(h.b1, 1)
    h.refer(h.b1, at(2025, 11, 3, 14))
    h.b2 = h.handled("5560000001", at(2025, 11, 4), hours=3)
    h.b3 = h.file("5560000004", at(2025, 11, 10), DALARNA)
    escalation_sweep(now=at(2025, 11, 12, 11))  # b3 reaches every level; b1 is referred
    h.contact(h.b3, 50)
    h.close(h.b3, at(2025, 11, 14))
    h.close(h.b1, at(2025, 11, 14))
    with travel(at(2025, 11, 18)):
        h.seminar = activity_create(
            county=people.skane, kind=Activity.Kind.SEMINAR, title="Exportseminarium",
            date=date(2025, 11, 18), actors=[people.skane_region_office.actor],
            participant_count=30,
            companies={"5560000003": "Företag 3", "5569999991": "Gäst AB"}, created_by=h.user,
        )  # fmt: skip
    h.c1 = h.file("5560000005", at(2025, 12, 2))
    h.contact(h.c1, 4)  # and left open until April
    h.c2 = h.handled("5560000006", at(2025, 12, 3), hours=6, municipality=DALARNA)
    with travel(at(2025, 12, 10)):
        h.visit = activity_create(
            county=people.dalarna, kind=Activity.Kind.COMPANY_VISIT, title="Besök",
            date=date(2025, 12, 10), actors=[people.dalarna_almi_office.actor],
            participant_count=1, companies={"5560000006": "Företag 6"}, created_by=h.user,
        )  # fmt: skip
    h.d1 = h.handled("5560000002", at(2026, 1, 12), hours=8)
    h.d2 = h.handled("5560000007", at(2026, 1, 13), hours=1)
    with travel(at(2026, 1, 20)):
        assert survey_dispatch() > 5
    for case, right, helped in ((h.a1, "yes", "yes"), (h.a2, "no", "partly"), (h.b2, "yes", "yes")):
        with travel(at(2026, 1, 21)):
            survey_answer(
                invitation=SurveyInvitation.objects.get(case=case, kind="followup"),
                right_actor_in_time=right,
                got_help=helped,
            )
    h.e1 = h.handled("5560000008", at(2026, 2, 3), hours=2, municipality=DALARNA)
    h.e2 = h.handled("5560000009", at(2026, 2, 4), hours=2)
    h.f1 = h.handled("5560000010", at(2026, 3, 3), hours=1)
    with travel(at(2026, 4, 1)):
        survey_dispatch()  # the beat invites a day after closing
    h.g1 = h.file("5560000011", at(2026, 4, 14))
    return h


def reopened_referred_and_closed_again(h):
    with travel(at(2026, 4, 16)):
        case_reopen(case=h.b1, user=h.user, reason="Företaget hörde av sig igen")
    h.refer(h.b1, at(2026, 4, 16, 11))  # another actor: per-actor figures and routing quality
    h.close(h.b1, at(2026, 4, 16, 15))


def late_survey_answer(h):
    with travel(at(2026, 4, 17)):
        survey_answer(
            invitation=SurveyInvitation.objects.get(case=h.a3, kind="followup"),
            right_actor_in_time="yes",
            got_help="yes",
        )


def effect_survey_sent_and_answered(h):
    with travel(at(2026, 4, 20)):
        assert survey_dispatch() > 0  # six months after closing
        survey_answer(
            invitation=SurveyInvitation.objects.get(case=h.a1, kind="effect"), went_on="exporting"
        )


def activity_registered_afterwards(h):
    with travel(at(2026, 4, 20)):
        activity_create(
            county=h.people.skane, kind=Activity.Kind.WORKSHOP, title="Workshop",
            date=date(2026, 1, 20), actors=[h.people.skane_region_office.actor],
            participant_count=8,
            companies={"5560000007": "Företag 7", "5569999992": "Ny AB"}, created_by=h.user,
        )  # fmt: skip


def participants_added(h):
    with travel(at(2026, 4, 20)):
        activity_add_participants(activity=h.seminar, companies={"5560000001": "Företag 1"})


def _move(activity, to: date, county=None):
    with travel(at(2026, 4, 20)):
        activity_update(
            activity=activity, county=county or activity.county, kind=activity.kind,
            title=activity.title, date=to, actors=list(activity.actors.all()),
            participant_count=activity.participant_count,
        )  # fmt: skip


def activity_moved_out_of_a_kept_month(h):
    _move(h.seminar, date(2025, 9, 15))  # before the period: its figures lose the seminar


def activity_moved_into_a_kept_month(h):
    _move(h.visit, date(2026, 2, 5), county=h.people.skane)


def activity_cancelled(h):
    with travel(at(2026, 4, 20)):
        activity_cancel(activity=h.financing)


def case_anonymised(h):
    # One of the company's cases gets a pseudonym, its others do not (yet): it counts twice.
    with travel(at(2026, 4, 20)):
        cases_anonymise([h.a1], now=at(2026, 4, 20))


def participant_anonymised(h):
    with travel(at(2026, 4, 20)):
        participants_anonymise(h.seminar.participants.filter(org_number="5560000003"))


def question_registered_back_dated(h):
    with travel(at(2026, 4, 22, 12)):
        case_register(
            data=question("5560000012", SKANE), user=h.user, channel="phone",
            received_at=at(2026, 4, 12), send_receipt=False, answered_outcome="answered",
        )  # fmt: skip


def december_closed(h):
    h.close(h.c1, at(2026, 4, 21))


CHANGES = [
    reopened_referred_and_closed_again,
    late_survey_answer,
    effect_survey_sent_and_answered,
    activity_registered_afterwards,
    participants_added,
    activity_moved_out_of_a_kept_month,
    activity_moved_into_a_kept_month,
    activity_cancelled,
    case_anonymised,
    participant_anonymised,
    question_registered_back_dated,
    december_closed,
]


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__ for c in CHANGES])
def test_kept_closed_months_give_the_figures_from_scratch_after_a_change(history, change):
    first = assert_same_as_from_scratch(FIRST_REFRESH)
    # Ended more than 30 days ago and every case closed: October, November, January, February.
    # December has an open case; March can still get back-dated questions; April is partial.
    assert set(kept_months()) == {date(2025, 10, 1), date(2025, 11, 1), *_months(2026, 1, 2)}

    change(history)

    second = assert_same_as_from_scratch(SECOND_REFRESH)
    if change is december_closed:
        assert date(2025, 12, 1) in kept_months()
    else:
        # The change shows in the figures, so parts kept from before it would not compare equal.
        assert second != first
    assert date(2026, 3, 1) in kept_months()  # closed meanwhile


def test_a_month_nothing_changed_is_not_recomputed(history):
    assert_same_as_from_scratch(FIRST_REFRESH)
    february = kept_months()[date(2026, 2, 1)]
    reopened_referred_and_closed_again(history)
    assert_same_as_from_scratch(SECOND_REFRESH)
    assert kept_months()[date(2025, 11, 1)].computed_at == SECOND_REFRESH
    kept_february = kept_months()[date(2026, 2, 1)]
    assert (kept_february.token, kept_february.computed_at) == (
        february.token,
        february.computed_at,
    )
    assert EscalationRecord.objects.filter(case=history.b3).count() == 3


def _months(year: int, first: int, last: int) -> set[date]:
    return {date(year, month, 1) for month in range(first, last + 1)}


def test_a_change_clears_the_kept_parts_and_a_refresh_keeps_them_again(history):
    assert_same_as_from_scratch(FIRST_REFRESH)
    october = kept_months()[date(2025, 10, 1)]
    kept_months_forget([date(2025, 10, 17)])
    forgotten = KeptMonth.objects.get(month=date(2025, 10, 1))
    assert forgotten.parts is None
    assert forgotten.token != october.token
    assert_same_as_from_scratch(FIRST_REFRESH + timedelta(minutes=10))
    kept_again = kept_months()[date(2025, 10, 1)]
    assert kept_again.computed_at == FIRST_REFRESH + timedelta(minutes=10)
    assert kept_again.token == forgotten.token


def test_median_is_postgresql_percentile_cont():
    assert percentile_cont_median([]) is None
    assert percentile_cont_median([3.0]) == 3.0
    assert percentile_cont_median([4.0, 1.0, 2.5]) == 2.5
    assert percentile_cont_median([1.0, 2.0, 10.0, 4.0]) == 3.0
    assert percentile_cont_median([0.1, 0.2]) == 0.1 + (0.2 - 0.1) * 0.5


def test_a_change_committed_while_a_month_is_computed_is_not_kept(history, monkeypatch):
    """The refresh reads a month's token before computing it; an answer that arrives between
    the computation and the store changes the token, so the stale parts are not kept."""
    compute = kept_months_module.cells_of

    def answer_arrives_meanwhile(period):
        cells = compute(period)
        if period.start == date(2025, 10, 1):
            late_survey_answer(history)
        return cells

    monkeypatch.setattr(kept_months_module, "cells_of", answer_arrives_meanwhile)
    with travel(FIRST_REFRESH):
        compute_payload(PERIOD)
    assert date(2025, 10, 1) not in kept_months()
    assert date(2025, 11, 1) in kept_months()
    monkeypatch.undo()
    assert_same_as_from_scratch(SECOND_REFRESH)
    assert date(2025, 10, 1) in kept_months()


def test_erasing_a_company_leaves_no_copy_of_its_number_in_kept_months(history):
    h = history
    assert_same_as_from_scratch(FIRST_REFRESH)
    assert "5560000001" in str(KeptMonth.objects.get(month=date(2025, 10, 1)).parts)
    with travel(at(2026, 4, 20)):
        cases_anonymise([h.a1, h.a3, h.b2], now=at(2026, 4, 20))  # every case of the company
    assert not any("5560000001" in str(row.parts) for row in KeptMonth.objects.all())
    assert_same_as_from_scratch(SECOND_REFRESH)
    assert not any("5560000001" in str(row.parts) for row in KeptMonth.objects.all())
    assert date(2025, 10, 1) in kept_months()
