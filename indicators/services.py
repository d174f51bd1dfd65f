# Longer than 400 lines: the indicators app's writes: activities and participants, surveys and
# mystery-shopper tests; each part is short.
"""Writes: activities and participants, survey invitations and answers, mystery-shopper tests."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.se import orgnr, personnummer

from indicators.kept_months import (
    kept_months_forget,
    kept_months_forget_activities,
    month_of,
)
from indicators.models import (
    Activity,
    ActivityParticipant,
    MysteryShopperTest,
    SurveyInvitation,
    SurveyResponse,
)
from regions.links import absolute_reverse
from regions.models import Actor, ActorType, County, Topic
from routing.intake import QuestionData, case_create
from routing.models import Case
from routing.outbox import outbox_enqueue_templated

MAX_IMPORT_ROWS = 5000
SURVEY_SALT = "indicators.survey"
DISPATCH_BATCH = 500


# --------------------------------------------------------------------------- org numbers


def normalise_org_number(raw: str) -> str:
    """Ten digits (as intake stores them) for an organisation number or a sole trader's
    personnummer.

    Raises ValidationError. A 12-digit personnummer (with century) is shortened to the
    10-digit form that organisation numbers use, so one company has one key.
    """
    value = (raw or "").strip()
    if not value:
        raise ValidationError(_("Organisationsnummer saknas."))
    if orgnr.is_valid(value):
        return orgnr.compact(value)
    if personnummer.is_valid(value):
        return "".join(ch for ch in personnummer.compact(value) if ch.isdigit())[-10:]
    raise ValidationError(
        _("%(value)s är inte ett giltigt organisationsnummer eller personnummer.")
        % {"value": value[:40]}
    )


@dataclass(frozen=True)
class BadRow:
    line: int
    value: str
    reason: str


@dataclass(frozen=True)
class ParsedParticipants:
    companies: dict[str, str]  # org number → company name (may be empty)
    bad_rows: list[BadRow]


def _collect(rows: list[tuple[int, str, str]]) -> ParsedParticipants:
    companies: dict[str, str] = {}
    bad: list[BadRow] = []
    for line, raw_org, name in rows:
        try:
            org = normalise_org_number(raw_org)
        except ValidationError as exc:
            bad.append(BadRow(line, raw_org[:40], " ".join(exc.messages)))
            continue
        # The same company twice is one participation; keep the first name given.
        companies.setdefault(org, name[:200])
    return ParsedParticipants(companies, bad)


def parse_participants_text(text: str) -> ParsedParticipants:
    """One company per line: "organisationsnummer" or "organisationsnummer; namn"."""
    rows = []
    for line_no, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        raw_org, _sep, name = line.replace("\t", ";").replace(",", ";").partition(";")
        rows.append((line_no, raw_org.strip(), name.strip()))
    return _collect(rows)


class _SemicolonCsv(csv.excel):
    """What Swedish Excel writes; used when the sniffer cannot tell."""

    delimiter = ";"


def parse_participants_csv(data: bytes) -> ParsedParticipants:
    """CSV with the organisation number in the first column and optionally the name second.

    Accepts UTF-8 (with or without BOM) and Windows-1252 (what Excel saves), separators ; , or
    tab, and an optional header row. Every bad row is reported with its line number.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    # A NUL cannot be stored in PostgreSQL; a spreadsheet never writes one, so the file is not CSV.
    if "\x00" in text:
        return ParsedParticipants(
            {}, [BadRow(1, "", _("Filen är ingen CSV-fil (den innehåller NUL-tecken)."))]
        )
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=";,\t")
    except csv.Error:
        dialect = _SemicolonCsv
    reader = csv.reader(io.StringIO(text), dialect)
    rows: list[tuple[int, str, str]] = []
    try:
        for index, record in enumerate(reader, start=1):
            if not record or not any(cell.strip() for cell in record):
                continue
            first = record[0].strip()
            if index == 1 and not any(ch.isdigit() for ch in first):
                continue  # header row
            if len(rows) >= MAX_IMPORT_ROWS:
                too_many = _("Filen har fler än %(max)s rader.") % {"max": MAX_IMPORT_ROWS}
                return ParsedParticipants({}, [BadRow(index, "", too_many)])
            rows.append((index, first, record[1].strip() if len(record) > 1 else ""))
    except csv.Error:
        # Typically a field over csv.field_size_limit() (128 KiB), e.g. an unclosed quote.
        unreadable = _(
            "Raden kunde inte läsas: ett fält är längre än 128 KiB (kanske ett citattecken som "
            "inte avslutas)."
        )
        return ParsedParticipants({}, [BadRow(reader.line_num, "", unreadable)])
    return _collect(rows)


