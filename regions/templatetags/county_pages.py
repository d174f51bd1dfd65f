from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from regions import extensions
from regions.markdown import render_markdown

register = template.Library()

FIELD_LABELS = {
    "actor": gettext_lazy("Aktör"),
    "title": gettext_lazy("Titel"),
    "description": gettext_lazy("Beskrivning"),
    "title_en": gettext_lazy("Titel på engelska"),
    "description_en": gettext_lazy("Beskrivning på engelska"),
    "topics": gettext_lazy("Ämnen"),
    "url": gettext_lazy("Länk"),
    "is_free": gettext_lazy("Kostnadsfri"),
    "is_active": gettext_lazy("Visas"),
    "counties": gettext_lazy("Län"),
    "reviewed_at": gettext_lazy("Granskad"),
    "participants": gettext_lazy("Medverkande aktörer"),
    "introduction": gettext_lazy("Introduktion"),
}


@register.simple_tag(takes_context=True)
def county_parts(context, slot: str, county) -> str:
    """Every part the higher apps registered for ``slot`` (regions.extensions), rendered like
    an ``{% include %}``: in this page's context, with ``county`` and the part's own context."""
    engine = context.template.engine
    html = []
    for part in extensions.county_parts(slot):
        with context.push(county=county, **part.context(county)):
            html.append(engine.get_template(part.template_name).render(context))
    return mark_safe("".join(html))  # noqa: S308 - rendered by autoescaping templates


@register.simple_tag
def county_part_toc(slot: str) -> list[extensions.CountyPart]:
    """The parts of ``slot`` that belong in the page's table of contents."""
    return [part for part in extensions.county_parts(slot) if part.anchor and part.toc_label]


@register.filter(name="markdown")
def markdown_filter(text: str) -> str:
    """Render coordinator-written Markdown; safe because render_markdown sanitises it."""
    return mark_safe(render_markdown(text or ""))  # noqa: S308 - sanitised by nh3


def _display(value) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


@register.filter
def change_rows(change) -> list[dict]:
    """The fields a history entry changed: label, before and after, for display."""
    before, after = change.before or {}, change.after or {}
    rows = []
    for key in list(dict.fromkeys([*before, *after])):
        if change.before is not None and (
            before.get(key) == after.get(key)
            # a field added to the snapshots later is not a change while it stays empty
            or (key not in before and after.get(key) == "")
        ):
            continue
        rows.append(
            {
                "label": FIELD_LABELS.get(key, key),
                "before": _display(before.get(key)) if change.before is not None else None,
                "after": _display(after.get(key)),
            }
        )
    return rows
