"""Retrying what the database server rolled back, and the hub's one write lock."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from otop_desktop.db.engine import HUB_WRITE_LOCK
from otop_desktop.db.retry import is_retryable, run_with_retry, sqlstate_of
from otop_desktop.domain.errors import DatabaseError
from otop_desktop.services import sync_bundles, trainees
from otop_desktop.services.context import initialise, open_context
from otop_desktop.services.dump import dump_text
from otop_desktop.sync import crypto
from tests import pg_server
from tests.sync.sync_harness import Cluster


class _ServerSays(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"server says {sqlstate}")
        self.sqlstate = sqlstate


def _wrapped(sqlstate: str) -> DatabaseError:
    """A driver error as services see it: inside SQLAlchemy's, inside our DatabaseError."""
    try:
        try:
            raise _ServerSays(sqlstate)
        except _ServerSays as driver:
            wrapper = RuntimeError("statement failed")
            wrapper.orig = driver  # type: ignore[attr-defined]
            raise wrapper from driver
    except RuntimeError as exc:
        error = DatabaseError("nothing was saved")
        error.__cause__ = exc
        return error


def test_the_sqlstate_is_found_through_the_wrappers() -> None:
    assert sqlstate_of(_wrapped("40P01")) == "40P01"
    assert is_retryable(_wrapped("40001"))
    assert is_retryable(_wrapped("55P03"))
    assert not is_retryable(_wrapped("23505"))  # a unique violation is a bug, not bad luck
    assert not is_retryable(ValueError("no sqlstate"))


def test_work_is_run_again_until_it_succeeds() -> None:
    calls: list[int] = []
    pauses: list[float] = []

    def work() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise _wrapped("40P01")
        return "done"

    assert run_with_retry(work, sleep=pauses.append) == "done"
    assert len(calls) == 3
    assert len(pauses) == 2 and pauses[1] > pauses[0] * 0.5


def test_it_gives_up_with_a_message_after_the_last_attempt() -> None:
    calls: list[int] = []

    def work() -> None:
        calls.append(1)
        raise _wrapped("40001")

    with pytest.raises(DatabaseError, match="tried 3 times") as caught:
        run_with_retry(work, attempts=3, sleep=lambda _s: None)
    assert len(calls) == 3
    assert is_retryable(caught.value)


def test_other_errors_are_not_retried() -> None:
    calls: list[int] = []

    def work() -> None:
        calls.append(1)
        raise _wrapped("23505")

    with pytest.raises(DatabaseError):
        run_with_retry(work, sleep=lambda _s: None)
    assert len(calls) == 1


def test_an_import_rolled_back_by_the_server_is_imported_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(crypto, "SCRYPT_N", 1 << 10)
    cluster = Cluster(tmp_path, 3)
    try:
        sender, once, twice = cluster.replicas
        for name in ("María Fernanda", "José Luis", "Ana Lucía"):
            trainees.add_trainee(sender.ctx, given_names=name, family_names="López Reyes")
        bundle = cluster.export(0)
        cluster.deliver(bundle, 1)
        real_merge = sync_bundles._merge
        failures: list[int] = []

        def merge_then_fail(*args: object, **kwargs: object) -> None:
            real_merge(*args, **kwargs)  # type: ignore[arg-type]
            if not failures:
                failures.append(1)
                raise _wrapped("40P01")  # after writing: the retry must start from nothing

        monkeypatch.setattr(sync_bundles, "_merge", merge_then_fail)
        monkeypatch.setattr("otop_desktop.db.retry.time.sleep", lambda _s: None)
        report = sync_bundles.import_bundle(twice.ctx, bundle)
        assert failures == [1]
        assert report.stats.created == 3 and report.stats.applied == 3
        assert twice.dump() == once.dump()
    finally:
        cluster.close()


def test_hub_writers_wait_for_each_other_and_readers_do_not(tmp_path: Path) -> None:
    url = pg_server.server().create_database("lock")
    ctx = open_context(tmp_path, url)
    other = open_context(tmp_path, url)
    try:
        initialise(ctx, "Hub")
        trainee = trainees.add_trainee(ctx, given_names="陳美玲").id
        holding, release = threading.Event(), threading.Event()

        def hold_the_lock() -> None:
            with ctx.unit_of_work() as session:
                session.execute(text("SELECT 1"))
                holding.set()
                release.wait(10)

        holder = threading.Thread(target=hold_the_lock)
        holder.start()
        assert holding.wait(10)
        with other.engine.connect() as probe:  # the lock is the hub's one write lock
            taken = probe.exec_driver_sql(
                f"SELECT pg_try_advisory_xact_lock({HUB_WRITE_LOCK})"
            ).scalar()
        assert taken is False
        assert trainees.get_trainee(other, trainee).given_names == "陳美玲"  # reads go on
        edited = threading.Thread(
            target=lambda: trainees.edit_trainee(other, trainee, phone="2233-4455")
        )
        edited.start()
        edited.join(0.3)
        assert edited.is_alive()  # the writer waits for the lock
        release.set()
        holder.join(10)
        edited.join(10)
        assert not edited.is_alive()
        assert trainees.get_trainee(ctx, trainee).phone == "2233-4455"
        assert "2233-4455" in dump_text(ctx)
    finally:
        ctx.close()
        other.close()
