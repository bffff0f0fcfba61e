"""Are two trainee records the same person? Names, phones, towns and birth years compared.

Pure functions, no database: `person` turns the fields of a trainee into a comparable profile
and `assess` decides whether two profiles are a likely duplicate, with a score and reason codes
(translated by the services). Names are compared folded (accents and case do not matter), as
sets of words (given and family names swapped, or typed in one box, still match), tolerating one
typo; Chinese-character names are compared by characters. The fuzzy parts use rapidfuzz.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from otop_desktop.domain.text import digits, fold

# Reason codes of a match, strongest first (the services translate them).
PHONE = "phone"
SAME_NAME = "same_name"
SIMILAR_NAME = "similar_name"
TOWN = "town"
BIRTH_YEAR = "birth_year"

# Phones are compared on their last digits, so "+504 9876-5432" equals "98765432".
PHONE_DIGITS = 8
MIN_PHONE_DIGITS = 7
# Block keys use this many letters of a word's sound-alike form: a typo after them still meets.
BLOCK_LETTERS = 4

_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")
_WORD_BREAK = re.compile(r"[^\w]+|_")
# Linking words of Spanish and other names; "María de los Ángeles" is "María Ángeles" here.
_PARTICLES = frozenset(
    {"de", "del", "la", "las", "los", "y", "e", "da", "das", "do", "dos", "van", "von", "der"}
)
_SOFT_C = re.compile("c([eiy])")
_SILENT_H = re.compile("(?<![cs])h")
_REPEATS = re.compile(r"(.)\1+")
_GENDERS = frozenset({"female", "male"})


class Name(NamedTuple):
    """A name as the comparison sees it (computed once per distinct name)."""

    words: tuple[str, ...]  # folded words of the romanised name, linking words dropped
    sounds: tuple[str, ...]  # `sound_key` of each word
    sound_set: frozenset[str]
    blocks: frozenset[str]  # the first letters of each sound: what the index groups by
    han: str  # the Chinese-character name, characters only
    # Index keys of the name, to be followed by a context: every two blocks (or the only one)
    # after "n", every two Chinese characters (or the only one) after "h"; `whole` keys are
    # the whole name (its sounds, and its Chinese characters).
    keys: tuple[str, ...]
    whole: tuple[str, ...]


class Person(NamedTuple):
    """What the comparison looks at in one trainee record (a tuple: 100,000 are kept)."""

    name: Name
    phone: str  # last digits of the phone, "" when unknown or too short to mean anything
    town: str  # folded town
    birth_year: int | None
    gender: str | None


@dataclass(frozen=True)
class NameLikeness:
    """How alike two names are: `score` 0..100, `similar` when likely the same name."""

    score: float
    similar: bool
    exact: bool


@dataclass(frozen=True)
class Match:
    """A likely duplicate: score 0..100 (higher = more alike) and reason codes."""

    score: float
    reasons: tuple[str, ...]


@lru_cache(maxsize=65536)
def sound_key(word: str) -> str:
    """A sound-alike form of a folded word: s/z/soft c, b/v, ll/y/i, silent h, double letters."""
    # The usual spelling variants of Spanish names when written down from speech.
    key = word.replace("ll", "y").replace("qu", "k").replace("z", "s").replace("v", "b")
    key = _SOFT_C.sub(r"s\1", key).replace("c", "k")
    key = _SILENT_H.sub("", key).replace("y", "i")
    return _REPEATS.sub(r"\1", key) or word


def phone_key(phone: Any) -> str:
    """The last digits of a phone, or "" when it has too few digits to identify anyone."""
    number = digits(str(phone)) if phone else ""
    return number[-PHONE_DIGITS:] if len(number) >= MIN_PHONE_DIGITS else ""


@lru_cache(maxsize=16384)
def name_words(text: str) -> tuple[str, ...]:
    """The folded words of a romanised name, without Chinese characters or linking words."""
    words = [w for w in _WORD_BREAK.split(_HAN.sub(" ", fold(text))) if w]
    kept = [w for w in words if w not in _PARTICLES]
    return tuple(kept or words)


@lru_cache(maxsize=16384)
def han_chars(text: str | None) -> str:
    """The Chinese characters of `text`, in order."""
    return "".join(_HAN.findall(text or ""))


@lru_cache(maxsize=4096)
def town_key(town: Any) -> str:
    """The folded town with punctuation as spaces ("Sta. Rosa" and "sta rosa" agree)."""
    return " ".join(w for w in _WORD_BREAK.split(fold(str(town) if town else "")) if w)


@lru_cache(maxsize=131072)
def name_of(given: Any, family: Any, chinese: Any) -> Name:
    """The comparable form of a trainee's names (cached: names repeat a lot)."""
    # Each box on its own: given names and family names repeat far more than their pairs.
    given_text, family_text = str(given or ""), str(family or "")
    words = name_words(given_text) + name_words(family_text)
    sounds = tuple(sound_key(w) for w in words)
    blocks = sorted({s[:BLOCK_LETTERS] for s in sounds})
    # A Chinese name typed in the romanised boxes still counts as the Chinese name.
    han = han_chars(str(chinese) if chinese else "") or han_chars(given_text) + han_chars(
        family_text
    )
    return Name(
        words=words,
        sounds=sounds,
        sound_set=frozenset(sounds),
        blocks=frozenset(blocks),
        han=han,
        keys=(*_pair_keys("n", blocks), *_pair_keys("h", sorted(set(han)))),
        whole=(
            *((f"f\x1f{' '.join(sorted(set(sounds)))}\x1f",) if sounds else ()),
            *((f"g\x1f{han}\x1f",) if han else ()),
        ),
    )


