"""Catalogue text kept in Swedish and, where an editor wrote it, English.

English pages show the English text; where there is none they show the Swedish and say so to
assistive technology (``lang="sv"`` on the element, WCAG 2.1 3.1.2, language of parts).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language


@dataclass(frozen=True, slots=True)
class ShownText:
    text: str
    in_swedish_on_english_page: bool = False

    def __str__(self) -> str:
        return self.text


def shown_text(swedish: str, english: str) -> ShownText:
    """The text for the active language: English on English pages where written, else Swedish."""
    if not (get_language() or "sv").startswith("en"):
        return ShownText(swedish)
    if english.strip():
        return ShownText(english)
    return ShownText(swedish, in_swedish_on_english_page=bool(swedish))
