# Longer than 400 lines: every handling action (claim, contact, refer, close, reopen, reassign,
# override, note, e-mail, ask the coordinator) is a short, parallel function here.
"""Case handling: the state machine and every action a handler or coordinator takes.

Each service locks the case row, checks the transition against ``ALLOWED_TRANSITIONS`` and the
user's allowed actions, writes with ``update_fields`` and appends exactly one ``CaseEvent``.
Claims, notes, reassignments and routing overrides never touch the clock; a referral gives the
receiving office its own acknowledgement deadline while ``original_deadline_at`` (the company's,
used by the indicator) stays as it was.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from regions.models import Office, StaffProfile
from routing.access import case_actions_for
from routing.company_view import case_status_url, status_context
from routing.deadlines import case_clock_fields
from routing.decision import Override
from routing.events import case_event_add
from routing.extensions import case_reopened
from routing.models import Case, CaseEvent
from routing.outbox import UnsafeHeader, outbox_enqueue_templated
from routing.staff_notifications import case_page_url as _case_url

S = Case.Status

#: The only status changes there are; anything else is a ``CaseTransitionError``.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.ASSIGNED, S.CONTACTED, S.REFERRED, S.CLOSED}),
    S.ASSIGNED: frozenset({S.NEW, S.CONTACTED, S.REFERRED, S.CLOSED}),
    S.CONTACTED: frozenset({S.IN_PROGRESS, S.REFERRED, S.CLOSED}),
    S.IN_PROGRESS: frozenset({S.REFERRED, S.CLOSED}),
    S.REFERRED: frozenset({S.NEW, S.ASSIGNED, S.CONTACTED, S.REFERRED, S.CLOSED}),
    S.CLOSED: frozenset({S.NEW, S.ASSIGNED, S.IN_PROGRESS}),  # reopen
}


class CaseActionError(Exception):
    """A domain rule said no; ``message`` is translated and shown to the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class CaseTransitionError(CaseActionError):
    pass


def transition_allowed(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED_TRANSITIONS.get(from_status, frozenset())


# --------------------------------------------------------------------------- helpers


def _locked(case: Case) -> Case:
    """Re-read the case under a row lock; the caller's copy may be stale."""
    return Case.objects.select_for_update().get(pk=case.pk)


def _require(user, case: Case, action: str) -> None:
    if action not in case_actions_for(user, case):
        raise CaseActionError(_("Den åtgärden går inte att göra för ärendet just nu."))


def _check_transition(case: Case, to_status: str) -> None:
    if not transition_allowed(case.status, to_status):
        raise CaseTransitionError(
            _("Ett ärende med status ”%(from)s” kan inte bli ”%(to)s”.")
            % {"from": S(case.status).label, "to": S(to_status).label}
        )


def _save(case: Case, fields: list[str]) -> None:
    case.save(update_fields=[*fields, "updated_at"])


def _sync(target: Case, source: Case) -> None:
    """Let the caller's instance see what the service wrote."""
    for f in Case._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))


def _office_label(office: Office | None) -> str:
    return office.name if office else ""


