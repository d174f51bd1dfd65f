"""Swedish compounds: a keyword also matches as the last part of a compound word.

Swedish writes compounds as one word: "livsmedelsmärkning" is a "märkning", an
"exportkreditgaranti" is a "garanti". Rules match keywords at word starts, so the tail of a
compound is missed. ``keyword_matches`` adds the tail: a keyword matches a normalised word when
the word starts with it (the rules' own prefix semantics), or when the word ENDS with the keyword
plus at most a Swedish inflection (definite, plural, genitive: "-en", "-ar", "-arna", "-s"), with
at least a few letters of a first part in front of it.

Pure and dependency-free: words and keywords are expected in the engine's normalised form
(casefolded, diacritics stripped: "märkning" -> "markning"); ``normalise_word`` is provided for
callers that have raw text. Short keywords never match inside a word: "lan" (lån) would hit
"plan", "artikel" ends in "el", so suffix matching needs ``MIN_SUFFIX_KEYWORD`` letters.
"""

from __future__ import annotations

import unicodedata

# Keywords shorter than this only match at a word start: "avgift" (6) may end a compound,
# "moms" (4) or "lån" (3) may not ("kommoms"? no, but "plan" ends in "lan").
MIN_SUFFIX_KEYWORD = 5
# The first part of a compound has at least this many letters ("exportgaranti": "export").
MIN_FIRST_PART = 3

# Endings a compound's last part may carry, longest first. Swedish nouns: definite singular
# (-en, -n, -et, -t), plural (-ar, -er, -or, -r, -n), definite plural (-arna, -erna, -orna,
# -na, -en), genitive -s on any of them.
_ENDINGS: tuple[str, ...] = tuple(
    sorted(
        {
            "",
            "n",
            "en",
            "et",
            "t",
            "ar",
            "er",
            "or",
            "r",
            "na",
            "arna",
            "erna",
            "orna",
            "rna",
            "ens",
            "ets",
            "ns",
            "s",
            "arnas",
            "ernas",
            "ornas",
            "nas",
        },
        key=len,
        reverse=True,
    )
)


def normalise_word(word: str) -> str:
    """Casefold and strip diacritics, as the engine does: "Märkningen" -> "markningen"."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def endings(word: str) -> tuple[str, ...]:
    """The inflectional endings ``word`` may carry, the empty ending included."""
    return tuple(e for e in _ENDINGS if word.endswith(e))


def compound_tail_matches(keyword: str, word: str) -> bool:
    """Whether ``keyword`` is the last part of the compound ``word`` (both normalised).

    The keyword must be long enough to be a word of its own (``MIN_SUFFIX_KEYWORD``), must be
    preceded by a real first part (``MIN_FIRST_PART`` letters, a linking "s" included), and may
    be followed only by an inflectional ending.
    """
    if len(keyword) < MIN_SUFFIX_KEYWORD or not word.isalpha():
        return False
    for ending in _ENDINGS:
        if ending and not word.endswith(ending):
            continue
        stem = word[: len(word) - len(ending)] if ending else word
        if stem.endswith(keyword) and len(stem) - len(keyword) >= MIN_FIRST_PART:
            return True
    return False


def keyword_matches(keyword: str, normalised_word: str) -> bool:
    """Whether a single-word keyword matches a word of a question (both normalised).

    A keyword matches at the word start, as a prefix ("märkning" in "märkningskrav"), or as
    the last part of a compound ("märkning" in "livsmedelsmärkningen", "garanti" in
    "exportkreditgarantin"). A keyword ending in "$" asks for the whole word at the start; as
    the tail of a compound it still allows the inflectional endings.
    """
    whole = keyword.endswith("$")
    stem = keyword[:-1] if whole else keyword
    if not stem or not normalised_word:
        return False
    if whole:
        if normalised_word == stem:
            return True
    elif normalised_word.startswith(stem):
        return True
    return compound_tail_matches(stem, normalised_word)
