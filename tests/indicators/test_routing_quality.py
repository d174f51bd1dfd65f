# ruff: noqa: F811 - pytest fixtures imported from tests.routing.intake_support
"""Routing quality from records: the share of cases that ended with another actor than the one
assignment first gave them, per county, actor and month, on the dashboards and in exports."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from indicators import definitions as d
from indicators.evaluation import (
    compute_all,
    compute_by_actor,
    compute_by_county,
    compute_by_month,
)
from routing import services
from routing.intake import case_create
from tests.routing.intake_support import catalogue  # noqa: F401 - fixture
from tests.routing.test_intake import _data


def _period():
    today = timezone.localdate()
    return today.replace(day=1), today


def test_share_of_cases_that_ended_with_another_actor(people, catalogue):
    stays = case_create(data=_data(question="Vi behöver ett lån", company_name="Stannar AB"))
    moved = case_create(data=_data(question="Vi behöver ett lån", company_name="Flyttas AB"))
    same_actor = case_create(data=_data(question="Vi behöver ett lån", company_name="Samma AB"))
    test_case = case_create(data=_data(question="Vi behöver ett lån"), is_test=True)
    assert stays.assigned_actor.actor_type_id == "almi"
    services.case_override_routing(
        case=moved, user=people.coordinator, office=catalogue.een_office, reason="EU-frågor."
    )
    # A reassignment within the same actor is no change of actor.
    services.case_reassign(
        case=same_actor, user=people.coordinator, office=people.skane_almi_office,
        handler=people.handler, reason="Handläggaren har rätt språk.",
    )  # fmt: skip
    services.case_override_routing(
        case=test_case, user=people.coordinator, office=catalogue.een_office, reason="Test."
    )  # a mystery-shopper case never counts

    start, end = _period()
    key, only = d.cases_moved_to_another_actor.key, [d.cases_moved_to_another_actor]
    share = compute_all(None, start, end, only)[key]
    assert (share.numerator, share.denominator) == (1, 3)
    by_county = compute_by_county(["12", "20"], start, end, only)
    assert by_county["12"][key].numerator == 1 and by_county["20"][key].denominator == 0
    by_actor = compute_by_actor(only, None, start, end)[key]
    een = catalogue.een_office.actor_id
    assert (by_actor[een].numerator, by_actor[een].denominator) == (1, 1)
    [(month, value)] = compute_by_month(only, "12", start, end)[key].items()
    assert month == start and value.numerator == 1


def test_on_the_coordinator_dashboard_and_in_the_export(client, people, catalogue):
    moved = case_create(data=_data(question="Vi behöver ett lån", company_name="Flyttas AB"))
    services.case_override_routing(
        case=moved, user=people.coordinator, office=catalogue.een_office, reason="EU-frågor."
    )
    client.force_login(people.coordinator)
    label = "Andel frågor som slutade hos en annan aktör än den först tilldelade"
    assert label in client.get(reverse("coordinator-dashboard")).content.decode()
    export = client.get(reverse("indicator-export", kwargs={"fmt": "csv"}))
    assert export.status_code == 200 and label in export.content.decode("utf-8-sig")
    client.force_login(people.national)
    assert label in client.get(reverse("national-dashboard")).content.decode()
