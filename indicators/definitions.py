"""Indicator definitions: each indicator is a named, documented function of (county, period).

Every indicator here is callable as ``indicator(county_code | None, period_start, period_end)``
(``None`` = the whole country; dates inclusive, Europe/Stockholm calendar days) and returns a
value computed in the database with aggregates from raw records — never a Python loop over
cases. The same definition can be evaluated grouped (``.by_county``, ``.by_month``,
``.by_actor``) in one query, which is what the dashboards and exports use, so the number of
queries depends on the number of indicators, not on the amount of data.

Rules that hold for every indicator:

* Mystery-shopper test cases (``Case.is_test``) never count.
* Case-based indicators select cases **filed** in the period (``Case.created_at``), so a month's
  figures do not change meaning as cases progress; survey-based ones select surveys about cases
  filed in the period.
* Companies are identified by organisation number with separators removed, so "556677-8899" and
  "5566778899" are one company; "unique" counts are distinct such numbers.
* Survey-based shares with fewer than ``MIN_SURVEY_ANSWERS`` answers in a cell are not a
  percentage: ``Share.too_few`` is true and the UI shows "för få svar".

``INDICATORS`` is the registry, in report order, used by dashboards, exports and the API.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    CharField,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models import Case as CaseWhen
from django.db.models import When as CaseWhenClause
from django.db.models.functions import Replace, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.models import Activity, ActivityParticipant, SurveyInvitation, SurveyResponse
from regions.models import CountyPageVisit
from routing.clock import STOCKHOLM
from routing.models import Case, CaseEvent, EscalationRecord

#: Below this many answers a survey share is suppressed ("för få svar").
MIN_SURVEY_ANSWERS = 5
#: The government's goal for the survey-based shares and the headline.
GOAL_SHARE = 0.8

INFORMATION_KINDS = (
    Activity.Kind.SEMINAR,
    Activity.Kind.WORKSHOP,
    Activity.Kind.CONFERENCE,
)
VISIT_KINDS = (Activity.Kind.COMPANY_VISIT, Activity.Kind.JOINT_COMPANY_VISIT)


# --------------------------------------------------------------------------- values


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


GROUP_LABELS = {
    Group.MANDATORY: _("Obligatoriska indikatorer"),
    Group.VOLUNTARY: _("Frivilliga indikatorer"),
    Group.OUTCOME: _("Resultatindikatorer"),
    Group.COMPANIES: _("Unika företag"),
}


class Unit(StrEnum):
    COUNT = "count"
    SHARE = "share"
    HOURS = "hours"


# --------------------------------------------------------------------------- SQL helpers


class ElapsedSeconds(Func):
    """Seconds from the second timestamp to the first, as a float, in SQL."""

    arity = 2
    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra_context):  # pragma: no cover - per vendor
        raise NotImplementedError(f"ElapsedSeconds is not implemented for {connection.vendor}")

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="EXTRACT(EPOCH FROM (%(expressions)s))::double precision",
            arg_joiner=" - ",
            **extra_context,
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


class Median(Aggregate):
    """Median in the database: PERCENTILE_CONT on PostgreSQL, a registered MEDIAN on SQLite.

    NULLs are ignored, so wrap the argument in a conditional to restrict the rows.
    """

    function = "MEDIAN"  # SQLite: registered in IndicatorsConfig.ready (development database)
    name = "Median"
    output_field = FloatField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            function="PERCENTILE_CONT",
            template="%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)",
            **extra_context,
        )


class OrgKey(Func):
    """The organisation number without separators: the company's identity for deduplication.

    On PostgreSQL the key is compared bytewise (COLLATE "C"): the values are digits, so the
    result is the same, and DISTINCT/UNION no longer sort under the locale's collation, which
    was the dominant cost at volume.
    """

    arity = 1

    def __init__(self, expression, **extra):
        inner = Replace(Replace(expression, Value("-"), Value("")), Value("+"), Value(""))
        super().__init__(inner, output_field=CharField(), **extra)

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="%(expressions)s", **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template='(%(expressions)s) COLLATE "C"', **extra_context
        )


def org_key(field_name: str = "org_number") -> OrgKey:
    return OrgKey(F(field_name))


# --------------------------------------------------------------------------- the machinery


@dataclass(frozen=True)
class Measure:
    """How to compute one indicator: filtered rows, aggregates over them, and the final value.

    ``finish`` turns the aggregate row into the value; it must accept 0/None for an empty cell.
    """

    queryset: QuerySet
    aggregates: dict[str, Aggregate]
    finish: Callable[[dict], Any]
    county_field: str = "county_id"
    month_field: str = "created_at"
    month_is_date: bool = False
    actor_field: str | None = None


@dataclass(frozen=True)
class UnionMeasure:
    """Distinct company keys across several sources (cases, activity participants …)."""

    parts: list[tuple[QuerySet, str, str]] = field(default_factory=list)  # (qs, county, org)


def _empty_row(aggregates: dict[str, Aggregate]) -> dict[str, Any]:
    return {name: (0 if isinstance(agg, Count) else None) for name, agg in aggregates.items()}


def _month_key(value) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.astimezone(STOCKHOLM).date() if timezone.is_aware(value) else value.date()
    return value.replace(day=1)


class Indicator:
    """A named indicator: call it with (county_code | None, period_start, period_end).

    The decorated function receives the ``Period`` and describes the computation (a
    ``Measure``); this wrapper evaluates it totally, per county, per month or per actor.
    """

    # Templates read .key/.label; without this they would call the indicator with no arguments.
    do_not_call_in_templates = True

    def __init__(
        self,
        func: Callable[[Period], Measure | UnionMeasure | None],
        *,
        key: str,
        label,
        group: Group,
        unit: Unit,
        goal: float | None = None,
        survey: bool = False,
        headline: bool = False,
    ):
        functools.update_wrapper(self, func)
        self.define = func
        self.key = key
        self.label = label
        self.group = group
        self.unit = unit
        self.goal = goal
        self.survey = survey
        self.headline = headline

    def __repr__(self) -> str:
        return f"<Indicator {self.key}>"

    # Total for one county or the whole country.
    def __call__(self, county_code: str | None, period_start: date, period_end: date):
        measure = self.define(Period(period_start, period_end))
        if measure is None:
            return None
        if isinstance(measure, UnionMeasure):
            return _union_count(measure, county_code)
        qs = measure.queryset
        if county_code:
            qs = qs.filter(**{measure.county_field: county_code})
        return measure.finish(qs.order_by().aggregate(**measure.aggregates))

    def empty(self, period: Period):
        measure = self.define(period)
        if measure is None:
            return None
        if isinstance(measure, UnionMeasure):
            return 0
        return measure.finish(_empty_row(measure.aggregates))

    def by_county(self, period_start: date, period_end: date) -> dict[str, Any]:
        """Values per county code (counties without rows are left out; see ``empty``)."""
        measure = self.define(Period(period_start, period_end))
        if measure is None:
            return {}
        if isinstance(measure, UnionMeasure):
            return _union_count_by_county(measure)
        return self._grouped(measure, F(measure.county_field), None)

    def by_month(
        self, county_code: str | None, period_start: date, period_end: date
    ) -> dict[date, Any]:
        """Values per month (first day of month, Stockholm time)."""
        measure = self.define(Period(period_start, period_end))
        if measure is None or isinstance(measure, UnionMeasure):
            return {}
        if measure.month_is_date:
            trunc = TruncMonth(measure.month_field)
        else:
            trunc = TruncMonth(measure.month_field, tzinfo=STOCKHOLM)
        rows = self._grouped(measure, trunc, county_code)
        return {_month_key(key): value for key, value in rows.items() if key is not None}

    def by_actor(
        self,
        county_code: str | None,
        period_start: date,
        period_end: date,
        *,
        by_type: bool = False,
    ) -> dict[Any, Any]:
        """Values per assigned actor id, or per actor type code with ``by_type`` (nationally an
        actor type is comparable across counties). Case-based indicators only; else empty."""
        measure = self.define(Period(period_start, period_end))
        if measure is None or isinstance(measure, UnionMeasure) or not measure.actor_field:
            return {}
        path = measure.actor_field
        if by_type:
            path = path.removesuffix("_id") + "__actor_type_id"
        return self._grouped(measure, F(path), county_code)

    @staticmethod
    def _grouped(measure: Measure, key_expression, county_code: str | None) -> dict:
        qs = measure.queryset
        if county_code:
            qs = qs.filter(**{measure.county_field: county_code})
        rows = qs.order_by().values(group_key=key_expression).annotate(**measure.aggregates)
        return {row["group_key"]: measure.finish(row) for row in rows}


INDICATORS: list[Indicator] = []


def indicator(**meta) -> Callable[[Callable], Indicator]:
    """Register a definition in ``INDICATORS`` (report order = declaration order)."""

    def decorate(func: Callable) -> Indicator:
        ind = Indicator(func, **meta)
        INDICATORS.append(ind)
        return ind

    return decorate


def _union_sql(measure: UnionMeasure, county_code: str | None, grouped: bool):
    sqls, params = [], []
    for qs, county_field, org_field in measure.parts:
        if county_code:
            qs = qs.filter(**{county_field: county_code})
        columns = {"k": org_key(org_field)}
        if grouped:
            columns["g"] = F(county_field)
        sql, part_params = qs.order_by().values(**columns).query.sql_with_params()
        # Only compiled ORM SQL and fixed aliases are interpolated; values stay in params.
        sqls.append(f"SELECT {'u.g, ' if grouped else ''}u.k FROM ({sql}) u")  # noqa: S608
        params.extend(part_params)
    # UNION (not UNION ALL) removes duplicates across the sources: that is the deduplication.
    return " UNION ".join(sqls), params


def _union_count(measure: UnionMeasure, county_code: str | None) -> int:
    sql, params = _union_sql(measure, county_code, grouped=False)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) companies", params)  # noqa: S608
        return cursor.fetchone()[0]


def _union_count_by_county(measure: UnionMeasure) -> dict[str, int]:
    sql, params = _union_sql(measure, None, grouped=True)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT g, COUNT(*) FROM ({sql}) companies GROUP BY g",  # noqa: S608
            params,
        )
        return dict(cursor.fetchall())


# --------------------------------------------------------------------------- base rows


def _cases(period: Period) -> QuerySet:
    """Real (non-test) cases filed in the period."""
    return Case.objects.real().filter(created_at__gte=period.start_at, created_at__lt=period.end_at)


def _case_measure(period: Period, aggregates: dict, finish: Callable) -> Measure:
    return Measure(_cases(period), aggregates, finish, actor_field="assigned_actor_id")


def _activities(period: Period, kinds=None) -> QuerySet:
    qs = Activity.objects.filter(date__gte=period.start, date__lte=period.end)
    return qs.filter(kind__in=kinds) if kinds else qs


def _activity_measure(period: Period, kinds, aggregates: dict, finish: Callable) -> Measure:
    return Measure(
        _activities(period, kinds), aggregates, finish, month_field="date", month_is_date=True
    )


def _participant_measure(period: Period, kinds) -> Measure:
    qs = ActivityParticipant.objects.filter(
        activity__date__gte=period.start, activity__date__lte=period.end, activity__kind__in=kinds
    )
    return Measure(
        qs,
        {"n": Count(org_key(), distinct=True)},
        lambda r: r["n"] or 0,
        county_field="activity__county_id",
        month_field="activity__date",
        month_is_date=True,
    )


def _survey_measure(period: Period, kind: str, answer_field: str, yes: tuple[str, ...]) -> Measure:
    qs = SurveyResponse.objects.filter(
        kind=kind,
        case__is_test=False,
        case__created_at__gte=period.start_at,
        case__created_at__lt=period.end_at,
    )
    return Measure(
        qs,
        {
            "num": Count("pk", filter=Q(**{f"{answer_field}__in": yes})),
            "den": Count("pk", filter=~Q(**{answer_field: ""})),
        },
        lambda r: Share(r["num"] or 0, r["den"] or 0, min_answers=MIN_SURVEY_ANSWERS),
        county_field="case__county_id",
        month_field="case__created_at",
        actor_field="case__assigned_actor_id",
    )


def _count(row: dict) -> int:
    return row["n"] or 0


# --------------------------------------------------------------------------- mandatory set


@indicator(
    key="companies_reached_with_information",
    label=_("Företag som nåtts av information"),
    group=Group.MANDATORY,
    unit=Unit.COUNT,
)
def companies_reached_with_information(period: Period) -> Measure:
    """Distinct companies (by organisation number) registered as participants in seminars,
    workshops or conferences dated in the period."""
    return _participant_measure(period, INFORMATION_KINDS)


@indicator(
    key="information_events_held",
    label=_("Genomförda seminarier, workshoppar och konferenser"),
    group=Group.MANDATORY,
    unit=Unit.COUNT,
)
def information_events_held(period: Period) -> Measure:
    """Activities of kind seminar, workshop or conference dated in the period."""
    return _activity_measure(period, INFORMATION_KINDS, {"n": Count("pk")}, _count)


@indicator(
    key="information_event_participants",
    label=_("Deltagare vid seminarier, workshoppar och konferenser"),
    group=Group.MANDATORY,
    unit=Unit.COUNT,
)
def information_event_participants(period: Period) -> Measure:
    """Sum of the registered participant counts (people, not companies) of the seminars,
    workshops and conferences dated in the period."""
    return _activity_measure(period, INFORMATION_KINDS, {"n": Sum("participant_count")}, _count)


@indicator(
    key="county_page_visits",
    label=_("Besök på länets webbsida"),
    group=Group.MANDATORY,
    unit=Unit.COUNT,
)
def county_page_visits(period: Period) -> Measure:
    """Sum of daily visit counts of the county's public page (``regions.CountyPageVisit``,
    counted without cookies or personal data) for days in the period."""
    qs = CountyPageVisit.objects.filter(day__gte=period.start, day__lte=period.end)
    return Measure(qs, {"n": Sum("count")}, _count, month_field="day", month_is_date=True)


# --------------------------------------------------------------------------- voluntary set


@indicator(
    key="cases_received",
    label=_("Inkomna frågor"),
    group=Group.VOLUNTARY,
    unit=Unit.COUNT,
)
def cases_received(period: Period) -> Measure:
    """Cases filed in the period (test cases excluded). Context for the shares below."""
    return _case_measure(period, {"n": Count("pk")}, _count)


@indicator(
    key="companies_advised",
    label=_("Företag som fått rådgivning per telefon eller e-post"),
    group=Group.VOLUNTARY,
    unit=Unit.COUNT,
)
def companies_advised(period: Period) -> Measure:
    """Distinct companies with at least one case filed in the period that has a recorded first
    contact (any channel)."""
    return _case_measure(
        period,
        {"n": Count(org_key(), distinct=True, filter=Q(first_contact_at__isnull=False))},
        _count,
    )


@indicator(
    key="companies_referred",
    label=_("Företag som hänvisats till annan aktör i partnerskapet"),
    group=Group.VOLUNTARY,
    unit=Unit.COUNT,
)
def companies_referred(period: Period) -> Measure:
    """Distinct companies with a case filed in the period that was referred within the
    partnership: a case event of kind "referred" or status "referred". Closing with outcome
    "referred_outside" (outside the partnership) does not count."""
    # IN (one hashed read of the "referred" events), not EXISTS: a correlated EXISTS probes the
    # event index once per case in the period, a million probes nationally.
    referred = Q(status=Case.Status.REFERRED) | Q(
        pk__in=CaseEvent.objects.filter(kind="referred").values("case_id")
    )
    return _case_measure(period, {"n": Count(org_key(), distinct=True, filter=referred)}, _count)


@indicator(
    key="companies_visited",
    label=_("Besökta företag"),
    group=Group.VOLUNTARY,
    unit=Unit.COUNT,
)
def companies_visited(period: Period) -> Measure:
    """Distinct companies registered as participants of company visits or joint company visits
    dated in the period."""
    return _participant_measure(period, VISIT_KINDS)


@indicator(
    key="joint_company_visits",
    label=_("Gemensamma företagsbesök"),
    group=Group.VOLUNTARY,
    unit=Unit.COUNT,
)
def joint_company_visits(period: Period) -> Measure:
    """Activities of kind joint company visit (two or more actors) dated in the period."""
    return _activity_measure(
        period, (Activity.Kind.JOINT_COMPANY_VISIT,), {"n": Count("pk")}, _count
    )


@indicator(
    key="study_trips",
    label=_("Studieresor"),
    group=Group.VOLUNTARY,
    unit=Unit.COUNT,
)
def study_trips(period: Period) -> Measure:
    """Activities of kind study trip dated in the period."""
    return _activity_measure(period, (Activity.Kind.STUDY_TRIP,), {"n": Count("pk")}, _count)


@indicator(
    key="study_trips_with_companies",
    label=_("Studieresor med deltagande företag"),
    group=Group.VOLUNTARY,
    unit=Unit.COUNT,
)
def study_trips_with_companies(period: Period) -> Measure:
    """Study trips dated in the period with at least one participating company registered."""
    has_company = Q(Exists(ActivityParticipant.objects.filter(activity=OuterRef("pk"))))
    return _activity_measure(
        period, (Activity.Kind.STUDY_TRIP,), {"n": Count("pk", filter=has_company)}, _count
    )


@indicator(
    key="positive_financing_decisions",
    label=_("Positiva finansieringsbeslut"),
    group=Group.VOLUNTARY,
    unit=Unit.COUNT,
)
def positive_financing_decisions(period: Period) -> Measure:
    """Activities of kind positive financing decision (check, loan or guarantee) dated in the
    period."""
    return _activity_measure(
        period, (Activity.Kind.FINANCING_DECISION,), {"n": Count("pk")}, _count
    )


# --------------------------------------------------------------------------- outcomes


@indicator(
    key="first_contact_in_time",
    label=_("Andel ärenden med första kontakt inom en arbetsdag"),
    group=Group.OUTCOME,
    unit=Unit.SHARE,
    goal=GOAL_SHARE,
    headline=True,
)
def first_contact_in_time(period: Period) -> Measure:
    """The headline: share of cases with first contact within one working day.

    Cases: real cases filed in the period.
    Numerator: those with ``first_contact_at <= original_deadline_at`` (the company's original
    deadline, kept across referrals).
    Denominator: those already decided at the time of computing — first contact recorded, or
    original deadline passed (``original_deadline_at <= now``). Open cases still inside their
    clock are left out, because they can still make it; overdue cases without contact count as
    missed.
    """
    now = timezone.now()
    decided = Q(first_contact_at__isnull=False) | Q(original_deadline_at__lte=now)
    in_time = Q(first_contact_at__lte=F("original_deadline_at"))
    return _case_measure(
        period,
        {"num": Count("pk", filter=in_time), "den": Count("pk", filter=decided)},
        lambda r: Share(r["num"] or 0, r["den"] or 0),
    )


@indicator(
    key="median_hours_to_first_contact",
    label=_("Mediantid till första kontakt (timmar)"),
    group=Group.OUTCOME,
    unit=Unit.HOURS,
    headline=True,
)
def median_hours_to_first_contact(period: Period) -> Measure:
    """Median elapsed (calendar) hours from filing to first contact, over cases filed in the
    period that have a first contact. ``None`` when there is none. Calendar hours, not working
    hours, so a Friday-afternoon question answered on Monday shows the wait the company had."""
    elapsed = CaseWhen(
        CaseWhenClause(
            first_contact_at__isnull=False,
            then=ElapsedSeconds(F("first_contact_at"), F("created_at")),
        ),
        output_field=FloatField(),
    )
    return _case_measure(
        period,
        {"m": Median(elapsed)},
        lambda r: None if r["m"] is None else round(float(r["m"]) / 3600, 1),
    )


def _escalation_measure(period: Period, level: int) -> Measure:
    qs = EscalationRecord.objects.filter(
        case__is_test=False,
        case__created_at__gte=period.start_at,
        case__created_at__lt=period.end_at,
        level=level,
    )
    return Measure(
        qs,
        {"n": Count("pk")},
        _count,
        county_field="case__county_id",
        month_field="case__created_at",
        actor_field="case__assigned_actor_id",
    )


@indicator(
    key="escalations_level_1",
    label=_("Eskaleringar nivå 1: påminnelse (75 %)"),
    group=Group.OUTCOME,
    unit=Unit.COUNT,
)
def escalations_level_1(period: Period) -> Measure:
    """Escalation records of level 1 (reminder at 75 % of the clock) on cases filed in the
    period. Each level is recorded at most once per case."""
    return _escalation_measure(period, 1)


@indicator(
    key="escalations_level_2",
    label=_("Eskaleringar nivå 2: försenad, samordnare"),
    group=Group.OUTCOME,
    unit=Unit.COUNT,
)
def escalations_level_2(period: Period) -> Measure:
    """Escalation records of level 2 (deadline passed, coordinator told) on cases filed in the
    period."""
    return _escalation_measure(period, 2)


@indicator(
    key="escalations_level_3",
    label=_("Eskaleringar nivå 3: nationellt"),
    group=Group.OUTCOME,
    unit=Unit.COUNT,
)
def escalations_level_3(period: Period) -> Measure:
    """Escalation records of level 3 (one more working day, national staff told) on cases filed
    in the period."""
    return _escalation_measure(period, 3)


@indicator(
    key="survey_right_actor_in_time",
    label=_("Andel tillfrågade företag som nådde rätt aktör inom en arbetsdag"),
    group=Group.OUTCOME,
    unit=Unit.SHARE,
    goal=GOAL_SHARE,
    survey=True,
    headline=True,
)
def survey_right_actor_in_time(period: Period) -> Measure:
    """Follow-up survey, "Kom ni i kontakt med rätt aktör inom en arbetsdag?": answers "ja"
    over all answers to the question ("vet ej" included, as not confirmed), for cases filed in
    the period. Fewer than 5 answers: too few (no percentage)."""
    return _survey_measure(period, SurveyInvitation.Kind.FOLLOWUP, "right_actor_in_time", ("yes",))


@indicator(
    key="survey_got_help",
    label=_("Andel tillfrågade företag som fick den hjälp de behövde"),
    group=Group.OUTCOME,
    unit=Unit.SHARE,
    goal=GOAL_SHARE,
    survey=True,
)
def survey_got_help(period: Period) -> Measure:
    """Follow-up survey, "Fick ni den hjälp ni behövde?": answers "ja" over all answers ("delvis"
    counts as not fully helped), for cases filed in the period. Fewer than 5 answers: too few."""
    return _survey_measure(period, SurveyInvitation.Kind.FOLLOWUP, "got_help", ("yes",))


@indicator(
    key="survey_went_on_to_export",
    label=_("Andel tillfrågade företag som gått vidare med export"),
    group=Group.OUTCOME,
    unit=Unit.SHARE,
    survey=True,
)
def survey_went_on_to_export(period: Period) -> Measure:
    """Effect survey six months after closing, "Har ni gått vidare med export eller
    internationalisering?": answers "ja, vi exporterar" or "ja, vi förbereder" over all answers,
    for cases filed in the period. Fewer than 5 answers: too few."""
    return _survey_measure(
        period, SurveyInvitation.Kind.EFFECT, "went_on", ("exporting", "preparing")
    )


@indicator(
    key="survey_response_rate",
    label=_("Svarsfrekvens i uppföljningsenkäten"),
    group=Group.OUTCOME,
    unit=Unit.SHARE,
    survey=True,
)
def survey_response_rate(period: Period) -> Measure:
    """Follow-up invitations answered over invitations sent, for cases filed in the period.
    Fewer than 5 answers: too few (the rule counts answers, not invitations)."""
    qs = SurveyInvitation.objects.filter(
        kind=SurveyInvitation.Kind.FOLLOWUP,
        case__is_test=False,
        case__created_at__gte=period.start_at,
        case__created_at__lt=period.end_at,
    )
    return Measure(
        qs,
        {"num": Count("response"), "den": Count("pk")},
        lambda r: Share(
            r["num"] or 0, r["den"] or 0, answers=r["num"] or 0, min_answers=MIN_SURVEY_ANSWERS
        ),
        county_field="case__county_id",
        month_field="case__created_at",
        actor_field="case__assigned_actor_id",
    )


# --------------------------------------------------------------------------- companies


@indicator(
    key="unique_companies",
    label=_("Unika företag (ärenden och aktiviteter)"),
    group=Group.COMPANIES,
    unit=Unit.COUNT,
    headline=True,
)
def unique_companies(period: Period) -> UnionMeasure:
    """Distinct organisation numbers across real cases filed in the period and participants of
    activities (any kind) dated in the period — one company counts once however many cases,
    activities and actors it met. Nationally, a company active in two counties counts once."""
    participants = ActivityParticipant.objects.filter(
        activity__date__gte=period.start, activity__date__lte=period.end
    )
    return UnionMeasure(
        parts=[
            (_cases(period), "county_id", "org_number"),
            (participants, "activity__county_id", "org_number"),
        ]
    )


BY_KEY: dict[str, Indicator] = {ind.key: ind for ind in INDICATORS}
HEADLINE: list[Indicator] = [ind for ind in INDICATORS if ind.headline]


#: Sort memory for one page's indicator queries (PostgreSQL), see ``reporting_queries``.
REPORT_WORK_MEM = "64MB"


@contextmanager
def reporting_queries() -> Iterator[None]:
    """Run one page's (or export's) indicator queries with room to sort in memory.

    The distinct-company counts and the medians sort every key of the period; nationally that
    is about a million, and with PostgreSQL's default ``work_mem`` (4 MB) each such sort spills
    to temporary files. ``SET LOCAL`` raises the limit for this one read-only transaction only.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL work_mem = '{REPORT_WORK_MEM}'")
        yield


