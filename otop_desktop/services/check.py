"""`check`: is the database sound, is every photo in the store intact, is the change log whole.

What it looks at: SQLite's own integrity and foreign-key checks, the schema revision, this
laptop's change log (numbered without gaps), and every photo record's file in the store (present,
and its bytes still hashing to its name). Files in the store that no record uses and files left
by an interrupted import are noted, not problems; thumbnails are a cache and not looked at.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from otop_desktop.db import migrate
from otop_desktop.db.local_models import ChangeLog, ReplicaState
from otop_desktop.db.models import Photo
from otop_desktop.domain.errors import DatabaseError, OperationCancelled
from otop_desktop.i18n import _, ngettext
from otop_desktop.media.store import SHA256_RE, BlobStore, sha256_file
from otop_desktop.services.context import AppContext

log = logging.getLogger(__name__)

# Photos named one by one in the report; beyond that, how many more.
_NAMED = 10
_SQLITE_LINES = 5


@dataclass(frozen=True)
class Problem:
    """Something wrong, and what to do about it."""

    text: str
    advice: str


@dataclass(frozen=True)
class CheckReport:
    """What `run_check` found: problems (exit 1), notes (for information) and facts."""

    problems: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()
    facts: dict[str, object] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class _PhotoRow:
    id: str
    product_id: str | None
    sha256: str


def _restore_advice() -> str:
    return _(
        "Stop entering data on this laptop. Restore the newest backup, or ask whoever looks "
        "after the laptops for help; keep a copy of the data folder as it is."
    )


def _photo_advice() -> str:
    return _(
        "Receive a sync bundle from a laptop that has this photo, or restore a backup; "
        "otherwise delete the photo and take it again."
    )


def _database_problems(ctx: AppContext, facts: dict[str, object]) -> list[Problem]:
    problems: list[Problem] = []
    if ctx.is_sqlite:
        try:
            with ctx.engine.connect() as conn:
                results = [str(r[0]) for r in conn.execute(text("PRAGMA integrity_check"))]
                broken_links = conn.execute(text("PRAGMA foreign_key_check")).fetchall()
        except SQLAlchemyError as exc:
            # A badly damaged file fails the check itself ("database disk image is malformed").
            results = [str(getattr(exc, "orig", exc))]
            broken_links = []
        if results != ["ok"]:
            log.error("SQLite integrity check failed: %s", "; ".join(results[:_SQLITE_LINES]))
            problems.append(
                Problem(
                    _("The database file is damaged (SQLite's integrity check: {detail}).").format(
                        detail="; ".join(results[:_SQLITE_LINES])
                    ),
                    _restore_advice(),
                )
            )
        if broken_links:
            tables = sorted({str(row[0]) for row in broken_links})
            problems.append(
                Problem(
                    ngettext(
                        "{n} record points to a record that does not exist (tables: {tables}).",
                        "{n} records point to records that do not exist (tables: {tables}).",
                        len(broken_links),
                    ).format(n=len(broken_links), tables=", ".join(tables)),
                    _restore_advice(),
                )
            )
    try:
        revision = migrate.current_revision(ctx.engine)
    except DatabaseError as exc:
        return [*problems, Problem(str(exc), _restore_advice())]
    facts["schema"] = revision
    if revision not in migrate.known_revisions():
        problems.append(
            Problem(
                _("The database schema ({rev}) is unknown to this version.").format(rev=revision),
                _("Install the newest version of OTOP Field Desk."),
            )
        )
    elif revision != migrate.head_revision():
        problems.append(
            Problem(
                _("The database schema is not the newest one."),
                _("Open the database with the app once: it upgrades it after a backup."),
            )
        )
    return problems


def _change_log_problems(ctx: AppContext, facts: dict[str, object]) -> list[Problem]:
    with ctx.read() as session:
        state = session.scalar(select(ReplicaState))
        facts["changes"] = session.scalar(select(func.count()).select_from(ChangeLog))
        if state is None:
            return [
                Problem(
                    _("This database has not been initialised."),
                    _("Run init, or open it in the app once."),
                )
            ]
        facts["replica_id"] = state.replica_id
        facts["device_name"] = state.device_name
        count, highest = session.execute(
            select(func.count(), func.coalesce(func.max(ChangeLog.seq), 0)).where(
                ChangeLog.replica_id == state.replica_id
            )
        ).one()
    facts["own_changes"] = count
    if count != highest or highest != state.last_seq:
        return [
            Problem(
                _(
                    "This laptop's change log has gaps ({count} changes, last number {last})."
                ).format(count=count, last=state.last_seq),
                _(
                    "Changes in the gaps cannot reach other laptops. Restore the newest "
                    "backup, or ask whoever looks after the laptops for help."
                ),
            )
        ]
    return []


def _photo_rows(ctx: AppContext) -> list[_PhotoRow]:
    with ctx.read() as session:
        rows = session.execute(
            select(Photo.id, Photo.product_id, Photo.sha256).where(
                Photo.cl % 2 == 1, Photo.sha256.is_not(None)
            )
        ).all()
    return [_PhotoRow(r.id, r.product_id, str(r.sha256)) for r in rows]


def _all_photo_hashes(ctx: AppContext) -> set[str]:
    # Deleted photos too: bringing one back needs its file.
    with ctx.read() as session:
        return {h for h in session.scalars(select(Photo.sha256)) if h}


def _photo_problem(kind: str, rows: list[_PhotoRow]) -> list[Problem]:
    problems = []
    for row in rows[:_NAMED]:
        if kind == "missing":
            what = _("The file of photo {photo} (product {product}) is missing.")
        else:
            what = _("The file of photo {photo} (product {product}) is damaged.")
        problems.append(
            Problem(what.format(photo=row.id, product=row.product_id or "-"), _photo_advice())
        )
    if len(rows) > _NAMED:
        more = len(rows) - _NAMED
        if kind == "missing":
            what = ngettext(
                "The files of {n} more photo are missing.",
                "The files of {n} more photos are missing.",
                more,
            )
        else:
            what = ngettext(
                "The files of {n} more photo are damaged.",
                "The files of {n} more photos are damaged.",
                more,
            )
        problems.append(Problem(what.format(n=more), _photo_advice()))
    return problems


def _leftovers(root: Path) -> list[Path]:
    """Files in the store that are not photos: interrupted imports, stray copies."""
    if not root.is_dir():
        return []
    found = []
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        parent = path.parent
        if parent.parent == root and len(parent.name) == 2 and SHA256_RE.match(path.name):
            continue
        found.append(path)
    return found


def run_check(
    ctx: AppContext,
    verify_photos: bool = True,
    *,
    report: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> CheckReport:
    """Integrity of the database, schema revision, change log and photo store.

    Hashing every photo is the long part: `report(done, total)` counts photos checked, and
    `cancelled()` stops the check with OperationCancelled (it changes nothing).
    """
    facts: dict[str, object] = {}
    problems = _database_problems(ctx, facts)
    problems += _change_log_problems(ctx, facts)
    rows = _photo_rows(ctx)
    store = BlobStore(ctx.data_dir.blobs)
    hashes = sorted({row.sha256 for row in rows})
    facts["photos"] = len(rows)
    missing: set[str] = set()
    damaged: set[str] = set()
    if report is not None:
        report(0, len(hashes))
    for done, sha in enumerate(hashes, start=1):
        if cancelled is not None and cancelled():
            raise OperationCancelled(_("Check cancelled; nothing was changed."))
        path = store.path_of(sha)
        if not path.is_file():
            missing.add(sha)
        elif verify_photos:
            try:
                if sha256_file(path) != sha:
                    damaged.add(sha)
            except OSError:
                damaged.add(sha)
        if report is not None:
            report(done, len(hashes))
    problems += _photo_problem("missing", [r for r in rows if r.sha256 in missing])
    problems += _photo_problem("damaged", [r for r in rows if r.sha256 in damaged])
    notes = _store_notes(ctx, store)
    result = CheckReport(tuple(problems), tuple(notes), facts)
    log.info(
        "Check: %d problems, %d photos (%d missing, %d damaged), schema %s",
        len(problems),
        len(rows),
        len(missing),
        len(damaged),
        facts.get("schema"),
    )
    return result


def _store_notes(ctx: AppContext, store: BlobStore) -> list[str]:
    notes: list[str] = []
    used = _all_photo_hashes(ctx)
    unused = [sha for sha in store if sha not in used]
    if unused:
        size = sum(store.path_of(sha).stat().st_size for sha in unused)
        notes.append(
            ngettext(
                "{n} photo file in the store is used by no record ({mb} MB); nothing to do.",
                "{n} photo files in the store are used by no record ({mb} MB); nothing to do.",
                len(unused),
            ).format(n=len(unused), mb=round(size / 1_000_000, 1))
        )
    leftovers = _leftovers(store.root)
    if leftovers:
        notes.append(
            ngettext(
                "{n} file in {folder} was left by an interrupted import; it may be deleted "
                "while the app is closed.",
                "{n} files in {folder} were left by an interrupted import; they may be deleted "
                "while the app is closed.",
                len(leftovers),
            ).format(n=len(leftovers), folder=store.root)
        )
    return notes
