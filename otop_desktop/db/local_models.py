"""Local tables: this database's own sync state on this device. They are never synced."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from otop_desktop.db.models import ID, Base


class ReplicaState(Base):
    """One row: who this database is, and its counters."""

    __tablename__ = "replica_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    replica_id: Mapped[str] = mapped_column(ID, nullable=False)
    device_name: Mapped[str] = mapped_column(String(120), nullable=False)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0, nullable=False)
    last_hlc: Mapped[int] = mapped_column(BigInteger, default=0, nullable=False)
    created_at: Mapped[str] = mapped_column(String(32), nullable=False)
    # Where the database file was when this replica id was made: a copy elsewhere gets a new id.
    home: Mapped[str | None] = mapped_column(Text)


class ChangeLog(Base):
    """Every change this database knows, its own and relayed ones, as first stamped."""

    __tablename__ = "change_log"

    replica_id: Mapped[str] = mapped_column(ID, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    hlc: Mapped[int] = mapped_column(BigInteger, nullable=False)
    tbl: Mapped[str] = mapped_column(String(40), nullable=False)
    row_id: Mapped[str] = mapped_column(ID, nullable=False)
    cl: Mapped[int] = mapped_column(Integer, nullable=False)
    payload: Mapped[str] = mapped_column(Text, nullable=False)
    # For each edited column, the clock [hlc, replica] of the value the editor replaced: a
    # receiver whose value is newer than that base knows the two edits were concurrent.
    base: Mapped[str] = mapped_column(Text, default="{}", nullable=False)


class ReplicaSeen(Base):
    """The version vector: for each replica, the highest seq seen with no gap below it."""

    __tablename__ = "replica_seen"

    replica_id: Mapped[str] = mapped_column(ID, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0, nullable=False)


class LocalSetting(Base):
    """Settings of this database on this device (not synced)."""

    __tablename__ = "local_setting"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)


class Conflict(Base):
    """A field edited concurrently on two laptops with different values, for review."""

    __tablename__ = "conflict"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tbl: Mapped[str] = mapped_column(String(40), nullable=False)
    row_id: Mapped[str] = mapped_column(ID, nullable=False)
    col_name: Mapped[str] = mapped_column(String(60), nullable=False)
    kept_value: Mapped[str | None] = mapped_column(Text)
    kept_hlc: Mapped[int] = mapped_column(BigInteger, nullable=False)
    kept_replica: Mapped[str] = mapped_column(ID, nullable=False)
    lost_value: Mapped[str | None] = mapped_column(Text)
    lost_hlc: Mapped[int] = mapped_column(BigInteger, nullable=False)
    lost_replica: Mapped[str] = mapped_column(ID, nullable=False)
    detected_at: Mapped[str] = mapped_column(String(32), nullable=False)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)

    __table_args__ = (Index("ix_conflict_open", "resolved", "tbl", "row_id"),)


class Peer(Base):
    """Another laptop (replica) this database has heard of, with its signing key."""

    __tablename__ = "peer"

    replica_id: Mapped[str] = mapped_column(ID, primary_key=True)
    device_name: Mapped[str | None] = mapped_column(String(120))
    public_key: Mapped[str | None] = mapped_column(Text)
    first_seen_at: Mapped[str | None] = mapped_column(String(32))
    last_bundle_at: Mapped[str | None] = mapped_column(String(32))
    # What that laptop had seen when it wrote its last bundle (JSON replica -> seq).
    their_seen: Mapped[str] = mapped_column(Text, default="{}", nullable=False)
    key_changed_at: Mapped[str | None] = mapped_column(String(32))
    # Photos that laptop said it lacks (JSON list of sha256): our next bundle carries them.
    wants: Mapped[str] = mapped_column(Text, default="[]", nullable=False)


class BundleRecord(Base):
    """History of bundles this database wrote or read."""

    __tablename__ = "bundle_record"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    bundle_id: Mapped[str] = mapped_column(ID, nullable=False, index=True)
    direction: Mapped[str] = mapped_column(String(10), nullable=False)
    at: Mapped[str] = mapped_column(String(32), nullable=False)
    peer_replica: Mapped[str | None] = mapped_column(ID)
    file_name: Mapped[str | None] = mapped_column(Text)
    # The encrypted file's sha256: the same file imported again is a no-op at once.
    file_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    report: Mapped[str] = mapped_column(Text, default="{}", nullable=False)
