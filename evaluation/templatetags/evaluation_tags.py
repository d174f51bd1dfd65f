from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def points(value) -> str:
    """A difference of shares (0–1) as signed percentage points with one decimal."""
    if value is None:
        return "–"
    text = number_format(round(float(value) * 100, 1), 1)
    return text if text.startswith("-") or float(value) == 0 else f"+{text}"


@register.filter
def percent(value) -> str:
    if value is None:
        return "–"
    return f"{number_format(round(float(value) * 100, 1), 1)} %"


@register.simple_tag
def case_arms(case) -> list:
    """``{% case_arms case as arms %}``: the case's arms in started experiments (read-only),
    for any template that should show or apply an intervention (receipt, e-mails)."""
    from evaluation.selectors import arms_for_case

    return arms_for_case(case)
