# ruff: noqa: F811 - pytest fixtures imported from tests.routing.intake_support
"""Assignment edge cases: from ranked actor types to an office and a handler."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from regions.models import ActorType, County, StaffProfile
from routing.assignment import COUNTY_SEATS, assign, available_handler, county_distance_km
from routing.models import Case
from tests.factories import ActorFactory, OfficeFactory, staff_user
from tests.routing.intake_support import _fresh_cache  # noqa: F401 - autouse fixture

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)  # a Tuesday


def _actor(code: str, name: str):
    return ActorFactory(name=name, actor_type=ActorType.objects.get(code=code))


def _county(code: str) -> County:
    return County.objects.get(code=code)


def test_county_seats_cover_all_21_counties(db):
    assert set(COUNTY_SEATS) == set(County.objects.values_list("code", flat=True))
    assert county_distance_km("12", "13") < county_distance_km("12", "25")
    assert round(county_distance_km("01", "03")) == 64  # Stockholm–Uppsala


def test_actor_in_the_county_gets_its_office_and_handler(people):
    result = assign(county_code="12", ranked_actor_types=["almi"], now=NOW)
    assert result.office == people.skane_almi_office
    assert result.handler == people.handler
    assert not result.out_of_county and not result.in_triage


def test_actor_absent_from_the_county_goes_to_the_nearest_countys_office(people):
    bs = _actor("business_sweden", "Business Sweden")
    halland = OfficeFactory(actor=bs, name="BS Halland", home_county=_county("13"))
    OfficeFactory(actor=bs, name="BS Norrbotten", home_county=_county("25"))
    result = assign(county_code="12", ranked_actor_types=["business_sweden"], now=NOW)
    assert result.office == halland
    assert result.out_of_county is True
    assert result.reason == "nearest_county"


def test_actor_with_only_a_national_office_is_flagged_out_of_county(people):
    tvv = _actor("tillvaxtverket", "Tillväxtverket")
    national = OfficeFactory(actor=tvv, name="Kundtjänst", home_county=_county("01"),
                             is_national=True)  # fmt: skip
    national.counties_served.clear()
    result = assign(county_code="12", ranked_actor_types=["tillvaxtverket"], now=NOW)
    assert result.office == national
    assert result.out_of_county is True and result.reason == "national_office"


def test_office_serving_several_counties_is_in_county_for_each(people):
    ekn = _actor("ekn", "EKN")
    malmo = OfficeFactory(actor=ekn, name="EKN Malmö", home_county=_county("12"),
                          counties_served=[_county(c) for c in ("05", "06", "12")])  # fmt: skip
    for county in ("05", "06", "12"):
        result = assign(county_code=county, ranked_actor_types=["ekn"], now=NOW)
        assert result.office == malmo
        assert result.out_of_county is False
    # a county it does not serve: still the nearest, but flagged
    assert assign(county_code="20", ranked_actor_types=["ekn"], now=NOW).out_of_county


def test_the_countys_own_partner_is_preferred_among_actors_of_a_type(people):
    # Both Region Skåne and Region Dalarna are "region"; Dalarna's office also serves Skåne.
    people.dalarna_region_office.counties_served.add(people.skane)
    result = assign(county_code="12", ranked_actor_types=["region"], now=NOW)
    assert result.office == people.skane_region_office


def test_every_handler_away_leaves_the_case_in_the_office_queue(people):
    StaffProfile.objects.filter(user=people.handler).update(is_available=False)
    result = assign(county_code="12", ranked_actor_types=["almi"], now=NOW)
    assert result.office == people.skane_almi_office
    assert result.handler is None
    assert not result.in_triage


@pytest.mark.parametrize(
    ("away_until", "available"),
    [(None, True), (date(2026, 3, 9), True), (date(2026, 3, 10), False), (date(2026, 4, 1), False)],
)
def test_away_until_counts_through_that_day(people, away_until, available):
    StaffProfile.objects.filter(user=people.handler).update(away_until=away_until)
    with time_machine.travel(NOW, tick=False):
        handler = available_handler(people.skane_almi_office)
    assert (handler == people.handler) is available


def test_handler_with_fewest_open_cases_wins_ties_by_user_id(people):
    from regions.models import Municipality
    from routing.intake import QuestionData, case_create

    second = staff_user("almi2.skane@example.se", "handler", office=people.skane_almi_office)
    assert people.handler.pk < second.pk
    # tie (0 open each): the lower user id
    assert available_handler(people.skane_almi_office) == people.handler
    data = QuestionData(
        company_name="A AB", org_number="5560360793", contact_name="A", email="a@example.se",
        municipality=Municipality.objects.get(code="1280"), question="Vi behöver ett lån.",
    )  # fmt: skip
    first_case = case_create(data=data)
    assert first_case.handler == people.handler
    # people.handler now has one open case: the next goes to the other handler
    assert case_create(data=data).handler == second
    # closed cases do not count
    Case.objects.filter(pk=first_case.pk).update(status=Case.Status.CLOSED)
    assert available_handler(people.skane_almi_office) == people.handler


def test_no_office_at_all_falls_to_the_next_ranked_actor(people):
    result = assign(county_code="12", ranked_actor_types=["prv", "almi"], now=NOW)
    assert result.office == people.skane_almi_office
    assert result.skipped == ["prv"]
    assert result.actor_type == "almi"


def test_nothing_fits_goes_to_the_countys_triage_queue(people):
    centre = people.skane.export_centre
    centre.triage_office = people.skane_region_office
    centre.save(update_fields=["triage_office"])
    result = assign(county_code="12", ranked_actor_types=["prv", "sek"], now=NOW)
    assert result.in_triage is True
    assert result.office == people.skane_region_office
    assert result.handler is None
    assert result.skipped == ["prv", "sek"]


def test_triage_without_a_triage_office_uses_the_front_doors_office(people):
    result = assign(county_code="12", ranked_actor_types=["prv"], now=NOW)
    assert result.in_triage and result.office == people.skane_region_office


def test_front_door_fallback_goes_to_the_named_front_door_actor(people):
    # Almi runs the front door here (as in Östergötland), although it is not of type "region".
    centre = people.skane.export_centre
    centre.front_door_actor = people.skane_almi_office.actor
    centre.save(update_fields=["front_door_actor"])
    result = assign(
        county_code="12", ranked_actor_types=["almi"], fallback_to_front_door=True, now=NOW
    )
    assert result.office == people.skane_almi_office
    assert not result.in_triage
