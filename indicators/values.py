"""The values indicators produce and the types that describe them.

``Period`` is the reporting window every indicator is computed over; ``Share`` is a fraction
that knows when it has too few answers to be a percentage; ``value_to_json``/``value_from_json``
are the stored form used by snapshots; ``Group``/``Unit`` classify an indicator for display.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from routing.clock import STOCKHOLM

#: Below this many answers a survey share is suppressed ("för få svar").
MIN_SURVEY_ANSWERS = 5


@dataclass(frozen=True)
class Period:
    """Inclusive calendar dates in Europe/Stockholm."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("period end is before its start")

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=STOCKHOLM).astimezone(UTC)

    @property
    def end_at(self) -> datetime:
        """Exclusive upper bound: local midnight after the last day."""
        return datetime.combine(
            self.end + timedelta(days=1), time.min, tzinfo=STOCKHOLM
        ).astimezone(UTC)

    def months(self) -> list[date]:
        """First day of every month the period touches, in order."""
        months, current = [], self.start.replace(day=1)
        while current <= self.end:
            months.append(current)
            current = (current + timedelta(days=32)).replace(day=1)
        return months


@dataclass(frozen=True)
class Share:
    """numerator / denominator, kept whole so tables can show "n av m".

    ``min_answers``/``answers``: survey cells with fewer answers are ``too_few`` and have no
    ratio at all, so nothing downstream can print a percentage by mistake.
    """

    numerator: int
    denominator: int
    answers: int | None = None
    min_answers: int = 0

    @property
    def too_few(self) -> bool:
        answers = self.denominator if self.answers is None else self.answers
        return bool(self.min_answers) and answers < self.min_answers

    @property
    def ratio(self) -> float | None:
        if self.too_few or not self.denominator:
            return None
        return self.numerator / self.denominator

    @property
    def percent(self) -> float | None:
        ratio = self.ratio
        return None if ratio is None else round(ratio * 100, 1)

    def to_dict(self) -> dict[str, Any]:
        return {
            "numerator": self.numerator,
            "denominator": self.denominator,
            "answers": self.answers,
            "min_answers": self.min_answers,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Share:
        return cls(
            numerator=data["numerator"],
            denominator=data["denominator"],
            answers=data.get("answers"),
            min_answers=data.get("min_answers", 0),
        )


def value_to_json(value: Any) -> Any:
    """An indicator value as JSON: numbers and None as they are, tagged objects for the rest.

    Shares keep numerator, denominator and the answer rule (so "för få svar" is decided the same
    way after a round trip); Decimals keep their exact digits.
    """
    if isinstance(value, Share):
        return {"share": value.to_dict()}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"cannot store indicator value {value!r}")


def value_from_json(data: Any) -> Any:
    if isinstance(data, dict):
        if "share" in data:
            return Share.from_dict(data["share"])
        if "decimal" in data:
            return Decimal(data["decimal"])
        raise ValueError(f"unknown stored indicator value {data!r}")
    return data


class Group(StrEnum):
    MANDATORY = "mandatory"
    VOLUNTARY = "voluntary"
    OUTCOME = "outcome"
    COMPANIES = "companies"
    CHANNELS = "channels"


GROUP_LABELS = {
    Group.MANDATORY: _("Obligatoriska indikatorer"),
    Group.VOLUNTARY: _("Frivilliga indikatorer"),
    Group.OUTCOME: _("Resultatindikatorer"),
    Group.COMPANIES: _("Unika företag"),
    Group.CHANNELS: _("Inkomna frågor per kanal"),
}


class Unit(StrEnum):
    COUNT = "count"
    SHARE = "share"
    HOURS = "hours"


# --------------------------------------------------------------------------- SQL helpers
