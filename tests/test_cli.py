"""The command line contract of DESIGN.md section 6: names, --json, exit codes, clear errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

from otop_desktop.cli import run
from otop_desktop.db.engine import make_engine
from otop_desktop.services import context
from otop_desktop.services.paths import DataDir
from tests import engines


def cli(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, str, str]:
    code = run(["--data-dir", str(data), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_init_then_records_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Proves: a coordinator's script can build a workshop, a session, a trainee and a mark.
    data = tmp_path / "data"
    assert cli(capsys, data, "init", "--device-name", "Laptop Comayagua")[0] == 0
    code, out, _ = cli(
        capsys,
        data,
        "workshop",
        "add",
        "--title",
        "Bambú",
        "--country",
        "hn",
        "--start-date",
        "2026-09-01",
        "--end-date",
        "2026-10-01",
    )
    assert code == 0
    workshop_id = out.strip()
    code, out, _ = cli(
        capsys,
        data,
        "session",
        "add",
        "--workshop",
        workshop_id,
        "--date",
        "2026-09-01",
        "--hours",
        "3",
    )
    session_id = out.strip()
    code, out, _ = cli(
        capsys,
        data,
        "trainee",
        "add",
        "--given-names",
        "María Fernanda",
        "--family-names",
        "López Reyes",
        "--phone",
        "9876-5432",
        "--workshop",
        workshop_id,
    )
    trainee_id = out.strip()
    assert cli(capsys, data, "attendance", "mark", session_id, trainee_id, "late")[0] == 0
    code, out, _ = cli(capsys, data, "trainee", "edit", trainee_id, "--phone", "+504 9876-0000")
    assert code == 0
    code, out, _ = cli(capsys, data, "trainee", "list", "--json", "--search", "lopez")
    [row] = json.loads(out)
    assert row["phone"] == "+504 9876-0000" and row["family_names"] == "López Reyes"
    code, out, _ = cli(capsys, data, "workshop", "list", "--json")
    [w] = json.loads(out)
    assert (w["country"], w["trainees"], w["sessions"], w["attendance_rate"]) == ("HN", 1, 1, 1.0)
    code, out, _ = cli(capsys, data, "attendance", "list", "--session", session_id, "--json")
    assert json.loads(out)[0]["status"] == "late"
    assert cli(capsys, data, "trainee", "delete", trainee_id)[0] == 0
    code, out, _ = cli(capsys, data, "trainee", "list", "--json")
    assert json.loads(out) == []


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["trainee", "edit", "nope", "--phone", "9876-5432"], "nope"),
        (["trainee", "add", "--given-names", "  "], "name"),
        (["trainee", "add", "--given-names", "Ana", "--birth-year", "1850"], "1850"),
        (["trainee", "add", "--given-names", "Ana", "--email", "ana@"], "ana@"),
        (["trainee", "add", "--given-names", "Ana", "--phone", "12"], "12"),
        (["workshop", "add", "--title", "X", "--start-date", "2026-13-01"], "2026-13-01"),
        (
            [
                "workshop",
                "add",
                "--title",
                "X",
                "--start-date",
                "2026-10-01",
                "--end-date",
                "2026-09-01",
            ],
            "end date",
        ),
        (["workshop", "add", "--title", "X", "--country", "XX"], "XX"),
        (["attendance", "mark", "s", "t", "present"], "s"),
        (["attendance", "mark", "s", "t", "sleeping"], "sleeping"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], fragment: str
) -> None:
    # Proves: bad input gives exit 1 and one readable line, and changes nothing.
    data = tmp_path / "data"
    cli(capsys, data, "init", "--device-name", "x")
    before = cli(capsys, data, "dump")[1]
    code, out, err = cli(capsys, data, *args)
    assert code == 1, err
    assert err.count("\n") == 1 and fragment.lower() in err.lower() and "Traceback" not in err
    assert cli(capsys, data, "dump")[1] == before


def test_bad_usage_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Proves: scripts can tell a wrong call (2) from wrong data (1).
    assert cli(capsys, tmp_path, "trainee", "frobnicate")[0] == 2
    assert cli(capsys, tmp_path, "demo", "--trainees", "many")[0] == 2
    assert cli(capsys, tmp_path, "trainee", "edit", "someid")[0] == 2


def test_messages_follow_lang(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Proves: --lang switches the language of errors (es catalog present).
    code = run(
        [
            "--lang",
            "es",
            "--data-dir",
            str(tmp_path),
            "trainee",
            "edit",
            "nope",
            "--phone",
            "9876-5432",
        ]
    )
    err = capsys.readouterr().err
    assert code == 1 and "nope" in err
    from otop_desktop.i18n import _, set_locale

    set_locale("es")
    try:
        expected = _("No {kind} with id {id}.").format(kind=_("trainee"), id="nope")
    finally:
        set_locale("en")
    assert err.strip() == expected


@pytest.mark.sqlite_only  # the check of the SQLite file's header
def test_a_file_that_is_not_sqlite_is_refused_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Proves: pointing the app at a foreign file never overwrites it.
    data = tmp_path / "data"
    data.mkdir()
    (data / "otop.sqlite3").write_bytes(b"PK\x03\x04 this is a zip, not a database" * 10)
    before = (data / "otop.sqlite3").read_bytes()
    code, _, err = cli(capsys, data, "workshop", "list")
    assert code == 1 and "SQLite" in err
    assert (data / "otop.sqlite3").read_bytes() == before


def test_a_database_from_a_newer_version_is_refused_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Proves: an old app never "upgrades" (breaks) a database written by a newer one.
    data = tmp_path / "data"
    cli(capsys, data, "init", "--device-name", "x")
    engine = make_engine(context.database_url_for(DataDir(data), None))  # SQLite or PostgreSQL
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
        before = engine_dump(engine)
        code, _, err = cli(capsys, data, "workshop", "list")
        assert code == 1 and "newer version" in err
        assert engine_dump(engine) == before
    finally:
        engine.dispose()


def engine_dump(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, to show that nothing was written."""
    with engine.connect() as conn:
        return {
            table: sorted(map(tuple, conn.execute(text(f"SELECT * FROM {table}"))), key=repr)
            for table in sorted(inspect(conn).get_table_names())
        }


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_a_read_only_data_dir_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "ro"
    data.mkdir()
    data.chmod(0o500)
    try:
        code, _, err = cli(capsys, data, "workshop", "list")
    finally:
        data.chmod(0o700)
    assert code == 1 and "read-only" in err


