"""The sync property of DESIGN.md: any edits, any delivery, then everyone ends equal.

2-5 replicas make random edits (create, edit, delete, undelete, attendance, photos, duplicate
merges) under skewed and backwards clocks, and exchange real bundle files at random: incremental
and full, duplicated, out of order, truncated (refused, changing nothing), relayed. After a full
gossip round every replica's `dump` must be byte-identical.

CI runs 200 examples on SQLite and 25 on PostgreSQL; `pytest --runslow -k convergence` runs the
long profile (2,000).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from otop_desktop.domain.errors import OtopError
from otop_desktop.sync import crypto
from tests import engines
from tests.sync.sync_harness import (
    Cluster,
    add_photo,
    attendance,
    enrollments,
    seed_workshop,
    trainees,
    try_edit,
)

# Each example runs real databases and bundle files: slow by design, not a sign of a bad test.
SLOW_IS_FINE = [
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.function_scoped_fixture,
]
EXAMPLES = int(os.environ.get("OTOP_SYNC_EXAMPLES", "200"))
PG_EXAMPLES = int(os.environ.get("OTOP_SYNC_PG_EXAMPLES", "25"))
FIELDS = ("birth_year", "consent_photos", "given_names", "phone", "town")
SKEWS_MS = [0, -3_600_000, -86_400_000 * 400, 86_400_000 * 365 * 4, 5_000]

operation = st.one_of(
    st.tuples(st.just("create"), st.integers(0, 4), st.sampled_from(["Rosa", "Luis", "陳美玲"])),
    st.tuples(
        st.just("edit"),
        st.integers(0, 4),
        st.integers(0, 50),
        st.sampled_from(FIELDS),
        st.integers(0, 3),
    ),
    st.tuples(st.just("delete"), st.integers(0, 4), st.integers(0, 50)),
    st.tuples(st.just("undelete"), st.integers(0, 4), st.integers(0, 50)),
    st.tuples(
        st.just("mark"),
        st.integers(0, 4),
        st.integers(0, 50),
        st.sampled_from(["present", "late", "excused", "absent"]),
    ),
    st.tuples(st.just("photo"), st.integers(0, 4), st.integers(0, 5)),
    st.tuples(st.just("merge"), st.integers(0, 4), st.integers(0, 50), st.integers(0, 50)),
    st.tuples(st.just("skew"), st.integers(0, 4), st.sampled_from(SKEWS_MS)),
    st.tuples(st.just("send"), st.integers(0, 4), st.integers(0, 4), st.booleans(), st.booleans()),
    st.tuples(st.just("truncated"), st.integers(0, 4), st.integers(0, 4), st.floats(0, 0.99)),
    st.tuples(st.just("redeliver"), st.integers(0, 60), st.integers(0, 4)),
)


@pytest.fixture(autouse=True)
def _cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    # The passphrase's key derivation is deliberately slow; the property is about merging.
    monkeypatch.setattr(crypto, "SCRYPT_N", 1 << 10)


def _run(root: Path, count: int, ops: list[tuple]) -> None:
    cluster = Cluster(root, count)
    try:
        first = cluster.replicas[0]
        workshop_id, session_id = seed_workshop(first)
        seed = cluster.export(0, full=True)
        for index in range(1, count):
            cluster.deliver(seed, index)
        sent: list[Path] = []
        for op in ops:
            _apply(cluster, op, workshop_id, session_id, sent)
        cluster.gossip()
        dumps = [r.dump() for r in cluster.replicas]
        assert all(d == dumps[0] for d in dumps[1:])
    finally:
        cluster.close()
        engines.release(root)  # up to 5 databases an example on PostgreSQL


def _apply(
    cluster: Cluster, op: tuple, workshop_id: str, session_id: str, sent: list[Path]
) -> None:
    count = len(cluster.replicas)
    cluster.tick(1500)
    kind, who = op[0], op[1] % count
    replica = cluster.replicas[who]
    ids = replica.trainee_ids()
    pick = (lambda n: ids[n % len(ids)]) if ids else None
    if kind == "create":
        t = trainees.add_trainee(replica.ctx, given_names=op[2])
        enrollments.enrol(replica.ctx, workshop_id, t.id)
    elif kind == "edit" and pick:
        field = op[3]
        value = _value(field, op[4])
        try_edit(lambda: trainees.edit_trainee(replica.ctx, pick(op[2]), **{field: value}))
    elif kind == "delete" and pick:
        try_edit(lambda: trainees.delete_trainee(replica.ctx, pick(op[2])))
    elif kind == "undelete" and pick:
        try_edit(lambda: trainees.undelete_trainee(replica.ctx, pick(op[2])))
    elif kind == "mark" and pick:
        tid = pick(op[2])
        if try_edit(lambda: enrollments.enrol(replica.ctx, workshop_id, tid)):
            try_edit(lambda: attendance.mark(replica.ctx, session_id, tid, op[3]))
    elif kind == "photo":
        add_photo(replica, f"p{op[2]}".encode())
    elif kind == "merge" and pick:
        keep, drop = pick(op[2]), pick(op[3])
        if keep != drop:
            try_edit(lambda: _merge(replica, drop, keep))
    elif kind == "skew":
        replica.offset_ms[0] = op[2]
    elif kind == "send":
        path = cluster.export(who, full=op[3], photos=op[4])
        sent.append(path)
        target = op[2] % count
        if target != who:
            cluster.deliver(path, target)
    elif kind == "truncated":
        path = cluster.export(who, full=True)
        data = path.read_bytes()
        broken = path.with_name(path.name + ".cut")
        broken.write_bytes(data[: int(len(data) * op[3])])
        target = cluster.replicas[op[2] % count]
        before = target.dump()
        with pytest.raises(OtopError):
            cluster.deliver(broken, op[2] % count)
        assert target.dump() == before
    elif kind == "redeliver" and sent:
        cluster.deliver(sent[op[1] % len(sent)], op[2] % count)


def _value(field: str, n: int) -> object:
    choices = {
        "phone": ["9876-5432", "3333-4444", "0912-345-678", None],
        "town": ["Comayagua", "Rabinal", "鶯歌", None],
        "given_names": ["María", "José", "美玲", "Ana Lucía"],
        "birth_year": [1970, 1985, 2001, None],
        "consent_photos": [True, False, True, False],
    }[field]
    return choices[n % len(choices)]


def _merge(replica, drop: str, keep: str) -> None:
    from otop_desktop.db.models import Trainee
    from otop_desktop.services.common import get_live

    with replica.ctx.unit_of_work() as session:
        row = get_live(session, Trainee, drop, "trainee")
        row.merged_into = keep


def _property(examples: int) -> Callable[[pytest.TempPathFactory], None]:
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        suppress_health_check=SLOW_IS_FINE,
    )
    @given(count=st.integers(2, 5), ops=st.lists(operation, min_size=1, max_size=25))
    def converge(tmp_path_factory: pytest.TempPathFactory, count: int, ops: list[tuple]) -> None:
        _run(tmp_path_factory.mktemp("cluster"), count, ops)

    return converge


def test_any_edits_any_delivery_converge(
    tmp_path_factory: pytest.TempPathFactory, db_engine: str
) -> None:
    # On PostgreSQL the same merge code runs with fewer examples: each costs 2-5 databases.
    examples = EXAMPLES if db_engine == "sqlite" else PG_EXAMPLES
    _property(examples)(tmp_path_factory)


@pytest.mark.slow
@settings(
    max_examples=2000,
    deadline=None,
    suppress_health_check=SLOW_IS_FINE,
)
@given(count=st.integers(2, 5), ops=st.lists(operation, min_size=1, max_size=60))
def test_any_edits_any_delivery_converge_long(
    tmp_path_factory: pytest.TempPathFactory, count: int, ops: list[tuple]
) -> None:
    _run(tmp_path_factory.mktemp("cluster"), count, ops)
