"""The one parser for a chosen period (?from=&to=), shared by pages, exports and the API.

Bounded so nothing downstream meets dates it cannot handle (year 1 or 9999 overflow when
converted between Stockholm and UTC) and no request computes an unbounded range live.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from indicators import definitions as d

EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)
MAX_SPAN = timedelta(days=366 * 5)


@dataclass(frozen=True)
class PeriodProblem:
    """Why the dates do not make a period, and which field ("from" or "to") to show it at."""

    field: str
    message: str


def period_problem(start: date | None, end: date | None) -> PeriodProblem | None:
    """The first problem with ``start``..``end`` (inclusive), or None when they make a period."""
    if start and not end:
        return PeriodProblem("to", _("Ange ett slutdatum."))
    if end and not start:
        return PeriodProblem("from", _("Ange ett startdatum."))
    if start is None or end is None:
        return None
    for field, value in (("from", start), ("to", end)):
        if not EARLIEST <= value <= LATEST:
            return PeriodProblem(
                field,
                _("Välj ett datum mellan %(earliest)s och %(latest)s.")
                % {"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()},
            )
    if end < start:
        return PeriodProblem("to", _("Slutdatumet kan inte vara före startdatumet."))
    if end - start > MAX_SPAN:
        return PeriodProblem("to", _("Välj en period på högst fem år."))
    return None


def period_from_dates(start: date, end: date) -> d.Period:
    """A bounded period; ``ValueError`` when :func:`period_problem` finds one."""
    problem = period_problem(start, end)
    if problem is not None:
        raise ValueError(str(problem.message))
    return d.Period(start, end)
