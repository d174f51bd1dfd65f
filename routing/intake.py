# Longer than 400 lines: filing and what the company sees of its case (receipt, status page,
# history) share the status token and the catalogue snapshot. The company-facing half is the next
# to move into a module of its own.
"""Filing a company's question: reference, clock, routing, assignment, history and receipt.

``case_create`` takes already-validated data (see ``routing.validation``) and does everything in
one transaction: the case row, its events and the receipt e-mail in the outbox commit together,
so an accepted question is never lost. The e-mail is handed to Celery only after commit; a broker
failure then leaves the outbox row pending for the periodic re-send.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from regions.links import absolute_url
from regions.models import Municipality, Office, Topic
from routing.assignment import Assignment, assign
from routing.catalogue import CatalogueSnapshot, catalogue
from routing.clock import STOCKHOLM
from routing.deadlines import case_clock_fields
from routing.decision import Alternative, OfficeRef, Override, RoutingDecision
from routing.engine import Decision, QuestionFacts
from routing.events import (
    EventKind,
    case_event_add,
    case_event_build,
    case_events_add,
    event_label,
)
from routing.limits import receipt_allowed
from routing.models import Case, CaseReferenceCounter
from routing.outbox import outbox_enqueue_templated
from routing.rules import route_question
from routing.staff_notifications import case_notify_new_assignment

STATUS_SALT = "case-status"
STATUS_LINK_LIFETIME = timedelta(days=365)
#: Events whose value the company may see on its status page (office names, the reference);
#: others carry internal values such as the company's own e-mail address or a user name.
PUBLIC_VALUE_KINDS = frozenset({"created", "assigned", "triage", "referred"})


@dataclass(frozen=True)
class QuestionData:
    """A validated question, as the form and the serializer both produce it."""

    company_name: str
    org_number: str  # ten digits
    contact_name: str
    email: str
    municipality: Municipality
    question: str
    language: str = "sv"
    org_number_is_personal: bool = False
    phone: str = ""
    postal_code: str = ""
    topic: Topic | None = None
    target_countries: list[str] = field(default_factory=list)
    employees: str = ""
    export_experience: str = ""


# --------------------------------------------------------------------------- references


def next_case_reference(*, now: datetime) -> str:
    """REC-YYYY-NNNNNN. Call inside a transaction: the UPDATE holds the counter row's lock until
    commit, so concurrent filings get consecutive numbers without gaps or duplicates (on SQLite
    the write lock serialises the same way)."""
    year = now.astimezone(STOCKHOLM).year
    number = _counter_increment(year)
    if number is None:
        try:
            with transaction.atomic():
                CaseReferenceCounter.objects.create(year=year, last_number=1)
            number = 1
        except IntegrityError:
            # Another filing created this year's row first; take the next number from it.
            number = _counter_increment(year)
    return f"REC-{year}-{number:06d}"


def _update_returning_supported() -> bool:
    return connection.vendor == "postgresql" or (
        connection.vendor == "sqlite" and sqlite3.sqlite_version_info >= (3, 35)
    )


def _counter_increment(year: int) -> int | None:
    """Add one to the year's counter and return the new number; None if the year has no row.
    One statement (UPDATE … RETURNING) where the database supports it."""
    if not _update_returning_supported():
        counter = CaseReferenceCounter.objects.filter(year=year)
        if not counter.update(last_number=F("last_number") + 1):
            return None
        return counter.values_list("last_number", flat=True).get()
    opts = CaseReferenceCounter._meta
    quote = connection.ops.quote_name
    table = quote(opts.db_table)
    number = quote(opts.get_field("last_number").column)
    key = quote(opts.get_field("year").column)
    with connection.cursor() as cursor:
        # Identifiers come from the model's metadata; the year is a parameter.
        cursor.execute(
            f"UPDATE {table} SET {number} = {number} + 1 WHERE {key} = %s RETURNING {number}",  # noqa: S608
            [year],
        )
        row = cursor.fetchone()
    return row[0] if row else None


# --------------------------------------------------------------------------- status links


def case_status_token(case: Case) -> str:
    return signing.dumps(case.reference, salt=STATUS_SALT)


def status_link_expired(case: Case, now: datetime | None = None) -> bool:
    """The link is the only credential: it stops working 12 months after the case closed."""
    if case.closed_at is None:
        return False
    return (now or timezone.now()) - case.closed_at > STATUS_LINK_LIFETIME


def case_from_status_token(token: str) -> Case | None:
    """The case a status token names, or None (bad, tampered or expired token)."""
    try:
        reference = signing.loads(token, salt=STATUS_SALT)
    except signing.BadSignature:
        return None
    case = (
        Case.objects.select_related("county", "assigned_actor", "office")
        .filter(reference=reference)
        .first()
    )
    if case is None or status_link_expired(case):
        return None
    return case


def case_status_path(case: Case) -> str:
    return reverse("case-status", kwargs={"token": case_status_token(case)})


def case_status_url(case: Case) -> str:
    return absolute_url(case_status_path(case))


# --------------------------------------------------------------------------- presentation


def format_deadline(value: datetime, language: str | None = None) -> str:
    """ "måndag 28 december 2026 kl. 15.00" / "Monday 28 December 2026 at 15:00" (Stockholm)."""
    local = value.astimezone(STOCKHOLM)
    with translation.override(language or translation.get_language() or "sv"):
        return _("%(date)s kl. %(time)s") % {
            "date": dateformat.format(local, "l j F Y"),
            "time": dateformat.format(local, _("H.i")),
        }


def alternatives_by_actor(case: Case) -> tuple[Alternative, ...]:
    """The other actors offering similar services, without the actor that has the case."""
    decision = case.decision
    return decision.alternatives_besides(case.assigned_actor_id) if decision else ()


def reason_for_company(case: Case, language: str | None = None) -> str:
    """One plain sentence on why this actor, in ``language`` (default: the active one); empty
    when no decision was recorded or the case has since moved to another actor."""
    decision = case.decision
    if decision is None:
        return ""
    routed_to = decision.assignment.actor_id if decision.assignment else None
    if decision.override is None and routed_to != case.assigned_actor_id:
        return ""
    with translation.override(language or translation.get_language() or "sv"):
        return decision.explain().for_company


@dataclass(frozen=True)
class OfficeContact:
    """How a company reaches an office: today's details, not those stored at filing."""

    name: str
    phone: str = ""
    email: str = ""
    street_address: str = ""
    opening_hours: str = ""
    website: str = ""

    @classmethod
    def of(cls, office: Office, *, website: str = "") -> OfficeContact:
        return cls(
            name=office.name,
            phone=office.phone,
            email=office.email,
            street_address=office.street_address,
            opening_hours=office.opening_hours,
            website=website or office.actor.website,
        )