# --------------------------------------------------------------------------- activities


@transaction.atomic
def activity_create(
    *,
    county: County,
    kind: str,
    title: str,
    date: date,
    actors: list[Actor],
    participant_count: int,
    companies: dict[str, str],
    created_by,
    description: str = "",
    financing_kind: str = "",
    registration_url: str = "",
    is_public: bool = False,
) -> Activity:
    """Create an activity with its actors and participating companies in one transaction."""
    activity = Activity.objects.create(
        county=county,
        kind=kind,
        title=title,
        date=date,
        description=description,
        participant_count=max(participant_count, len(companies)),
        financing_kind=financing_kind if kind == Activity.Kind.FINANCING_DECISION else "",
        registration_url=registration_url,
        is_public=is_public,
        created_by=created_by,
    )
    activity.actors.set(actors)
    activity_add_participants(activity=activity, companies=companies)
    kept_months_forget([date])
    return activity


@transaction.atomic
def activity_update(
    *,
    activity: Activity,
    county: County,
    kind: str,
    title: str,
    date: date,
    actors: list[Actor],
    participant_count: int,
    description: str = "",
    financing_kind: str = "",
    registration_url: str = "",
    is_public: bool = False,
) -> Activity:
    """Change an activity's facts; its participating companies stay as they are."""
    registered = activity.participants.count()
    stored_date = Activity.objects.values_list("date", flat=True).get(pk=activity.pk)
    # The figures of both months change: the one it left and the one it moves to.
    kept_months_forget([stored_date, date])
    activity.county = county
    activity.kind = kind
    activity.title = title
    activity.date = date
    activity.description = description
    activity.participant_count = max(participant_count, registered)
    activity.financing_kind = financing_kind if kind == Activity.Kind.FINANCING_DECISION else ""
    activity.registration_url = registration_url
    activity.is_public = is_public
    activity.save(
        update_fields=[
            "county",
            "kind",
            "title",
            "date",
            "description",
            "participant_count",
            "financing_kind",
            "registration_url",
            "is_public",
        ]
    )
    activity.actors.set(actors)
    return activity


@transaction.atomic
def activity_cancel(*, activity: Activity) -> None:
    """A cancelled activity did not happen: it leaves the county page and the indicators, with
    its participant rows (which are personal data when a company is a sole trader)."""
    kept_months_forget(Activity.objects.filter(pk=activity.pk).values_list("date", flat=True))
    activity.delete()


@transaction.atomic
def activity_add_participants(*, activity: Activity, companies: dict[str, str]) -> int:
    """Add companies (already validated); ones already registered are left as they are.

    Returns how many were new. Runs in one transaction: all rows or none.
    """
    existing = set(activity.participants.values_list("org_number", flat=True))
    new = [
        ActivityParticipant(
            activity=activity,
            org_number=org,
            company_name=name,
            # A sole trader's number is a personnummer: flagged, so lists mask it.
            org_number_is_personal=personnummer.is_valid(org),
        )
        for org, name in companies.items()
        if org not in existing
    ]
    ActivityParticipant.objects.bulk_create(new)
    if new:
        kept_months_forget_activities([activity.pk])
    total = len(existing) + len(new)
    if total > activity.participant_count:
        Activity.objects.filter(pk=activity.pk).update(participant_count=total)
    return len(new)


# --------------------------------------------------------------------------- surveys


def survey_delay() -> timedelta:
    return settings.SURVEY_DELAY


def effect_survey_delay() -> timedelta:
    return settings.EFFECT_SURVEY_DELAY


def survey_link_max_age() -> timedelta:
    return settings.SURVEY_LINK_MAX_AGE


def survey_token(invitation: SurveyInvitation) -> str:
    return signing.dumps({"i": invitation.pk}, salt=SURVEY_SALT, compress=True)


def survey_invitation_from_token(token: str) -> SurveyInvitation | None:
    """The invitation a link is for, or None if the link is forged, garbled or too old."""
    try:
        data = signing.loads(token, salt=SURVEY_SALT, max_age=survey_link_max_age())
    except signing.BadSignature:
        return None
    return (
        SurveyInvitation.objects.select_related("case", "case__county")
        .filter(pk=data.get("i"))
        .first()
    )


