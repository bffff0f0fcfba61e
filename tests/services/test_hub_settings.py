"""A data dir pointed at a coordinator hub: URL precedence, the shared photo folder, the CLI."""

from __future__ import annotations

import contextlib
import io
import json
import os
import socket
import stat
import threading
from pathlib import Path

import pytest
from PIL import Image

from otop_desktop.cli import run
from otop_desktop.domain.errors import DatabaseError, ValidationError
from otop_desktop.services import photos
from otop_desktop.services.context import database_url_for, initialise, open_context
from otop_desktop.services.hub_connection import HubConnectionError, check_connection
from otop_desktop.services.hub_settings import (
    HubSettings,
    build_url,
    hub_url,
    load_hub_settings,
    save_hub_settings,
)
from otop_desktop.services.paths import DataDir
from otop_desktop.services.products import save_product
from tests import pg_server

SECRET = "s3cr3t-Pa55"


@pytest.fixture
def pg_url() -> str:
    return pg_server.server().create_database("hubset")


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (150, 60, 20)).save(out, "JPEG")
    return out.getvalue()


def test_the_url_asked_for_then_the_hub_then_the_sqlite_file(tmp_path: Path) -> None:
    folder = DataDir(tmp_path / "data")
    assert database_url_for(folder, None).endswith("otop.sqlite3")
    save_hub_settings(folder, HubSettings("postgresql://otop@hub-pc/otop_hub"))
    assert database_url_for(folder, None) == "postgresql+psycopg://otop@hub-pc/otop_hub"
    assert database_url_for(folder, "sqlite+pysqlite:///x.db") == "sqlite+pysqlite:///x.db"
    if os.name == "posix":
        assert stat.S_IMODE(folder.hub_settings.stat().st_mode) == 0o600
    assert [p.name for p in folder.root.iterdir()] == ["hub.json"]  # no temp file left


def test_urls_are_checked_and_built() -> None:
    with pytest.raises(ValidationError, match="PostgreSQL"):
        hub_url("sqlite:///otop.sqlite3")
    with pytest.raises(ValidationError):
        hub_url("hub-pc otop_hub")
    with pytest.raises(ValidationError, match="no database"):
        hub_url("postgresql://otop@hub-pc")
    built = build_url("hub-pc", 5433, "otop_hub", "otop", "pa@ss")
    assert built == "postgresql+psycopg://otop:pa%40ss@hub-pc:5433/otop_hub"
    assert (
        build_url("hub-pc", None, "otop_hub", "otop") == "postgresql+psycopg://otop@hub-pc/otop_hub"
    )
    with pytest.raises(ValidationError) as caught:
        build_url(" ", None, "otop_hub", "otop")
    assert caught.value.field == "host"


def test_a_broken_setting_file_says_so_and_opens_nothing(tmp_path: Path) -> None:
    folder = DataDir(tmp_path)
    folder.hub_settings.write_text("{not json", encoding="utf-8")
    with pytest.raises(DatabaseError, match="hub disconnect"):
        open_context(tmp_path)
    assert not folder.database.exists()


