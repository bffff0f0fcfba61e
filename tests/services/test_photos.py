"""Photos of products: batches with bad files, cancel, duplicates, gallery order, sync."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import event, func, select

from otop_desktop.db.local_models import ChangeLog
from otop_desktop.db.models import Photo
from otop_desktop.domain.errors import NotFoundError, OperationCancelled, ValidationError
from otop_desktop.media.photo_ingest import IngestOptions
from otop_desktop.services import photos, workshops
from otop_desktop.services.context import AppContext
from otop_desktop.services.products import (
    delete_product,
    get_product,
    save_product,
    undelete_product,
)
from tests.helpers import new_context
from tests.sync.sync_harness import Cluster


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    context = new_context(tmp_path / "db")
    yield context
    context.close()


def _image_bytes(
    colour: tuple[int, int, int], size: tuple[int, int] = (64, 48), fmt: str = "JPEG"
) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, fmt)
    return out.getvalue()


def _write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def _photo_rows(ctx: AppContext) -> int:
    with ctx.read() as session:
        return session.scalar(select(func.count()).select_from(Photo)) or 0


def test_a_batch_adds_the_good_files_and_reports_the_bad_ones(
    ctx: AppContext, tmp_path: Path
) -> None:
    pid = save_product(ctx, {"name": "Cántaro de barro"})
    jpeg = _image_bytes((200, 80, 40))
    files = [
        _write(tmp_path / "in", "cantaro.jpg", jpeg),
        _write(tmp_path / "in", "notes.jpg", b"this is a text file, not a photo\n"),
        _write(tmp_path / "in", "comal.png", _image_bytes((20, 90, 160), fmt="PNG")),
        _write(tmp_path / "in", "cut.jpg", jpeg[: len(jpeg) // 3]),
    ]
    seen: list[tuple[int, int, int]] = []

    def report(done: int, total: int) -> None:
        seen.append((done, total, _photo_rows(ctx)))

    result = photos.add_photos(ctx, pid, files, report=report)
    assert [p.product_name for p in result.added] == ["Cántaro de barro"] * 2
    assert {p.width for p in result.added} == {64}
    assert [name for name, _message in result.failed] == ["notes.jpg", "cut.jpg"]
    assert all(name in message for name, message in result.failed)
    assert result.already_there == 0
    assert result.outcomes == [
        ("cantaro.jpg", photos.ADDED),
        ("notes.jpg", photos.FAILED),
        ("comal.png", photos.ADDED),
        ("cut.jpg", photos.FAILED),
    ]
    # Every file was processed before the first row was written: one transaction at the end.
    assert seen == [(1, 4, 0), (2, 4, 0), (3, 4, 0), (4, 4, 0)]
    assert _photo_rows(ctx) == 2
    info = get_product(ctx, pid)
    assert info.photo_count == 2
    stored = photos.photo_path(ctx, result.added[0].sha256)
    assert stored.read_bytes()[:2] == b"\xff\xd8"
    assert photos.thumbnail_file(ctx, result.added[0].sha256).is_file()
    assert {p.consent for p in result.added} == {None}  # unknown until someone says


def test_a_folder_stands_for_the_photos_inside_it(ctx: AppContext, tmp_path: Path) -> None:
    pid = save_product(ctx, {"name": "Canasta"})
    card = tmp_path / "DCIM"
    _write(card / "100CANON", "IMG_0001.JPG", _image_bytes((10, 20, 30)))
    _write(card / "100CANON", "IMG_0002.JPG", _image_bytes((30, 20, 10)))
    _write(card, "readme.txt", b"not a photo")
    result = photos.add_photos(ctx, pid, [card], consent=True)
    assert len(result.added) == 2 and result.failed == []
    assert {p.consent for p in result.added} == {True}


def test_cancel_leaves_no_rows(ctx: AppContext, tmp_path: Path) -> None:
    pid = save_product(ctx, {"name": "Canasta"})
    files = [_write(tmp_path, f"p{i}.jpg", _image_bytes((i * 40, 10, 10))) for i in range(3)]
    done: list[int] = []
    with pytest.raises(OperationCancelled):
        photos.add_photos(
            ctx, pid, files, report=lambda d, _t: done.append(d), cancelled=lambda: len(done) >= 2
        )
    assert done == [1, 2]
    assert _photo_rows(ctx) == 0


def test_bad_options_stop_the_batch_before_any_file(ctx: AppContext, tmp_path: Path) -> None:
    pid = save_product(ctx, {"name": "Canasta"})
    files = [_write(tmp_path, "a.jpg", _image_bytes((1, 2, 3)))]
    with pytest.raises(ValidationError):
        photos.add_photos(ctx, pid, files, options=IngestOptions(max_edge=10))
    assert _photo_rows(ctx) == 0


def test_the_same_photo_twice_is_one_row(ctx: AppContext, tmp_path: Path) -> None:
    pid = save_product(ctx, {"name": "Comal"})
    other = save_product(ctx, {"name": "Jarrón"})
    data = _image_bytes((120, 60, 30))
    first = _write(tmp_path / "a", "comal.jpg", data)
    copy = _write(tmp_path / "b", "comal-copia.jpg", data)
    result = photos.add_photos(ctx, pid, [first, copy])
    assert (len(result.added), result.already_there) == (1, 1)
    assert result.outcomes == [("comal.jpg", "added"), ("comal-copia.jpg", "already_there")]
    again = photos.add_photos(ctx, pid, [first])
    assert (again.added, again.already_there) == ([], 1)
    webcam = photos.add_photo_bytes(ctx, pid, data, name="webcam.jpg")
    assert webcam.id == result.added[0].id
    # Another product may show the same photo: a row of its own, one blob in the store.
    elsewhere = photos.add_photos(ctx, other, [first])
    assert len(elsewhere.added) == 1
    assert elsewhere.added[0].sha256 == webcam.sha256
    assert _photo_rows(ctx) == 2


def test_a_deleted_photo_added_again_comes_back_as_the_same_row(
    ctx: AppContext, tmp_path: Path
) -> None:
    pid = save_product(ctx, {"name": "Comal"})
    path = _write(tmp_path, "comal.jpg", _image_bytes((5, 5, 5)))
    (photo,) = photos.add_photos(ctx, pid, [path]).added
    photos.delete_photo(ctx, photo.id)
    assert photos.photo_ids(ctx, product_id=pid) == []
    (back,) = photos.add_photos(ctx, pid, [path]).added
    assert back.id == photo.id
    assert _photo_rows(ctx) == 1


def test_add_photo_bytes_reports_a_broken_capture(ctx: AppContext) -> None:
    pid = save_product(ctx, {"name": "Comal"})
    with pytest.raises(Exception) as caught:
        photos.add_photo_bytes(ctx, pid, b"\xff\xd8\xff broken", name="webcam.jpg")
    assert "webcam.jpg" in str(caught.value)
    with pytest.raises(NotFoundError):
        photos.add_photo_bytes(ctx, "no-such-product", _image_bytes((1, 1, 1)), name="x.jpg")
    assert _photo_rows(ctx) == 0


def _row(ctx: AppContext, product_id: str, sha: str, taken_at: str | None) -> str:
    with ctx.unit_of_work() as session:
        photo = Photo(sha256=sha * 64, product_id=product_id, taken_at=taken_at)
        session.add(photo)
        session.flush()
        return photo.id


def test_photo_ids_come_in_gallery_order_in_one_query(ctx: AppContext) -> None:
    w = workshops.create_workshop(ctx, title="Barro")
    b = save_product(ctx, {"name": "B jarrón", "workshop_id": w.id})
    a = save_product(ctx, {"name": "A comal"})
    b2 = _row(ctx, b, "1", "2026-03-02T09:00:00")
    b1 = _row(ctx, b, "2", "2026-03-01T09:00:00")
    a2 = _row(ctx, a, "3", "2026-01-01T09:00:00")
    a1 = _row(ctx, a, "4", None)  # unknown date first
    gone = _row(ctx, a, "5", "2020-01-01T00:00:00")
    photos.delete_photo(ctx, gone)
    statements: list[str] = []

    def count(_conn: object, _cursor: object, sql: str, *_args: object) -> None:
        if sql.lstrip().upper().startswith("SELECT"):
            statements.append(sql)

    event.listen(ctx.engine, "before_cursor_execute", count)
    try:
        ids = photos.photo_ids(ctx)
    finally:
        event.remove(ctx.engine, "before_cursor_execute", count)
    assert ids == [a1, a2, b1, b2]
    assert len(statements) == 1
    assert photos.photo_ids(ctx, workshop_id=w.id) == [b1, b2]
    assert photos.photo_ids(ctx, product_id=a) == [a1, a2]
    delete_product(ctx, a)
    assert photos.photo_ids(ctx) == [b1, b2]


def test_photos_by_id_keep_the_order_asked_in_chunked_queries(ctx: AppContext) -> None:
    pid = save_product(ctx, {"name": "Hamaca"})
    with ctx.unit_of_work() as session:
        rows = [Photo(sha256=f"{i:064x}", product_id=pid, width=i) for i in range(1100)]
        session.add_all(rows)
        session.flush()
        ids = [r.id for r in rows]
    asked = list(reversed(ids)) + ["no-such-photo"]
    statements: list[str] = []

    def count(_conn: object, _cursor: object, sql: str, *_args: object) -> None:
        if sql.lstrip().upper().startswith("SELECT"):
            statements.append(sql)

    event.listen(ctx.engine, "before_cursor_execute", count)
    try:
        found = photos.photos_by_id(ctx, asked)
    finally:
        event.remove(ctx.engine, "before_cursor_execute", count)
    assert [p.id for p in found] == list(reversed(ids))
    assert found[0].width == 1099 and found[0].product_name == "Hamaca"
    assert len(statements) == 3  # 1100 ids in chunks of 500


def _changes(ctx: AppContext, row_id: str) -> list[ChangeLog]:
    with ctx.read() as session:
        return list(
            session.scalars(
                select(ChangeLog).where(ChangeLog.row_id == row_id).order_by(ChangeLog.seq)
            )
        )


def test_caption_consent_delete_and_undo_are_each_one_change(
    ctx: AppContext, tmp_path: Path
) -> None:
    pid = save_product(ctx, {"name": "Silla"})
    (photo,) = photos.add_photos(
        ctx, pid, [_write(tmp_path, "s.jpg", _image_bytes((9, 9, 9)))]
    ).added
    photos.set_caption(ctx, photo.id, "  Silla de bambú, Comayagua ")
    photos.set_consent(ctx, photo.id, True)
    photos.set_consent(ctx, photo.id, True)  # unchanged: no change
    photos.set_consent(ctx, photo.id, None)
    photos.delete_photo(ctx, photo.id)
    photos.undelete_photo(ctx, photo.id)
    changes = _changes(ctx, photo.id)
    assert [json.loads(c.payload) for c in changes[1:]] == [
        {"caption": "Silla de bambú, Comayagua"},
        {"consent": True},
        {"consent": None},
        {},
        {},
    ]
    assert [c.cl for c in changes] == [1, 1, 1, 1, 2, 3]
    (info,) = photos.photos_by_id(ctx, [photo.id])
    assert (info.caption, info.consent) == ("Silla de bambú, Comayagua", None)
    with pytest.raises(ValidationError) as caught:
        photos.set_caption(ctx, photo.id, "x" * 3000)
    assert caught.value.field == "caption"


def test_photos_of_a_deleted_product_cannot_be_deleted_on_their_own(
    ctx: AppContext, tmp_path: Path
) -> None:
    pid = save_product(ctx, {"name": "Silla"})
    (photo,) = photos.add_photos(
        ctx, pid, [_write(tmp_path, "s.jpg", _image_bytes((9, 9, 9)))]
    ).added
    delete_product(ctx, pid)
    with pytest.raises(NotFoundError):
        photos.delete_photo(ctx, photo.id)
    with pytest.raises(NotFoundError):
        photos.undelete_photo(ctx, photo.id)
    undelete_product(ctx, pid)
    assert photos.photo_ids(ctx, product_id=pid) == [photo.id]


def test_a_product_and_its_photos_reach_another_laptop_in_a_bundle(tmp_path: Path) -> None:
    cluster = Cluster(tmp_path / "cluster", 2)
    try:
        a, b = (r.ctx for r in cluster.replicas)
        pid = save_product(a, {"name": "柴燒花器", "origin_country": "TW", "price": "1200"})
        source = _write(tmp_path, "vase.jpg", _image_bytes((100, 100, 100), (300, 200)))
        (photo,) = photos.add_photos(a, pid, [source]).added
        photos.set_caption(a, photo.id, "手拉坯")
        cluster.deliver(cluster.export(0), 1)
        info = get_product(b, pid)
        assert (info.name, info.currency, info.photo_count) == ("柴燒花器", "TWD", 1)
        (there,) = photos.photos_by_id(b, photos.photo_ids(b, product_id=pid))
        assert (there.sha256, there.caption, there.width) == (photo.sha256, "手拉坯", 300)
        assert photos.photo_path(b, photo.sha256).read_bytes() == (
            photos.photo_path(a, photo.sha256).read_bytes()
        )
        # The thumbnail is made on the receiving laptop from the photo that arrived.
        assert photos.thumbnail_file(b, photo.sha256).is_file()
        delete_product(a, pid)
        cluster.tick()
        cluster.deliver(cluster.export(0), 1)
        assert photos.photo_ids(b) == []
    finally:
        cluster.close()