@dataclass(frozen=True)
class AlternativeForCompany:
    """Another actor with similar services, and how to reach its office serving the county."""

    actor_name: str
    services: tuple
    office: OfficeContact | None
    website: str = ""


def alternatives_for_company(
    case: Case, *, snapshot: CatalogueSnapshot | None = None
) -> list[AlternativeForCompany]:
    """The alternatives of the routing decision with the contact details of the office serving
    the county as they are now (the decision keeps those of filing day). ``snapshot``: read the
    offices from it instead of the database (filing already holds a fresh one)."""
    alternatives = alternatives_by_actor(case)
    if not alternatives:
        return []
    actor_ids = [a.actor_id for a in alternatives]
    if snapshot is not None:
        offices_of = {actor_id: snapshot.offices_of_actor_id(actor_id) for actor_id in actor_ids}
    else:
        offices_of = defaultdict(list)
        for office in Office.objects.select_related("actor").filter(actor_id__in=actor_ids):
            offices_of[office.actor_id].append(office)
    result = []
    for alt in alternatives:
        offices = offices_of.get(alt.actor_id, [])
        office = next((o for o in offices if alt.office and o.pk == alt.office.office_id), None)
        if office is not None:
            contact = OfficeContact.of(office)
        elif alt.office:  # the office is gone: what was true on filing day
            contact = OfficeContact(
                name=alt.office.name, phone=alt.office.phone, email=alt.office.email
            )
        else:
            contact = None
        result.append(
            AlternativeForCompany(
                actor_name=alt.actor_name,
                services=alt.services,
                office=contact,
                website=offices[0].actor.website if offices else "",
            )
        )
    return result


