"""Append-only case history."""

from __future__ import annotations

from django.utils import timezone

from routing.models import Case, CaseEvent


def case_event_add(
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
    """Record one change. Events are never updated or deleted."""
    return CaseEvent.objects.create(
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
