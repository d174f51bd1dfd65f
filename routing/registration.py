"""Questions that come in through other doors: staff register a call, an e-mail, a visit, a
question asked at an event or a referral from outside the partnership.

The question then goes the web's way (``routing.intake.case_create``: the same routing decision,
events, clock, escalation and surveys); only the clock starts when the company asked, not when
the question was typed in. A handler may keep it at their own office with a reason (recorded as
a routing override). A question already answered on the spot is registered closed in the same
step, first contact at the time it was received, so that advice given on the phone is counted.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from regions.access import Role, scope_of
from routing.access import may_register_in_county
from routing.events import case_event_add
from routing.intake import KeepAtOffice, QuestionData, case_create
from routing.models import Case
from routing.services import CaseActionError

C = Case.IntakeChannel

#: The doors staff register; the web form and the API register themselves.
STAFF_CHANNELS = (C.PHONE, C.EMAIL, C.VISIT, C.EVENT, C.REFERRAL)
#: Older than this is a typing mistake rather than a late registration.
RECEIVED_MAX_AGE = timedelta(days=30)
#: The browser's clock and ours need not agree to the second.
CLOCK_SLACK = timedelta(minutes=1)
#: How the company got its answer when the question was answered on the spot: a referral from
#: outside reaches us as a call.
ANSWER_CHANNEL = {
    C.PHONE: Case.Channel.PHONE,
    C.EMAIL: Case.Channel.EMAIL,
    C.VISIT: Case.Channel.MEETING,
    C.EVENT: Case.Channel.MEETING,
    C.REFERRAL: Case.Channel.PHONE,
}
#: Outcomes a question answered on the spot can have (no reply, duplicate make no sense here).
ANSWERED_OUTCOMES = (
    Case.Outcome.ANSWERED,
    Case.Outcome.REFERRED_OUTSIDE,
    Case.Outcome.OUT_OF_SCOPE,
)


def clean_received_at(value: datetime, *, now: datetime | None = None) -> datetime:
    """When the company asked: not in the future, not implausibly long ago (aware datetime)."""
    now = now or timezone.now()
    if timezone.is_naive(value):
        raise ValueError("received_at must be timezone-aware")
    if value > now + CLOCK_SLACK:
        raise ValidationError(
            _("Tidpunkten kan inte ligga i framtiden."), code="received_in_future"
        )
    if value < now - RECEIVED_MAX_AGE:
        raise ValidationError(
            _("Frågan kan inte ha kommit in för mer än %(days)s dagar sedan. Kontrollera datumet."),
            code="received_too_old",
            params={"days": RECEIVED_MAX_AGE.days},
        )
    return min(value, now)


def own_office(user):
    """The registering handler's office (None for coordinators and admins)."""
    profile = getattr(user, "staff_profile", None)
    if scope_of(user).role != Role.HANDLER or profile is None:
        return None
    return profile.office


@transaction.atomic
def case_register(
    *,
    data: QuestionData,
    user,
    channel: str,
    received_at: datetime,
    send_receipt: bool,
    keep_reason: str = "",
    answered_outcome: str = "",
    answer_note: str = "",
    now: datetime | None = None,
) -> Case:
    """Register a question received by ``channel`` at ``received_at``; returns the case.

    ``keep_reason``: a handler keeps the question at their own office and with themselves.
    ``answered_outcome``: the question was answered on the spot; the case is closed with it
    (a handler's answer stays at their office) and no receipt is sent.
    """
    now = now or timezone.now()
    if channel not in STAFF_CHANNELS:
        raise CaseActionError(_("Välj hur frågan kom in."))
    if answered_outcome and answered_outcome not in ANSWERED_OUTCOMES:
        raise CaseActionError(_("Välj ett utfall för den besvarade frågan."))
    if not may_register_in_county(user, data.municipality.county_id):
        raise CaseActionError(_("Du kan bara registrera frågor från företag i ditt eget län."))
    received_at = clean_received_at(received_at, now=now)

    office = own_office(user)
    keep_reason = keep_reason.strip()
    if answered_outcome and office is not None and not keep_reason:
        # The handler gave the advice, so the case is theirs (and counts for their actor).
        keep_reason = str(_("Besvarad direkt när frågan kom in."))
    keep = None
    if keep_reason:
        if office is None:
            raise CaseActionError(_("Bara handläggare kan behålla en fråga på sitt kontor."))
        keep = KeepAtOffice(office=office, reason=keep_reason, handler=user)

    case = case_create(
        data=data,
        now=now,
        channel=channel,
        received_at=received_at,
        registered_by=user,
        send_receipt=send_receipt and not answered_outcome,
        keep=keep,
    )
    if answered_outcome:
        _close_answered(case, user=user, outcome=answered_outcome, note=answer_note, now=now)
    return case


def _close_answered(case: Case, *, user, outcome: str, note: str, now: datetime) -> None:
    """First contact when the question came in, then closed: the same events as recording
    first contact and closing a case on its page."""
    old_status = case.status
    case.first_contact_at = case.created_at
    case.first_contact_channel = ANSWER_CHANNEL[case.intake_channel]
    case.first_contact_by = user
    if case.handler_id is None and own_office(user) is not None:
        case.handler = user
    case.status = Case.Status.CLOSED
    case.outcome = outcome
    case.closed_at = now
    case.save(
        update_fields=[
            "first_contact_at",
            "first_contact_channel",
            "first_contact_by",
            "handler",
            "status",
            "outcome",
            "closed_at",
            "updated_at",
        ]
    )
    case_event_add(
        case=case,
        kind="first_contact",
        user=user,
        from_value=old_status,
        to_value=Case.Status.CONTACTED,
        at=case.first_contact_at,
        data={
            "channel": case.first_contact_channel,
            "at": case.first_contact_at.isoformat(),
            "in_time": case.first_contact_at <= case.original_deadline_at,
        },
    )
    case_event_add(
        case=case,
        kind="closed",
        user=user,
        from_value=Case.Status.CONTACTED,
        to_value=Case.Status.CLOSED,
        message=note.strip(),
        data={"outcome": outcome},
        at=now,
    )
