"""How an indicator value reads on a page: rounded like the exports, not cut off."""

from __future__ import annotations

from django.utils import translation

from indicators.templatetags.indicator_tags import format_value
from indicators.values import Share, Unit


def test_shares_and_hours_are_rounded_half_up_not_truncated():
    with translation.override("sv"):
        assert format_value(Share(839, 1000)) == "84 %"  # showed "83 %" beside the export's 83,9
        assert format_value(Share(7996, 10000)) == "80 %"
        assert format_value(Share(1, 3)) == "33 %"
        assert format_value(Share(5, 1000)) == "1 %"
        assert format_value(7.46, Unit.HOURS) == "7,5 h"
        assert format_value(7.44, Unit.HOURS) == "7,4 h"
        assert format_value(12_345) == "12\xa0345"
