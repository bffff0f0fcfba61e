"""Changes as they travel in bundles: compact JSON arrays, checked before anything is applied.

A change on the wire is `[replica, seq, hlc, table, row_id, cl, payload, base]`, where payload is
the JSON text of `{column: value}` and base the JSON text of `{column: [hlc, replica]}` (the clock
of the value it replaced). They travel as text, exactly as the change log stores them, so neither
side re-serialises a hundred thousand small objects.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

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


def _value_ok(spec: tuple[str, int], value: Any) -> bool:
    kind, length = spec
    if value is None:
        return True
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool) and abs(value) <= MAX_INT
    if kind == "float":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if not isinstance(value, str) or len(value) > length:
        return False
    try:
        if kind == "date":
            dt.date.fromisoformat(value)
        elif kind == "decimal":
            return Decimal(value).is_finite()
    except (ValueError, InvalidOperation):
        return False
    return True


class MalformedChangeError(OtopError):
    """A change in a bundle that this version cannot read; the bundle is refused whole."""


@dataclass(frozen=True, slots=True)
class Change:
    replica: str
    seq: int
    hlc: int
    tbl: str
    row_id: str
    cl: int
    payload: dict[str, Any]
    base: dict[str, list[Any]]
    payload_text: str
    base_text: str


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def encode_rows(rows: Iterable[tuple[str, int, int, str, str, int, str, str]]) -> bytes:
    """A chunk of change_log rows (payload and base kept as their JSON text) as bytes."""
    parts = [
        f"[{_json(r)},{s},{h},{_json(t)},{_json(i)},{c},{_json(p)},{_json(b)}]"
        for r, s, h, t, i, c, p, b in rows
    ]
    return ("[" + ",\n".join(parts) + "]").encode("utf-8")


def _bad(reason: str) -> MalformedChangeError:
    return MalformedChangeError(
        _(
            "The bundle holds a change this version cannot read ({reason}); nothing was imported."
        ).format(reason=reason)
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_INT


def decode_chunk(data: bytes) -> list[Change]:
    """Parse and check one chunk; any malformed change refuses the whole chunk."""
    try:
        items = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise _bad(_("not JSON")) from None
    if not isinstance(items, list):
        raise _bad(_("not a list of changes"))
    return list(_check_all(items))


def _check_all(items: list[Any]) -> Iterator[Change]:
    for item in items:
        if not isinstance(item, list) or len(item) != 8:
            raise _bad(_("wrong shape"))
        replica, seq, hlc, tbl, row_id, cl, payload_text, base_text = item
        if not isinstance(payload_text, str) or not isinstance(base_text, str):
            raise _bad(_("values"))
        try:
            payload, base = json.loads(payload_text), json.loads(base_text)
        except ValueError:
            raise _bad(_("values")) from None
        if not (isinstance(replica, str) and UUID_RE.match(replica)):
            raise _bad(_("laptop id"))
        if not (_is_int(seq) and seq > 0 and _is_int(hlc) and _is_int(cl) and cl > 0):
            raise _bad(_("numbers"))
        columns = _COLUMNS.get(tbl) if isinstance(tbl, str) else None
        if columns is None:
            raise _bad(_("unknown table {name}").format(name=str(tbl)[:40]))
        if not (isinstance(row_id, str) and UUID_RE.match(row_id)):
            raise _bad(_("record id"))
        if not isinstance(payload, dict) or not isinstance(base, dict):
            raise _bad(_("values"))
        for column, value in payload.items():
            if column not in columns:
                raise _bad(_("unknown column {name}").format(name=str(column)[:40]))
            if not _value_ok(columns[column], value):
                raise _bad(_("value of {name}").format(name=column))
        for column, clock in base.items():
            if (
                column not in payload
                or not isinstance(clock, list)
                or len(clock) != 2
                or not _is_int(clock[0])
                or not isinstance(clock[1], str)
            ):
                raise _bad(_("clock of {name}").format(name=str(column)[:40]))
        yield Change(replica, seq, hlc, tbl, row_id, cl, payload, base, payload_text, base_text)
