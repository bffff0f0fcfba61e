"""Changes as they travel in bundles: compact JSON arrays, checked before anything is applied.

A change on the wire is `[replica, seq, hlc, table, row_id, cl, payload, base]`, where payload is
`{column: value}` and base `{column: [hlc, replica]}` (the clock of the value it replaced). The
change log's stored JSON text is spliced into the chunk as it is, so export serialises nothing
per change, and import parses a whole chunk with one `json.loads`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from sqlalchemy import Boolean, Float, Integer

from otop_desktop.db.models import MODEL_BY_TABLE, data_columns
from otop_desktop.db.types import DecimalText, IsoDate
from otop_desktop.domain.errors import OtopError
from otop_desktop.i18n import _

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
MAX_INT = (1 << 63) - 1


def _kind(column_type: Any) -> str:
    if isinstance(column_type, IsoDate):
        return "date"
    if isinstance(column_type, DecimalText):
        return "decimal"
    if isinstance(column_type, Boolean):
        return "bool"
    if isinstance(column_type, Integer):
        return "int"
    if isinstance(column_type, Float):
        return "float"
    return "str"


_COLUMNS: dict[str, dict[str, tuple[str, int]]] = {
    name: {
        c: (
            _kind(model.__table__.c[c].type),
            getattr(model.__table__.c[c].type, "length", None) or 100_000,
        )
        for c in data_columns(model)
    }
    for name, model in MODEL_BY_TABLE.items()
}


def column_specs() -> dict[str, dict[str, tuple[str, int]]]:
    """For each synced table, each data column's kind (str, int, float, bool, date, decimal)
    and maximum length."""
    return _COLUMNS


class MalformedChangeError(OtopError):
    """A change in a bundle that this version cannot read; the bundle is refused whole."""


class Change(NamedTuple):
    replica: str
    seq: int
    hlc: int
    tbl: str
    row_id: str
    cl: int
    payload: dict[str, Any]
    base: dict[str, list[Any]]


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def encode_rows(rows: Iterable[tuple[str, int, int, str, str, int, str, str]]) -> bytes:
    """A chunk of change_log rows (payload and base are stored JSON text) as bytes."""
    parts = [
        f"[{_json(r)},{s},{h},{_json(t)},{_json(i)},{c},{p},{b}]" for r, s, h, t, i, c, p, b in rows
    ]
    return ("[" + ",\n".join(parts) + "]").encode("utf-8")


def _bad(reason: str) -> MalformedChangeError:
    return MalformedChangeError(
        _(
            "The bundle holds a change this version cannot read ({reason}); nothing was imported."
        ).format(reason=reason)
    )


def _value_ok(spec: tuple[str, int], value: Any) -> bool:
    kind, length = spec
    if value is None:
        return True
    cls = type(value)
    if kind == "str":
        return cls is str and len(value) <= length
    if kind == "bool":
        return cls is bool
    if kind == "int":
        return cls is int and -MAX_INT <= value <= MAX_INT
    if kind == "float":
        return cls is int or cls is float
    if cls is not str or len(value) > length:
        return False
    try:
        if kind == "date":
            dt.date.fromisoformat(value)
        elif kind == "decimal":
            return Decimal(value).is_finite()
    except (ValueError, InvalidOperation):
        return False
    return True


def _is_count(value: Any) -> bool:
    return type(value) is int and 0 <= value <= MAX_INT


def decode_chunk(data: bytes, *, check: bool = True) -> list[Change]:
    """Parse one chunk; with `check`, any malformed change refuses the whole chunk.

    `check=False` is only for bytes already checked in this import (the same verified file).
    """
    try:
        items = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise _bad(_("not JSON")) from None
    if not isinstance(items, list):
        raise _bad(_("not a list of changes"))
    if not check:
        return [Change(*item) for item in items]
    return [_checked(item) for item in items]


def _checked(item: Any) -> Change:
    if type(item) is not list or len(item) != 8:
        raise _bad(_("wrong shape"))
    replica, seq, hlc, tbl, row_id, cl, payload, base = item
    if type(replica) is not str or not UUID_RE.match(replica):
        raise _bad(_("laptop id"))
    if not (_is_count(seq) and seq > 0 and _is_count(hlc) and _is_count(cl) and cl > 0):
        raise _bad(_("numbers"))
    columns = _COLUMNS.get(tbl) if type(tbl) is str else None
    if columns is None:
        raise _bad(_("unknown table {name}").format(name=str(tbl)[:40]))
    if type(row_id) is not str or not UUID_RE.match(row_id):
        raise _bad(_("record id"))
    if type(payload) is not dict or type(base) is not dict:
        raise _bad(_("values"))
    for column, value in payload.items():
        spec = columns.get(column)
        if spec is None:
            raise _bad(_("unknown column {name}").format(name=str(column)[:40]))
        if value is None or (spec[0] == "str" and type(value) is str and len(value) <= spec[1]):
            continue  # the common case, checked inline: this loop runs once per value
        if not _value_ok(spec, value):
            raise _bad(_("value of {name}").format(name=column))
    for column, clock in base.items():
        if (
            column not in payload
            or type(clock) is not list
            or len(clock) != 2
            or not _is_count(clock[0])
            or type(clock[1]) is not str
        ):
            raise _bad(_("clock of {name}").format(name=str(column)[:40]))
    return Change(replica, seq, hlc, tbl, row_id, cl, payload, base)
