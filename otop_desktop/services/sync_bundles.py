"""Sync bundles: export what other laptops may lack, import and merge what they sent.

Import verifies the whole file first (decryption, signature, every member's size and hash),
stores the photos, then merges every change in ONE transaction, checking each chunk as it is
parsed: a malformed change anywhere, a cancel or a power cut leaves the database exactly as it
was, and importing the same bundle again completes the work (what is already merged is skipped).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from otop_desktop.db import migrate
from otop_desktop.db.local_models import BundleRecord, Peer, ReplicaState
from otop_desktop.db.models import Photo
from otop_desktop.db.retry import run_with_retry
from otop_desktop.domain.errors import OtopError
from otop_desktop.domain.ids import uuid7
from otop_desktop.i18n import _
from otop_desktop.media.store import BLOCK, BlobStore
from otop_desktop.services.context import AppContext, utc_now
from otop_desktop.services.trainee_merge import settle_merge_cycles
from otop_desktop.sync import keys, outbox
from otop_desktop.sync.bundle_file import BundleWriter
from otop_desktop.sync.bundle_reader import VerifiedBundle, open_bundle
from otop_desktop.sync.crypto import BundleCancelled, UnsupportedBundleError
from otop_desktop.sync.merge import Merger, MergeStats
from otop_desktop.sync.wire import decode_chunk

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


class NoPassphraseError(OtopError):
    """No programme passphrase was given and none is kept on this laptop."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "No programme passphrase is set on this laptop: set one in Settings, or give "
                "--passphrase-file."
            )
        )


@dataclass
class ExportReport:
    path: str
    bundle_id: str
    changes: int
    photos: int
    replicas: int
    full: bool


@dataclass
class ImportReport:
    path: str
    bundle_id: str = ""
    sender: str = ""
    sender_name: str = ""
    already_imported: bool = False
    stats: MergeStats = field(default_factory=MergeStats)
    photos_added: int = 0
    photos_missing: int = 0
    missing: dict[str, list[int]] = field(default_factory=dict)
    key_changed: bool = False
    new_laptop: bool = False
    cancelled: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _passphrase(ctx: AppContext, given: str | None) -> str:
    text = given if given is not None else keys.load_passphrase(ctx.data_dir.keys)
    if not text:
        raise NoPassphraseError()
    return text


def read_seen(conn: Connection) -> dict[str, int]:
    """The version vector of this database, its own replica included."""
    vector = {r: s for r, s in conn.exec_driver_sql("SELECT replica_id, seq FROM replica_seen")}
    for replica, seq in conn.exec_driver_sql("SELECT replica_id, last_seq FROM replica_state"):
        vector[replica] = max(vector.get(replica, 0), seq)
    return vector


def _peers_low_water(peers: list[Peer]) -> dict[str, int]:
    """What every known laptop has surely seen: the minimum of their reported vectors."""
    if not peers:
        return {}
    vectors = [json.loads(p.their_seen or "{}") for p in peers]
    replicas = set().union(*vectors)
    return {r: min(v.get(r, 0) for v in vectors) for r in replicas}


def _missing_photos(ctx: AppContext, conn: Connection) -> list[str]:
    store = BlobStore(ctx.data_dir.blobs)
    hashes = conn.execute(select(Photo.sha256).where(Photo.cl % 2 == 1)).scalars()
    return sorted({h for h in hashes if h and not store.has(h)})


