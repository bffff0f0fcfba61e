"""Every trainee's id and search text in memory, so that filtering as you type costs no query.

A database query that filters 100,000 trainees and counts them scans the whole table (40 ms
and more on an old laptop) on every key. The table instead loads this index once, in the
order shown (about 30 MB for 100,000 trainees, loaded again when trainees change), and each
key filters it in memory with the same rules as `trainees.search_condition`: every word in
the names or town, in the organisation's name, or, for digits, in the phone.

The index stays in memory while the window is open, so it is kept small: the ids (read only
for the rows shown) are packed in one string, and the trainees are fetched in batches, never
all at once.
"""

from __future__ import annotations

import sys
from bisect import bisect_left
from collections.abc import Sequence
from itertools import compress, repeat
from operator import contains, or_
from typing import Any

from sqlalchemy import select

from otop_desktop.db.models import Organisation, Trainee
from otop_desktop.domain.packed_texts import PackedTexts, ReadOnDemand
from otop_desktop.domain.text import fold
from otop_desktop.services.context import AppContext
from otop_desktop.services.trainees import phone_part, sorted_query

# Between a trainee's search key and the organisation's name: folded words never contain it
# (str.split() treats it as a space), so no word matches across the two.
_SEPARATOR = "\x1f"
# Trainees fetched at a time.
_BATCH = 5_000


class TraineeIndex:
    """Ids, folded search texts and phone digits of every live, unmerged trainee, in the
    order of `sort`; read-only once made, so it can be shared between threads."""

    __slots__ = ("_haystacks", "_phones", "descending", "ids", "organisation_names", "sort")

    def __init__(
        self,
        ids: Sequence[str],
        haystacks: Sequence[str],
        phones: Sequence[str],
        organisation_names: dict[str, str],
        sort: str = "name",
        descending: bool = False,
    ) -> None:
        self.ids: Sequence[str] = ids if isinstance(ids, PackedTexts) else PackedTexts(ids)
        self._haystacks = tuple(haystacks)
        self._phones = tuple(phones)
        self.organisation_names = organisation_names
        self.sort = sort
        self.descending = descending

    def __len__(self) -> int:
        return len(self.ids)

    def match(self, text: str, previous: TraineeMatch | None = None) -> TraineeMatch:
        """The trainees matching every word of `text`, in the index's order.

        Typing on narrows the search: when `previous` (the match of the text before this
        key) holds every trainee the new text can match, only those are searched again.
        """
        words = tuple(fold(text).split())
        if previous is not None and previous.index is self and previous.narrows_to(words):
            positions, haystacks = previous.positions, previous.haystacks
            todo = [w for w in words if w not in previous.words]
        else:
            positions, haystacks = range(len(self.ids)), self._haystacks
            todo = list(words)
        for word in todo:
            if not positions:
                break
            # map/compress run in C: one pass over 100,000 texts takes a few milliseconds.
            mask: Sequence[bool] = list(map(contains, haystacks, repeat(word)))
            number = phone_part(word)
            if number:
                phones = map(self._phones.__getitem__, positions)
                mask = list(map(or_, mask, map(contains, phones, repeat(number))))
            positions = list(compress(positions, mask))
            haystacks = list(compress(haystacks, mask))
        return TraineeMatch(self, words, positions, haystacks)


class TraineeMatch:
    """The trainees of an index matching some words: their positions in the index (kept
    rather than their ids, which are read only for the rows shown)."""

    __slots__ = ("haystacks", "ids", "index", "positions", "words")

    def __init__(
        self,
        index: TraineeIndex,
        words: tuple[str, ...],
        positions: Sequence[int],
        haystacks: Sequence[str],
    ) -> None:
        self.index = index
        self.words = words
        self.positions = positions
        self.haystacks = haystacks
        self.ids = MatchIds(index.ids, positions)

    def __len__(self) -> int:
        return len(self.positions)

    def narrows_to(self, words: tuple[str, ...]) -> bool:
        """Whether every trainee matching `words` is among these (each word of ours is part
        of one of theirs, so theirs can only match less)."""
        return all(any(_implies(new, old) for new in words) for old in self.words)


class MatchIds(ReadOnDemand[str]):
    """The ids of a match, in order, read from the index as they are asked for."""

    __slots__ = ("_ids", "_positions")

    def __init__(self, ids: Sequence[str], positions: Sequence[int]) -> None:
        self._ids = ids
        self._positions = positions

    def __len__(self) -> int:
        return len(self._positions)

    def _at(self, i: int) -> str:
        return self._ids[self._positions[i]]

    def index(self, value: Any, start: int = 0, stop: int = sys.maxsize) -> int:
        """The row of the id `value` (ValueError if it is not matched)."""
        position = self._ids.index(value)  # a scan in C: a millisecond for 100,000 ids
        row = bisect_left(self._positions, position)  # positions are in ascending order
        if row >= len(self._positions) or self._positions[row] != position:
            raise ValueError(value)
        if not start <= row < stop:
            raise ValueError(value)
        return row


def _implies(new: str, old: str) -> bool:
    """Whether a trainee matching the word `new` surely matches the word `old`."""
    # "0912" also looks in the phone and "091" does not: then "0912" may match more.
    return old in new and (bool(phone_part(old)) or not phone_part(new))


def load_trainee_index(
    ctx: AppContext, sort: str = "name", descending: bool = False
) -> TraineeIndex:
    """The index of every live, unmerged trainee, ordered like `search_trainees(sort=...)`."""
    with ctx.read() as session:
        organisations = {
            org_id: name or ""
            for org_id, name in session.execute(
                select(Organisation.id, Organisation.name).where(Organisation.cl % 2 == 1)
            ).tuples()
        }
        folded = {org_id: fold(name) for org_id, name in organisations.items()}
        query = select(
            Trainee.id, Trainee.search_key, Trainee.phone_digits, Trainee.organisation_id
        ).where(Trainee.cl % 2 == 1, Trainee.merged_into.is_(None))
        ids: list[str] = []
        haystacks: list[str] = []
        phones: list[str] = []
        # Row by row, in batches: the fetched rows are never all in memory at once.
        for trainee_id, key, phone, org in session.execute(
            sorted_query(query, sort, descending).execution_options(yield_per=_BATCH)
        ).tuples():
            ids.append(trainee_id)
            # The separator alone (no organisation) matches no word.
            haystacks.append(key + _SEPARATOR + folded.get(org, ""))
            phones.append(phone or "")
    # The texts searched stay strings, searched with `in` (in C) as each key is typed.
    return TraineeIndex(PackedTexts(ids), haystacks, phones, organisations, sort, descending)