def _pair_keys(kind: str, parts: list[str]) -> list[str]:
    if len(parts) == 1:
        return [f"{kind}\x1f{parts[0]}\x1f"]
    return [f"{kind}\x1f{x}\x1f{y}\x1f" for i, x in enumerate(parts) for y in parts[i + 1 :]]


def _year(value: Any) -> int | None:
    if value is None or isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def person(fields: Mapping[Any, Any]) -> Person:
    """The comparable profile of trainee `fields` (as given to add_trainee or read from a row)."""
    get = fields.get
    return person_of(
        get("given_names"),
        get("family_names"),
        get("chinese_name"),
        get("phone"),
        get("town"),
        get("birth_year"),
        get("gender"),
    )


def person_of(
    given: Any, family: Any, chinese: Any, phone: Any, town: Any, birth_year: Any, gender: Any
) -> Person:
    """`person` from the values themselves (what loading 100,000 rows calls)."""
    return Person(
        name_of(given, family, chinese),
        phone_key(phone),
        town_key(town),
        _year(birth_year),
        gender if gender in _GENDERS else None,
    )


def _typo_likeness(a: str, b: str) -> float | None:
    """The similarity of two words one slip apart (a wrong, missing, extra or swapped letter,
    or an initial), else None."""
    shortest = min(len(a), len(b))
    if shortest == 1:
        return 80.0 if a[0] == b[0] else None
    limit = 2 if shortest >= 8 else 1 if shortest >= 4 else 0
    # rapidfuzz imported at the first comparison, not with the window (2.5 MB it may not need).
    from rapidfuzz import fuzz
    from rapidfuzz.distance import OSA

    if limit and OSA.distance(a, b, score_cutoff=limit) <= limit:
        return float(fuzz.ratio(a, b))
    return None


def latin_likeness(a: Name, b: Name) -> NameLikeness | None:
    """Likeness of the romanised names (None when one is missing).

    Similar: every word of the shorter name is in the longer one (in any order, spelled alike),
    at most one of them with a slip; one word alone says too little unless both have one.
    """
    if not a.words or not b.words:
        return None
    short, long = (a, b) if len(a.words) <= len(b.words) else (b, a)
    coverage = len(short.words) / len(long.words)
    enough_words = len(short.words) >= 2 or len(long.words) == 1
    misses = [i for i, s in enumerate(short.sounds) if s not in long.sound_set]
    if not misses:
        same = sum(1 for w in short.words if w in long.words)
        mean = (100.0 * same + 95.0 * (len(short.words) - same)) / len(short.words)
        exact = enough_words and same == len(short.words) and coverage == 1.0
        return NameLikeness(round(mean * (0.85 + 0.15 * coverage), 1), enough_words, exact)
    if len(misses) == 1 and enough_words:
        word = short.words[misses[0]]
        spare = [
            w for w, s in zip(long.words, long.sounds, strict=True) if s not in short.sound_set
        ]
        found = [x for x in (_typo_likeness(word, w) for w in spare) if x is not None]
        if found:
            mean = (100.0 * (len(short.words) - 1) + max(found)) / len(short.words)
            return NameLikeness(round(mean * (0.85 + 0.15 * coverage), 1), True, False)
    from rapidfuzz import fuzz

    score = fuzz.token_sort_ratio(" ".join(a.words), " ".join(b.words))
    return NameLikeness(round(score, 1), False, False)


def han_likeness(a: Name, b: Name) -> NameLikeness | None:
    """Likeness of the Chinese-character names: equal, or one character different."""
    if not a.han or not b.han:
        return None
    if a.han == b.han:
        return NameLikeness(100.0, True, True)
    if len(a.han) == len(b.han) >= 2:
        different = sum(1 for x, y in zip(a.han, b.han, strict=True) if x != y)
        if different == 1:
            return NameLikeness(85.0, True, False)
    from rapidfuzz import fuzz

    return NameLikeness(round(fuzz.ratio(a.han, b.han), 1), False, False)


