"""Reviewing sync: the conflict log, known laptops, bundle history, import summaries."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select

from otop_desktop.db.local_models import BundleRecord, Conflict, Peer, ReplicaSeen, ReplicaState
from otop_desktop.db.models import MODEL_BY_TABLE, Trainee, data_columns
from otop_desktop.domain.errors import NotFoundError, OtopError, ValidationError
from otop_desktop.domain.text import fold
from otop_desktop.i18n import _, ngettext
from otop_desktop.services.context import AppContext
from otop_desktop.services.sync_bundles import ImportReport
from otop_desktop.services.trainees import clean_trainee_fields
from otop_desktop.sync import keys
from otop_desktop.sync.hlc import wall_ms_of
from otop_desktop.sync.wire import column_specs as wire_columns


@dataclass(frozen=True)
class ConflictInfo:
    id: int
    tbl: str
    row_id: str
    column: str
    kept_value: Any
    kept_laptop: str
    kept_at_ms: int
    lost_value: Any
    lost_laptop: str
    lost_at_ms: int
    detected_at: str


@dataclass(frozen=True)
class LaptopInfo:
    replica_id: str
    device_name: str | None
    seen_seq: int
    last_bundle_at: str | None
    first_seen_at: str | None
    fingerprint: str | None
    key_changed_at: str | None
    is_this_laptop: bool


@dataclass(frozen=True)
class BundleHistoryItem:
    bundle_id: str
    direction: str
    at: str
    peer_name: str | None
    file_name: str | None
    report: dict[str, Any]


def _names(session: Any) -> dict[str, str]:
    names = {p.replica_id: p.device_name or "" for p in session.scalars(select(Peer))}
    state = session.scalar(select(ReplicaState))
    if state is not None:
        names[state.replica_id] = state.device_name
    return names


def open_conflicts(ctx: AppContext) -> list[ConflictInfo]:
    """Concurrent edits not yet reviewed, newest first."""
    with ctx.read() as session:
        names = _names(session)
        rows = session.scalars(
            select(Conflict).where(Conflict.resolved.is_(False)).order_by(Conflict.id.desc())
        )
        return [
            ConflictInfo(
                c.id,
                c.tbl,
                c.row_id,
                c.col_name,
                json.loads(c.kept_value or "null"),
                names.get(c.kept_replica) or c.kept_replica,
                wall_ms_of(c.kept_hlc),
                json.loads(c.lost_value or "null"),
                names.get(c.lost_replica) or c.lost_replica,
                wall_ms_of(c.lost_hlc),
                c.detected_at,
            )
            for c in rows
        ]


def resolve_conflict(
    ctx: AppContext, conflict_id: int, *, keep: str | None = None, value: Any = None
) -> None:
    """Settle a conflict by keeping one value or typing another: an ordinary edit that syncs."""
    if (keep is None) == (value is None):  # value "" clears the field
        raise ValidationError(_("Choose the value to keep, or type a new one (not both)."))
    with ctx.unit_of_work() as session:
        conflict = session.get(Conflict, conflict_id)
        if conflict is None:
            raise NotFoundError(_("conflict"), str(conflict_id))
        model = MODEL_BY_TABLE[conflict.tbl]
        if conflict.col_name not in data_columns(model):
            raise ValidationError(_("This conflict names a field that no longer exists."))
        row = session.get(model, conflict.row_id)
        if row is None:
            raise NotFoundError(model.kind, conflict.row_id)
        if keep == "kept":
            chosen = json.loads(conflict.kept_value or "null")
        elif keep == "lost":
            chosen = json.loads(conflict.lost_value or "null")
        else:
            chosen = _typed_value(session, row, conflict.col_name, value)
        column = model.__table__.c[conflict.col_name]
        bind = column.type.bind_processor(session.get_bind().dialect)
        stored = bind(chosen) if bind and chosen is not None else chosen
        current = (
            session.connection()
            .execute(select(column).where(model.__table__.c.id == conflict.row_id))
            .scalar()
        )
        if current != stored:
            setattr(row, conflict.col_name, chosen)
        for other in session.scalars(
            select(Conflict).where(
                Conflict.tbl == conflict.tbl,
                Conflict.row_id == conflict.row_id,
                Conflict.col_name == conflict.col_name,
                Conflict.resolved.is_(False),
            )
        ):
            other.resolved = True


def _typed_value(session: Any, row: Any, column: str, typed: Any) -> Any:
    """A value typed to settle a conflict, checked like the same field in its own form."""
    if isinstance(row, Trainee):
        return clean_trainee_fields(session, {column: typed}, row)[column]
    text = str(typed).strip()
    if not text:
        return None
    kind, length = wire_columns()[row.__tablename__][column]
    parsers: dict[str, Callable[[str], Any]] = {
        "int": int,
        "float": float,
        "date": lambda t: dt.date.fromisoformat(t).isoformat(),
        "decimal": lambda t: format(Decimal(t), "f"),
        "bool": _yes_no,
        "str": str,
    }
    try:
        value = parsers[kind](text)
    except (ValueError, ArithmeticError):
        value = None
    if value is None or (kind == "str" and len(text) > length):
        raise ValidationError(_("“{value}” does not fit this field.").format(value=text))
    return value


def _yes_no(text: str) -> bool | None:
    folded = fold(text)
    if folded in ("1", "yes", "y", "true", "si", "是"):
        return True
    if folded in ("0", "no", "n", "false", "否"):
        return False
    return None


def known_laptops(ctx: AppContext) -> list[LaptopInfo]:
    """This laptop and every laptop heard of, with what we have of their changes."""
    with ctx.read() as session:
        seen = {r.replica_id: r.seq for r in session.scalars(select(ReplicaSeen))}
        state = session.scalar(select(ReplicaState))
        out: list[LaptopInfo] = []
        if state is not None:
            out.append(
                LaptopInfo(
                    state.replica_id,
                    state.device_name,
                    state.last_seq,
                    None,
                    state.created_at,
                    _fingerprint_of(ctx),
                    None,
                    True,
                )
            )
        for peer in session.scalars(select(Peer).order_by(Peer.device_name)):
            out.append(
                LaptopInfo(
                    peer.replica_id,
                    peer.device_name,
                    seen.get(peer.replica_id, 0),
                    peer.last_bundle_at,
                    peer.first_seen_at,
                    keys.fingerprint(peer.public_key) if peer.public_key else None,
                    peer.key_changed_at,
                    False,
                )
            )
        return out


def _fingerprint_of(ctx: AppContext) -> str | None:
    path = ctx.data_dir.keys / keys.DEVICE_KEY_FILE
    if not path.exists():
        return None
    return keys.fingerprint(keys.device_public_key_text(ctx.data_dir.keys))


def bundle_history(ctx: AppContext) -> list[BundleHistoryItem]:
    """Bundles written and read here, newest first."""
    with ctx.read() as session:
        names = _names(session)
        rows = session.scalars(select(BundleRecord).order_by(BundleRecord.id.desc()))
        return [
            BundleHistoryItem(
                r.bundle_id,
                r.direction,
                r.at,
                names.get(r.peer_replica or "") if r.peer_replica else None,
                r.file_name,
                json.loads(r.report or "{}"),
            )
            for r in rows
        ]


def describe_import(report: ImportReport) -> str:
    """One paragraph a coordinator reads after an import."""
    if report.already_imported:
        return _("{path}: already imported; nothing to do.").format(path=report.path)
    s = report.stats
    parts = [
        _("{path} from “{laptop}”:").format(path=report.path, laptop=report.sender_name),
        ngettext("{n} record created", "{n} records created", s.created).format(n=s.created),
        ngettext("{n} updated", "{n} updated", s.updated).format(n=s.updated),
        ngettext("{n} deleted", "{n} deleted", s.deleted).format(n=s.deleted),
        ngettext("{n} unchanged", "{n} unchanged", s.unchanged).format(n=s.unchanged),
        ngettext("{n} already known", "{n} already known", s.skipped).format(n=s.skipped),
        ngettext("{n} conflict to review", "{n} conflicts to review", s.conflicts).format(
            n=s.conflicts
        ),
        ngettext("{n} photo added", "{n} photos added", report.photos_added).format(
            n=report.photos_added
        ),
    ]
    text = " ".join(parts[:1]) + " " + ", ".join(parts[1:]) + "."
    if report.new_laptop:
        text += " " + _("This laptop was not known before.")
    if report.key_changed:
        text += " " + _(
            "Warning: this laptop's signing key has changed since its last bundle; "
            "make sure the bundle really comes from it."
        )
    for replica, (low, high) in report.missing.items():
        text += " " + _(
            "Changes {low} to {high} of laptop {id} are missing: import the bundles "
            "that carry them."
        ).format(low=low, high=high, id=replica)
    for replica, count in s.future.items():
        text += " " + ngettext(
            "{n} change from laptop {id} is dated in the future: check that laptop's clock.",
            "{n} changes from laptop {id} are dated in the future: check that laptop's clock.",
            count,
        ).format(n=count, id=replica)
    if report.photos_missing:
        text += " " + ngettext(
            "{n} photo is still missing; it will come with a later bundle.",
            "{n} photos are still missing; they will come with a later bundle.",
            report.photos_missing,
        ).format(n=report.photos_missing)
    if report.cancelled:
        text += " " + _(
            "Cancelled: nothing was taken from this bundle; import it again when convenient."
        )
    return text


def save_import_reports(reports: list[ImportReport], path: Path) -> None:
    """Write what imports did as a text file a coordinator can keep or send."""
    lines = [describe_import(r) for r in reports]
    try:
        path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    except OSError as exc:
        raise OtopError(
            _("The report could not be saved to {path}: {reason}").format(
                path=path, reason=exc.strerror or exc
            )
        ) from exc
