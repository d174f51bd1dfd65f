"""Formatting of indicator values: the one place that decides how a value reads."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from indicators.values import Share, Unit

register = template.Library()


def format_value(value, unit: str | None = None) -> str:
    """Share → "83 %" or "för få svar"; hours → "7,5 h"; counts grouped; missing → "–"."""
    if value is None:
        return "–"
    if isinstance(value, Share):
        if value.too_few:
            return _("för få svar")
        if value.percent is None:
            return "–"
        return f"{number_format(_rounded(value.percent, 0), 0)} %"
    if unit == Unit.HOURS:
        return f"{number_format(_rounded(value, 1), 1)} h"
    if isinstance(value, int):
        return number_format(value, 0, force_grouping=True)
    return number_format(_rounded(value, 1), 1)


def _rounded(value, places: int) -> Decimal:
    """Rounded half up: Django's number_format cuts decimals off (83.9 % showed as "83 %" while
    the export said 83,9)."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@register.filter
def indval(value, unit=None) -> str:
    return format_value(value, unit)


@register.filter
def share_detail(value) -> str:
    """ "2 av 4" under a share, so the base is visible (not for suppressed cells)."""
    if isinstance(value, Share) and not value.too_few and value.denominator:
        return _("%(num)s av %(den)s") % {"num": value.numerator, "den": value.denominator}
    return ""


@register.filter
def sort_value(value) -> str:
    """A machine-sortable value for data-sort-value (suppressed/missing sort last)."""
    if isinstance(value, Share):
        value = value.ratio
    return "" if value is None else f"{float(value):.6f}"


@register.filter
def getitem(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def goal_status(value, indicator=None) -> str:
    """ "ok"/"bad"/"" for a share against its indicator's goal (shown as text, not only colour).

    Only indicators with a goal get one; without ``indicator`` the government's 80 % goal.
    """
    goal = getattr(indicator, "goal", None) if indicator is not None else 0.8
    if goal is not None and isinstance(value, Share) and value.ratio is not None:
        return "ok" if value.ratio >= goal else "bad"
    return ""


@register.filter
def goal_percent(indicator) -> str:
    """The indicator's goal as people write it: "80 %"."""
    goal = getattr(indicator, "goal", None)
    return "" if goal is None else f"{round(goal * 100)}\u00a0%"


@register.simple_tag
def sortable_th(label, key: str, current: str, query: str = ""):
    """A column header that sorts server-side by link (?sort=); sortable-table.js enhances it.

    aria-sort is set on the column the table is currently sorted by.
    """
    from django.utils.html import format_html

    active = current.lstrip("-") == key
    descending = current.startswith("-")
    next_sort = f"-{key}" if active and not descending else key
    aria = ""
    if active:
        aria = "descending" if descending else "ascending"
    href = f"?{query + '&' if query else ''}sort={next_sort}"
    if aria:
        return format_html(
            '<th scope="col" aria-sort="{}" data-sort-key="{}"><a href="{}">{}</a></th>',
            aria,
            key,
            href,
            label,
        )
    return format_html(
        '<th scope="col" data-sort-key="{}"><a href="{}">{}</a></th>', key, href, label
    )
