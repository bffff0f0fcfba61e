"""`dump`: every live record and photo hash as canonical JSON; equal data gives equal bytes."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Boolean, select

from otop_desktop.db.models import SYNCED_MODELS, Photo, data_columns
from otop_desktop.db.types import to_wire
from otop_desktop.media.store import BlobStore
from otop_desktop.services.context import AppContext


def _normalise(value: Any, is_bool: bool) -> Any:
    if is_bool and value is not None:
        return bool(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return to_wire(value)


def dump_data(ctx: AppContext) -> dict[str, Any]:
    """The canonical content of the database: live rows by table, sorted by id."""
    out: dict[str, Any] = {}
    with ctx.read() as session:
        conn = session.connection()
        for model in SYNCED_MODELS:
            table = model.__table__
            columns = ["id", *data_columns(model)]
            bools = {c for c in columns if isinstance(table.c[c].type, Boolean)}
            rows = conn.execute(
                select(*(table.c[c] for c in columns))
                .where(table.c.cl % 2 == 1)
                .order_by(table.c.id)
            )
            out[model.__tablename__] = [
                {c: _normalise(v, c in bools) for c, v in zip(columns, row, strict=True)}
                for row in rows
            ]
        hashes = session.scalars(select(Photo.sha256).where(Photo.cl % 2 == 1)).all()
    store = BlobStore(ctx.data_dir.blobs)
    out["photo_files"] = sorted({h for h in hashes if h and store.has(h)})
    return out


def dump_text(ctx: AppContext) -> str:
    """`dump_data` as canonical JSON text (sorted keys, one row per line)."""
    data = dump_data(ctx)
    lines = ["{"]
    keys = sorted(data)
    for index, key in enumerate(keys):
        rows = data[key]
        lines.append(f"{json.dumps(key)}: [")
        for row_index, row in enumerate(rows):
            text = json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
            lines.append(text + ("," if row_index < len(rows) - 1 else ""))
        lines.append("]" + ("," if index < len(keys) - 1 else ""))
    lines.append("}")
    return "\n".join(lines) + "\n"