def test_a_photo_added_on_the_hub_lands_in_the_shared_folder(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, shared = tmp_path / "data", tmp_path / "share"
    shared.mkdir()
    code, out, err = _cli(
        capsys, "--data-dir", str(data), "hub", "connect", pg_url, "--photo-folder", str(shared)
    )
    assert code == 0, err
    assert "empty" in out
    ctx = open_context(data)  # no URL: the hub
    try:
        assert not ctx.is_sqlite
        initialise(ctx, "Hub HN")
        product = save_product(ctx, {"name": "Cántaro"})
        added = photos.add_photo_bytes(ctx, product, _jpeg(), name="cantaro.jpg")
        sha = added.sha256
    finally:
        ctx.close()
    assert (shared / "blobs" / sha[:2] / sha).is_file()
    assert not (data / "blobs").exists()
    assert not (data / "otop.sqlite3").exists()
    # The thumbnail is this machine's own cache.
    assert (data / "thumbs" / sha[:2] / f"{sha}.jpg").is_file()
    assert "1 trainee" not in check_connection(pg_url).summary
    assert "“Hub HN”" in check_connection(pg_url).summary
    # --database-url wins over the setting: here the laptop's own file, photos in the data dir.
    code, _out, err = _cli(
        capsys, "--data-dir", str(data), "--database-url", f"sqlite+pysqlite:///{tmp_path}/x.db",
        "product", "list",
    )  # fmt: skip
    assert code == 0, err
    assert (tmp_path / "x.db").is_file()
    # Back to the laptop's own database; the hub is untouched.
    code, out, _err = _cli(capsys, "--data-dir", str(data), "hub", "disconnect")
    assert code == 0 and load_hub_settings(DataDir(data)) is None
    assert "OTOP hub" in check_connection(pg_url).summary


def test_an_unreachable_photo_folder_stops_the_start(pg_url: str, tmp_path: Path) -> None:
    data, shared = tmp_path / "data", tmp_path / "share"
    save_hub_settings(DataDir(data), HubSettings(pg_url, shared))  # the share is not mounted
    with pytest.raises(DatabaseError, match="cannot be reached"):
        open_context(data)
    assert sorted(p.name for p in data.iterdir()) == ["hub.json"]
    assert check_connection(pg_url).state == "empty"  # the hub was not set up either


def test_hub_show_never_shows_the_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    save_hub_settings(
        DataDir(data), HubSettings(f"postgresql://otop:{SECRET}@hub-pc/otop_hub", tmp_path)
    )
    assert SECRET in (data / "hub.json").read_text(encoding="utf-8")  # kept, privately
    code, out, _err = _cli(capsys, "--data-dir", str(data), "hub", "show")
    assert code == 0 and SECRET not in out
    assert "otop:***@hub-pc/otop_hub" in out and str(tmp_path) in out
    code, out, _err = _cli(capsys, "--data-dir", str(data), "hub", "show", "--json")
    shown = json.loads(out)
    assert SECRET not in out and shown["password_in_url"] is True
    assert shown["database"] == "postgresql"


def test_connect_refuses_a_bad_hub_and_saves_nothing(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    missing = pg_url.rsplit("/", 1)[0] + "/no_such_db"
    code, _out, err = _cli(capsys, "--data-dir", str(data), "hub", "connect", missing)
    assert code == 1 and "no database “no_such_db”" in err
    assert load_hub_settings(DataDir(data)) is None
    code, out, _err = _cli(capsys, "--data-dir", str(data), "hub", "connect", pg_url, "--test-only")
    assert code == 0 and "empty" in out
    assert load_hub_settings(DataDir(data)) is None
    code, out, _err = _cli(capsys, "--data-dir", str(data), "hub", "show")
    assert "SQLite" in out


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda url, port: url.replace(f":{port}/", ":1/"), "does not answer"),
        (lambda url, _port: url.replace("otop@", "nobody@"), "refused user “nobody”"),
    ],
)
def test_the_connection_test_says_what_is_wrong(change: object, expected: str) -> None:
    server = pg_server.server()
    url = change(server.url("postgres"), server.port)  # type: ignore[operator]
    with pytest.raises(HubConnectionError, match=expected):
        check_connection(url)


def test_a_server_that_is_not_postgresql_is_said_so() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    port = listener.getsockname()[1]

    def answer_like_a_web_server() -> None:
        with contextlib.suppress(OSError):
            while True:
                conn, _address = listener.accept()
                conn.recv(1024)
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                conn.close()

    threading.Thread(target=answer_like_a_web_server, daemon=True).start()
    try:
        with pytest.raises(HubConnectionError, match="is not PostgreSQL"):
            check_connection(f"postgresql://otop@127.0.0.1:{port}/otop_hub")
    finally:
        listener.close()


def test_a_schema_newer_than_ours_is_refused(pg_url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY)"))
        conn.execute(text("INSERT INTO alembic_version VALUES ('9999')"))
    engine.dispose()
    with pytest.raises(HubConnectionError, match="newer version"):
        check_connection(pg_url)
