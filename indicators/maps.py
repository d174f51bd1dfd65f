"""The map of Sweden, coloured by each county's share of first contacts within a working day.

The SVG ("Map of Sweden" from @svg-maps/sweden 1.0.1, based on MapSVG, CC BY 4.0) is parsed
once and re-emitted inline with each county path filled by its class: a colour *and* a pattern
per class (colour is never the only carrier), a <title> with name and value, and a link to the
county's page. The per-county table next to it is the text alternative.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

SVG_PATH = Path(__file__).resolve().parent / "data" / "sweden-counties.svg"
VIEWBOX = "0 0 346 793"

_PATH_RE = re.compile(r'<path\s+id="([^"]+)"\s+name="([^"]+)"\s+d="([^"]+)"', re.S)


@dataclass(frozen=True)
class Bin:
    key: str
    label: object
    fill: str
    pattern: str  # SVG markup drawn over the fill inside a 8×8 pattern tile
    lower: float | None  # inclusive lower bound of the share (0–1); None = no data


# Red → blue, light in the middle: neighbours differ in lightness as well as hue, and the
# pattern differs for every class.
BINS = (
    Bin(
        "none",
        _("Inga avgjorda ärenden"),
        "#ffffff",
        '<path d="M0 8L8 0" stroke="#5c6670" stroke-width="1"/>',
        None,
    ),
    Bin(
        "b0",
        _("under 50 %"),
        "#a3121a",
        '<path d="M0 0L8 8M8 0L0 8" stroke="#ffffff" stroke-width="1.2"/>',
        0.0,
    ),
    Bin("b1", _("50–69 %"), "#e0733f", '<path d="M0 4H8" stroke="#1b1b1b" stroke-width="1"/>', 0.5),
    Bin("b2", _("70–79 %"), "#fbd3b7", '<circle cx="4" cy="4" r="1.3" fill="#1b1b1b"/>', 0.7),
    Bin(
        "b3",
        _("80–89 % (målet nått)"),
        "#7fb2d9",
        '<path d="M4 0V8" stroke="#1b1b1b" stroke-width="1"/>',
        0.8,
    ),
    Bin("b4", _("minst 90 %"), "#1f5a96", "", 0.9),
)


def bin_for(ratio: float | None) -> Bin:
    if ratio is None:
        return BINS[0]
    chosen = BINS[1]
    for candidate in BINS[1:]:
        if ratio >= candidate.lower:
            chosen = candidate
    return chosen


@lru_cache(maxsize=1)
def county_paths() -> dict[str, tuple[str, str]]:
    """County slug (as County.slug: "vastra-gotaland") → (name in the file, path data)."""
    text = SVG_PATH.read_text(encoding="utf-8")
    return {slugify(pid): (name, d) for pid, name, d in _PATH_RE.findall(text)}


def pattern_defs() -> SafeString:
    return format_html_join(
        "",
        '<pattern id="map-{}" width="8" height="8" patternUnits="userSpaceOnUse">'
        '<rect width="8" height="8" fill="{}"/>{}</pattern>',
        ((b.key, b.fill, SafeString(b.pattern)) for b in BINS),
    )


@dataclass(frozen=True)
class MapCounty:
    slug: str
    name: str
    ratio: float | None
    value_text: str
    url: str


def render_map(counties: list[MapCounty], *, title: str) -> SafeString:
    paths = county_paths()
    shapes = []
    for county in counties:
        if county.slug not in paths:
            continue
        _name, d = paths[county.slug]
        shapes.append(
            format_html(
                '<a href="{url}" aria-label="{name}: {value}">'
                '<path class="county" data-county="{slug}" d="{d}" fill="url(#map-{bin})">'
                "<title>{name}: {value}</title></path></a>",
                url=county.url,
                name=county.name,
                value=county.value_text,
                slug=county.slug,
                d=d,
                bin=bin_for(county.ratio).key,
            )
        )
    return format_html(
        '<svg class="county-map" viewBox="{vb}" xmlns="http://www.w3.org/2000/svg" '
        'aria-labelledby="county-map-title"><title id="county-map-title">{title}</title>'
        "<defs>{defs}</defs>{shapes}</svg>",
        vb=VIEWBOX,
        title=title,
        defs=pattern_defs(),
        shapes=SafeString("".join(shapes)),
    )


def legend() -> list[dict]:
    return [{"key": b.key, "label": b.label} for b in BINS]
