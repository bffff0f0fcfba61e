"""Likely duplicate trainees: before one is saved, and for the many rows of a roster import."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from otop_desktop.db.models import Trainee
from otop_desktop.domain import name_match as nm
from otop_desktop.domain.text import fold
from otop_desktop.i18n import N_, _
from otop_desktop.services.context import AppContext
from otop_desktop.services.trainees import TraineeInfo, trainee_info

# A score at or above this is almost surely the same person (same phone and a similar name, or
# the same name, town and birth year); below it, a person to look at before saving.
SAME_PERSON = 90.0

_REASONS = {
    nm.PHONE: N_("Same phone"),
    nm.SAME_NAME: N_("Same name"),
    nm.SIMILAR_NAME: N_("Similar name"),
    nm.TOWN: N_("Same town"),
    nm.BIRTH_YEAR: N_("Birth year within one"),
}
_Postings = dict[int, "int | list[int]"]
# The columns the comparison reads; loading only these keeps 100,000 trainees quick.
_COLUMNS = (
    Trainee.id,
    Trainee.given_names,
    Trainee.family_names,
    Trainee.chinese_name,
    Trainee.phone,
    Trainee.town,
    Trainee.birth_year,
    Trainee.gender,
)


@dataclass(frozen=True)
class DuplicateCandidate:
    trainee: TraineeInfo
    score: float  # 0..100, higher = more alike
    reasons: tuple[str, ...]  # translated, short


def reason_texts(codes: Iterable[str]) -> tuple[str, ...]:
    """The translated reasons of name_match reason codes."""
    return tuple(_(_REASONS[code]) for code in codes)


def _live_unmerged(query: Select[Any]) -> Select[Any]:
    return query.where(Trainee.cl % 2 == 1, Trainee.merged_into.is_(None))


class DuplicateIndex:
    """In-memory index of trainees for checking many rows (a roster import) quickly.

    Trainees are filed under block keys (phone; two name words with the town or birth year;
    the Chinese name), so a row is compared only with the few trainees sharing a key, never
    with all of them.
    """

    def __init__(self) -> None:
        self._ids: list[str] = []
        self._people: list[nm.Person] = []
        # Postings by the hash of their key: the key strings need not stay in memory (a rare
        # hash collision only adds a candidate, which the comparison then turns down).
        self._blocks: _Postings = {}
        # Same town for trainees with a birth year: only rows without one need it, so it is
        # built at the first such row.
        self._by_town: _Postings | None = None

    def __len__(self) -> int:
        return len(self._ids)

    @classmethod
    def load(cls, session: Session) -> DuplicateIndex:
        """An index of the live, unmerged trainees of the database."""
        index = cls()
        # Through the connection: the ORM's row handling would double the time of this read.
        rows = session.connection().execute(_live_unmerged(select(*_COLUMNS))).tuples()
        person_of = nm.person_of
        with _no_gc_pauses():
            for trainee_id, *values in rows:
                index._add(trainee_id, person_of(*values))
        return index

    def add(self, trainee_id: str, fields: Mapping[str, Any]) -> None:
        """Index one more (e.g. a row created earlier in the same import)."""
        self._add(trainee_id, nm.person(fields))

    def _add(self, trainee_id: str, p: nm.Person) -> None:
        position = len(self._ids)
        self._ids.append(trainee_id)
        self._people.append(p)
        blocks = self._blocks
        for key in nm.index_keys(p):  # `_file`, inlined: this runs 100,000 times at load
            code = hash(key)
            found = blocks.get(code)
            if found is None:
                blocks[code] = position
            elif isinstance(found, int):
                blocks[code] = [found, position]
            else:
                found.append(position)
        if self._by_town is not None:
            _file(self._by_town, nm.town_keys(p), position)

    def _town_index(self) -> _Postings:
        if self._by_town is None:
            self._by_town = {}
            for position, p in enumerate(self._people):
                _file(self._by_town, nm.town_keys(p), position)
        return self._by_town

    def _candidates(self, p: nm.Person) -> set[int]:
        by_name: set[int] = set()
        other: set[int] = set()
        keys, town_keys = nm.query_keys(p)
        lookups = [(self._blocks, keys)]
        if town_keys:
            lookups.append((self._town_index(), town_keys))
        for index, wanted in lookups:
            for key in wanted:
                found = index.get(hash(key))
                if found is None:
                    continue
                into = by_name if key[0] == "n" else other
                if isinstance(found, int):
                    into.add(found)
                else:
                    into.update(found)
        people = self._people
        name = p.name
        # Sharing two name words is common ("María López"); most such rows miss a third word.
        other.update(i for i in by_name - other if nm.may_match_by_name(name, people[i].name))
        return other

    def _assessed(
        self, p: nm.Person, positions: Iterable[int], exclude: str | None
    ) -> Iterator[tuple[str, nm.Match]]:
        memo: dict[int, nm.NameLikeness | None] = {}
        for i in positions:
            trainee_id = self._ids[i]
            if trainee_id == exclude:
                continue
            found = nm.assess(p, self._people[i], memo)
            if found is not None:
                yield trainee_id, found

    def matches(
        self, fields: Mapping[str, Any], limit: int = 5, *, exclude_id: str | None = None
    ) -> list[tuple[str, float, tuple[str, ...]]]:
        """(trainee_id, score, reasons), best first; only likely duplicates."""
        p = nm.person(fields)
        best: dict[str, nm.Match] = {}
        for trainee_id, found in self._assessed(p, self._candidates(p), exclude_id):
            if trainee_id not in best or best[trainee_id].score < found.score:
                best[trainee_id] = found
        ranked = sorted(best.items(), key=lambda item: (-item[1].score, item[0]))[:limit]
        return [(tid, m.score, reason_texts(m.reasons)) for tid, m in ranked]

    def pairs(
        self,
        report: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> list[tuple[str, str, float, tuple[str, ...]]]:
        """Every likely duplicate pair of indexed trainees, best first (each pair once)."""
        found: dict[tuple[str, str], nm.Match] = {}
        total = len(self._ids)
        for i, p in enumerate(self._people):
            if i % 500 == 0:
                if cancelled is not None and cancelled():
                    break
                if report is not None:
                    report(i, total)
            later = [j for j in self._candidates(p) if j > i]
            for other_id, match in self._assessed(p, later, self._ids[i]):
                a, b = sorted((self._ids[i], other_id))
                if (a, b) not in found or found[a, b].score < match.score:
                    found[a, b] = match
        else:
            if report is not None:
                report(total, total)
        ranked = sorted(found.items(), key=lambda item: (-item[1].score, item[0]))
        return [(a, b, m.score, reason_texts(m.reasons)) for (a, b), m in ranked]


@contextmanager
def _no_gc_pauses() -> Iterator[None]:
    """Pause the cycle collector: building 100,000 small objects (none of them cyclic) would
    otherwise trigger it over and over, scanning the growing index each time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _file(index: _Postings, keys: list[str], position: int) -> None:
    for key in keys:
        code = hash(key)
        found = index.get(code)
        # Most keys name one trainee: an int until a second one comes saves a list each.
        if found is None:
            index[code] = position
        elif isinstance(found, int):
            index[code] = [found, position]
        else:
            found.append(position)


