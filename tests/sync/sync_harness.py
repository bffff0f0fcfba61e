"""Replicas in temporary folders that exchange real bundle files, for the sync tests."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from otop_desktop.db.models import Photo, Trainee
from otop_desktop.domain.errors import OtopError
from otop_desktop.media.store import BlobStore
from otop_desktop.services import attendance, enrollments, trainees, workshops
from otop_desktop.services.context import AppContext, initialise, open_context
from otop_desktop.services.dump import dump_text
from otop_desktop.services.sync_bundles import export_bundle, import_bundle
from otop_desktop.sync import keys
from otop_desktop.sync.capture import SyncContext
from otop_desktop.sync.hlc import HybridClock

PASSPHRASE = "bambú y barro 2026"
BASE_MS = 1_790_000_000_000


@dataclass
class Replica:
    name: str
    ctx: AppContext
    offset_ms: list[int] = field(default_factory=lambda: [0])

    def dump(self) -> str:
        return dump_text(self.ctx)

    def trainee_ids(self) -> list[str]:
        with self.ctx.read() as session:
            return sorted(session.scalars(select(Trainee.id)))

    def live_trainee_ids(self) -> list[str]:
        with self.ctx.read() as session:
            return sorted(session.scalars(select(Trainee.id).where(Trainee.cl % 2 == 1)))


class Cluster:
    """N replicas sharing one programme passphrase, with a controllable wall clock each."""

    def __init__(self, root: Path, count: int, template: Path | None = None) -> None:
        self.root = root
        self.bundles = root / "bundles"
        self.bundles.mkdir(parents=True, exist_ok=True)
        self.replicas: list[Replica] = []
        self.counter = 0
        self.now = [BASE_MS]
        for index in range(count):
            folder = root / f"r{index}"
            if template is not None:
                shutil.copytree(template, folder)  # a copy gets a new replica id at open
            offset = [0]
            clock = HybridClock(lambda o=offset: self.now[0] + o[0])
            ctx = open_context(folder, sync=SyncContext(clock=clock))
            initialise(ctx, f"laptop-{index}")
            keys.save_passphrase(ctx.data_dir.keys, PASSPHRASE)
            self.replicas.append(Replica(f"laptop-{index}", ctx, offset))

    def tick(self, ms: int = 1000) -> None:
        self.now[0] += ms

    def close(self) -> None:
        for replica in self.replicas:
            replica.ctx.close()

    def export(self, index: int, full: bool = False, photos: bool = True) -> Path:
        self.counter += 1
        path = self.bundles / f"b{self.counter}-from-{index}.otop"
        export_bundle(self.replicas[index].ctx, path, full=full, photos=photos)
        return path

    def deliver(self, path: Path, index: int) -> None:
        import_bundle(self.replicas[index].ctx, path)

    def gossip(self) -> None:
        """Every replica sends everything to every other, twice, so all have all."""
        for _round in range(2):
            for sender in range(len(self.replicas)):
                path = self.export(sender, full=True)
                for receiver in range(len(self.replicas)):
                    if receiver != sender:
                        self.deliver(path, receiver)


def seed_workshop(replica: Replica) -> tuple[str, str]:
    """A workshop with one session on `replica`; returns (workshop id, session id)."""
    w = workshops.create_workshop(replica.ctx, title="Bambú", country="HN")
    s = workshops.add_session(replica.ctx, w.id, "2026-09-01", hours=3)
    return w.id, s.id


def add_photo(replica: Replica, label: bytes) -> str:
    """A photo row whose blob is in the replica's store (the media service is not needed)."""
    store = BlobStore(replica.ctx.data_dir.blobs)
    sha = store.put_bytes(b"\xff\xd8photo:" + label)
    with replica.ctx.unit_of_work() as session:
        photo = Photo(sha256=sha, byte_size=len(label) + 8, caption=label.decode(), consent=True)
        session.add(photo)
        session.flush()
        return photo.id


def try_edit(action: object) -> bool:
    """Run an edit that may be refused (deleted row, bad value); True when it was applied."""
    try:
        action()  # type: ignore[operator]
    except OtopError:
        return False
    return True


def marks_of(replica: Replica) -> dict[str, str]:
    data = json.loads(replica.dump())
    return {row["id"]: row["status"] for row in data["attendance"]}


__all__ = [
    "Cluster",
    "Replica",
    "add_photo",
    "attendance",
    "enrollments",
    "marks_of",
    "seed_workshop",
    "trainees",
    "try_edit",
]
