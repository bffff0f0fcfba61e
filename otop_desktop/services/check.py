"""`check`: is the database sound, is every photo in the store intact, is the change log whole."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select, text

from otop_desktop.db import migrate
from otop_desktop.db.local_models import ChangeLog, ReplicaState
from otop_desktop.db.models import Photo
from otop_desktop.i18n import _
from otop_desktop.media.store import BlobStore, sha256_file
from otop_desktop.services.context import AppContext


@dataclass
class CheckReport:
    problems: list[str] = field(default_factory=list)
    facts: dict[str, object] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def run_check(ctx: AppContext, verify_photos: bool = True) -> CheckReport:
    """Integrity of the database, schema revision, change log and photo store."""
    report = CheckReport()
    with ctx.read() as session:
        if ctx.is_sqlite:
            results = [r[0] for r in session.execute(text("PRAGMA integrity_check"))]
            if results != ["ok"]:
                report.problems.append(
                    _("The database fails SQLite's integrity check: {detail}").format(
                        detail="; ".join(results[:5])
                    )
                )
        revision = migrate.current_revision(ctx.engine)
        report.facts["schema"] = revision
        if revision != migrate.head_revision():
            report.problems.append(_("The database schema is not the newest one."))
        state = session.scalar(select(ReplicaState))
        if state is None:
            report.problems.append(_("This database has not been initialised (run init first)."))
        else:
            report.facts["replica_id"] = state.replica_id
            report.facts["device_name"] = state.device_name
            count, highest = session.execute(
                select(func.count(), func.coalesce(func.max(ChangeLog.seq), 0)).where(
                    ChangeLog.replica_id == state.replica_id
                )
            ).one()
            report.facts["own_changes"] = count
            if count != highest or highest != state.last_seq:
                report.problems.append(
                    _(
                        "This laptop's change log has gaps ({count} changes, last number {last})."
                    ).format(count=count, last=state.last_seq)
                )
        report.facts["changes"] = session.scalar(select(func.count()).select_from(ChangeLog))
        hashes = sorted(
            {h for h in session.scalars(select(Photo.sha256).where(Photo.cl % 2 == 1)) if h}
        )
    store = BlobStore(ctx.data_dir.blobs)
    missing = [h for h in hashes if not store.has(h)]
    report.facts["photos"] = len(hashes)
    if missing:
        report.problems.append(
            _("{n} photos are missing from the photo store (first: {first}).").format(
                n=len(missing), first=missing[0][:12]
            )
        )
    if verify_photos:
        damaged = [h for h in hashes if store.has(h) and sha256_file(store.path_of(h)) != h]
        if damaged:
            report.problems.append(
                _("{n} photos in the store are damaged (first: {first}).").format(
                    n=len(damaged), first=damaged[0][:12]
                )
            )
    return report
