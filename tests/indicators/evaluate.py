"""One indicator's value through the live evaluation path (``compute_all`` of just that one)."""

from __future__ import annotations

from datetime import date

from indicators.evaluation import compute_all
from indicators.measures import Indicator


def value(indicator: Indicator, county_code: str | None, start: date, end: date):
    return compute_all(county_code, start, end, [indicator])[indicator.key]
