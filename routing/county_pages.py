"""What routing adds to the county pages of regions (see ``regions.extensions``): the box that
sends a company to the question form with its county chosen. Registered from
``RoutingConfig.ready``; regions must not name this app."""

from __future__ import annotations

from regions.extensions import CountyPart, Slot, county_part_register


def county_parts_register() -> None:
    county_part_register(
        Slot.PAGE_TOP,
        CountyPart(key="routing.ask-box", template_name="routing/intake/_county_ask_box.html"),
    )
