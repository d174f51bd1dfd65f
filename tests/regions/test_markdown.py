"""Coordinator Markdown → HTML that cannot carry script, styles or foreign markup."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regions.markdown import ALLOWED_TAGS, URL_SCHEMES, render_markdown


def test_markdown_formatting_survives():
    html = render_markdown("Vi **hjälper** *dig*.\n\n- ett\n- två\n\n1. först")
    assert "<strong>hjälper</strong>" in html and "<em>dig</em>" in html
    assert "<ul>\n<li>ett</li>" in html and "<ol>" in html


@pytest.mark.parametrize(
    "source",
    [
        "<script>window.__pwned=1</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="#" onclick="alert(1)">x</a>',
        "<iframe src=https://evil.example></iframe>",
        "<style>body{display:none}</style>",
        "<div>\n<script>alert(1)</script>\n</div>",
        "text <svg onload=alert(1)> text",
    ],
)
def test_raw_html_is_shown_as_text_never_as_markup(source):
    html = render_markdown(source)
    tag = source.split("<", 1)[1].split()[0].split(">")[0]
    assert f"<{tag}" not in html
    assert "&lt;" in html  # the user sees what they typed


@pytest.mark.parametrize(
    "source",
    [
        "[klicka](javascript:alert(1))",
        "[klicka](JaVaScRiPt:alert(1))",
        "[klicka](data:text/html;base64,PHNjcmlwdD4=)",
        "[klicka](vbscript:msgbox(1))",
    ],
)
def test_dangerous_link_schemes_lose_their_href(source):
    html = render_markdown(source)
    assert "href" not in html
    assert "klicka" in html


def test_links_get_nofollow_noopener_and_allowed_schemes_stay():
    html = render_markdown(
        "[Almi](https://www.almi.se) [mejla](mailto:info@example.se) [ring](tel:+4610000000)"
    )
    assert html.count('rel="nofollow noopener"') == 3
    assert 'href="https://www.almi.se"' in html and 'href="mailto:info@example.se"' in html


def test_images_are_not_allowed():
    assert "<img" not in render_markdown("![bild](https://example.se/x.png)")


def test_headings_are_demoted_below_the_pages_h1():
    html = render_markdown("# Om oss\n\n## Vilka vi är\n\n###### Djupast")
    assert "<h2>Om oss</h2>" in html and "<h3>Vilka vi är</h3>" in html
    assert "<h6>Djupast</h6>" in html and "<h1" not in html


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.seen: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.seen.append((tag, dict(attrs)))


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("<>/=\"' ascriptimgonerrojavs:()[]*#\n")), max_size=80)
    | st.sampled_from(["<script>x</script>", "[a](javascript:x)", "<img src=x onerror=y>"]).map(
        lambda s: s * 2
    )
)
def test_output_holds_only_allowed_tags_attributes_and_schemes(text):
    parser = _Tags()
    parser.feed(render_markdown(text))
    for tag, attrs in parser.seen:
        assert tag in ALLOWED_TAGS
        assert set(attrs) <= {"href", "title", "rel"}
        href = attrs.get("href")
        assert href is None or urlsplit(href).scheme in {"", *URL_SCHEMES}
