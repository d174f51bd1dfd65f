"""Append-only case history."""

from __future__ import annotations

from django.utils import timezone

from routing.models import Case, CaseEvent


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
    """An unsaved event with the same normalisation as ``case_event_add``."""
    return CaseEvent(
        case=case,
        kind=kind,
        actor_user=user if getattr(user, "pk", None) else None,
        from_value=str(from_value)[:200],
        to_value=str(to_value)[:200],
        message=message,
        internal=internal,
        data=data or {},
        at=at or timezone.now(),
    )
