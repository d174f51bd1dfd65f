"""Text -> character n-grams, identically at training (scikit-learn) and prediction (numpy).

``preprocess`` is handed to scikit-learn's ``TfidfVectorizer`` as its preprocessor, and
``char_wb_ngrams`` reproduces its ``char_wb`` analyzer, so the stored vocabulary means the same
thing in both places (a test holds them together).
"""

from __future__ import annotations

import re
import unicodedata

NGRAM_RANGE = (2, 5)
_WHITESPACE = re.compile(r"\s\s+")
_NON_WORD = re.compile(r"[^\w]+")


def preprocess(text: str) -> str:
    """Casefold, strip diacritics ("ä" -> "a", as the rules do) and turn punctuation into
    spaces, so "CE-märkning", "ce märkning" and "CE MARKNING" give the same n-grams."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", folded).strip()


def char_wb_ngrams(text: str, ngram_range: tuple[int, int] = NGRAM_RANGE) -> list[str]:
    """The n-grams of each word padded with one space on both sides, as sklearn's ``char_wb``."""
    min_n, max_n = ngram_range
    ngrams: list[str] = []
    append = ngrams.append
    for word in _WHITESPACE.sub(" ", preprocess(text)).split():
        padded = f" {word} "
        length = len(padded)
        for n in range(min_n, max_n + 1):
            if n >= length:
                # sklearn adds a padded word no longer than n once, whole, and stops there.
                append(padded)
                break
            for start in range(length - n + 1):
                append(padded[start : start + n])
    return ngrams
