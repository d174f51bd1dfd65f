"""load_demo_history: realistic, idempotent, refuses production."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from indicators import definitions as d
from indicators.models import MysteryShopperTest
from regions.demo import load_demo_data
from routing.models import Case
from tests.indicators.evaluate import value


@pytest.fixture
def demo(db):
    load_demo_data()


def test_demo_history_is_realistic_and_idempotent(demo):
    call_command("load_demo_history")
    cases = Case.objects.real().count()
    assert cases > 21 * 200
    assert Case.objects.values("county_id").distinct().count() == 21
    assert MysteryShopperTest.objects.count() == 42
    share = value(d.first_contact_in_time, None, *_year())
    assert 0.75 <= share.ratio <= 0.92
    call_command("load_demo_history")
    assert Case.objects.real().count() == cases


def _year():

    today = timezone.localdate()
    return today.replace(year=today.year - 1), today


def test_demo_history_needs_regions_demo(db):
    with pytest.raises(CommandError, match="load_demo_data"):
        call_command("load_demo_history")


def test_demo_history_refuses_production(demo, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("load_demo_history")
