"""Reads for the handler inbox and the coordinator and national lists.

Everything starts from ``routing.access.cases_visible_to(viewer)``, so no list can show a case
outside the viewer's scope. ``viewer`` is the request's scope (``request.scope``) or a user.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone

from regions.access import scope_of
from routing.access import cases_referred_by, cases_visible_to
from routing.deadlines import overdue_q
from routing.events import EventKind
from routing.models import AWAITING_CONTACT, Case, CaseEvent

_LIST_RELATED = ("county", "office", "handler", "topic")


def inbox_my_cases(viewer) -> QuerySet[Case]:
    scope = scope_of(viewer)
    return (
        cases_visible_to(scope)
        .open()
        .filter(handler_id=scope.user_id)
        .select_related(*_LIST_RELATED)
    )


def inbox_office_queue(viewer) -> QuerySet[Case]:
    """Unclaimed open cases of the handler's office."""
    scope = scope_of(viewer)
    if scope.office_id is None:
        return Case.objects.none()
    return (
        cases_visible_to(scope)
        .open()
        .filter(office_id=scope.office_id, handler__isnull=True)
        .select_related(*_LIST_RELATED)
    )


def inbox_referred_by_us(viewer) -> QuerySet[Case]:
    """Cases the handler's office referred on; it keeps reading them ("hänvisade av oss")."""
    return cases_referred_by(viewer).select_related(*_LIST_RELATED)


def county_cases(viewer) -> QuerySet[Case]:
    return cases_visible_to(viewer).select_related(*_LIST_RELATED)


def triage_queue(viewer) -> QuerySet[Case]:
    return cases_visible_to(viewer).open().filter(in_triage=True).select_related(*_LIST_RELATED)


def overdue_cases(viewer, *, now: datetime | None = None) -> QuerySet[Case]:
    """Overdue cases (``routing.deadlines.overdue_q``); escalated (level >= 2) first."""
    now = now or timezone.now()
    return (
        cases_visible_to(viewer)
        .filter(overdue_q(now))
        .select_related(*_LIST_RELATED)
        .order_by("-escalation_level", "deadline_at")
    )


def national_overdue_cases(viewer, *, now: datetime | None = None) -> QuerySet[Case]:
    """Overdue cases (``overdue_q``) still waiting more than one working day after their deadline,
    i.e. past ``national_escalation_at``, when they reach national level. Longest waiting first."""
    now = now or timezone.now()
    return (
        cases_visible_to(viewer)
        .filter(overdue_q(now), national_escalation_at__lte=now)
        .select_related(*_LIST_RELATED)
        .order_by("deadline_at")
    )


def apply_case_filters(
    queryset: QuerySet[Case],
    *,
    status: str = "",
    overdue: bool = False,
    topic: str = "",
    now: datetime | None = None,
) -> QuerySet[Case]:
    if status:
        queryset = queryset.filter(status=status)
    if overdue:
        queryset = queryset.filter(overdue_q(now or timezone.now()))
    if topic:
        queryset = queryset.filter(topic_id=topic)
    return queryset


@dataclass(frozen=True)
class ReferralStep:
    """The latest referral of a case and the receiving office's acknowledgement of it."""

    at: datetime
    from_office: str
    to_office: str
    reason: str
    acknowledged: CaseEvent | None  # the receiving office's contact with the company, if any

    @property
    def acknowledged_at(self) -> datetime | None:
        if self.acknowledged is None:
            return None
        return datetime.fromisoformat(self.acknowledged.data["at"])


def case_referral_step(events: list[CaseEvent]) -> ReferralStep | None:
    """From the case's events in order; None when the case was never referred."""
    referral = next((e for e in reversed(events) if e.kind == EventKind.REFERRED), None)
    if referral is None:
        return None
    acknowledged = next(
        (
            e
            for e in events
            if (e.at, e.pk) > (referral.at, referral.pk)
            and e.kind in {EventKind.REFERRAL_ACKNOWLEDGED, EventKind.FIRST_CONTACT}
        ),
        None,
    )
    return ReferralStep(
        at=referral.at,
        from_office=referral.from_value,
        to_office=referral.to_value,
        reason=referral.message,
        acknowledged=acknowledged,
    )


def search_cases(queryset: QuerySet[Case], text: str) -> QuerySet[Case]:
    """Reference, company name, org number (with or without the hyphen) or e-mail."""
    text = text.strip()
    if not text:
        return queryset
    digits = "".join(ch for ch in text if ch.isdigit())
    q = (
        Q(reference__icontains=text)
        | Q(company_name__icontains=text)
        | Q(email__icontains=text)
        | Q(org_number__icontains=text)
    )
    if len(digits) >= 6 and len(digits) != len(text):
        q |= Q(org_number__icontains=digits)
    if len(digits) == 10:
        q |= Q(org_number=f"{digits[:6]}-{digits[6:]}")
    return queryset.filter(q)


def county_case_list(
    viewer,
    *,
    now: datetime,
    search: str = "",
    open_only: bool = True,
    status: str = "",
    actor=None,
    office=None,
    overdue: bool = False,
) -> QuerySet[Case]:
    """The coordinator's list: open cases by default; those still waiting for contact first,
    nearest deadline first (a contacted case's deadline no longer asks anything of anyone);
    closed ones, when shown, after the open ones, latest closed first."""
    queryset = county_cases(viewer)
    if open_only:
        queryset = queryset.open()
    queryset = apply_case_filters(queryset, status=status, overdue=overdue, now=now)
    if actor is not None:
        queryset = queryset.filter(assigned_actor=actor)
    if office is not None:
        queryset = queryset.filter(office=office)
    queryset = search_cases(queryset, search)
    is_closed = ExpressionWrapper(Q(status=Case.Status.CLOSED), output_field=BooleanField())
    awaits_contact = ExpressionWrapper(AWAITING_CONTACT, output_field=BooleanField())
    return queryset.annotate(is_closed=is_closed, awaits_contact=awaits_contact).order_by(
        "is_closed",
        F("awaits_contact").desc(),
        F("closed_at").desc(nulls_first=True),
        "deadline_at",
        "pk",
    )
