"""Each indicator against a small hand-computed fixture (March 2026, Skåne and Dalarna).

Companies: A = 556677-8899 (also typed 5566778899), B, C, E, F, G, I, J, K, L.
Now is frozen at Wed 1 Apr 2026 08:00 Stockholm.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine

from indicators import definitions as d
from indicators.evaluation import (
    compute_all,
    compute_by_actor,
    compute_by_county,
    compute_by_county_month,
    compute_by_month,
)
from indicators.models import Activity
from indicators.values import Share
from tests.indicators.evaluate import value
from tests.indicators.factories import (
    ActivityFactory,
    CaseFactory,
    escalation,
    local,
    referred_event,
    survey_answer,
)

MARCH = (date(2026, 3, 1), date(2026, 3, 31))
A, A2 = "556677-8899", "5566778899"
# Letters as in the docstring.
B, C, E, F, G, I, J, K, L, H, D = (f"556000-{n:04d}" for n in range(1, 12))  # noqa: E741


@pytest.fixture
def frozen():
    with time_machine.travel(local(2026, 4, 1, 8), tick=False):
        yield


@pytest.fixture
def march(db, frozen, people):
    skane, dalarna = people.skane, people.dalarna
    c1 = CaseFactory(county=skane, org_number=A, created_at=local(2026, 3, 2, 10))
    c1.first_contact_at = local(2026, 3, 2, 14)  # 4 h, in time
    c1.save(update_fields=["first_contact_at"])
    c2 = CaseFactory(
        county=skane,
        org_number=B,
        created_at=local(2026, 3, 3, 10),
        first_contact_at=local(2026, 3, 5, 10),  # 48 h, deadline was 4 Mar 10:00: late
    )
    referred_event(c2)
    escalation(c2, 1)
    escalation(c2, 2)
    c3 = CaseFactory(county=skane, org_number=A2, created_at=local(2026, 3, 4, 10))  # missed
    for level in (1, 2, 3):
        escalation(c3, level)
    CaseFactory(  # filed 31 Mar 23:30 local (21:30 UTC): still March in Stockholm
        county=skane,
        org_number=C,
        created_at=local(2026, 3, 31, 23, 30),
        first_contact_at=local(2026, 4, 1, 7),
        status="referred",  # 7.5 h, in time
    )
    test_case = CaseFactory(
        county=skane,
        org_number=H,
        created_at=local(2026, 3, 6, 10),
        is_test=True,
        first_contact_at=local(2026, 3, 12, 10),
    )
    referred_event(test_case)
    escalation(test_case, 1)
    CaseFactory(county=skane, org_number=D, created_at=local(2026, 2, 28, 23, 30))  # February
    CaseFactory(county=skane, org_number=D, created_at=local(2026, 4, 1, 0, 30))  # April
    CaseFactory(
        county=dalarna,
        org_number=A,
        created_at=local(2026, 3, 10, 10),
        first_contact_at=local(2026, 3, 10, 11),  # 1 h
    )
    CaseFactory(  # deadline 1 Apr 15:00 is still ahead: not decided yet
        county=dalarna, org_number=L, created_at=local(2026, 3, 31, 15)
    )
    CaseFactory(
        county=dalarna,
        org_number=E,
        created_at=local(2026, 3, 12, 10),
        first_contact_at=local(2026, 3, 12, 12),
        status="closed",
        outcome="referred_outside",
    )

    kind = Activity.Kind
    ActivityFactory(
        county=skane,
        kind=kind.SEMINAR,
        date=date(2026, 3, 5),
        participant_count=30,
        companies=[A, F, G],
    )
    ActivityFactory(
        county=skane, kind=kind.WORKSHOP, date=date(2026, 3, 6), participant_count=10, companies=[F]
    )
    ActivityFactory(
        county=skane,
        kind=kind.CONFERENCE,
        date=date(2026, 2, 28),
        participant_count=99,
        companies=[H],
    )
    ActivityFactory(county=skane, kind=kind.COMPANY_VISIT, date=date(2026, 3, 10), companies=[B])
    ActivityFactory(
        county=skane, kind=kind.JOINT_COMPANY_VISIT, date=date(2026, 3, 11), companies=[I]
    )
    ActivityFactory(county=skane, kind=kind.STUDY_TRIP, date=date(2026, 3, 12), companies=[J])
    ActivityFactory(county=skane, kind=kind.STUDY_TRIP, date=date(2026, 3, 13))
    ActivityFactory(
        county=skane,
        kind=kind.FINANCING_DECISION,
        date=date(2026, 3, 14),
        financing_kind="loan",
        companies=[K],
    )
    ActivityFactory(
        county=dalarna,
        kind=kind.SEMINAR,
        date=date(2026, 3, 15),
        participant_count=5,
        companies=[A],
    )
    return people


# (indicator, Skåne, Dalarna, whole country) — computed by hand from the fixture above.
EXPECTED = [
    (d.companies_reached_with_information, 3, 1, 3),  # A F G | A | A F G
    (d.information_events_held, 2, 1, 3),
    (d.information_event_participants, 40, 5, 45),
    (d.cases_received, 4, 3, 7),  # test case, February and April cases excluded
    (d.companies_advised, 3, 2, 4),  # A B C | A E | A B C E
    (d.companies_referred, 2, 0, 2),  # B (event), C (status); E was referred_outside
    (d.companies_visited, 2, 0, 2),  # B, I
    (d.joint_company_visits, 1, 0, 1),
    (d.study_trips, 2, 0, 2),
    (d.study_trips_with_companies, 1, 0, 1),
    (d.positive_financing_decisions, 1, 0, 1),
    (d.escalations_level_1, 2, 0, 2),  # the test case's reminder excluded
    (d.escalations_level_2, 2, 0, 2),
    (d.escalations_level_3, 1, 0, 1),
    (d.unique_companies, 8, 3, 10),  # A B C F G I J K | A E L | A deduplicated nationally
]


@pytest.mark.parametrize(("ind", "skane", "dalarna", "country"), EXPECTED, ids=lambda v: str(v))
def test_count_indicators(march, ind, skane, dalarna, country):
    assert value(ind, "12", *MARCH) == skane
    assert value(ind, "20", *MARCH) == dalarna
    assert value(ind, None, *MARCH) == country


def test_headline_share_denominator(march):
    skane = value(d.first_contact_in_time, "12", *MARCH)
    # c1 and c4 in time; c2 late; c3 missed (deadline passed without contact).
    assert (skane.numerator, skane.denominator) == (2, 4)
    assert skane.percent == 50.0
    # The case filed 31 Mar 15:00 still has time until 1 Apr 15:00: not in the denominator.
    dalarna = value(d.first_contact_in_time, "20", *MARCH)
    assert (dalarna.numerator, dalarna.denominator) == (2, 2)
    country = value(d.first_contact_in_time, None, *MARCH)
    assert (country.numerator, country.denominator) == (4, 6)


def test_headline_counts_the_waiting_case_once_its_deadline_passes(march):
    with time_machine.travel(local(2026, 4, 1, 15, 1), tick=False):
        dalarna = value(d.first_contact_in_time, "20", *MARCH)
    assert (dalarna.numerator, dalarna.denominator) == (2, 3)


def test_median_hours_to_first_contact(march):
    assert value(d.median_hours_to_first_contact, "12", *MARCH) == 7.5  # 4, 7.5, 48
    assert value(d.median_hours_to_first_contact, "20", *MARCH) == 1.5  # 1, 2
    assert value(d.median_hours_to_first_contact, None, *MARCH) == 4.0  # 1, 2, 4, 7.5, 48
    assert value(d.median_hours_to_first_contact, "01", *MARCH) is None


def test_page_visits_sum_the_days_of_the_period_per_county(march):
    from regions.models import CountyPageVisit

    first, last = MARCH
    CountyPageVisit.objects.bulk_create(
        [
            CountyPageVisit(county_id="12", day=first, count=5),
            CountyPageVisit(county_id="12", day=last, count=7),
            CountyPageVisit(county_id="12", day=last + timedelta(days=1), count=100),
            CountyPageVisit(county_id="20", day=first, count=3),
        ]
    )
    assert value(d.county_page_visits, "12", *MARCH) == 12  # 5 + 7; the day after is outside
    assert value(d.county_page_visits, "20", *MARCH) == 3
    assert value(d.county_page_visits, None, *MARCH) == 15


def test_grouped_evaluation_agrees_with_single_calls(march):
    values = compute_by_county(["12", "20", "01"], *MARCH)
    for ind in d.INDICATORS:
        for code in ("12", "20", "01"):
            assert values[code][ind.key] == value(ind, code, *MARCH), (ind.key, code)


def test_batched_totals_agree_with_each_indicator_alone(march):
    # Indicators over the same rows share one query; each aggregate must still see its own rows.
    together = compute_all("12", *MARCH)
    for ind in d.INDICATORS:
        assert together[ind.key] == value(ind, "12", *MARCH), ind.key


def test_by_month_uses_stockholm_months(march):
    months = compute_by_month([d.cases_received], "12", date(2026, 2, 1), date(2026, 4, 30))
    assert months[d.cases_received.key] == {
        date(2026, 2, 1): 1,
        date(2026, 3, 1): 4,
        date(2026, 4, 1): 1,
    }
    share = compute_by_month([d.first_contact_in_time], None, *MARCH)
    march_share = share[d.first_contact_in_time.key][date(2026, 3, 1)]
    assert (march_share.numerator, march_share.denominator) == (4, 6)


def test_by_county_month_splits_each_county(march):
    per_county = compute_by_county_month([d.cases_received], date(2026, 2, 1), date(2026, 4, 30))
    assert per_county["12"][d.cases_received.key] == {
        date(2026, 2, 1): 1,
        date(2026, 3, 1): 4,
        date(2026, 4, 1): 1,
    }


def test_by_actor(march, people):
    from routing.models import Case

    actor = people.skane_almi_office.actor
    Case.objects.filter(org_number__in=[A, B]).update(assigned_actor=actor)
    per_actor = compute_by_actor([d.cases_received], "12", *MARCH)[d.cases_received.key]
    assert per_actor == {actor.pk: 2, None: 2}  # c1, c2 | c3 (A2), c4
    by_type = compute_by_actor([d.cases_received], "12", *MARCH, by_type=True)
    assert by_type[d.cases_received.key] == {actor.actor_type_id: 2, None: 2}


@pytest.fixture
def surveyed(db, frozen, people):
    skane, dalarna = people.skane, people.dalarna
    answers = [
        ("yes", "yes", "exporting"),
        ("yes", "yes", "preparing"),
        ("yes", "partly", "no"),
        ("no", "no", "no"),
        ("dont_know", "yes", "exporting"),
    ]
    for i, (right, helped, went_on) in enumerate(answers):
        case = CaseFactory(county=skane, created_at=local(2026, 3, 2 + i), org_number=f"55{i}")
        survey_answer(case, right_actor_in_time=right, got_help=helped)
        survey_answer(case, kind="effect", went_on=went_on)
    unanswered = CaseFactory(county=skane, created_at=local(2026, 3, 20))
    from indicators.models import SurveyInvitation

    SurveyInvitation.objects.create(case=unanswered, kind="followup", created_at=local(2026, 3, 21))
    test_case = CaseFactory(county=skane, created_at=local(2026, 3, 9), is_test=True)
    survey_answer(test_case, right_actor_in_time="no", got_help="no")
    for i in range(4):  # Dalarna: four answers only
        case = CaseFactory(county=dalarna, created_at=local(2026, 3, 2 + i))
        survey_answer(case, right_actor_in_time="yes", got_help="yes")
    return people


def test_survey_shares(surveyed):
    right = value(d.survey_right_actor_in_time, "12", *MARCH)
    assert (right.numerator, right.denominator, right.percent) == (3, 5, 60.0)
    helped = value(d.survey_got_help, "12", *MARCH)
    assert (helped.numerator, helped.denominator) == (3, 5)  # "delvis" is not "ja"
    went_on = value(d.survey_went_on_to_export, "12", *MARCH)
    assert (went_on.numerator, went_on.denominator) == (3, 5)
    rate = value(d.survey_response_rate, "12", *MARCH)
    assert (rate.numerator, rate.denominator, rate.percent) == (5, 6, 83.3)


def test_survey_shares_with_fewer_than_five_answers_have_no_percentage(surveyed):
    right = value(d.survey_right_actor_in_time, "20", *MARCH)
    assert right.too_few
    assert right.ratio is None
    assert right.percent is None
    # Nationally there are 9 answers: shown.
    national = value(d.survey_right_actor_in_time, None, *MARCH)
    assert national.percent == pytest.approx(7 / 9 * 100, 0.01)


def test_share_formatting_rules():
    assert Share(0, 0).ratio is None
    assert Share(4, 4, min_answers=5).too_few
    assert not Share(5, 5, min_answers=5).too_few
    assert Share(2, 3, answers=5, min_answers=5).percent == 66.7
