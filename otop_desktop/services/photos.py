"""Photos of products: add in batches (a bad file on its own), gallery lists, caption, consent."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from otop_desktop.db.models import Photo, Product
from otop_desktop.domain import validation as v
from otop_desktop.domain.errors import (
    NotFoundError,
    OperationCancelled,
    OtopError,
    ValidationError,
)
from otop_desktop.i18n import _
from otop_desktop.media.photo_ingest import (
    IngestedPhoto,
    IngestOptions,
    ingest_photo,
    photo_files_in,
)
from otop_desktop.media.store import BlobStore
from otop_desktop.media.thumbnails import thumbnail_path
from otop_desktop.services.common import get_live, revive, soft_delete
from otop_desktop.services.context import AppContext
from otop_desktop.services.products import CHUNK

# The photos of a product in the order they were taken, unknown dates first on every database:
# products.PHOTO_ORDER (taken_at is ISO 8601 or NULL, never ''), but in a form that the index
# ix_photo_product_gallery (migration 0005) serves without a sort.
GALLERY_ORDER = Photo.taken_at.asc().nulls_first()

__all__ = [
    "ADDED",
    "ALREADY_THERE",
    "FAILED",
    "AddPhotosResult",
    "PhotoInfo",
    "add_photo_bytes",
    "add_photos",
    "delete_photo",
    "photo_ids",
    "photo_path",
    "photos_by_id",
    "set_caption",
    "set_consent",
    "thumbnail_file",
    "undelete_photo",
]


@dataclass(frozen=True)
class PhotoInfo:
    id: str
    product_id: str
    product_name: str | None
    sha256: str
    width: int | None
    height: int | None
    byte_size: int | None
    caption: str | None
    taken_at: str | None
    consent: bool | None


ADDED, ALREADY_THERE, FAILED = "added", "already_there", "failed"


@dataclass(frozen=True)
class AddPhotosResult:
    added: list[PhotoInfo]
    already_there: int
    failed: list[tuple[str, str]]  # (file name, message)
    # (file name, ADDED | ALREADY_THERE | FAILED) of every file, in the order they were taken.
    outcomes: list[tuple[str, str]] = field(default_factory=list)


_COLUMNS = (
    Photo.id,
    Photo.product_id,
    Product.name,
    Photo.sha256,
    Photo.width,
    Photo.height,
    Photo.byte_size,
    Photo.caption,
    Photo.taken_at,
    Photo.consent,
)


_PhotoRow = tuple[
    str, str | None, str | None, str | None, int | None, int | None, int | None,
    str | None, str | None, bool | None,
]  # fmt: skip


def _info_of_row(row: _PhotoRow) -> PhotoInfo:
    photo_id, product_id, name, sha, width, height, size, caption, taken_at, consent = row
    return PhotoInfo(
        photo_id, product_id or "", name, sha or "", width, height, size, caption, taken_at, consent
    )


def _info(photo: Photo, product_name: str | None) -> PhotoInfo:
    return PhotoInfo(
        photo.id,
        photo.product_id or "",
        product_name,
        photo.sha256 or "",
        photo.width,
        photo.height,
        photo.byte_size,
        photo.caption,
        photo.taken_at,
        photo.consent,
    )


def _expand(sources: Sequence[Path]) -> list[Path]:
    """The files to add: a folder (a camera's memory card) stands for the photos inside it."""
    files: list[Path] = []
    for source in sources:
        files.extend(photo_files_in(source) if source.is_dir() else [source])
    return files


def add_photos(
    ctx: AppContext,
    product_id: str,
    sources: Sequence[Path],
    *,
    options: IngestOptions | None = None,
    consent: bool | None = None,
    report: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> AddPhotosResult:
    """Add photo files (or folders of them) to a product; a bad file is reported, the rest goes in.

    The rows are written in one transaction once every file is processed, so a cancel (or a
    database error) leaves no row; stored blobs are content-addressed and harmless if unused.
    """
    with ctx.read() as session:
        get_live(session, Product, product_id, _("product"))
    files = _expand(sources)
    ingested: list[IngestedPhoto] = []
    failed: list[tuple[str, str]] = []
    order: list[IngestedPhoto | str] = []  # an ingested photo, or the name of a failed file
    for index, path in enumerate(files):
        if cancelled is not None and cancelled():
            raise OperationCancelled()
        try:
            photo = ingest_photo(ctx.data_dir, path, options or IngestOptions())
            ingested.append(photo)
            order.append(photo)
        except ValidationError:
            raise  # bad options (--max-edge 10): every file would fail the same way
        except OtopError as exc:
            failed.append((path.name, exc.message))
            order.append(path.name)
        except OSError as exc:  # a file gone or unreadable between listing and reading
            reason = exc.strerror or str(exc)
            failed.append(
                (path.name, _("“{name}” could not be read: {reason}").format(
                    name=path.name, reason=reason
                ))
            )  # fmt: skip
            order.append(path.name)
        if report is not None:
            report(index + 1, len(files))
    if cancelled is not None and cancelled():
        raise OperationCancelled()
    added, already = _record(ctx, product_id, ingested, consent)
    new_shas = {p.sha256 for p in added}
    outcomes: list[tuple[str, str]] = []
    for item in order:
        if isinstance(item, str):
            outcomes.append((item, FAILED))
        else:
            # The first file of a photo added twice in one batch is the one that added it.
            status = ADDED if item.sha256 in new_shas else ALREADY_THERE
            new_shas.discard(item.sha256)
            outcomes.append((item.source_name, status))
    return AddPhotosResult(added, already, failed, outcomes)


def add_photo_bytes(
    ctx: AppContext,
    product_id: str,
    data: bytes,
    *,
    name: str,
    options: IngestOptions | None = None,
    consent: bool | None = None,
) -> PhotoInfo:
    """Add one photo given as bytes (a webcam capture); the existing row if it is already there."""
    with ctx.read() as session:
        get_live(session, Product, product_id, _("product"))
    photo = ingest_photo(ctx.data_dir, data, options or IngestOptions(), name=name)
    added, _already = _record(ctx, product_id, [photo], consent)
    if added:
        return added[0]
    with ctx.read() as session:
        row = session.scalars(
            select(Photo).where(
                Photo.product_id == product_id, Photo.sha256 == photo.sha256, Photo.cl % 2 == 1
            )
        ).first()
        product = session.get(Product, product_id)
        if row is None:
            raise NotFoundError(_("photo"), photo.sha256[:12])
        return _info(row, product.name if product else None)


def _record(
    ctx: AppContext, product_id: str, ingested: Sequence[IngestedPhoto], consent: bool | None
) -> tuple[list[PhotoInfo], int]:
    """Write the rows of `ingested` in one transaction: (added, how many were already there)."""
    added: list[PhotoInfo] = []
    already = 0
    with ctx.unit_of_work() as session:
        product = get_live(session, Product, product_id, _("product"))
        known: dict[str, Photo] = {}
        for p in session.scalars(select(Photo).where(Photo.product_id == product_id)):
            # A live row wins over a deleted one of the same photo.
            if p.sha256 and (p.alive or p.sha256 not in known):
                known[p.sha256] = p
        rows: list[Photo] = []
        for item in ingested:
            row = known.get(item.sha256)
            if row is not None and row.alive:
                already += 1
                continue
            if row is not None:
                revive(row)  # the same photo added again after it was deleted: one row
            else:
                row = Photo(
                    cl=1,  # alive already: the same photo may come again in this batch
                    sha256=item.sha256,
                    product_id=product_id,
                    byte_size=item.byte_size,
                    width=item.width,
                    height=item.height,
                    taken_at=item.taken_at,
                    consent=consent,
                )
                session.add(row)
                known[item.sha256] = row
            rows.append(row)
        session.flush()
        added = [_info(row, product.name) for row in rows]
    return added, already


def photo_ids(
    ctx: AppContext, *, product_id: str | None = None, workshop_id: str | None = None
) -> list[str]:
    """Ids of the live photos of live products, in gallery order; one query of ids only."""
    # Read from the covering indexes of migration 0005 in the order asked: no photo row read and
    # only each product's photos sorted (the gallery of a workshop of 10,000 photos asks this).
    query = (
        select(Photo.id)
        .join(Product, Product.id == Photo.product_id)
        .where(Photo.cl % 2 == 1, Product.cl % 2 == 1)
    )
    if product_id is not None:
        query = query.where(Photo.product_id == product_id)
    if workshop_id is not None:
        query = query.where(Product.workshop_id == workshop_id)
    query = query.order_by(Product.name, Product.id, GALLERY_ORDER, Photo.id)
    with ctx.read() as session:
        result = session.connection().execute(query)
        try:
            # Straight from the driver's cursor, a row at a time: no ORM or Row object per photo,
            # and so few objects alive at once that the garbage collector does not run (with
            # 10,000 rows fetched whole it did, and doubled the time).
            return [row[0] for row in iter(result.cursor.fetchone, None)]
        finally:
            result.close()


def photos_by_id(ctx: AppContext, ids: Sequence[str]) -> list[PhotoInfo]:
    """The live photos of `ids`, in the order asked (ids gone or deleted are left out)."""
    found: dict[str, PhotoInfo] = {}
    wanted = list(dict.fromkeys(ids))
    with ctx.read() as session:
        for start in range(0, len(wanted), CHUNK):
            rows = session.execute(
                select(*_COLUMNS)
                .outerjoin(Product, Product.id == Photo.product_id)
                .where(Photo.id.in_(wanted[start : start + CHUNK]), Photo.cl % 2 == 1)
            ).tuples()
            for row in rows:
                info = _info_of_row(row)
                found[info.id] = info
    return [found[i] for i in ids if i in found]


def _live_photo(session: Session, photo_id: str) -> Photo:
    return get_live(session, Photo, photo_id, _("photo"))


def set_caption(ctx: AppContext, photo_id: str, caption: str | None) -> None:
    """Set or clear the caption of a photo."""
    text = v.optional_text(caption, "caption", _("Caption"))
    with ctx.unit_of_work() as session:
        photo = _live_photo(session, photo_id)
        if photo.caption != text:
            photo.caption = text


def set_consent(ctx: AppContext, photo_id: str, consent: bool | None) -> None:
    """Record whether the people in a photo agreed to its use (None: not known)."""
    with ctx.unit_of_work() as session:
        photo = _live_photo(session, photo_id)
        if photo.consent is not consent:
            photo.consent = consent


def delete_photo(ctx: AppContext, photo_id: str) -> None:
    """Mark a photo deleted (syncs; undo with `undelete_photo`); the blob stays in the store."""
    with ctx.unit_of_work() as session:
        photo = _live_photo(session, photo_id)
        # Photos of a deleted product went with it; only its undo brings them back.
        get_live(session, Product, photo.product_id or "", _("product"))
        soft_delete(photo)


def undelete_photo(ctx: AppContext, photo_id: str) -> None:
    """Bring back a deleted photo of a live product."""
    with ctx.unit_of_work() as session:
        photo = session.get(Photo, photo_id)
        if photo is None:
            raise NotFoundError(_("photo"), photo_id)
        get_live(session, Product, photo.product_id or "", _("product"))
        revive(photo)


def photo_path(ctx: AppContext, sha256: str) -> Path:
    """The stored JPEG of a photo."""
    return BlobStore(ctx.data_dir.blobs).path_of(sha256)


def thumbnail_file(ctx: AppContext, sha256: str) -> Path:
    """The thumbnail JPEG of a photo, made from the stored photo when missing."""
    return thumbnail_path(ctx.data_dir, sha256)