@pytest.mark.sqlite_only  # SQLite's read-only open mode on the data dir's file
def test_a_read_only_database_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Proves: a database on read-only media gives a message, not a traceback (even as root,
    # SQLite's read-only open mode refuses the write).
    data = tmp_path / "data"
    cli(capsys, data, "init", "--device-name", "x")
    url = f"sqlite+pysqlite:///file:{data / 'otop.sqlite3'}?mode=ro&uri=true"
    code, _, err = cli(capsys, data, "--database-url", url, "workshop", "add", "--title", "T")
    assert code == 1 and "read-only" in err.lower()


def test_demo_then_dump_is_byte_identical_in_two_fresh_dirs(tmp_path: Path) -> None:
    # Proves: `dump` is canonical and the demo reproducible: same seed, same bytes, through the
    # real entry point in separate processes.
    outputs = []
    for name in ("a", "b"):
        env = {**os.environ, "OTOP_DATA_DIR": str(tmp_path / name)}
        for args in (["demo", "--seed", "3", "--trainees", "40", "--photos", "3"], ["dump"]):
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "otop_desktop",
                    *engines.database_args(tmp_path / name),
                    *args,
                ],
                env=env,
                capture_output=True,
                check=True,
            )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    data = json.loads(outputs[0])
    assert len(data["trainee"]) == 40 and len(data["photo_files"]) == 3


def test_values_can_be_typed_as_labels_in_the_users_language() -> None:
    # Proves: "prefer not to say" (what the error message tells people to type) is understood,
    # and so is a Spanish status typed without its accent.
    from otop_desktop.domain.enums import AttendanceStatus, Gender
    from otop_desktop.i18n import set_locale

    assert Gender.parse("Prefer not to say") is Gender.UNDISCLOSED
    set_locale("es")
    try:
        assert AttendanceStatus.parse("PRESENTE") is AttendanceStatus.PRESENT
    finally:
        set_locale("en")