def _user_label(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email or user.get_username()


# --------------------------------------------------------------------------- actions


@transaction.atomic
def case_claim(*, case: Case, user) -> Case:
    """A handler takes a case from the office queue. The clock keeps running.

    A referred case stays "referred" until the receiving office records its acknowledgement.
    """
    locked = _locked(case)
    _require(user, locked, "claim")
    if locked.handler_id is not None:
        raise CaseActionError(_("Ärendet har redan tagits av en annan handläggare."))
    fields = ["handler"]
    old_status = locked.status
    locked.handler = user
    if locked.status == S.NEW:
        _check_transition(locked, S.ASSIGNED)
        locked.status = S.ASSIGNED
        fields.append("status")
    _save(locked, fields)
    case_event_add(
        case=locked, kind="claimed", user=user, from_value=old_status, to_value=locked.status
    )
    _sync(case, locked)
    return case


@transaction.atomic
def case_record_first_contact(*, case: Case, user, channel: str, at: datetime) -> Case:
    """The handler reached the company. Goal met when ``at`` <= the original deadline.

    On a referred case that already had first contact, this records the receiving office's
    acknowledgement instead; the company's first contact stays what it was.
    """
    if timezone.is_naive(at):
        raise ValueError("at must be timezone-aware")
    if channel not in Case.Channel.values:
        raise CaseActionError(_("Välj hur kontakten togs."))
    locked = _locked(case)
    _require(user, locked, "first_contact")
    now = timezone.now()
    if at > now:
        raise CaseActionError(_("Tidpunkten för kontakten kan inte ligga i framtiden."))
    if at < locked.created_at:
        raise CaseActionError(_("Kontakten kan inte ha tagits innan frågan kom in."))
    old_status = locked.status
    _check_transition(locked, S.CONTACTED)
    locked.status = S.CONTACTED
    fields = ["status"]
    if locked.handler_id is None:
        locked.handler = user
        fields.append("handler")
    if locked.first_contact_at is None:
        locked.first_contact_at = at
        locked.first_contact_channel = channel
        locked.first_contact_by = user
        fields += ["first_contact_at", "first_contact_channel", "first_contact_by"]
        kind = "first_contact"
    else:
        kind = "referral_acknowledged"
    # The company's first contact is measured against its own deadline, an acknowledgement
    # against the receiving office's.
    due = locked.original_deadline_at if kind == "first_contact" else locked.deadline_at
    _save(locked, fields)
    case_event_add(
        case=locked,
        kind=kind,
        user=user,
        from_value=old_status,
        to_value=S.CONTACTED,
        internal=False,  # the company sees that it was contacted (status page)
        data={
            "channel": channel,
            "at": at.isoformat(),
            "in_time": at <= due,
        },
    )
    _sync(case, locked)
    return case


@transaction.atomic
def case_start_work(*, case: Case, user) -> Case:
    locked = _locked(case)
    _require(user, locked, "start_work")
    old_status = locked.status
    _check_transition(locked, S.IN_PROGRESS)
    locked.status = S.IN_PROGRESS
    _save(locked, ["status"])
    case_event_add(
        case=locked, kind="status_changed", user=user, from_value=old_status, to_value=S.IN_PROGRESS
    )
    _sync(case, locked)
    return case


@transaction.atomic
def case_refer(*, case: Case, user, office: Office, reason: str) -> Case:
    """Forward to another actor's office ("hänvisad till annan aktör").

    The receiving office gets its own acknowledgement deadline counted from now, reminded and
    escalated like any other: the escalation level starts again at 0, and the case counts as
    awaiting contact while it is referred (``routing.models.AWAITING_CONTACT``). The company's
    ``original_deadline_at`` is untouched so the indicator still measures the first promise.
    """
    reason = reason.strip()
    if not reason:
        raise CaseActionError(_("Ange varför ärendet hänvisas."))
    locked = _locked(case)
    _require(user, locked, "refer")
    if office.pk == locked.office_id:
        raise CaseActionError(_("Välj ett annat kontor än det som har ärendet."))
    old_status, old_office = locked.status, locked.office
    _check_transition(locked, S.REFERRED)
    now = timezone.now()
    clock = case_clock_fields(now)
    locked.status = S.REFERRED
    locked.office = office
    locked.assigned_actor_id = office.actor_id
    locked.handler = None
    locked.in_triage = False
    locked.deadline_at = clock["deadline_at"]
    locked.deadline_trace = clock["deadline_trace"]
    locked.calendar_version = clock["calendar_version"]
    locked.reminder_at = clock["reminder_at"]
    locked.national_escalation_at = clock["national_escalation_at"]
    locked.escalation_level = 0
    _save(
        locked,
        [
            "status",
            "office",
            "assigned_actor",
            "handler",
            "in_triage",
            "deadline_at",
            "deadline_trace",
            "calendar_version",
            "reminder_at",
            "national_escalation_at",
            "escalation_level",
        ],
    )
    case_event_add(
        case=locked,
        kind="referred",
        user=user,
        from_value=_office_label(old_office),
        to_value=office.name,
        message=reason,  # internal: the status page shows only who has the question now
        internal=False,
        data={
            "from_status": old_status,
            "from_office": old_office.pk if old_office else None,
            "to_office": office.pk,
            "deadline_at": locked.deadline_at.isoformat(),
        },
    )
    if office.email:
        outbox_enqueue_templated(
            template_base="routing/email/staff_referral",
            context={"case": locked, "reason": reason, "url": _case_url(locked)},
            to=office.email,
            language="sv",
            kind="staff_referral",
            case=locked,
            staff=True,
        )
    _notify_company(locked, template_base="routing/email/company_referred", kind="company_referred")
    _sync(case, locked)
    return case


@transaction.atomic
def case_close(*, case: Case, user, outcome: str, note: str = "") -> Case:
    if outcome not in Case.Outcome.values:
        raise CaseActionError(_("Ange ett utfall för att avsluta ärendet."))
    locked = _locked(case)
    _require(user, locked, "close")
    old_status = locked.status
    _check_transition(locked, S.CLOSED)
    locked.status = S.CLOSED
    locked.outcome = outcome
    locked.closed_at = timezone.now()
    _save(locked, ["status", "outcome", "closed_at"])
    case_event_add(
        case=locked,
        kind="closed",
        user=user,
        from_value=old_status,
        to_value=S.CLOSED,
        message=note.strip(),
        internal=False,  # the note stays internal; the company sees the outcome
        data={"outcome": outcome},
    )
    _notify_company(locked, template_base="routing/email/company_closed", kind="company_closed")
    _sync(case, locked)
    return case


@transaction.atomic
def case_reopen(*, case: Case, user, reason: str) -> Case:
    reason = reason.strip()
    if not reason:
        raise CaseActionError(_("Ange varför ärendet öppnas igen."))
    locked = _locked(case)
    _require(user, locked, "reopen")
    if locked.first_contact_at is not None:
        target = S.IN_PROGRESS
    elif locked.handler_id is not None:
        target = S.ASSIGNED
    else:
        target = S.NEW
    _check_transition(locked, target)
    old_outcome = locked.outcome
    locked.status = target
    locked.outcome = ""
    locked.closed_at = None
    _save(locked, ["status", "outcome", "closed_at"])
    case_event_add(
        case=locked,
        kind="reopened",
        user=user,
        from_value=S.CLOSED,
        to_value=target,
        message=reason,
        data={"previous_outcome": old_outcome},
    )
    case_reopened(locked)
    _sync(case, locked)
    return case


def _check_county_office(case: Case, office: Office) -> None:
    if not office.counties_served.filter(pk=case.county_id).exists() and not office.is_national:
        raise CaseActionError(_("Kontoret betjänar inte ärendets län."))


@transaction.atomic
def case_reassign(*, case: Case, user, office: Office, reason: str, handler=None) -> Case:
    """Coordinator or national staff: move the case to any office (and optionally handler) in the
    county, saying why; the new office (or handler) is told by e-mail with the reason.

    The deadline is not touched: the company is still waiting.
    """
    reason = reason.strip()
    if not reason:
        raise CaseActionError(_("Ange varför ärendet omfördelas."))
    locked = _locked(case)
    _require(user, locked, "reassign")
    _check_county_office(locked, office)
    if (
        handler is not None
        and not StaffProfile.objects.filter(
            user=handler, role=StaffProfile.Role.HANDLER, office=office
        ).exists()
    ):
        raise CaseActionError(_("Handläggaren arbetar inte på det valda kontoret."))
    old = f"{_office_label(locked.office)} / {_user_label(locked.handler)}".strip(" /")
    old_status = locked.status
    locked.office = office
    locked.assigned_actor_id = office.actor_id
    locked.handler = handler
    locked.in_triage = False
    fields = ["office", "assigned_actor", "handler", "in_triage"]
    target = None
    if handler is not None and locked.status == S.NEW:
        target = S.ASSIGNED
    elif handler is None and locked.status == S.ASSIGNED:
        target = S.NEW
    if target:
        _check_transition(locked, target)
        locked.status = target
        fields.append("status")
    _save(locked, fields)
    case_event_add(
        case=locked,
        kind="reassigned",
        user=user,
        from_value=old,
        to_value=f"{office.name} / {_user_label(handler)}".strip(" /"),
        message=reason,
        data={
            "office": office.pk,
            "handler": handler.pk if handler else None,
            "from_status": old_status,
            "to_status": locked.status,
        },
    )
    recipient = handler.email if handler is not None else office.email
    if recipient and (office.pk != (case.office_id or 0) or handler is not None):
        outbox_enqueue_templated(
            template_base="routing/email/staff_reassigned",
            context={"case": locked, "reason": reason, "url": _case_url(locked)},
            to=recipient,
            language="sv",
            kind="staff_reassigned",
            case=locked,
            staff=True,
        )
    _sync(case, locked)
    return case


@transaction.atomic
def case_override_routing(*, case: Case, user, office: Office, reason: str) -> Case:
    """Coordinator: replace the routing engine's choice with another actor's office."""
    reason = reason.strip()
    if not reason:
        raise CaseActionError(_("Ange varför vägledningen ändras."))
    locked = _locked(case)
    _require(user, locked, "override_routing")
    _check_county_office(locked, office)
    if office.pk == locked.office_id:
        raise CaseActionError(_("Välj ett annat kontor än det som har ärendet."))
    old_office, old_actor_id = locked.office, locked.assigned_actor_id
    locked.office = office
    locked.assigned_actor_id = office.actor_id
    locked.handler = None
    locked.in_triage = False
    override = Override(
        by=user.pk,
        at=timezone.now().isoformat(),
        from_actor=old_actor_id,
        from_office=old_office.pk if old_office else None,
        to_actor=office.actor_id,
        to_office=office.pk,
        reason=reason,
    )
    decision = locked.decision
    if decision is not None:
        locked.decision = decision.with_override(override)
    fields = ["office", "assigned_actor", "handler", "in_triage", "routing_decision"]
    if locked.status == S.ASSIGNED:
        _check_transition(locked, S.NEW)
        locked.status = S.NEW
        fields.append("status")
    _save(locked, fields)
    case_event_add(
        case=locked,
        kind="routing_overridden",
        user=user,
        from_value=_office_label(old_office),
        to_value=office.name,
        message=reason,
        data=dataclasses.asdict(override),
    )
    _sync(case, locked)
    return case


@transaction.atomic
def case_add_note(*, case: Case, user, text: str) -> CaseEvent:
    """An internal note; never shown to the company and never stops the clock."""
    text = text.strip()
    if not text:
        raise CaseActionError(_("Skriv en anteckning."))
    locked = _locked(case)
    _require(user, locked, "note")
    return case_event_add(case=locked, kind="note", user=user, message=text, internal=True)


@transaction.atomic
def case_email_company(*, case: Case, user, subject: str, body: str) -> CaseEvent:
    """E-mail the company through the outbox; visible in the history as non-internal.

    Sending an e-mail is not first contact by itself: the handler records that separately.
    """
    subject, body = subject.strip(), body.strip()
    if not subject or not body:
        raise CaseActionError(_("Ange både ämne och meddelande."))
    locked = _locked(case)
    _require(user, locked, "email")
    profile = getattr(user, "staff_profile", None)
    office = profile.office if profile and profile.office_id else locked.office
    context = {
        "case": locked,
        "subject": subject,
        "body": body,
        "sender_name": _user_label(user),
        "office": office,
        "reply_to": _reply_address(office),
        "status_url": case_status_url(locked),
    }
    try:
        message = outbox_enqueue_templated(
            template_base="routing/email/staff_message_to_company",
            context=context,
            to=locked.email,
            language=locked.language or settings.LANGUAGE_CODE,
            kind="company_message",
            case=locked,
            reply_to=context["reply_to"],
        )
    except UnsafeHeader as exc:
        raise CaseActionError(_("Ämnet får bara vara en rad.")) from exc
    return case_event_add(
        case=locked,
        kind="email_company",
        user=user,
        to_value=locked.email,
        message=f"{subject}\n\n{body}",
        internal=False,
        data={"outbox": message.pk, "subject": subject},
    )


def _reply_address(office: Office | None) -> str:
    """Where a company's reply reaches a person: the office's shared inbox (not noreply@)."""
    return office.email if office is not None else ""


def _notify_company(case: Case, *, template_base: str, kind: str) -> None:
    """Tell the company, in its language, what changed; with the status link and the reply
    going to the office that has the question now. Nothing once its data has been erased."""
    if not case.email or case.anonymised_at is not None:
        return
    language = case.language or settings.LANGUAGE_CODE
    with translation.override(language):  # the context's texts are formatted in it
        context = status_context(case)
    context |= {"status_url": case_status_url(case), "reply_to": _reply_address(case.office)}
    outbox_enqueue_templated(
        template_base=template_base,
        context=context,
        to=case.email,
        language=language,
        kind=kind,
        case=case,
        reply_to=context["reply_to"],
    )


@transaction.atomic
def case_ask_coordinator(*, case: Case, user, question: str) -> CaseEvent:
    """National staff: ask the county's coordinators about a case, by e-mail through the outbox.

    Recorded in the case's history (internal), so the coordinator's answer has its context.
    """
    question = question.strip()
    if not question:
        raise CaseActionError(_("Skriv vad du vill fråga samordnaren."))
    locked = _locked(case)
    _require(user, locked, "ask_coordinator")
    addresses = sorted(
        StaffProfile.objects.filter(
            role=StaffProfile.Role.COORDINATOR, county_id=locked.county_id, user__is_active=True
        )
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if not addresses:
        raise CaseActionError(_("Länet har ingen samordnare med e-postadress att fråga."))
    for address in addresses:
        outbox_enqueue_templated(
            template_base="routing/email/staff_ask_coordinator",
            context={
                "case": locked,
                "question": question,
                "asked_by": _user_label(user),
                "url": _case_url(locked),
            },
            to=address,
            language="sv",
            kind="staff_ask_coordinator",
            case=locked,
            staff=True,
        )
    return case_event_add(
        case=locked,
        kind="coordinator_asked",
        user=user,
        to_value=", ".join(addresses),
        message=question,
    )