def case_office_contact(case: Case) -> OfficeContact | None:
    """The office that has the question now (None while nobody does)."""
    return OfficeContact.of(case.office) if case.office_id else None


def holder_name(case: Case) -> str:
    """Who has the question: "Almi Företagspartner (Almi Skåne)", or one name when the office
    is called like its actor ("Region Skåne")."""
    actor = case.assigned_actor.name if case.assigned_actor_id else ""
    office = case.office.name if case.office_id else ""
    if not actor or not office or actor == office:
        return actor or office
    return f"{actor} ({office})"


def receipt_context(
    case: Case, *, status_url: str, snapshot: CatalogueSnapshot | None = None
) -> dict[str, Any]:
    return {
        "case": case,
        "deadline_text": format_deadline(case.deadline_at),
        "alternatives": alternatives_for_company(case, snapshot=snapshot),
        "reason": reason_for_company(case),
        "status_url": status_url,
        "holder": holder_name(case),
        "office_contact": case_office_contact(case),
    }


#: How a closed case ended, as the company is told (the staff labels are the outcome codes').
COMPANY_OUTCOMES: dict[str, Any] = {
    Case.Outcome.ANSWERED: gettext_lazy("Frågan är besvarad."),
    Case.Outcome.REFERRED_OUTSIDE: gettext_lazy(
        "Du har fått kontakt med en aktör utanför exportcentret som kan hjälpa dig vidare."
    ),
    Case.Outcome.NO_REPLY: gettext_lazy("Vi fick inget svar från dig."),
    Case.Outcome.OUT_OF_SCOPE: gettext_lazy("Frågan ligger utanför exportcentrets uppdrag."),
    Case.Outcome.DUPLICATE: gettext_lazy("Frågan besvaras i ett annat ärende."),
}


def company_outcome(case: Case) -> str:
    outcome = COMPANY_OUTCOMES.get(case.outcome)
    return str(outcome) if outcome else ""


@dataclass(frozen=True)
class HistoryItem:
    at: datetime
    text: str


def company_history(case: Case) -> list[HistoryItem]:
    """The public events in plain language: what happened and when, nothing internal (no codes,
    no user names, no e-mail addresses)."""
    return [HistoryItem(at=e.at, text=_company_event_text(e)) for e in public_events(case)]


def _company_event_text(event) -> str:
    label = event_label(event.kind, for_company=True)
    kind = event.kind
    if kind in {EventKind.ASSIGNED, EventKind.REFERRED} and event.to_value:
        return f"{label} {event.to_value}"
    if kind in {EventKind.FIRST_CONTACT, EventKind.REFERRAL_ACKNOWLEDGED}:
        channel = (event.data or {}).get("channel")
        if channel in Case.Channel.values:
            return f"{label} ({str(Case.Channel(channel).label).lower()})"
    if kind == EventKind.CLOSED:
        outcome = COMPANY_OUTCOMES.get((event.data or {}).get("outcome"))
        if outcome:
            return f"{label}. {outcome}"
    if kind == EventKind.STATUS_CHANGED and event.to_value in Case.Status.values:
        return f"{label}: {str(Case.Status(event.to_value).label).lower()}"
    return label


def status_context(case: Case) -> dict[str, Any]:
    """Everything the status page says: who has the question now, how to reach them, what
    happened and when. A deadline is promised only while nobody has contacted the company."""
    waiting_for_contact = case.status in {
        Case.Status.NEW,
        Case.Status.ASSIGNED,
        Case.Status.REFERRED,
    }
    return {
        "case": case,
        "holder": holder_name(case),
        "office_contact": case_office_contact(case),
        "deadline_text": format_deadline(case.deadline_at) if waiting_for_contact else "",
        "outcome_text": company_outcome(case) if case.status == Case.Status.CLOSED else "",
        "history": company_history(case),
        "alternatives": alternatives_for_company(case),
        "reason": reason_for_company(case),
    }


