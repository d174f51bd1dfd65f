"""One table of event labels: every kind of event is named in Swedish and in English, and only
kinds in the table can be written."""

from __future__ import annotations

import pytest
from django.utils import translation

from routing.events import EVENT_LABELS, EventKind, case_event_add, event_label
from routing.models import CaseEvent
from tests.routing.factories_cases import make_case


@pytest.mark.parametrize("kind", list(EventKind))
@pytest.mark.parametrize("for_company", [False, True])
def test_every_event_kind_has_a_swedish_and_an_english_label(kind, for_company):
    assert kind in EVENT_LABELS
    with translation.override("sv"):
        swedish = event_label(kind, for_company=for_company)
    with translation.override("en"):
        english = event_label(kind, for_company=for_company)
    assert swedish and english
    assert swedish != english, f"{kind}: no English translation of {swedish!r}"


def test_status_page_words_public_events_for_the_company():
    with translation.override("sv"):
        assert event_label("assigned", for_company=True) == "Frågan skickades till"
        assert event_label("assigned") == "Tilldelat kontor"
        assert event_label("claimed", for_company=True) == "Tog ärendet"  # same as staff's
        assert event_label("no_longer_used") == "no_longer_used"  # an old row


def test_an_event_kind_without_a_label_cannot_be_written(people):
    case = make_case(office=people.skane_almi_office)
    with pytest.raises(ValueError, match="not a valid EventKind"):
        case_event_add(case=case, kind="made_up")
    assert not CaseEvent.objects.filter(kind="made_up").exists()