def _signature(measure: Measure, mode: str) -> tuple:
    """Measures with equal signatures read the same rows and group them the same way."""
    sql, params = measure.queryset.order_by().query.sql_with_params()
    grouping = {
        "total": (),
        "county": (measure.county_field,),
        "month": (measure.month_field, measure.month_is_date),
        "actor": (measure.actor_field,),
        "county_month": (measure.county_field, measure.month_field, measure.month_is_date),
        "county_actor": (measure.county_field, measure.actor_field),
    }[mode]
    return (measure.queryset.model, sql, tuple(map(repr, params)), measure.county_field, grouping)


def _evaluate(
    indicators, period: Period, mode: str, county_code: str | None = None, *, by_type=False
) -> dict[str, Any]:
    """Evaluate several indicators with one query per distinct row set, not one per indicator.

    Case-based indicators all read "real cases filed in the period"; asking for their
    aggregates together scans the case table once instead of once per indicator, which is what
    dominates at volume. Each aggregate is computed over exactly the rows it had alone, so every
    value is unchanged. Returns ``{key: value}`` (``mode="total"``) or ``{key: {group: value}}``;
    ``county_month``/``county_actor`` group by county as well, with ``(county, group)`` keys, so
    every county's monthly or per-actor figures come from one query instead of one per county.
    """
    result: dict[str, Any] = {}
    batches: dict[tuple, list[tuple[Indicator, Measure]]] = {}
    for ind in indicators:
        measure = ind.define(period)
        if measure is None or (
            isinstance(measure, UnionMeasure) and mode not in ("total", "county")
        ):
            result[ind.key] = None if mode == "total" else {}
        elif isinstance(measure, UnionMeasure):
            result[ind.key] = (
                _union_count(measure, county_code)
                if mode == "total"
                else _union_count_by_county(measure)
            )
        elif mode in ("actor", "county_actor") and not measure.actor_field:
            result[ind.key] = {}
        else:
            batches.setdefault(_signature(measure, mode), []).append((ind, measure))
    for members in batches.values():
        first = members[0][1]
        qs = first.queryset.order_by()
        if county_code:
            qs = qs.filter(**{first.county_field: county_code})
        aggregates = {
            f"a{n}_{name}": aggregate
            for n, (_ind, measure) in enumerate(members)
            for name, aggregate in measure.aggregates.items()
        }

        def split(row: dict, n: int, measure: Measure) -> dict:
            return {name: row[f"a{n}_{name}"] for name in measure.aggregates}

        if mode == "total":
            row = qs.aggregate(**aggregates)
            for n, (ind, measure) in enumerate(members):
                result[ind.key] = measure.finish(split(row, n, measure))
            continue
        if mode == "county":
            key_expression = F(first.county_field)
        elif mode in ("month", "county_month"):
            key_expression = (
                TruncMonth(first.month_field)
                if first.month_is_date
                else TruncMonth(first.month_field, tzinfo=STOCKHOLM)
            )
        else:
            path = first.actor_field
            if by_type:
                path = path.removesuffix("_id") + "__actor_type_id"
            key_expression = F(path)
        per_county = mode.startswith("county_")
        columns = {"group_key": key_expression}
        if per_county:
            columns["group_county"] = F(first.county_field)
        rows = list(qs.values(**columns).annotate(**aggregates))
        for n, (ind, measure) in enumerate(members):
            values = {}
            for row in rows:
                key = row["group_key"]
                if mode in ("month", "county_month"):
                    if key is None:
                        continue
                    key = _month_key(key)
                if per_county:
                    key = (row["group_county"], key)
                values[key] = measure.finish(split(row, n, measure))
            result[ind.key] = values
    return result


