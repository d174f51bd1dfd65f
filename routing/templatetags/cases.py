"""Template helpers for the case lists: working time left as text, the clock's running window."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from routing import events
from routing.clock import STOCKHOLM, is_working_day
from routing.countries import country_name
from routing.models import Case

register = template.Library()


def _duration(seconds: int) -> str:
    hours, rest = divmod(abs(int(seconds)), 3600)
    minutes = rest // 60
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


@register.filter
def working_left(seconds: int) -> str:
    """'3 h 05 min kvar' or 'Försenat 1 h 20 min' (working time, the clock's own measure)."""
    if seconds is None:
        return ""
    if seconds > 0:
        return _("%(duration)s kvar") % {"duration": _duration(seconds)}
    return _("Försenat %(duration)s") % {"duration": _duration(seconds)}


@register.simple_tag
def clock_runs_until(now=None) -> str:
    """Until when the working-day clock runs uninterrupted (ISO), or '' while it is stopped.

    The countdown script only counts down inside this window, so it never runs through a
    weekend or holiday; a reload brings the server's exact figure.
    """
    now = now or timezone.now()
    today = now.astimezone(STOCKHOLM).date()
    if not is_working_day(today):
        return ""
    midnight = timezone.make_aware(
        timezone.datetime.combine(today + timedelta(days=1), timezone.datetime.min.time()),
        STOCKHOLM,
    )
    return midnight.isoformat()


@register.filter
def event_label(kind: str) -> str:
    return events.event_label(kind)


def _local(iso: str) -> str:
    try:
        at = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return ""
    return date_format(timezone.localtime(at), "DATETIME_FORMAT")


def _staff_name(username: str) -> str:
    user = get_user_model().objects.filter(username=username).first()
    return (user.get_full_name() or user.email or username) if user else username


@register.filter
def event_detail(event) -> str:
    """What changed, in words: office and people by name, statuses, channels and outcomes by
    their labels, times in the date format. Never raw codes; "" when the label says it all."""
    kind, data = event.kind, event.data or {}
    to_value = event.to_value
    if kind in {events.EventKind.ASSIGNED, events.EventKind.TRIAGE}:
        return to_value
    if kind == events.EventKind.HANDLER_ASSIGNED:
        return _staff_name(to_value)
    if kind in {events.EventKind.FIRST_CONTACT, events.EventKind.REFERRAL_ACKNOWLEDGED}:
        parts = [channel_label(data.get("channel", "")), _local(data.get("at", ""))]
        return ", ".join(p for p in parts if p)
    if kind in {events.EventKind.STATUS_CHANGED, events.EventKind.REOPENED}:
        return status_label(to_value)
    if kind in {events.EventKind.REFERRED, events.EventKind.ROUTING_OVERRIDDEN}:
        if event.from_value:
            return _("från %(from)s till %(to)s") % {"from": event.from_value, "to": to_value}
        return to_value
    if kind == events.EventKind.REASSIGNED:
        return _("från %(from)s till %(to)s") % {
            "from": event.from_value or _("länets triagekö"),
            "to": to_value,
        }
    if kind == events.EventKind.CLOSED:
        return outcome_label(data.get("outcome", ""))
    if kind in {events.EventKind.EMAIL_COMPANY, events.EventKind.EMAIL_FAILED}:
        return to_value
    if kind == events.EventKind.DEADLINE_RECOMPUTED:
        return _("från %(from)s till %(to)s") % {
            "from": _local(event.from_value),
            "to": _local(to_value),
        }
    return ""


@register.filter
def status_label(value: str) -> str:
    """Status codes in event from/to values shown as their labels; other values as they are."""
    try:
        return str(Case.Status(value).label)
    except ValueError:
        return value


@register.filter
def channel_label(value: str) -> str:
    """A first contact's channel, or how a registered question came in (the created event)."""
    for channels in (Case.Channel, Case.IntakeChannel):
        try:
            return str(channels(value).label)
        except ValueError:
            continue
    return value


@register.filter
def outcome_label(value: str) -> str:
    try:
        return str(Case.Outcome(value).label)
    except ValueError:
        return value


@register.filter
def country_names(codes) -> str:
    """Target countries by name in the page's language ("Tyskland, Norge")."""
    language = (get_language() or "sv")[:2]
    return ", ".join(country_name(str(code), language) for code in codes or [])


@register.filter
def as_text(value) -> str:
    """A list (e.g. target countries) as "DE, FR"; anything else as it is. The routing decision
    is not rendered here: the case page reads it through ``Case.decision``."""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


#: Extension point: higher apps append ``callable(case) -> safe HTML`` in ``AppConfig.ready``.
CASE_PAGE_SECTIONS: list = []


@register.simple_tag
def case_page_sections(case) -> str:
    # Each section escapes unless it hands back safe (template-rendered) HTML.
    return mark_safe("".join(conditional_escape(section(case)) for section in CASE_PAGE_SECTIONS))  # noqa: S308
