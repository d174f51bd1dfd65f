"""Exports: all indicators per county and period (CSV, XLSX) and the pseudonymised panel.

The indicator table is read from the period's snapshot (``indicators.snapshots``). The
panel streams one row per case and per activity participation, with the organisation number
replaced by an HMAC keyed with ``settings.PSEUDONYM_KEY`` (stable across exports, so rows of one
company link up, but not reversible without the key). Free text is never exported.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from functools import lru_cache

from django.conf import settings
from django.db.models import CharField, DateTimeField, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from indicators import definitions as d
from indicators.access import activities_visible_to
from indicators.measures import Indicator
from indicators.models import Activity, ActivityParticipant, SurveyResponse
from indicators.snapshots import SnapshotData, snapshot_for
from indicators.values import Period, Unit
from regions.models import County
from routing.models import Case

NATIONAL_CODE = "00"


def _cell_values(ind: Indicator, value) -> list:
    """One or two cells: shares are a percentage plus the base (denominator)."""
    if ind.unit == Unit.SHARE:
        if value is None:
            return ["", ""]
        if value.too_few:
            return [_("för få svar"), ""]
        return ["" if value.percent is None else value.percent, value.denominator]
    return ["" if value is None else value]


def indicator_headers() -> list[str]:
    headers = [_("Länskod"), _("Län"), _("Från och med"), _("Till och med")]
    for ind in d.INDICATORS:
        label = str(ind.label)
        if ind.unit == Unit.SHARE:
            headers += [f"{label} (%)", f"{label} – " + _("underlag (antal)")]
        else:
            headers.append(label)
    return headers


def indicator_rows(
    county_codes: list[str] | None, period: Period, snapshot: SnapshotData | None = None
) -> list[list]:
    """Rows per county (``None``: every county plus the whole country first), from the period's
    snapshot; only the counties asked for leave it."""
    snapshot = snapshot or snapshot_for(period)
    counties = County.objects.order_by("code")
    if county_codes is not None:
        counties = counties.filter(code__in=county_codes)
    rows = []
    if county_codes is None:
        rows.append(_row(NATIONAL_CODE, _("Hela landet"), period, snapshot.values(None)))
    for county in counties:
        rows.append(_row(county.code, county.name, period, snapshot.values(county.code)))
    return rows


def _row(code: str, name: str, period: Period, values: dict) -> list:
    row: list = [code, name, period.start.isoformat(), period.end.isoformat()]
    for ind in d.INDICATORS:
        row += _cell_values(ind, values[ind.key])
    return row


def swedish_number(value):
    """A number as Swedish Excel reads it: decimal comma (``83,6``); text and integers as they are.

    Digits only, no thousands separator, so the cell stays a number in Excel and LibreOffice.
    """
    if isinstance(value, bool) or not isinstance(value, float | Decimal):
        return value
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def indicators_csv(county_codes: list[str] | None, period: Period) -> bytes:
    # Semicolons, decimal commas and a BOM: what Swedish Excel opens correctly with a double click.
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(indicator_headers())
    for row in indicator_rows(county_codes, period):
        writer.writerow([swedish_number(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def indicators_xlsx(county_codes: list[str] | None, period: Period) -> bytes:
    snapshot = snapshot_for(period)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Indikatorer")
    sheet.append(indicator_headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in indicator_rows(county_codes, period, snapshot):
        sheet.append(row)
    sheet.freeze_panes = "C2"
    definitions = workbook.create_sheet(_("Definitioner"))
    definitions.append([_("Nyckel"), _("Indikator"), _("Definition")])
    for cell in definitions[1]:
        cell.font = Font(bold=True)
    for ind in d.INDICATORS:
        definitions.append([ind.key, str(ind.label), " ".join((ind.__doc__ or "").split())])
    definitions.append([])
    definitions.append(
        [
            "",
            _("Testärenden"),
            _("Tillgänglighetsmätningar (testärenden) räknas aldrig i indikatorerna."),
        ]
    )
    computed = timezone.localtime(snapshot.computed_at).strftime("%Y-%m-%d %H:%M")
    definitions.append(["", _("Beräknad"), _("Siffrorna beräknades %(time)s") % {"time": computed}])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


# --------------------------------------------------------------------------- panel


def pseudonym(org_number: str, key: str | None = None) -> str:
    """Keyed hash of the organisation number without separators (HMAC-SHA256, 20 hex)."""
    normalised = "".join(ch for ch in org_number if ch.isdigit())
    secret = (key or settings.PSEUDONYM_KEY).encode()
    return hmac.new(secret, normalised.encode(), hashlib.sha256).hexdigest()[:20]


#: The panel's columns: machine-readable code (the CSV's second header row) and readable label.
PANEL_COLUMNS = [
    ("company", _lazy("Företag (pseudonym)")),
    ("county_code", _lazy("Länskod")),
    ("county", _lazy("Län")),
    ("record", _lazy("Typ av rad")),
    ("question_date", _lazy("Frågan kom in")),
    ("first_contact_date", _lazy("Första kontakt")),
    ("first_contact_in_time", _lazy("Första kontakt inom fristen")),
    ("closed_date", _lazy("Avslutad")),
    ("outcome", _lazy("Utfall")),
    ("referred", _lazy("Hänvisad")),
    ("survey_right_actor_in_time", _lazy("Enkät: rätt aktör inom en arbetsdag")),
    ("survey_got_help", _lazy("Enkät: fick den hjälp de behövde")),
    ("survey_answered_date", _lazy("Enkät besvarad")),
    ("effect_went_on", _lazy("Effektfråga: gått vidare med export")),
    ("effect_answered_date", _lazy("Effektfråga besvarad")),
    ("activity_kind", _lazy("Aktivitet")),
    ("activity_date", _lazy("Aktivitetens datum")),
    ("channel", _lazy("Kanal")),
]
PANEL_HEADERS = [code for code, _label in PANEL_COLUMNS]


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def _day(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value.isoformat()
    return timezone.localtime(value).date().isoformat()


def _survey(kind: str, field: str, output=None):
    return Subquery(
        SurveyResponse.objects.filter(case=OuterRef("pk"), kind=kind).values(field)[:1],
        output_field=output or CharField(),
    )


def panel_rows(cases, participants) -> Iterator[list]:
    """Rows for the panel; ``cases``/``participants`` are already scoped and period-filtered.

    Values are words in the active language (county names, "Ja"/"Nej", outcome labels); dates ISO.
    """
    # Companies recur (several cases, activities), so hashes are cached; bounded, because at 1M
    # cases an unbounded cache held every distinct company (~110 MB of the export's memory).
    company = lru_cache(maxsize=2**16)(pseudonym)

    county_names = dict(County.objects.values_list("code", "name"))
    yes, no = _("Ja"), _("Nej")
    outcomes = _labels(Case.Outcome.choices)
    right_actor = _labels(SurveyResponse.RightActor.choices)
    got_help = _labels(SurveyResponse.GotHelp.choices)
    went_on = _labels(SurveyResponse.WentOn.choices)
    kinds = _labels(Activity.Kind.choices)
    channels = _labels(Case.IntakeChannel.choices)
    case_label, activity_label = _("Ärende"), _("Aktivitet")

    case_rows = (
        cases.real()
        .order_by()
        .annotate(
            s_right=_survey("followup", "right_actor_in_time"),
            s_help=_survey("followup", "got_help"),
            s_at=_survey("followup", "answered_at", DateTimeField()),
            e_went=_survey("effect", "went_on"),
            e_at=_survey("effect", "answered_at", DateTimeField()),
        )
        .values_list(
            "org_number",
            "county_id",
            "created_at",
            "first_contact_at",
            "original_deadline_at",
            "closed_at",
            "outcome",
            "status",
            "s_right",
            "s_help",
            "s_at",
            "e_went",
            "e_at",
            "intake_channel",
        )
    )
    for (
        org,
        county,
        created,
        contact,
        deadline,
        closed,
        outcome,
        status,
        s_right,
        s_help,
        s_at,
        e_went,
        e_at,
        channel,
    ) in case_rows.iterator(chunk_size=5000):
        in_time = "" if contact is None else (yes if contact <= deadline else no)
        yield [
            company(org),
            county,
            county_names.get(county, county),
            case_label,
            _day(created),
            _day(contact),
            in_time,
            _day(closed),
            outcomes.get(outcome, outcome),
            yes if status == Case.Status.REFERRED else no,
            right_actor.get(s_right, s_right or ""),
            got_help.get(s_help, s_help or ""),
            _day(s_at),
            went_on.get(e_went, e_went or ""),
            _day(e_at),
            "",
            "",
            channels.get(channel, channel),
        ]
    part_rows = participants.order_by().values_list(
        "org_number", "activity__county_id", "activity__kind", "activity__date"
    )
    for org, county, kind, day in part_rows.iterator(chunk_size=5000):
        yield [
            company(org),
            county,
            county_names.get(county, county),
            activity_label,
            *[""] * 11,
            kinds.get(kind, kind),
            day.isoformat(),
            "",
        ]


class _Echo:
    def write(self, value):
        return value


def panel_csv_stream(cases, participants) -> Iterable[str]:
    writer = csv.writer(_Echo(), delimiter=";")
    # Readable headers first (what a person opening it in Excel sees), the codes for scripts below.
    yield "\ufeff" + writer.writerow([str(label) for _code, label in PANEL_COLUMNS])
    yield writer.writerow(PANEL_HEADERS)
    for row in panel_rows(cases, participants):
        yield writer.writerow(row)


def panel_sources(viewer, county_code: str | None, period: Period):
    """Scoped querysets for the panel (cases via visible_to, activities via the same scope)."""
    cases = Case.objects.visible_to(viewer).filter(
        created_at__gte=period.start_at, created_at__lt=period.end_at
    )
    activities = activities_visible_to(viewer).filter(date__gte=period.start, date__lte=period.end)
    if county_code:
        cases = cases.filter(county_id=county_code)
        activities = activities.filter(county_id=county_code)
    participants = ActivityParticipant.objects.filter(activity__in=activities.values("pk"))
    return cases, participants
