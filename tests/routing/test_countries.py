"""Target countries typed as people type them: names in Swedish or English, or ISO codes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from routing.countries import country_code, country_name, parse_countries
from routing.validation import clean_target_countries


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Tyskland", "DE"),
        ("tyskland", "DE"),
        ("Germany", "DE"),
        ("DE", "DE"),
        ("de", "DE"),
        ("Storbritannien", "GB"),
        ("UK", "GB"),
        ("USA", "US"),
        ("United States", "US"),
        ("Nya Zeeland", "NZ"),
        ("Österrike", "AT"),
        ("Förenade Arabemiraten", "AE"),
        ("Holland", "NL"),
    ],
)
def test_names_and_codes_give_the_iso_code(text, code):
    assert country_code(text) == code


@pytest.mark.parametrize("text", ["Tysklnd", "XX", "EU", "Europa", "", "Malmö"])
def test_what_is_not_a_country_is_not_guessed(text):
    assert country_code(text) is None


def test_lists_in_the_ways_people_write_them():
    assert parse_countries("Tyskland, Norge och USA") == (["DE", "NO", "US"], [])
    assert parse_countries("DE US") == (["DE", "US"], [])
    assert parse_countries("Germany; Nya Zeeland") == (["DE", "NZ"], [])
    assert parse_countries("Tyskland, Atlantis") == (["DE"], ["Atlantis"])


def test_validation_keeps_codes_and_names_the_unknown_parts():
    assert clean_target_countries("Tyskland, DE, Germany") == ["DE"]
    with pytest.raises(ValidationError) as exc:
        clean_target_countries("Tyskland, Atlantis")
    assert "”Atlantis”" in exc.value.messages[0]


def test_names_are_shown_in_the_page_language():
    assert country_name("DE", "sv") == "Tyskland"
    assert country_name("DE", "en") == "Germany"
