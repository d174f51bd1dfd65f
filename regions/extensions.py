"""Extension points of the county pages: what higher apps add without regions naming them.

regions sits at the bottom (regions ← routing ← indicators) and must not know the apps above
it, yet the public county page links to the question form (routing) and lists the county's
upcoming activities (indicators), and the editing hub links to the county's activities. Those
apps register a ``CountyPart`` for a ``Slot`` in their ``AppConfig.ready``; the regions
templates render every part of a slot (``{% county_parts "page-sections" county %}``) in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from regions.models import County


class Slot(StrEnum):
    PAGE_TOP = "page-top"  # the public county page, right under its heading
    PAGE_SECTIONS = "page-sections"  # the public county page, between services and contact
    HUB_SECTIONS = "hub-sections"  # the editing hub, after the service catalogue


def _no_context(county: County) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class CountyPart:
    """A piece of a county page, rendered from ``template_name`` with ``county`` and the
    result of ``context(county)``. A part with an ``anchor`` (the id of its heading) and a
    ``toc_label`` is listed in the page's table of contents."""

    key: str  # unique within a slot; registering the same key again replaces the part
    template_name: str
    context: Callable[[County], dict[str, Any]] = _no_context
    order: int = 100
    anchor: str = ""
    toc_label: str = ""


_parts: dict[Slot, dict[str, CountyPart]] = {slot: {} for slot in Slot}


def county_part_register(slot: Slot, part: CountyPart) -> None:
    """Add (or replace, by key) a part of ``slot``. Call from ``AppConfig.ready``."""
    _parts[Slot(slot)][part.key] = part


def county_parts(slot: Slot | str) -> list[CountyPart]:
    """The parts of ``slot`` in the order they are shown."""
    return sorted(_parts[Slot(slot)].values(), key=lambda part: (part.order, part.key))
