"""Append-only case history: the kinds of event, their labels, and the writers.

``EVENT_LABELS`` is the one table of what each kind of event is called, in the staff history and
on the company's status page (where the label is followed by the event's ``to_value``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from routing.models import Case, CaseEvent


class EventKind(StrEnum):
    CREATED = "created"
    TRIAGE = "triage"
    ASSIGNED = "assigned"
    HANDLER_ASSIGNED = "handler_assigned"
    CLAIMED = "claimed"
    FIRST_CONTACT = "first_contact"
    REFERRAL_ACKNOWLEDGED = "referral_acknowledged"
    STATUS_CHANGED = "status_changed"
    REFERRED = "referred"
    CLOSED = "closed"
    REOPENED = "reopened"
    REASSIGNED = "reassigned"
    ROUTING_OVERRIDDEN = "routing_overridden"
    COORDINATOR_ASKED = "coordinator_asked"
    NOTE = "note"
    EMAIL_COMPANY = "email_company"
    EMAIL_FAILED = "email_failed"
    ESCALATED = "escalated"
    DEADLINE_RECOMPUTED = "deadline_recomputed"
    PERSONAL_DATA_ERASED = "personal_data_erased"
    ANONYMISED_BY_RETENTION = "anonymised_by_retention"


@dataclass(frozen=True)
class EventLabel:
    staff: Promise
    #: How the company's status page words it, when that differs (only public events).
    company: Promise | None = None


EVENT_LABELS: dict[EventKind, EventLabel] = {
    EventKind.CREATED: EventLabel(_("Frågan kom in"), _("Frågan togs emot")),
    EventKind.TRIAGE: EventLabel(
        _("Till länets samordning för bedömning"),
        _("Frågan skickades till länets samordning för bedömning"),
    ),
    EventKind.ASSIGNED: EventLabel(_("Tilldelat kontor"), _("Frågan skickades till")),
    EventKind.HANDLER_ASSIGNED: EventLabel(_("Tilldelad handläggare")),
    EventKind.CLAIMED: EventLabel(_("Tog ärendet")),
    EventKind.FIRST_CONTACT: EventLabel(_("Första kontakt"), _("Vi kontaktade dig")),
    EventKind.REFERRAL_ACKNOWLEDGED: EventLabel(
        _("Mottagande kontor har kontaktat företaget"), _("Det nya kontoret kontaktade dig")
    ),
    EventKind.STATUS_CHANGED: EventLabel(_("Status ändrad"), _("Ny status")),
    EventKind.REFERRED: EventLabel(_("Hänvisat till annan aktör"), _("Hänvisad till")),
    EventKind.CLOSED: EventLabel(_("Avslutat"), _("Ärendet avslutades")),
    EventKind.REOPENED: EventLabel(_("Öppnat igen"), _("Ärendet öppnades igen")),
    EventKind.REASSIGNED: EventLabel(_("Omfördelat")),
    EventKind.ROUTING_OVERRIDDEN: EventLabel(_("Vägledningen ändrad")),
    EventKind.COORDINATOR_ASKED: EventLabel(_("Fråga till länets samordnare")),
    EventKind.NOTE: EventLabel(_("Intern anteckning")),
    EventKind.EMAIL_COMPANY: EventLabel(
        _("E-post till företaget"), _("Ni fick ett e-postmeddelande från handläggaren")
    ),
    EventKind.EMAIL_FAILED: EventLabel(_("E-post kunde inte skickas")),
    EventKind.ESCALATED: EventLabel(_("Eskalerat")),
    EventKind.DEADLINE_RECOMPUTED: EventLabel(_("Fristen räknades om")),
    EventKind.PERSONAL_DATA_ERASED: EventLabel(_("Personuppgifterna raderades på begäran")),
    EventKind.ANONYMISED_BY_RETENTION: EventLabel(
        _("Personuppgifterna anonymiserades efter gallringstiden")
    ),
}


def event_label(kind: str, *, for_company: bool = False) -> str:
    """What an event of ``kind`` is called, in the active language; unknown kinds (old rows)
    show as they are stored."""
    try:
        label = EVENT_LABELS[EventKind(kind)]
    except ValueError:
        return kind
    return str(label.company if for_company and label.company else label.staff)


def case_event_add(**fields) -> CaseEvent:
    """Record one change (arguments as for ``case_event_build``). Never updated or deleted."""
    event = case_event_build(**fields)
    event.save(force_insert=True)
    return event


def case_events_add(events: list[CaseEvent]) -> list[CaseEvent]:
    """Record several changes (built by ``case_event_build``) in one INSERT, in list order."""
    return CaseEvent.objects.bulk_create(events)


def case_event_build(
    *,
    case: Case,
    kind: str,
    user=None,
    from_value: str = "",
    to_value: str = "",
    message: str = "",
    internal: bool = True,
    data: dict | None = None,
    at=None,
) -> CaseEvent:
    """An unsaved event with the same normalisation as ``case_event_add``.

    ``kind`` must be an ``EventKind`` (ValueError otherwise), so every event has a label.
    """
    return CaseEvent(
        case=case,
        kind=EventKind(kind).value,
        actor_user=user if getattr(user, "pk", None) else None,
        from_value=str(from_value)[:200],
        to_value=str(to_value)[:200],
        message=message,
        internal=internal,
        data=data or {},
        at=at or timezone.now(),
    )
