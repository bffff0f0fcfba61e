"""Text folding for search and comparison: accents and case do not matter, Chinese stays."""

from __future__ import annotations

import unicodedata
from functools import lru_cache


@lru_cache(maxsize=65536)
def fold(text: str | None) -> str:
    """Lower-case, accent-free, single-spaced form of `text` ("Núñez" -> "nunez")."""
    # Cached: names repeat a lot, and a merge of 100,000 trainees folds each of them.
    if not text:
        return ""
    if text.isascii():
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def digits(text: str | None) -> str:
    """Only the digits of `text`: phones are compared on digits, kept as typed."""
    return "".join(ch for ch in text or "" if ch.isdigit())
