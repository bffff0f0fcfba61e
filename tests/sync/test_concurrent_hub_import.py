"""Two coordinators importing into one PostgreSQL hub at the same time, in separate processes.

Three SQLite laptops make different and overlapping changes (one trainee edited on two
laptops, a delete against an edit, a bundle relayed through two laptops so that both bundles
carry it, photos). Hub A receives bundles 1 and 2 from two processes started together (and, in
the variant, a third process saving edits on the hub meanwhile); hub B, a copy of the same
database, receives them one after the other. Both must end identical: same dump, same conflict
log, same change log and version vector, and `check` clean. Twenty rounds in a row, each on
fresh copies of the hub.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from otop_desktop.services import trainees, workshops
from otop_desktop.services.check import run_check
from otop_desktop.services.context import AppContext, initialise, open_context
from otop_desktop.services.dump import dump_text
from otop_desktop.services.sync_bundles import import_bundle, read_seen
from otop_desktop.sync import crypto
from tests import pg_server
from tests.sync.sync_harness import PASSPHRASE, Cluster, add_photo

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = int(os.environ.get("HUB_ROUNDS", "20"))
HUB_PHONE = "9911-00"


@dataclass
class Scenario:
    template: str  # name of the hub database every round copies
    bundles: list[Path]
    passphrase_file: Path
    hub_edited: list[str]  # trainees whose phone the hub edits (no bundle touches it)
    touched: list[str]  # the same trainees, each edited in another column by a bundle


def _trainee(ctx: AppContext, given: str, family: str) -> str:
    return trainees.add_trainee(ctx, given_names=given, family_names=family, country="HN").id


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    server = pg_server.server()
    saved_n = crypto.SCRYPT_N
    crypto.SCRYPT_N = 1 << 10  # the bundles carry it: the subprocesses derive cheaply too
    root = tmp_path_factory.mktemp("hubrace")
    cluster = Cluster(root / "laptops", 3)
    try:
        l0, l1, l2 = (r.ctx for r in cluster.replicas)
        workshops.create_workshop(l0, title="Cerámica de Gracias", country="HN")
        ids = [_trainee(l0, f"Persona {i}", "López Reyes") for i in range(8)]
        base = cluster.export(0, full=True)
        cluster.deliver(base, 1)
        cluster.deliver(base, 2)

        cluster.tick()
        trainees.edit_trainee(l0, ids[1], phone="1111-1111")  # also edited on laptop 1
        trainees.edit_trainee(l0, ids[2], given_names="Ana Lucía")  # deleted on laptop 2
        trainees.edit_trainee(l0, ids[5], email="cinco@taller.hn")
        for i in range(15):
            _trainee(l0, f"Nueva {i}", "Martínez")
        add_photo(cluster.replicas[0], b"jarron")
        cluster.tick()
        trainees.edit_trainee(l1, ids[1], phone="2222-2222")
        trainees.edit_trainee(l1, ids[4], notes="Vende en el mercado de Comayagua")
        trainees.edit_trainee(l1, ids[6], town="Intibucá")
        for i in range(10):
            _trainee(l1, f"Otra {i}", "Hernández")
        add_photo(cluster.replicas[1], b"canasta")
        cluster.tick()
        trainees.delete_trainee(l2, ids[2])
        trainees.edit_trainee(l2, ids[3], email="tres@taller.hn")
        trainees.add_trainee(l2, chinese_name="陳美玲", country="TW")
        relayed = cluster.export(2)
        cluster.deliver(relayed, 0)
        cluster.deliver(relayed, 1)  # both bundles below carry laptop 2's changes
        cluster.tick()
        trainees.edit_trainee(l0, ids[3], town="La Esperanza")
        # Full bundles: both carry the base and laptop 2's changes, which the race must merge once.
        bundles = [cluster.export(0, full=True), cluster.export(1, full=True)]

        template = f"hubtmpl_{uuid.uuid4().hex[:8]}"
        _create_database(server, template)
        hub = open_context(root / "hubtmpl", server.url(template))
        try:
            initialise(hub, "Hub")
            import_bundle(hub, base, passphrase=PASSPHRASE)
        finally:
            hub.close()  # a template database must have no connections
        secret = root / "pass.txt"
        secret.write_text(PASSPHRASE, encoding="utf-8")
        yield Scenario(template, bundles, secret, [ids[5], ids[6], ids[7]], [ids[5], ids[6]])
    finally:
        cluster.close()
        crypto.SCRYPT_N = saved_n


def _create_database(server: pg_server.PgServer, name: str, template: str | None = None) -> str:
    admin = server.url("postgres").replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        suffix = f' TEMPLATE "{template}"' if template else ""
        conn.execute(f'CREATE DATABASE "{name}"{suffix}')  # type: ignore[arg-type]
    return server.url(name)


class Workers:
    """Coordinator processes started once (see hub_worker.py), given one job per round."""

    NAMES = ("import-1", "import-2", "editor")

    def __init__(self, control: Path) -> None:
        self.control = control
        control.mkdir()
        self.round = 0
        self.procs = [
            subprocess.Popen(
                [sys.executable, "-m", "tests.sync.hub_worker", str(control), name],
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
            for name in self.NAMES
        ]
        for proc in self.procs:
            assert proc.stdout is not None
            assert proc.stdout.readline() == "ready\n", proc.communicate()[1]

    def run(self, jobs: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """Give each named worker its job, start them together, and wait for their results."""
        number = self.round
        self.round += 1
        barrier = self.control / f"go-{number}"
        for name in self.NAMES:
            # A worker without work this round runs a command that changes nothing.
            job = {"barrier": str(barrier), **jobs.get(name, {"cli": ["--version"]})}
            temp = self.control / f".job-{number}-{name}"
            temp.write_text(json.dumps(job), encoding="utf-8")
            os.replace(temp, self.control / f"job-{number}-{name}.json")
        time.sleep(0.02)  # every worker is polling its barrier by now
        barrier.touch()
        results = {}
        deadline = time.monotonic() + 120
        for name in self.NAMES:
            path = self.control / f"result-{number}-{name}.json"
            while not path.exists():
                assert time.monotonic() < deadline, f"{name} did not finish round {number}"
                assert all(p.poll() is None for p in self.procs), "a worker died"
                time.sleep(0.005)
            results[name] = json.loads(path.read_text(encoding="utf-8"))
        return {name: results[name] for name in jobs}

    def stop(self) -> None:
        (self.control / "stop").touch()
        for proc in self.procs:
            try:
                proc.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()


@pytest.fixture(scope="module")
def workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workers]:
    started = Workers(tmp_path_factory.mktemp("workers") / "control")
    try:
        yield started
    finally:
        started.stop()


def _conflicts(ctx: AppContext) -> list[tuple[object, ...]]:
    with ctx.read() as session:
        rows = session.connection().exec_driver_sql(
            "SELECT tbl, row_id, col_name, kept_value, kept_hlc, kept_replica, lost_value, "
            "lost_hlc, lost_replica, resolved FROM conflict"
        )
        return sorted(tuple(r) for r in rows)


def _log_and_seen(ctx: AppContext) -> tuple[list[tuple[object, ...]], dict[str, int]]:
    """The change log as it came from the laptops, and what the hub has seen of them."""
    with ctx.read() as session:
        conn = session.connection()
        own = conn.exec_driver_sql("SELECT replica_id FROM replica_state").scalar()
        rows = conn.exec_driver_sql(
            "SELECT replica_id, seq, hlc, tbl, row_id, cl, payload, base FROM change_log "
            "WHERE replica_id <> %s",
            (own,),
        )
        log = sorted(tuple(r) for r in rows)
        seen = {r: s for r, s in read_seen(conn).items() if r != own}
    return log, seen


def _phones(ctx: AppContext, ids: list[str]) -> dict[str, str | None]:
    return {t.id: t.phone for t in (trainees.get_trainee(ctx, i) for i in ids)}


@dataclass(frozen=True)
class Outcome:
    dump: str
    conflicts: list[tuple[object, ...]]
    log_and_seen: tuple[list[tuple[object, ...]], dict[str, int]]


def _outcome(ctx: AppContext) -> Outcome:
    return Outcome(dump_text(ctx), _conflicts(ctx), _log_and_seen(ctx))


def _fresh_hub(s: Scenario, folder: Path) -> tuple[AppContext, str]:
    """A copy of the hub, opened once so that it takes its own replica id before any race."""
    server = pg_server.server()
    url = _create_database(server, f"hub_{uuid.uuid4().hex[:10]}", s.template)
    return open_context(folder, url), url


def _serial(s: Scenario, folder: Path, edits: bool) -> Outcome:
    """What importing the bundles one after the other (then editing) gives."""
    hub, _url = _fresh_hub(s, folder)
    try:
        for path in s.bundles:
            import_bundle(hub, path, passphrase=PASSPHRASE)
        if edits:
            for index, trainee_id in enumerate(s.hub_edited):
                trainees.edit_trainee(hub, trainee_id, phone=f"{HUB_PHONE}{index:02d}")
        outcome = _outcome(hub)
    finally:
        hub.close()
    assert outcome.conflicts, "the trainee edited on two laptops must be logged"
    return outcome


def _concurrent_round(s: Scenario, workers: Workers, folder: Path, edits: bool) -> Outcome:
    hub, url = _fresh_hub(s, folder)
    try:
        where = ["--data-dir", str(folder), "--database-url", url]
        jobs = {
            f"import-{n}": {
                "cli": [
                    *where,
                    "bundle",
                    "import",
                    str(path),
                    "--passphrase-file",
                    str(s.passphrase_file),
                ]
            }  # fmt: skip
            for n, path in enumerate(s.bundles, start=1)
        }
        if edits:
            jobs["editor"] = {"edit": [str(folder), url, HUB_PHONE, *s.hub_edited]}
        for name, result in workers.run(jobs).items():
            assert result["code"] == 0, f"{name}: {result['stderr']}"
        report = run_check(hub)
        assert report.ok, report.problems
        if edits:
            # No lost update: the hub's edits and the laptops' edits of the same rows all stay.
            expected = {t: f"{HUB_PHONE}{i:02d}" for i, t in enumerate(s.hub_edited)}
            assert _phones(hub, s.hub_edited) == expected
            assert trainees.get_trainee(hub, s.touched[0]).email == "cinco@taller.hn"
            assert trainees.get_trainee(hub, s.touched[1]).town == "Intibucá"
        return _outcome(hub)
    finally:
        hub.close()


@pytest.fixture(autouse=True)
def _once(request: pytest.FixtureRequest) -> None:
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and callspec.params.get("db_engine") == "postgresql":
        pytest.skip("the hub is on PostgreSQL in every run; the laptops stay on SQLite")


@pytest.mark.parametrize("edits", [False, True], ids=["imports", "imports-and-hub-edits"])
def test_concurrent_imports_equal_serial_imports(
    scenario: Scenario, workers: Workers, tmp_path: Path, edits: bool
) -> None:
    expected = _serial(scenario, tmp_path / "serial", edits)
    for number in range(ROUNDS):
        outcome = _concurrent_round(scenario, workers, tmp_path / f"round{number}", edits)
        assert outcome.dump == expected.dump, f"round {number}"
        assert outcome.conflicts == expected.conflicts, f"round {number}"
        assert outcome.log_and_seen == expected.log_and_seen, f"round {number}"
