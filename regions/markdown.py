"""Markdown written by coordinators, rendered to HTML that is safe to show the public.

Two layers: raw HTML in the source is never interpreted (the Markdown HTML processors are
removed, so `<script>` shows up as text), and the output passes `nh3.clean` with a small
allow-list in case a Markdown construct yields anything unexpected.
"""

from __future__ import annotations

import markdown as markdown_lib
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "code",
    "pre",
    "hr",
}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
LINK_REL = "nofollow noopener"


class _NoRawHtml(Extension):
    """Treat raw HTML as text: users write Markdown, never HTML."""

    def extendMarkdown(self, md):  # noqa: N802 - Markdown's API name
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


class _DemoteHeadings(Treeprocessor):
    # The page has its own h1; a user's "# Rubrik" becomes h2 so the heading order holds.
    def run(self, root):
        for element in root.iter():
            if len(element.tag) == 2 and element.tag[0] == "h" and element.tag[1].isdigit():
                element.tag = f"h{min(int(element.tag[1]) + 1, 6)}"


class _DemoteHeadingsExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 - Markdown's API name
        md.treeprocessors.register(_DemoteHeadings(md), "demote_headings", 5)


def render_markdown(text: str) -> str:
    """Markdown → sanitised HTML (a str; the caller marks it safe)."""
    if not text:
        return ""
    html = markdown_lib.markdown(
        text,
        extensions=[_NoRawHtml(), _DemoteHeadingsExtension(), "sane_lists"],
        output_format="html",
    )
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
    )
