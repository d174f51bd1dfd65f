"""Server-rendered SVG charts: bar and line, each with <title>/<desc> and a table alternative.

No JavaScript and no CDN: the SVG is inline markup. Values are also written as text next to
bars and points so colour is never the only carrier, and every chart comes with the same data
as rows for an HTML table (``Chart.rows``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

_ids = itertools.count(1)

WIDTH = 640
HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 56


@dataclass(frozen=True)
class Chart:
    """An SVG chart plus the rows of its table alternative."""

    title: str
    svg: SafeString
    headers: tuple[str, str]
    rows: list[tuple[str, str]]


def _fmt_default(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def _svg_open(chart_id: str, title: str, desc: str, height: int = HEIGHT) -> str:
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>',
        w=WIDTH,
        h=height,
        id=chart_id,
        title=title,
        desc=desc,
    )


def _axis(max_value: float, fmt: Callable[[float | None], str]) -> str:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = []
    for step in range(5):
        value = max_value * step / 4
        y = TOP + plot_h - plot_h * step / 4
        parts.append(
            format_html(
                '<line class="grid" x1="{x1}" x2="{x2}" y1="{y}" y2="{y}"/>'
                '<text class="tick" x="{tx}" y="{ty}" text-anchor="end">{label}</text>',
                x1=LEFT,
                x2=WIDTH - RIGHT,
                y=f"{y:.1f}",
                tx=LEFT - 6,
                ty=f"{y + 4:.1f}",
                label=fmt(value),
            )
        )
    return "".join(parts)


def _nice_max(values: Sequence[float | None], floor: float = 1) -> float:
    top = max([v for v in values if v is not None] or [0])
    if top <= floor:
        return floor
    magnitude = 10 ** (len(str(int(top))) - 1)
    return float(-(-top // magnitude) * magnitude)


def bar_chart(
    *,
    title: str,
    description: str,
    items: Sequence[tuple[str, float | None]],
    value_header: str,
    label_header: str,
    fmt: Callable[[float | None], str] = _fmt_default,
    max_value: float | None = None,
) -> Chart:
    """Vertical bars, one per item; a missing value (None) is drawn as a labelled gap."""
    chart_id = f"chart{next(_ids)}"
    top = max_value or _nice_max([v for _, v in items])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(items), 1)
    bar_w = max(slot * 0.7, 2)
    parts = [_svg_open(chart_id, title, description), _axis(top, fmt)]
    for i, (label, value) in enumerate(items):
        x = LEFT + i * slot + (slot - bar_w) / 2
        h = 0 if value is None else plot_h * min(value, top) / top
        y = TOP + plot_h - h
        parts.append(
            format_html(
                '<g class="bar"><rect x="{x}" y="{y}" width="{w}" height="{h}">'
                "<title>{label}: {text}</title></rect>"
                '<text class="value" x="{cx}" y="{vy}" text-anchor="middle">{text}</text>'
                '<text class="label" x="{cx}" y="{ly}" text-anchor="middle">{short}</text></g>',
                x=f"{x:.1f}",
                y=f"{y:.1f}",
                w=f"{bar_w:.1f}",
                h=f"{h:.1f}",
                label=label,
                text=fmt(value),
                cx=f"{x + bar_w / 2:.1f}",
                vy=f"{y - 4:.1f}",
                ly=HEIGHT - BOTTOM + 18,
                short=label[:8],
            )
        )
    parts.append("</svg>")
    return Chart(
        title,
        mark_safe("".join(parts)),  # noqa: S308 - every piece above is built with format_html
        (label_header, value_header),
        [(label, fmt(value)) for label, value in items],
    )


def line_chart(
    *,
    title: str,
    description: str,
    points: Sequence[tuple[str, float | None]],
    value_header: str,
    label_header: str,
    fmt: Callable[[float | None], str] = _fmt_default,
    max_value: float | None = None,
    goal: float | None = None,
    goal_label: str = "",
) -> Chart:
    """A line through the points (gaps where a value is None), an optional dashed goal line."""
    chart_id = f"chart{next(_ids)}"
    top = max_value or _nice_max([v for _, v in points])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(points) - 1, 1)
    parts = [_svg_open(chart_id, title, description), _axis(top, fmt)]
    if goal is not None:
        gy = TOP + plot_h - plot_h * goal / top
        parts.append(
            format_html(
                '<line class="goal" x1="{x1}" x2="{x2}" y1="{y}" y2="{y}"/>'
                '<text class="goal-label" x="{x2}" y="{ty}" text-anchor="end">{label}</text>',
                x1=LEFT,
                x2=WIDTH - RIGHT,
                y=f"{gy:.1f}",
                ty=f"{gy - 4:.1f}",
                label=goal_label,
            )
        )
    segments: list[list[str]] = [[]]
    dots = []
    for i, (label, value) in enumerate(points):
        x = LEFT + i * step if len(points) > 1 else LEFT + plot_w / 2
        if value is None:
            segments.append([])
            continue
        y = TOP + plot_h - plot_h * min(value, top) / top
        segments[-1].append(f"{x:.1f},{y:.1f}")
        dots.append(
            format_html(
                '<g class="point"><circle cx="{x}" cy="{y}" r="4"><title>{label}: {text}</title>'
                '</circle><text class="value" x="{x}" y="{ty}" text-anchor="middle">{text}</text>'
                "</g>",
                x=f"{x:.1f}",
                y=f"{y:.1f}",
                ty=f"{y - 8:.1f}",
                label=label,
                text=fmt(value),
            )
        )
    for segment in segments:
        if len(segment) > 1:
            parts.append(format_html('<polyline class="line" points="{}"/>', " ".join(segment)))
    parts.extend(dots)
    for i, (label, _value) in enumerate(points):
        x = LEFT + i * step if len(points) > 1 else LEFT + plot_w / 2
        parts.append(
            format_html(
                '<text class="label" x="{x}" y="{y}" text-anchor="middle">{label}</text>',
                x=f"{x:.1f}",
                y=HEIGHT - BOTTOM + 18,
                label=label,
            )
        )
    parts.append("</svg>")
    return Chart(
        title,
        mark_safe("".join(parts)),  # noqa: S308 - every piece above is built with format_html
        (label_header, value_header),
        [(label, fmt(value)) for label, value in points],
    )