def name_likeness(a: Name, b: Name) -> NameLikeness | None:
    """The better of the romanised and Chinese-character likeness (None if not comparable)."""
    found = [x for x in (latin_likeness(a, b), han_likeness(a, b)) if x is not None]
    if not found:
        return None
    return max(found, key=lambda x: (x.similar, x.exact, x.score))


def assess(
    a: Person, b: Person, memo: dict[int, NameLikeness | None] | None = None
) -> Match | None:
    """A Match when `a` and `b` are likely the same person, else None.

    Same phone (with a similar or incomparable name) is strong; a similar name needs the same
    town or a birth year within one, so two "María López" of different towns and ages are not
    taken for one person. Born years apart or of different genders means a relative or a
    namesake, not a duplicate.
    """
    year_close = year_far = False
    if a.birth_year is not None and b.birth_year is not None:
        year_close = abs(a.birth_year - b.birth_year) <= 1
        year_far = not year_close
    gender_clash = a.gender is not None and b.gender is not None and a.gender != b.gender
    same_phone = bool(a.phone) and a.phone == b.phone
    same_town = bool(a.town) and a.town == b.town
    if not same_phone and (year_far or gender_clash or not (same_town or year_close)):
        return None  # cheap refusals first: the index calls this for many candidates
    if memo is None:
        name = name_likeness(a.name, b.name)
    else:
        # Names repeat (and are shared objects): compare each distinct name once per query.
        key = id(b.name)
        if key in memo:
            name = memo[key]
        else:
            name = memo[key] = name_likeness(a.name, b.name)
    context = ((TOWN,) if same_town else ()) + ((BIRTH_YEAR,) if year_close else ())
    if name is not None and name.similar:
        name_reasons: tuple[str, ...] = (SAME_NAME if name.exact else SIMILAR_NAME,)
    else:
        name_reasons = ()
    if same_phone:
        if name is None:
            score = 80.0
        elif name.similar and not (year_far or gender_clash):
            score = 90.0 + name.score / 10
        elif name.similar:
            score = 60.0 + name.score / 10  # a namesake parent or child, or a mistyped year
        elif year_far or gender_clash:
            return None  # family members often share one phone
        else:
            score = 50.0 + name.score / 4
        return Match(round(min(score, 100.0), 1), (PHONE, *name_reasons, *context))
    if name is None or not name.similar:
        return None
    if not same_town and not name.exact:
        latin = latin_likeness(a.name, b.name)
        if latin is None or not latin.similar:
            return None  # Chinese names one character apart need the same town
    score = name.score * 0.7 + (15.0 if same_town else 0.0) + (15.0 if year_close else 0.0)
    if a.phone and b.phone:
        score -= 10.0  # both have a phone, and they differ
    return Match(round(max(min(score, 100.0), 0.0), 1), (*name_reasons, *context))


def index_keys(p: Person) -> list[str]:
    """The keys under which an index files `p`; a likely duplicate shares one with it.

    Keys: the phone; two name words (by their first sound-alike letters) or two characters of
    the Chinese name, with the town and birth year (or "?"); the whole name with the birth
    year. Town without the year is `town_keys`, needed only by rows without a birth year.
    """
    keys = [f"p\x1f{p.phone}"] if p.phone else []
    name = p.name
    year = p.birth_year
    if p.town:
        context = f"t{p.town}\x1f{'?' if year is None else year}"
        keys.extend([key + context for key in name.keys])
    if year is not None:
        context = f"y{year}"
        keys.extend([key + context for key in name.whole])
    return keys


def town_keys(p: Person) -> list[str]:
    """The keys of `p` by town alone, when it has a birth year too (see `index_keys`)."""
    if p.birth_year is None or not p.town:
        return []
    context = f"t{p.town}"
    return [key + context for key in p.name.keys]


def query_keys(p: Person) -> tuple[list[str], list[str]]:
    """The keys to look up for `p`: in the index keys, and in the town keys."""
    keys = [f"p\x1f{p.phone}"] if p.phone else []
    name = p.name
    year = p.birth_year
    by_town: list[str] = []
    if p.town and year is not None:
        towns = [f"t{p.town}\x1f{x}" for x in (year - 1, year, year + 1, "?")]
        keys.extend([key + context for context in towns for key in name.keys])
    elif p.town:
        keys.extend([key + f"t{p.town}\x1f?" for key in name.keys])
        by_town = [key + f"t{p.town}" for key in name.keys]
    if year is not None:
        keys.extend([key + f"y{x}" for x in (year - 1, year, year + 1) for key in name.whole])
    return keys, by_town


def may_match_by_name(a: Name, b: Name) -> bool:
    """A quick necessary condition for `latin_likeness(a, b).similar`, from the block letters."""
    shared = len(a.blocks & b.blocks)
    return shared >= 1 and shared >= min(len(a.blocks), len(b.blocks)) - 1
