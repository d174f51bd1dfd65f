# ruff: noqa: F811 - pytest fixtures imported from tests.routing.intake_support
"""The rule change page and the simulator speak in names and sentences, not stored codes."""

from __future__ import annotations

import re

from django.urls import reverse

from routing.models import RoutingRuleChange
from tests.routing.intake_support import _fresh_cache  # noqa: F401

RULE_POST = {
    "name": "Skåne: kreditförsäkring till Almi",
    "priority": "100",
    "active": "on",
    "keywords": "kreditförsäkr, credit insurance",
    "topics": ["financing"],
    "countries": "DE, US",
    "employee_bands": ["1-9"],
    "actor_type": "almi",
    "weight": "0.5",
}

RAW = re.compile(r"\['|\{'|actor_type|market_groups|\bTrue\b|\bFalse\b|\bcreated\b|\bupdated\b")


def main_text(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def test_the_change_page_shows_names_and_a_readable_before_and_after(
    client, people, django_capture_on_commit_callbacks
):
    client.force_login(people.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("rule-create", args=["12"]), RULE_POST)
    change = RoutingRuleChange.objects.get(action="created")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("rule-edit", args=[change.rule_id]), {**RULE_POST, "weight": "3"})
    updated = RoutingRuleChange.objects.get(action="updated")
    page = main_text(client.get(reverse("rule-change", args=[updated.pk])).content.decode())
    assert "Regeln ändrades" in page
    assert "kreditförsäkr, credit insurance" in page
    assert "Skåne län" in page
    assert "Tyskland, USA" in page
    assert "1–9 anställda" in page
    assert "Almi" in page
    assert not RAW.search(page), RAW.search(page)
    created = main_text(client.get(reverse("rule-change", args=[change.pk])).content.decode())
    assert "Regeln skapades" in created
    assert not RAW.search(created)


def test_the_rule_form_says_what_the_weight_does(client, people):
    client.force_login(people.coordinator)
    html = client.get(reverse("rule-create", args=["12"])).content.decode()
    assert "länsregel med positiv vikt pekar på går alltid före" in html


def test_the_simulator_says_which_rule_decided_and_why(
    client, people, django_capture_on_commit_callbacks
):
    client.force_login(people.coordinator)
    question = {"question": "Vi behöver en kreditförsäkring", "county": "12", "topic": ""}
    national = main_text(client.get(reverse("routing-simulator"), question).content.decode())
    assert "Frågan dirigeras till EKN" in national
    assert "den nationella regel som gav den valda aktören mest poäng" in national
    # A county rule with a small weight still wins over the national rules: the engine's rule.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("rule-create", args=["12"]),
            {**RULE_POST, "topics": [], "countries": "", "employee_bands": []},
        )
    county = main_text(client.get(reverse("routing-simulator"), question).content.decode())
    assert "Frågan dirigeras till Almi" in county
    assert "Länsregeln ”Skåne: kreditförsäkring till Almi” avgjorde" in county
    assert "avgjorde</span>" in county
    ranking = county[county.index("Reglernas rangordning") :]
    assert "business_sweden" not in ranking and "ekn" not in ranking
    assert not RAW.search(county)