def test_trainee_duplicates_merge_and_unmerge(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Proves: a coordinator's script can find duplicates, merge them and undo it.
    data = tmp_path / "data"
    cli(capsys, data, "init", "--device-name", "x")
    ids = []
    for given, family, phone in (
        ("María Fernanda", "López Reyes", "9876-5432"),
        ("Maria", "Lopez Reyes", "+504 98765432"),
        ("José", "Cruz", "3312-4455"),
    ):
        code, out, _ = cli(
            capsys,
            data,
            "trainee",
            "add",
            "--given-names",
            given,
            "--family-names",
            family,
            "--phone",
            phone,
        )
        ids.append(out.strip())
    code, out, _ = cli(capsys, data, "trainee", "duplicates", ids[0], "--json")
    [found] = json.loads(out)
    assert code == 0 and found["trainee"]["id"] == ids[1] and "Same phone" in found["reasons"]
    code, out, _ = cli(capsys, data, "trainee", "duplicates", "--json")
    [pair] = json.loads(out)
    assert sorted(t["id"] for t in pair["trainees"]) == sorted(ids[:2]) and pair["score"] >= 90
    code, out, _ = cli(capsys, data, "trainee", "duplicates")
    assert code == 0 and "Same phone" in out
    assert cli(capsys, data, "trainee", "merge", ids[0], ids[1])[0] == 0
    code, out, _ = cli(capsys, data, "trainee", "list", "--json", "--search", "lopez")
    assert [t["id"] for t in json.loads(out)] == [ids[0]]
    code, _, err = cli(capsys, data, "trainee", "merge", ids[0], ids[0])
    assert code == 1 and err.count("\n") == 1
    code, _, err = cli(capsys, data, "trainee", "merge", ids[2], ids[1])
    assert code == 1 and "already merged" in err
    assert cli(capsys, data, "trainee", "unmerge", ids[1])[0] == 0
    code, out, _ = cli(capsys, data, "trainee", "list", "--json", "--search", "lopez")
    assert len(json.loads(out)) == 2
    assert cli(capsys, data, "trainee", "unmerge", ids[1])[0] == 1
    assert cli(capsys, data, "trainee", "duplicates", "nope")[0] == 1
    assert cli(capsys, data, "trainee", "merge", ids[0])[0] == 2


def test_init_counts_as_the_first_run_set_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Proves: a laptop prepared with `init` opens the GUI without the first-run dialog.
    from otop_desktop.services.context import open_context
    from otop_desktop.services.laptop import first_run_done

    data = tmp_path / "data"
    assert cli(capsys, data, "init", "--device-name", "Laptop Gracias")[0] == 0
    ctx = open_context(data)
    try:
        assert first_run_done(ctx)
    finally:
        ctx.close()


def test_tables_line_up_chinese_text(capsys: pytest.CaptureFixture[str]) -> None:
    # Proves: a column after a Chinese name starts at the same terminal column on every line
    # (a Chinese character takes two columns).
    from otop_desktop.cli import display_width, print_table

    print_table([["陳美玲", "鶯歌"], ["Ana Cruz", "Rabinal"]], ["Name", "Town"])
    lines = capsys.readouterr().out.splitlines()
    starts = [
        display_width(line[: line.index(town)])
        for line, town in zip(lines, ["Town", "鶯歌", "Rabinal"], strict=True)
    ]
    assert len(set(starts)) == 1


@pytest.mark.one_engine  # about the pipe, not the database
def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    # Proves: `otop-desktop ... | head -1` gives no traceback when head stops reading.
    import subprocess
    import sys

    data = tmp_path / "data"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "otop_desktop",
            "--data-dir",
            str(data),
            "init",
            "--device-name",
            "x",
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "otop_desktop",
            "--data-dir",
            str(data),
            "demo",
            "--trainees",
            "2000",
        ],
        check=True,
        capture_output=True,
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "otop_desktop",
            "--data-dir",
            str(data),
            "trainee",
            "list",
            "--limit",
            "2000",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    process.stdout.readline()
    process.stdout.close()
    _out, err = process.communicate(timeout=60)
    assert b"Traceback" not in err


def test_trainee_add_warns_of_a_likely_duplicate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Proves: the id still comes alone on stdout (exit 0) and the likely duplicate is named
    # on stderr; an unrelated trainee gets no warning.
    data = tmp_path / "data"
    assert cli(capsys, data, "init", "--device-name", "x")[0] == 0
    first = ["--given-names", "María Fernanda", "--family-names", "López Reyes"]
    code, out, err = cli(capsys, data, "trainee", "add", *first, "--phone", "9876-5432")
    assert code == 0 and err == ""
    original = out.strip()
    again = ["--given-names", "Maria", "--family-names", "Lopez Reyes"]
    code, out, err = cli(capsys, data, "trainee", "add", *again, "--phone", "+504 98765432")
    assert code == 0
    assert len(out.split()) == 1 and out.strip() != original
    assert original in err and "López Reyes" in err
    code, out, err = cli(capsys, data, "trainee", "add", "--given-names", "Ana", "--town", "X")
    assert code == 0 and err == ""