def _prefilter(fields: Mapping[str, Any], exclude_id: str | None) -> Select[Any] | None:
    """A broad SQL filter of trainees that could be duplicates of `fields` (then assessed)."""
    p = nm.person(fields)
    conditions = []
    if p.phone:
        conditions.append(Trainee.phone_digits.endswith(p.phone, autoescape=True))
    context = []
    town = fold(fields.get("town"))
    if town:
        context.append(Trainee.search_key.contains(town, autoescape=True))
    if p.birth_year is not None:
        context.append(Trainee.birth_year.between(p.birth_year - 1, p.birth_year + 1))
    # Any word's first letters, or any Chinese character: a typo elsewhere still gets through.
    pieces = {w[:3] for w in p.name.words} | set(p.name.han)
    if context and pieces:
        conditions.append(
            and_(
                or_(*context),
                or_(*(Trainee.search_key.contains(x, autoescape=True) for x in sorted(pieces))),
            )
        )
    if not conditions:
        return None
    query = _live_unmerged(select(*_COLUMNS)).where(or_(*conditions))
    if exclude_id is not None:
        query = query.where(Trainee.id != exclude_id)
    return query


def find_duplicates(
    ctx: AppContext, fields: Mapping[str, Any], *, exclude_id: str | None = None, limit: int = 5
) -> list[DuplicateCandidate]:
    """Likely duplicates among live, unmerged trainees of a trainee about to be saved (fields as
    given to add_trainee: given_names, family_names, chinese_name, phone, town, birth_year, ...)."""
    query = _prefilter(fields, exclude_id)
    if query is None:
        return []
    p = nm.person(fields)
    with ctx.read() as session:
        found = []
        for row in session.execute(query):
            match = nm.assess(p, nm.person(row._mapping))
            if match is not None:
                found.append((str(row.id), match))
        found.sort(key=lambda item: (-item[1].score, item[0]))
        result = []
        for trainee_id, match in found[:limit]:
            trainee = session.get(Trainee, trainee_id)
            if trainee is not None:
                result.append(
                    DuplicateCandidate(
                        trainee_info(trainee), match.score, reason_texts(match.reasons)
                    )
                )
        return result