def survey_url(invitation: SurveyInvitation) -> str:
    return absolute_reverse("survey-answer", survey_token(invitation))


def _due_cases(kind: str, now: datetime):
    delay = survey_delay() if kind == SurveyInvitation.Kind.FOLLOWUP else effect_survey_delay()
    already = SurveyInvitation.objects.filter(case=OuterRef("pk"), kind=kind)
    return (
        Case.objects.real()
        .filter(closed_at__isnull=False, closed_at__lte=now - delay)
        .exclude(outcome=Case.Outcome.DUPLICATE)
        .exclude(email="")
        .exclude(Exists(already))
        .order_by("closed_at")
    )


def survey_dispatch(*, now: datetime | None = None) -> int:
    """Invite the companies of closed cases whose survey is due; returns how many were invited.

    The invitation row and its e-mail (outbox) are written in one transaction. Concurrent
    runs are safe: due cases are locked with SKIP LOCKED, and the unique (case, kind)
    constraint turns a duplicate into a skipped row, never a second e-mail.
    """
    now = now or timezone.now()
    invited = 0
    for kind in (SurveyInvitation.Kind.FOLLOWUP, SurveyInvitation.Kind.EFFECT):
        with transaction.atomic():
            invited_months: set[date] = set()
            cases = list(
                _due_cases(kind, now).select_for_update(skip_locked=True, of=("self",))[
                    :DISPATCH_BATCH
                ]
            )
            for case in cases:
                try:
                    with transaction.atomic():
                        invitation = SurveyInvitation.objects.create(
                            case=case, kind=kind, created_at=now, language=case.language
                        )
                        _enqueue_survey_email(invitation)
                except IntegrityError:
                    continue
                invited += 1
                invited_months.add(month_of(case.created_at))
            # A survey is part of the figures of the month its case was filed in.
            kept_months_forget(invited_months)
    return invited


def _enqueue_survey_email(invitation: SurveyInvitation) -> None:
    case = invitation.case
    context = {"case": case, "url": survey_url(invitation), "kind": invitation.kind}
    outbox_enqueue_templated(
        template_base=f"indicators/email/survey_{invitation.kind}",
        context=context,
        to=case.email,
        language=invitation.language,
        kind=f"survey_{invitation.kind}",
        case=case,
    )


class AlreadyAnswered(Exception):
    """The case's survey of this kind has been answered; one answer per case and kind."""


def survey_answer(
    *,
    invitation: SurveyInvitation,
    right_actor_in_time: str = "",
    got_help: str = "",
    went_on: str = "",
    comment: str = "",
) -> SurveyResponse:
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                invitation=invitation,
                case=invitation.case,
                kind=invitation.kind,
                answered_at=timezone.now(),
                right_actor_in_time=right_actor_in_time,
                got_help=got_help,
                went_on=went_on,
                comment=comment,
            )
            kept_months_forget([month_of(invitation.case.created_at)])
            return response
    except IntegrityError as exc:
        raise AlreadyAnswered from exc


# --------------------------------------------------------------------------- mystery shopper


@transaction.atomic
def mystery_test_create(
    *,
    county: County,
    expected_actor_type: ActorType,
    question: str,
    company_name: str,
    org_number: str,
    contact_name: str,
    email: str,
    created_by,
    topic: Topic | None = None,
    note: str = "",
) -> MysteryShopperTest:
    """Create a test question that enters the normal flow as an ordinary-looking case.

    Goes through the intake service: routing, assignment and the clock as for any question.
    """
    now = timezone.now()
    municipality = county.municipalities.order_by("code").first()
    case = _create_test_case(
        county=county,
        municipality=municipality,
        topic=topic,
        question=question,
        company_name=company_name,
        org_number=org_number,
        contact_name=contact_name,
        email=email,
        now=now,
    )
    return MysteryShopperTest.objects.create(
        county=county,
        case=case,
        expected_actor_type=expected_actor_type,
        note=note,
        created_by=created_by,
        created_at=now,
    )


def _create_test_case(
    *, county, municipality, topic, question, company_name, org_number, contact_name, email, now
) -> Case:
    return case_create(
        data=QuestionData(
            company_name=company_name,
            org_number=org_number,
            contact_name=contact_name,
            email=email,
            municipality=municipality,
            question=question,
            topic=topic,
        ),
        now=now,
        is_test=True,
    )