def export_bundle(
    ctx: AppContext,
    path: Path,
    *,
    full: bool = False,
    photos: bool = True,
    passphrase: str | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ExportReport:
    """Write a bundle of every change the receiver may lack (all of them with `full`)."""
    secret = _passphrase(ctx, passphrase)
    signing_key = keys.load_or_create_device_key(ctx.data_dir.keys)
    store = BlobStore(ctx.data_dir.blobs)
    bundle_id = uuid7()
    with ctx.read() as session:
        # One snapshot for the manifest and the chunks: on a hub other processes commit while
        # the bundle is written (SQLite's read transaction is a snapshot already).
        conn = session.connection(
            execution_options={} if ctx.is_sqlite else {"isolation_level": "REPEATABLE READ"}
        )
        state = session.scalar(select(ReplicaState))
        if state is None:
            raise OtopError(_("This database has not been initialised (run init first)."))
        peers = list(session.scalars(select(Peer)))
        their_seen = {} if full else _peers_low_water([p for p in peers if p.public_key])
        # The manifest (ranges, photos) is known before anything is written.
        plan = outbox.plan(conn, their_seen)
        wanted: set[str] = set()
        for peer in peers:
            wanted.update(json.loads(peer.wants or "[]"))
        photo_hashes = sorted(h for h in (plan.photos | wanted) if store.has(h)) if photos else []
        if full and photos:
            live = session.scalars(select(Photo.sha256).where(Photo.cl % 2 == 1))
            photo_hashes = sorted({h for h in live if h and store.has(h)} | set(photo_hashes))
        devices = {p.replica_id: p.device_name for p in peers if p.device_name}
        devices[state.replica_id] = state.device_name
        header = {
            "bundle_id": bundle_id,
            "created_at": utc_now(),
            "sender": {"replica_id": state.replica_id, "device_name": state.device_name},
            "schema": migrate.data_revision(),
            "seen": read_seen(conn),
            "ranges": plan.ranges,
            # Everything above this vector is in the bundle; a receiver below it lacks the rest.
            "base_seen": their_seen,
            "counts": {"changes": plan.count, "photos": len(photo_hashes)},
            "full": full,
            "devices": devices,
            "wants": _missing_photos(ctx, conn),
        }
        total = plan.count + len(photo_hashes)
        done = 0
        salt = keys.bundle_salt(ctx.data_dir.keys)
        with BundleWriter(path, secret, signing_key, header, salt) as writer:
            second = outbox.Outbox()
            for chunk in outbox.iter_chunks(conn, their_seen, second):
                writer.add_changes(chunk)
                done = second.count
                if progress:
                    progress(done, total)
                if cancelled and cancelled():
                    raise BundleCancelled()
            for sha in photo_hashes:
                writer.add_photo(sha, store.path_of(sha))
                done += 1
                if progress:
                    progress(done, total)
                if cancelled and cancelled():
                    raise BundleCancelled()
    with ctx.unit_of_work() as session:
        session.add(
            BundleRecord(
                bundle_id=bundle_id,
                direction="export",
                at=utc_now(),
                peer_replica=None,
                file_name=str(path),
                report=json.dumps(header["counts"]),
            )
        )
    log.info(
        "Bundle %s exported to %s: %d changes, %d photos%s",
        bundle_id,
        path,
        plan.count,
        len(photo_hashes),
        " (full)" if full else "",
    )
    return ExportReport(str(path), bundle_id, plan.count, len(photo_hashes), len(plan.ranges), full)


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while block := handle.read(BLOCK):
                digest.update(block)
    except OSError as exc:
        raise OtopError(
            _("The bundle {path} cannot be read: {reason}").format(
                path=path, reason=exc.strerror or exc
            )
        ) from exc
    return digest.hexdigest()


def _check_manifest(manifest: dict[str, Any]) -> tuple[str, str]:
    schema = manifest.get("schema")
    if not isinstance(schema, str):
        raise UnsupportedBundleError(
            _("This file is not a sync bundle of OTOP Field Desk; nothing was imported.")
        )
    if schema not in migrate.known_revisions():
        raise UnsupportedBundleError(
            _(
                "This bundle was made by a newer version of OTOP Field Desk; install the newer "
                "version on this laptop to import it. Nothing was imported."
            )
        )
    sender = manifest.get("sender")
    if not isinstance(sender, dict) or not isinstance(sender.get("replica_id"), str):
        raise UnsupportedBundleError(_("The bundle does not say which laptop made it."))
    return sender["replica_id"], str(sender.get("device_name") or "")


def import_bundle(
    ctx: AppContext,
    path: Path,
    *,
    passphrase: str | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ImportReport:
    """Verify and merge one bundle; see the module docstring for the guarantees."""
    report = ImportReport(str(path))
    file_sha = _file_sha256(path)
    with ctx.read() as session:
        done_before = _imported_before(session, file_sha)
    if done_before:
        report.bundle_id = done_before
        report.already_imported = True
        return report
    secret = _passphrase(ctx, passphrase)
    with open_bundle(path, secret, ctx.data_dir.root / "tmp", cancelled) as bundle:
        manifest = bundle.manifest
        report.bundle_id = str(manifest.get("bundle_id", ""))
        report.sender, report.sender_name = _check_manifest(manifest)
        _store_photos(ctx, bundle, report)

        def attempt() -> ImportReport:
            # A fresh report per attempt: a retried transaction starts again from nothing.
            done = replace(report, stats=MergeStats(), missing={})
            with ctx.unit_of_work() as session:
                # Asked again under the write lock: another process may have imported the same
                # file since the first look, and importing it twice must record it once.
                again = _imported_before(session, file_sha)
                if again:
                    done.bundle_id, done.already_imported = again, True
                    return done
                _merge(ctx, session.connection(), bundle, done, progress, cancelled)
                _record_peer(ctx, session, bundle, done, file_sha, path)
                settle_merge_cycles(session)
            return done

        try:
            result = run_with_retry(attempt)
        except BundleCancelled:
            log.info("Bundle import from %s cancelled", path)
            return ImportReport(
                str(path), report.bundle_id, report.sender, report.sender_name, cancelled=True
            )
    stats = result.stats
    log.info(
        "Bundle %s from replica %s imported from %s: %d created, %d updated, %d deleted, "
        "%d conflicts, %d photos added, %d missing%s",
        result.bundle_id,
        result.sender,
        path,
        stats.created,
        stats.updated,
        stats.deleted,
        stats.conflicts,
        result.photos_added,
        result.photos_missing,
        " (already imported)" if result.already_imported else "",
    )
    return result


def _imported_before(session: Session, file_sha: str) -> str | None:
    """The bundle id under which this very file was imported completely, if it was."""
    return session.scalar(
        select(BundleRecord.bundle_id).where(
            BundleRecord.file_sha256 == file_sha, BundleRecord.direction == "import"
        )
    )


def _all_seen(conn: Connection, manifest: dict[str, Any]) -> bool:
    """Whether this database already has every change the bundle says it carries."""
    ranges = manifest.get("ranges")
    if not isinstance(ranges, dict) or not ranges:
        return False
    seen = read_seen(conn)
    return all(
        isinstance(span, list)
        and len(span) == 2
        and isinstance(span[1], int)
        and seen.get(replica, 0) >= span[1]
        for replica, span in ranges.items()
    )


def _store_photos(ctx: AppContext, bundle: VerifiedBundle, report: ImportReport) -> None:
    store = BlobStore(ctx.data_dir.blobs)
    for sha in bundle.photo_names():
        if store.has(sha):
            continue
        target = store.path_of(sha)
        target.parent.mkdir(parents=True, exist_ok=True)
        bundle.extract_photo(sha, target)
        report.photos_added += 1


def _merge(
    ctx: AppContext,
    conn: Connection,
    bundle: VerifiedBundle,
    report: ImportReport,
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> None:
    """Merge every chunk inside the caller's one transaction.

    One transaction per bundle: a malformed change in the last chunk, a cancel or a power cut
    leaves the database exactly as before the import, each chunk is parsed and checked once,
    and the import pays for one durable commit, not one per chunk.
    """
    if _all_seen(conn, manifest := bundle.manifest):
        return
    counts = manifest.get("counts")
    total = counts.get("changes", 0) if isinstance(counts, dict) else 0
    own = conn.exec_driver_sql("SELECT replica_id FROM replica_state").scalar() or ""
    merger = Merger(conn, ctx.sync.clock, own, utc_now())
    done = 0
    for data in bundle.iter_changes():
        if cancelled and cancelled():
            raise BundleCancelled()
        changes = decode_chunk(data)
        report.stats.add(merger.apply(changes))
        done += len(changes)
        if progress:
            progress(done, max(total, done))


def _record_peer(
    ctx: AppContext,
    session: Session,
    bundle: VerifiedBundle,
    report: ImportReport,
    file_sha: str,
    path: Path,
) -> None:
    """Remember the sending laptop (key, what it has seen, what it lacks) and the import."""
    manifest = bundle.manifest
    now = utc_now()
    conn = session.connection()
    seen = read_seen(conn)
    ranges = manifest.get("ranges") or {}
    for replica, span in ranges.items():
        if isinstance(span, list) and len(span) == 2 and seen.get(replica, 0) < span[1]:
            report.missing[replica] = [seen.get(replica, 0) + 1, int(span[1])]
    base_seen = manifest.get("base_seen") or {}
    for replica, base in base_seen.items():
        have = seen.get(replica, 0)
        if isinstance(base, int) and have < base and replica not in report.missing:
            report.missing[replica] = [have + 1, base]
    own = conn.exec_driver_sql("SELECT replica_id FROM replica_state").scalar()
    # This laptop's own bundle carried back teaches nothing about a peer.
    if report.sender != own:
        _remember_sender(session, bundle, report, now)
    devices = manifest.get("devices") or {}
    for replica, name in devices.items():
        if replica in (report.sender, own) or not isinstance(name, str):
            continue
        other = session.get(Peer, replica)
        if other is None:
            session.add(
                Peer(
                    replica_id=replica,
                    device_name=name[:120],
                    first_seen_at=now,
                    their_seen="{}",
                    wants="[]",
                )
            )
        elif not other.device_name:
            other.device_name = name[:120]
    report.photos_missing = len(_missing_photos(ctx, conn))
    session.add(
        BundleRecord(
            bundle_id=report.bundle_id,
            direction="import",
            at=now,
            peer_replica=report.sender,
            file_name=str(path),
            file_sha256=None if report.missing else file_sha,
            report=json.dumps(report.as_dict(), sort_keys=True, default=str),
        )
    )


def _remember_sender(
    session: Session, bundle: VerifiedBundle, report: ImportReport, now: str
) -> None:
    """The sending laptop: its key (a change is reported), what it has seen, what it lacks."""
    manifest = bundle.manifest
    peer = session.get(Peer, report.sender)
    if peer is None:
        peer = Peer(replica_id=report.sender, first_seen_at=now, their_seen="{}", wants="[]")
        session.add(peer)
        report.new_laptop = True
    elif peer.public_key and peer.public_key != bundle.public_key:
        report.key_changed = True
        peer.key_changed_at = now
    peer.public_key = bundle.public_key
    peer.device_name = report.sender_name or peer.device_name
    peer.last_bundle_at = now
    peer.their_seen = json.dumps(manifest.get("seen") or {}, sort_keys=True)
    wants = manifest.get("wants")
    peer.wants = json.dumps(
        sorted(w for w in wants if isinstance(w, str))[:100_000] if isinstance(wants, list) else []
    )


def import_bundles(
    ctx: AppContext,
    paths: list[Path],
    *,
    passphrase: str | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> list[ImportReport]:
    """Import several bundles in turn (any order gives the same result)."""
    reports = []
    for path in paths:
        reports.append(
            import_bundle(ctx, path, passphrase=passphrase, progress=progress, cancelled=cancelled)
        )
        if reports[-1].cancelled:
            break
    return reports


def inspect(ctx: AppContext, path: Path, *, passphrase: str | None = None) -> dict[str, Any]:
    """The verified manifest of a bundle, without importing anything."""
    secret = _passphrase(ctx, passphrase)
    with open_bundle(path, secret, ctx.data_dir.root / "tmp") as bundle:
        manifest = dict(bundle.manifest)
        manifest.pop("files", None)
        manifest["fingerprint"] = keys.fingerprint(bundle.public_key)
        return manifest