def compute_all(
    county_code: str | None, period_start: date, period_end: date, indicators=None
) -> dict[str, Any]:
    """Every indicator (or the given ones) for one county or the country; indicators over the
    same rows share one query."""
    indicators = indicators or INDICATORS
    values = _evaluate(indicators, Period(period_start, period_end), "total", county_code)
    return {ind.key: values[ind.key] for ind in indicators}


def compute_by_county(
    county_codes: list[str], period_start: date, period_end: date, indicators=None
) -> dict[str, dict[str, Any]]:
    """``{county_code: {key: value}}`` with one grouped query per distinct row set."""
    period = Period(period_start, period_end)
    indicators = indicators or INDICATORS
    grouped = _evaluate(indicators, period, "county")
    result: dict[str, dict[str, Any]] = {code: {} for code in county_codes}
    for ind in indicators:
        values = grouped[ind.key]
        empty = ind.empty(period)
        for code in county_codes:
            result[code][ind.key] = values.get(code, empty)
    return result


def compute_by_month(
    indicators, county_code: str | None, period_start: date, period_end: date
) -> dict[str, dict[date, Any]]:
    """``{key: {month: value}}``: ``Indicator.by_month`` for several indicators at once."""
    return _evaluate(indicators, Period(period_start, period_end), "month", county_code)


