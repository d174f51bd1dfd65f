"""What a journey test checks in every page's visible text: nothing a person cannot read."""

from __future__ import annotations

import re

# A Python repr ("['livsmedel'", "{'sv':"), a snake_case code, or a raw boolean.
_RAW = re.compile(r"\['|\{'|'sv':|\b[a-z]+_[a-z_]+\b|\bTrue\b|\bFalse\b|\bNone\b")


def assert_readable(page, context: str = "") -> str:
    """The main content's visible text, after checking it holds no reprs or codes."""
    text = page.locator("main").inner_text()
    found = _RAW.search(text)
    assert not found, f"raw value {found.group(0)!r} {context} on {page.url}"
    return text
