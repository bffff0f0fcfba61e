"""Many short texts kept as one string: for lists of a whole programme held by a window.

Each Python string costs about 50 bytes besides its characters, and 50,000 of them are
50,000 small blocks that pin the interpreter's memory arenas long after the list is gone.
Joined, the ids, names or phones of 50,000 trainees are one block of a character each
(two or four for Chinese), plus four bytes an end; a text is cut out when it is read.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate
from typing import Any, TypeVar, overload

T = TypeVar("T")


class ReadOnDemand(Sequence[T]):
    """A read-only sequence whose items are made when read: subclasses give `__len__` and
    `_at(i)` for 0 <= i < len; indexing from the end and slices are handled here."""

    __slots__ = ()

    def _at(self, i: int) -> T:
        raise NotImplementedError

    @overload
    def __getitem__(self, item: int) -> T: ...

    @overload
    def __getitem__(self, item: slice) -> list[T]: ...

    def __getitem__(self, item: int | slice) -> T | list[T]:
        size = len(self)
        if isinstance(item, slice):
            return [self._at(i) for i in range(*item.indices(size))]
        if item < 0:
            item += size
        if not 0 <= item < size:
            raise IndexError(f"{type(self).__name__} index out of range")
        return self._at(item)


class PackedTexts(ReadOnDemand[str]):
    """An immutable sequence of texts stored as one string and the offsets of their ends."""

    __slots__ = ("_ends", "_text")

    def __init__(self, texts: Iterable[str] = ()) -> None:
        items = texts if isinstance(texts, (list, tuple)) else list(texts)
        self._text = "".join(items)
        # "L" holds 4 billion characters, far past any list a window shows.
        self._ends = array("L", accumulate(map(len, items)))

    def __len__(self) -> int:
        return len(self._ends)

    def _at(self, i: int) -> str:
        return self._text[self._ends[i - 1] if i else 0 : self._ends[i]]

    def __iter__(self) -> Iterator[str]:
        text, start = self._text, 0
        for end in self._ends:
            yield text[start:end]
            start = end

    def __contains__(self, value: object) -> bool:
        try:
            self.index(value)
        except ValueError:
            return False
        return True

    def index(self, value: Any, start: int = 0, stop: int = sys.maxsize) -> int:
        """The position of the first text equal to `value` from `start` (ValueError if none).

        A search in C through the joined string; a hit that does not begin and end on the
        bounds of one text (part of two neighbours) is passed over.
        """
        if not isinstance(value, str):
            raise ValueError(value)
        ends, size = self._ends, len(self._ends)
        start = max(start + size if start < 0 else start, 0)
        stop = min(stop + size if stop < 0 else stop, size)
        if start >= stop:
            raise ValueError(value)
        first = ends[start - 1] if start else 0
        last = ends[stop - 1]
        if not value:
            # An empty text has its start equal to its end: look for two equal offsets.
            previous = first
            for i in range(start, stop):
                if ends[i] == previous:
                    return i
                previous = ends[i]
            raise ValueError(value)
        found = self._text.find(value, first, last)
        while found >= 0:
            i = bisect_left(ends, found + 1)  # the text holding the character at `found`
            begins = ends[i - 1] if i else 0
            if begins == found and ends[i] == found + len(value):
                return i
            found = self._text.find(value, found + 1, last)
        raise ValueError(value)

    def count(self, value: Any) -> int:
        return sum(1 for text in self if text == value)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PackedTexts):
            return self._text == other._text and self._ends == other._ends
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"PackedTexts({list(self)!r})"

    def __sizeof__(self) -> int:
        return object.__sizeof__(self) + sys.getsizeof(self._text) + sys.getsizeof(self._ends)
