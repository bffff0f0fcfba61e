"""Text folding for search and comparison: accents and case do not matter, Chinese stays."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Combining marks (accents, tildes, Vietnamese tone marks) left by NFKD decomposition.
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


@lru_cache(maxsize=65536)
def fold(text: str | None) -> str:
    """Lower-case, accent-free, single-spaced form of `text` ("Núñez" -> "nunez")."""
    # Cached: names repeat a lot, and a merge of 100,000 trainees folds each of them.
    if not text:
        return ""
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return " ".join(text.casefold().split())


def fold_words(*parts: str | None) -> str:
    """`fold` of the parts joined by spaces, folding each part once (they repeat)."""
    return " ".join(f for f in (fold(p) for p in parts) if f)


_NOT_DIGITS = re.compile(r"\D+")


def digits(text: str | None) -> str:
    """Only the digits of `text`: phones are compared on digits, kept as typed."""
    return _NOT_DIGITS.sub("", text) if text else ""