def public_events(case: Case):
    return case.events.filter(internal=False).order_by("at", "pk")


def public_event_value(event) -> str:
    """What the public history may show after an event's label (nothing for most kinds)."""
    return event.to_value if event.kind in PUBLIC_VALUE_KINDS else ""


# --------------------------------------------------------------------------- the service


def case_create(
    *,
    data: QuestionData,
    company_user=None,
    now: datetime | None = None,
    is_test: bool = False,
    snapshot: CatalogueSnapshot | None = None,
    channel: str = Case.IntakeChannel.WEB,
    received_at: datetime | None = None,
    registered_by=None,
    send_receipt: bool = True,
    keep: KeepAtOffice | None = None,
) -> Case:
    """File a question. Returns the committed case (status, office and handler set).

    `is_test` marks a mystery-shopper question: it goes through the same flow and looks like any
    other case to handlers, but never counts in the indicators. `snapshot`: the catalogue
    snapshot the caller validated with (default: this process's current one).

    A question staff register on the company's behalf (``routing.registration``) also gives
    `channel`, `received_at` (the clock starts then, not when it was typed in), `registered_by`,
    whether the company wants the receipt, and `keep`: the handler keeps it at their own office
    instead of where routing sends it, recorded as a routing override.
    """
    now = now or timezone.now()
    received_at = received_at or now
    snapshot = snapshot or catalogue()
    county = data.municipality.county
    facts = QuestionFacts(
        county_code=county.code,
        text=data.question,
        topic=data.topic.code if data.topic else None,
        target_countries=tuple(data.target_countries),
        employees=data.employees or None,
        export_experience=data.export_experience or None,
    )
    decision = route_question(facts, snapshot=snapshot)
    routed = assign(
        snapshot=snapshot,
        county_code=county.code,
        ranked_actor_types=[actor for actor, _score in decision.ranked],
        fallback_to_front_door=decision.fallback_to_front_door,
        now=now,
    )
    routing_decision = _routing_decision(decision, routed, county.code, snapshot)
    assignment, override = routed, None
    if keep is not None and keep.office != routed.office:
        assignment, override = _kept_assignment(routed, keep, by=registered_by, now=now)
        routing_decision = routing_decision.with_override(override)
    elif keep is not None and keep.handler is not None:
        assignment = dataclasses.replace(routed, handler=keep.handler)
    status = Case.Status.ASSIGNED if assignment.office and not assignment.in_triage else "new"

    with transaction.atomic():
        case = Case.objects.create(
            reference=next_case_reference(now=received_at),
            created_at=received_at,
            intake_channel=channel,
            is_test=is_test,
            company_name=data.company_name,
            org_number=data.org_number,
            org_number_is_personal=data.org_number_is_personal,
            contact_name=data.contact_name,
            email=data.email,
            phone=data.phone,
            postal_code=data.postal_code,
            municipality=data.municipality,
            county=county,
            topic=data.topic,
            question=data.question,
            target_countries=list(data.target_countries),
            employees=data.employees,
            export_experience=data.export_experience,
            language=data.language,
            company_user=company_user if getattr(company_user, "pk", None) else None,
            status=status,
            assigned_actor=assignment.actor,
            office=assignment.office,
            handler=assignment.handler,
            out_of_county=assignment.out_of_county,
            in_triage=assignment.in_triage,
            decision=routing_decision,
            **case_clock_fields(received_at),
        )
        _record_filing(case, assignment, received_at, registered_by=registered_by, now=now)
        if override is not None:
            _record_kept(case, routed, override, by=registered_by, now=now)
        if send_receipt:
            _enqueue_receipt(case, snapshot)
        if registered_by is None or case.handler_id != registered_by.pk:
            # Nobody needs telling about a question they registered and kept themselves.
            case_notify_new_assignment(case=case)
    return case


@dataclass(frozen=True)
class KeepAtOffice:
    """Staff keep a registered question at their own office (and, for a handler, with
    themselves) instead of where routing sends it; ``reason`` is required and recorded."""

    office: Office
    reason: str
    handler: Any = None