def compute_by_actor(
    indicators, county_code: str | None, period_start: date, period_end: date, *, by_type=False
) -> dict[str, dict[Any, Any]]:
    """``{key: {actor: value}}``: ``Indicator.by_actor`` for several indicators at once."""
    period = Period(period_start, period_end)
    return _evaluate(indicators, period, "actor", county_code, by_type=by_type)


def compute_by_county_month(
    indicators, period_start: date, period_end: date
) -> dict[str, dict[str, dict[date, Any]]]:
    """``{county: {key: {month: value}}}``: ``compute_by_month`` of every county at once."""
    grouped = _evaluate(indicators, Period(period_start, period_end), "county_month")
    return _split_by_county(indicators, grouped)


def compute_by_county_actor(
    indicators, period_start: date, period_end: date
) -> dict[str, dict[str, dict[Any, Any]]]:
    """``{county: {key: {actor: value}}}``: ``compute_by_actor`` of every county at once."""
    grouped = _evaluate(indicators, Period(period_start, period_end), "county_actor")
    return _split_by_county(indicators, grouped)


def _split_by_county(indicators, grouped: dict[str, dict]) -> dict[str, dict[str, dict]]:
    result: dict[str, dict[str, dict]] = {}
    for ind in indicators:
        for (county, key), value in grouped[ind.key].items():
            result.setdefault(county, {i.key: {} for i in indicators})[ind.key][key] = value
    return result
