"""Filing a company's question: reference, clock, routing, assignment, history and receipt.

``case_create`` takes already-validated data (see ``routing.validation``) and does everything in
one transaction: the case row, its events and the receipt e-mail in the outbox commit together,
so an accepted question is never lost. The e-mail is handed to Celery only after commit; a broker
failure then leaves the outbox row pending for the periodic re-send.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone, translation

from regions.models import Municipality, Office, Topic
from routing.assignment import Assignment, assign
from routing.catalogue import CatalogueSnapshot, catalogue
from routing.clock import STOCKHOLM
from routing.company_view import case_status_url, receipt_context
from routing.deadlines import case_clock_fields
from routing.decision import OfficeRef, Override, RoutingDecision
from routing.engine import Decision, QuestionFacts
from routing.events import (
    case_event_add,
    case_event_build,
    case_events_add,
)
from routing.limits import receipt_allowed
from routing.models import Case, CaseReferenceCounter, OutboxMessage
from routing.outbox import outbox_build_templated, outbox_save
from routing.rules import route_question
from routing.staff_notifications import new_case_notice


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
        mail = _receipt(case, snapshot) if send_receipt else []
        if registered_by is None or case.handler_id != registered_by.pk:
            # Nobody needs telling about a question they registered and kept themselves.
            mail += new_case_notice(case=case)
        outbox_save(mail)
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


def _receipt(case: Case, snapshot: CatalogueSnapshot) -> list[OutboxMessage]:
    """The company's receipt, unsaved (``outbox_save`` writes it with the staff notice)."""
    if not receipt_allowed(case.email):
        return []  # saved and routed as usual; only the mail is held back (routing/limits.py)
    with translation.override(case.language):  # the context formats the deadline in it
        context = receipt_context(case, status_url=case_status_url(case), snapshot=snapshot)
    receipt = outbox_build_templated(
        template_base="routing/email/receipt",
        context=context,
        to=case.email,
        language=case.language,
        kind="receipt",
        case=case,
    )
    return [receipt]
