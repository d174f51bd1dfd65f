"""Target countries as people type them: ISO codes or country names in Swedish or English.

Names come from the Unicode CLDR through Babel, so "Tyskland", "Germany" and "DE" all give "DE";
the code is what is stored and routed on. Pure functions, no Django imports.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from babel import Locale

from routing.markets import is_valid_country

# Everyday names that CLDR does not list but companies write.
_ALIASES = {
    "uk": "GB",
    "england": "GB",
    "skottland": "GB",
    "scotland": "GB",
    "wales": "GB",
    "britain": "GB",
    "great britain": "GB",
    "amerika": "US",
    "america": "US",
    "usa": "US",
    "holland": "NL",
    "tjeckiska republiken": "CZ",
    "czech republic": "CZ",
    "sydkorea": "KR",
    "korea": "KR",
    "emiraten": "AE",
    "uae": "AE",
}
# Words between names in a list: "Tyskland och Frankrike", "Germany and France".
_JOINERS = {"och", "and", "&", "samt"}
_SPLIT = re.compile(r"[,;\n/]+")


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().strip().strip(".")
    return re.sub(r"\s+", " ", text)


@cache
def _names() -> dict[str, str]:
    names: dict[str, str] = {}
    for language in ("en", "sv"):
        for code, name in Locale.parse(language).territories.items():
            if len(code) == 2 and is_valid_country(code):
                names[_key(name)] = code
    names.update(_ALIASES)
    return names


def country_code(text: str) -> str | None:
    """The ISO 3166-1 alpha-2 code for a code or a Swedish/English country name, else None."""
    key = _key(text)
    if not key:
        return None
    if len(key) == 2 and is_valid_country(key.upper()):
        return key.upper()
    return _names().get(key)


def parse_countries(text: str) -> tuple[list[str], list[str]]:
    """(codes, unknown parts) from free text such as "Tyskland, Norge och USA" or "DE US"."""
    codes: list[str] = []
    unknown: list[str] = []
    for part in _SPLIT.split(text):
        if not part.strip():
            continue
        code = country_code(part)
        if code:
            codes.append(code)
            continue
        # Not one name: try its words, so "DE US" and "Tyskland och Norge" still work.
        words = [w for w in part.split() if _key(w) not in _JOINERS]
        found = [country_code(w) for w in words]
        if words and all(found):
            codes.extend(found)
        else:
            unknown.append(part.strip())
    return codes, unknown


def country_name(code: str, language: str) -> str:
    """The country's name in the page's language ("sv" or "en"), or the code if unknown."""
    locale = Locale.parse("en" if language.startswith("en") else "sv")
    return locale.territories.get(code, code)
