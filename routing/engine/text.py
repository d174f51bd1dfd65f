"""Text normalisation: how question texts and rule keywords are compared (case and diacritics
folded, runs of non-word characters collapsed to one space)."""

from __future__ import annotations

import re
import unicodedata

_COMBINING_LATIN = re.compile("[\u0300-\u036f]+")
# Letters that carry no combining mark in Unicode, so NFKD does not fold them.
_FOLD = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th"})
_NON_WORD = re.compile(r"\W+")


def normalise(text: str) -> str:
    """Casefold and strip diacritics: "Kreditförsäkring" -> "kreditforsakring"."""
    folded = text.casefold()
    if folded.isascii():
        return folded
    decomposed = _COMBINING_LATIN.sub("", unicodedata.normalize("NFKD", folded))
    if not decomposed.isascii():
        decomposed = "".join(c for c in decomposed if not unicodedata.combining(c))
    return decomposed.translate(_FOLD)


def _canonical_slow(text: str) -> str:
    return _NON_WORD.sub(" ", normalise(text)).strip()


def _latin1_table() -> bytes:
    # Per character of Latin-1, what _canonical_slow makes of it: one ASCII character, or a
    # separator; 0x01 flags the few characters that need the slow path (æ, þ, ¼, ...).
    table = bytearray()
    for code in range(256):
        out = _canonical_slow(chr(code))
        if out == "":
            table.append(0x20)
        elif len(out) == 1 and out.isascii():
            table.append(ord(out))
        else:
            table.append(0x01)
    return bytes(table)


_LATIN1_CANONICAL = _latin1_table()


def _canonical(text: str) -> str:
    """``normalise`` plus every run of non-word characters collapsed to one space.

    The text of a question and the keywords of a rule are compared in this form: words
    separated by single spaces. Latin-1 text (Swedish, English, most of western Europe) takes a
    byte-table fast path with the same result; anything else the general Unicode path.
    """
    folded = text.casefold()
    try:
        mapped = folded.encode("latin-1").translate(_LATIN1_CANONICAL)
    except UnicodeEncodeError:
        return _canonical_slow(folded)
    if b"\x01" in mapped:
        return _canonical_slow(folded)
    return " ".join(mapped.decode("ascii").split())


def _keyword_form(keyword: str) -> tuple[str, bool]:
    """(canonical stem, whole_word) for a keyword as written in a rule; stem may be empty."""
    raw = keyword.strip()
    whole = raw.endswith("$")
    if whole:
        raw = raw[:-1]
    return _canonical(raw), whole


def keyword_problems(keyword: str) -> list[str]:
    """Problems with a keyword as a coordinator typed it (empty list = fine). For rule forms."""
    stem, whole = _keyword_form(keyword)
    if not stem:
        return ["the keyword has no letters or digits"]
    if not whole and len(stem.replace(" ", "")) < 4:
        return [
            f'the stem "{stem}" is very short and will match the start of many words; '
            'end it with "$" to match the whole word only'
        ]
    return []