def _kept_assignment(
    routed: Assignment, keep: KeepAtOffice, *, by, now: datetime
) -> tuple[Assignment, Override]:
    office = keep.office
    assignment = Assignment(
        actor=office.actor,
        office=office,
        handler=keep.handler,
        actor_type=office.actor.actor_type_id,
        reason="kept_at_office",
    )
    override = Override(
        by=getattr(by, "pk", None),
        at=now.isoformat(),
        from_actor=routed.actor.pk if routed.actor else None,
        from_office=routed.office.pk if routed.office else None,
        to_actor=office.actor_id,
        to_office=office.pk,
        reason=keep.reason,
    )
    return assignment, override


def _record_kept(case: Case, routed: Assignment, override: Override, *, by, now) -> None:
    """The same event a coordinator's routing override writes (``case_override_routing``)."""
    case_event_add(
        case=case,
        kind="routing_overridden",
        user=by,
        from_value=routed.office.name if routed.office else "",
        to_value=case.office.name if case.office else "",
        message=override.reason,
        data=dataclasses.asdict(override),
        at=now,
    )


def _routing_decision(
    decision: Decision, assignment: Assignment, county_code: str, snapshot: CatalogueSnapshot
) -> RoutingDecision:
    actor_ids = dict.fromkeys(s.actor_id for s in decision.alternatives)
    offices = {
        actor_id: office
        for actor_id in actor_ids
        if (office := _office_serving(snapshot, actor_id, county_code)) is not None
    }
    return RoutingDecision.from_engine(
        decision, county=county_code, assignment=assignment.as_dict(), offices=offices
    )


def _office_serving(
    snapshot: CatalogueSnapshot, actor_id: int, county_code: str
) -> OfficeRef | None:
    """How the company reaches an alternative actor: its office serving the county, the one
    based there first."""
    serving = [
        o
        for o in snapshot.offices_of_actor_id(actor_id)
        if any(c.pk == county_code for c in o.counties_served.all())
    ]
    if not serving:
        return None
    office = min(serving, key=lambda o: (o.home_county_id != county_code, o.pk))
    return OfficeRef(office_id=office.pk, name=office.name, email=office.email, phone=office.phone)


def _record_filing(
    case: Case, assignment: Assignment, at: datetime, *, registered_by=None, now: datetime
) -> None:
    """The filing's events, written in one INSERT, at the time the question was received; a
    registered question's "created" event names who typed it in, and when."""
    created = {"county": case.county_id, "municipality": case.municipality_id}
    if case.intake_channel != Case.IntakeChannel.WEB:
        created["channel"] = case.intake_channel
    if registered_by is not None:
        created["registered_at"] = now.isoformat()
    events = [
        case_event_build(
            case=case, kind="created", to_value=case.reference, internal=False, at=at,
            user=registered_by, data=created,
        )
    ]  # fmt: skip
    if assignment.in_triage:
        events.append(case_event_build(
            case=case, kind="triage", to_value=assignment.office.name if assignment.office else "",
            internal=False, at=at, data=assignment.as_dict(),
        ))  # fmt: skip
    else:
        events.append(case_event_build(
            case=case, kind="assigned", to_value=assignment.office.name, internal=False, at=at,
            data=assignment.as_dict(),
        ))  # fmt: skip
        if assignment.handler is not None:
            # Who exactly handles the case is internal; the company sees actor and office.
            events.append(case_event_build(
                case=case, kind="handler_assigned", to_value=assignment.handler.get_username(),
                internal=True, at=at,
            ))  # fmt: skip
    case_events_add(events)


def _enqueue_receipt(case: Case, snapshot: CatalogueSnapshot) -> None:
    if not receipt_allowed(case.email):
        return  # saved and routed as usual; only the mail is held back (routing/limits.py)
    with translation.override(case.language):  # the context formats the deadline in it
        context = receipt_context(case, status_url=case_status_url(case), snapshot=snapshot)
    outbox_enqueue_templated(
        template_base="routing/email/receipt",
        context=context,
        to=case.email,
        language=case.language,
        kind="receipt",
        case=case,
    )
