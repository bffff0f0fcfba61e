"""Product catalogue PDFs: three languages, embedded font, upright photos, consent, damaged
photos, order, safety of the file written, cancel, and the `catalogue` command."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from otop_desktop.cli import run
from otop_desktop.db.models import Organisation, Photo, Product, Trainee, Workshop
from otop_desktop.domain.errors import NotFoundError, OperationCancelled, ValidationError
from otop_desktop.media.store import BlobStore
from otop_desktop.services.catalogue import catalogue_data, write_catalogue
from otop_desktop.services.context import AppContext
from otop_desktop.services.demo import build_demo
from tests.helpers import new_context

POPPLER = all(shutil.which(t) for t in ("pdffonts", "pdftotext", "pdfimages", "pdftoppm"))
pytestmark = pytest.mark.skipif(not POPPLER, reason="needs poppler-utils")

LETTER_BOX = b"/MediaBox [ 0 0 612 792 ]"
A4_BOX = b"/MediaBox [ 0 0 595.2756 841.8898 ]"
RED, BLUE, GREEN = (230, 20, 20), (20, 20, 230), (20, 200, 20)


def _text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def _fonts(pdf: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True, text=True)
    return [line.split() for line in out.stdout.splitlines()[2:] if line.strip()]


def _images(pdf: Path) -> list[list[str]]:
    """The rows of `pdfimages -list`: page, num, type, width, height, ..., enc..."""
    out = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, check=True)
    return [line.split() for line in out.stdout.decode().splitlines()[2:] if line.strip()]


def _pages(pdf: Path) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf.read_bytes()))


def _jpeg(
    size: tuple[int, int], colour: tuple[int, int, int], orientation: int | None = None
) -> bytes:
    image = Image.new("RGB", size, colour)
    out = io.BytesIO()
    if orientation is None:
        image.save(out, "JPEG", quality=90)
    else:
        exif = Image.Exif()
        exif[0x0112] = orientation
        image.save(out, "JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


def _workshop(ctx: AppContext, country: str = "HN", languages: str = "es") -> str:
    with ctx.unit_of_work() as session:
        workshop = Workshop(
            title="Tejidos lencas", country=country, town="Intibucá", languages=languages
        )
        session.add(workshop)
        session.flush()
        return workshop.id


def _product(ctx: AppContext, name: str, workshop_id: str | None = None, **fields: object) -> str:
    values: dict[str, object] = {
        "origin_town": "Intibucá",
        "origin_country": "HN",
        "price": Decimal("250"),
        "currency": "HNL",
        "category": "textiles",
    }
    values.update(fields)
    with ctx.unit_of_work() as session:
        product = Product(name=name, workshop_id=workshop_id, **values)
        session.add(product)
        session.flush()
        return product.id


def _photo(
    ctx: AppContext,
    product_id: str,
    data: bytes | None,
    *,
    consent: bool | None = True,
    sha256: str | None = None,
    caption: str | None = None,
) -> None:
    sha = BlobStore(ctx.data_dir.blobs).put_bytes(data) if data is not None else sha256
    with ctx.unit_of_work() as session:
        session.add(Photo(sha256=sha, product_id=product_id, consent=consent, caption=caption))


def _demo(tmp_path: Path) -> tuple[AppContext, dict[str, str]]:
    ctx = new_context(tmp_path / "db")
    build_demo(ctx, trainees=30, photos=6)
    with ctx.read() as session:
        ids = {w.country or "": w.id for w in session.scalars(select(Workshop))}
    return ctx, ids


def _product_names(ctx: AppContext, workshop_id: str) -> list[str]:
    with ctx.read() as session:
        return [
            p.name or ""
            for p in session.scalars(select(Product).where(Product.workshop_id == workshop_id))
        ]


@pytest.mark.parametrize(
    ("locale", "country", "country_name", "price", "box"),
    [
        ("en", "HN", "Honduras", r"HNL\s?[\d,]+\.00", LETTER_BOX),
        ("es", "HN", "Honduras", r"L\s?[\d,]+\.00", LETTER_BOX),
        ("en", "TW", "Taiwan", r"NT\$[\d,]+\.00", A4_BOX),
        ("es", "TW", "Taiwán", r"[\d.]+,00\sTWD", A4_BOX),
        ("zh_Hant_TW", "TW", "台灣", r"NT\$[\d,]+\.00", A4_BOX),
        ("zh_Hant_TW", "GT", "瓜地馬拉", r"GTQ\s?[\d,]+\.00", LETTER_BOX),
    ],
)
def test_the_demo_catalogue_prints_names_origin_and_prices_in_its_language(
    tmp_path: Path, locale: str, country: str, country_name: str, price: str, box: bytes
) -> None:
    ctx, workshops = _demo(tmp_path)
    names = _product_names(ctx, workshops[country])
    assert names

    pdf = write_catalogue(
        ctx, tmp_path / "catálogo.pdf", workshop_id=workshops[country], locale=locale
    )

    text = _text(pdf)
    for name in names:
        assert name in text
    assert country_name in text
    assert len(re.findall(price, text)) >= len(names), text
    assert _pages(pdf) == 1 + len(names)
    assert box in pdf.read_bytes()
    rows = _fonts(pdf)
    assert len(rows) == 1, rows  # the one font, nothing else (no Helvetica)
    assert re.match(r"^[A-Z]{6}\+", rows[0][0]), rows  # a subset
    assert rows[0][-5:-2] == ["yes", "yes", "yes"], rows  # embedded, subset, unicode
    # Every product's photo, embedded as JPEG rather than raw pixels.
    images = _images(pdf)
    assert len(images) == len(names)
    assert all(row[8] == "jpeg" for row in images), images


def test_the_language_is_the_workshops_unless_asked(tmp_path: Path) -> None:
    ctx, workshops = _demo(tmp_path)
    pdf = write_catalogue(ctx, tmp_path / "tw.pdf", workshop_id=workshops["TW"])
    assert "頁" in _text(pdf)  # the page footer, in Chinese
    assert catalogue_data(ctx, workshop_id=workshops["HN"]).locale == "es"
    assert catalogue_data(ctx, workshop_id=workshops["HN"], locale="zh-TW").locale == "zh_Hant_TW"
    with pytest.raises(ValidationError):
        catalogue_data(ctx, workshop_id=workshops["HN"], locale="klingon")


def test_a_portrait_photo_with_exif_orientation_6_prints_upright(tmp_path: Path) -> None:
    ctx = new_context(tmp_path / "db")
    product = _product(ctx, "Huipil bordado")
    # Stored as the camera wrote it: landscape pixels, red along the left edge, and the tag
    # saying "turn 90° clockwise to view". Upright, the photo is portrait, red at the top.
    image = Image.new("RGB", (600, 400), BLUE)
    image.paste(RED, (0, 0, 120, 400))
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, exif=exif.tobytes())
    _photo(ctx, product, out.getvalue())

    pdf = write_catalogue(ctx, tmp_path / "c.pdf", product_ids=[product], locale="es")

    (row,) = _images(pdf)
    assert int(row[3]) < int(row[4]), row  # width < height: turned upright
    subprocess.run(
        ["pdftoppm", "-r", "30", "-f", "2", "-l", "2", "-png", str(pdf), str(tmp_path / "p")],
        check=True,
    )
    page = Image.open(next(tmp_path.glob("p*.png"))).convert("RGB")
    reds, blues = [], []
    for y in range(page.height):
        for x in range(page.width):
            r, g, b = page.getpixel((x, y))
            if r > 180 and g < 80 and b < 80:
                reds.append((x, y))
            elif b > 180 and r < 80 and g < 80:
                blues.append((x, y))
    assert reds and blues
    top_of_blue = min(y for _x, y in blues)
    assert max(y for _x, y in reds) <= top_of_blue + 1  # red band above the blue
    red_width = max(x for x, _y in reds) - min(x for x, _y in reds)
    red_height = max(y for _x, y in reds) - min(y for _x, y in reds)
    assert red_width > red_height  # a band across the top, not down the side


def test_photos_refused_for_consent_are_left_out_and_the_rest_kept(tmp_path: Path) -> None:
    ctx = new_context(tmp_path / "db")
    product = _product(ctx, "Canasta de palma")
    _photo(ctx, product, _jpeg((400, 300), RED), consent=True, caption="Vista de frente")
    _photo(ctx, product, _jpeg((400, 300), GREEN), consent=None)
    _photo(ctx, product, _jpeg((400, 300), BLUE), consent=False, caption="No publicar")
    _photo(ctx, product, _jpeg((300, 400), GREEN, orientation=1), consent=True)

    pdf = write_catalogue(ctx, tmp_path / "c.pdf", product_ids=[product])

    images = _images(pdf)
    assert len(images) == 3, images
    text = _text(pdf)
    assert "Vista de frente" in text  # the main photo's caption
    assert "No publicar" not in text


def test_missing_damaged_and_absent_photos_get_a_box_and_the_catalogue_prints(
    tmp_path: Path,
) -> None:
    ctx = new_context(tmp_path / "db")
    missing = _product(ctx, "Cesta sin sincronizar")
    _photo(ctx, missing, None, sha256="ab" * 32)
    damaged = _product(ctx, "Cesta dañada")
    _photo(ctx, damaged, b"not a jpeg at all")
    bare = _product(ctx, "Cesta sin foto")
    good = _product(ctx, "Cesta buena")
    _photo(ctx, good, _jpeg((400, 300), RED))

    pdf = write_catalogue(ctx, tmp_path / "c.pdf", product_ids=[missing, damaged, bare, good])

    text = _text(pdf)
    assert "Photo missing on this laptop" in text
    assert "This photo cannot be read" in text
    assert "No photo" in text
    assert "Cesta buena" in text
    assert _pages(pdf) == 5
    assert len(_images(pdf)) == 1


def test_workshop_products_by_category_then_name_a_selection_as_given(tmp_path: Path) -> None:
    ctx = new_context(tmp_path / "db")
    workshop = _workshop(ctx)
    pottery = _product(ctx, "Ánfora", workshop, category="pottery")
    _product(ctx, "Zapato de bambú", workshop, category="bamboo")
    _product(ctx, "Banco de bambú", workshop, category="bamboo")
    deleted = _product(ctx, "Borrado", workshop, category="bamboo")
    with ctx.unit_of_work() as session:
        session.get(Product, deleted).cl = 2  # type: ignore[union-attr]
    data = catalogue_data(ctx, workshop_id=workshop)
    assert [i.name for i in data.items] == ["Banco de bambú", "Zapato de bambú", "Ánfora"]
    assert data.title == "Tejidos lencas"

    other = _product(ctx, "Sombrero", None)
    chosen = catalogue_data(ctx, product_ids=[other, pottery])
    assert [i.name for i in chosen.items] == ["Sombrero", "Ánfora"]
    assert chosen.title is None  # two workshops (one none): a plain cover
    assert catalogue_data(ctx, product_ids=[pottery]).title == "Tejidos lencas"
    with pytest.raises(NotFoundError):
        catalogue_data(ctx, product_ids=[pottery, deleted])


def test_maker_long_name_and_long_description_are_printed_whole(tmp_path: Path) -> None:
    ctx = new_context(tmp_path / "db")
    with ctx.unit_of_work() as session:
        trainee = Trainee(given_names="Mei-ling", family_names="Chen", chinese_name="陳美玲")
        org = Organisation(name="Cooperativa Lenca")
        session.add_all([trainee, org])
        session.flush()
        trainee_id, org_id = trainee.id, org.id
    description = "\n\n".join(
        f"Párrafo {n}: tejido a mano con hilo de algodón teñido con tintes naturales. " * 4
        for n in range(1, 31)
    )
    long_name = "Mantel de mesa bordado a mano con motivos lencas tradicionales y flecos"
    product = _product(
        ctx,
        long_name,
        owner_trainee_id=trainee_id,
        owner_organisation_id=org_id,
        description=description + "\n\nFIN-DEL-TEXTO",
        materials="algodón, tintes de añil",
        price=None,
    )

    pdf = write_catalogue(ctx, tmp_path / "c.pdf", product_ids=[product], locale="en")

    text = _text(pdf)
    flat = " ".join(text.split())
    assert long_name in flat
    assert "陳美玲 (Mei-ling Chen)" in flat
    assert "Cooperativa Lenca" in flat
    assert "no price" in text
    assert "FIN-DEL-TEXTO" in text  # the end of the text flowed onto a later page
    assert "Párrafo 30:" in text
    assert _pages(pdf) >= 3


def test_nothing_to_print_is_refused(tmp_path: Path) -> None:
    ctx = new_context(tmp_path / "db")
    empty = _workshop(ctx)
    with pytest.raises(ValidationError):
        write_catalogue(ctx, tmp_path / "c.pdf", workshop_id=empty)
    with pytest.raises(ValidationError):
        write_catalogue(ctx, tmp_path / "c.pdf")
    with pytest.raises(ValidationError):
        write_catalogue(ctx, tmp_path / "c.pdf", product_ids=[])
    with pytest.raises(NotFoundError):
        write_catalogue(ctx, tmp_path / "c.pdf", workshop_id="nope")
    with pytest.raises(ValidationError):
        write_catalogue(ctx, tmp_path / "c.pdf", workshop_id=empty, paper="A3")
    assert not list(tmp_path.glob("*.pdf"))


def test_an_unwritable_folder_is_a_clear_error_and_leaves_nothing(tmp_path: Path) -> None:
    ctx, workshops = _demo(tmp_path)
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    for out in (tmp_path / "missing" / "c.pdf", blocker / "c.pdf"):
        with pytest.raises(ValidationError, match="c.pdf cannot be written"):
            write_catalogue(ctx, out, workshop_id=workshops["HN"])
    assert not list(tmp_path.rglob("*.part"))


def test_cancel_leaves_no_file_and_progress_counts_products(tmp_path: Path) -> None:
    ctx, workshops = _demo(tmp_path)
    out = tmp_path / "c.pdf"
    out.write_bytes(b"the previous catalogue")
    seen: list[tuple[int, int]] = []
    with pytest.raises(OperationCancelled):
        write_catalogue(
            ctx,
            out,
            workshop_id=workshops["GT"],
            report=lambda done, total: seen.append((done, total)),
            cancelled=lambda: len(seen) >= 1,
        )
    assert seen == [(0, 2)]
    assert out.read_bytes() == b"the previous catalogue"  # untouched
    assert not list(tmp_path.glob(".*.part"))

    seen.clear()
    write_catalogue(ctx, out, workshop_id=workshops["GT"], report=lambda d, t: seen.append((d, t)))
    assert seen == [(0, 2), (1, 2), (2, 2)]
    assert out.read_bytes().startswith(b"%PDF")


def test_the_catalogue_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = tmp_path / "db"
    ctx, workshops = _demo(tmp_path)
    products = _product_names(ctx, workshops["TW"])
    with ctx.read() as session:
        ids = list(
            session.scalars(select(Product.id).where(Product.workshop_id == workshops["HN"]))
        )
    ctx.close()
    base = ["--data-dir", str(data_dir), "catalogue"]

    out = tmp_path / "tw.pdf"
    assert run([*base, "--workshop", workshops["TW"], "--out", str(out), "--paper", "letter"]) == 0
    assert str(out) in capsys.readouterr().out
    assert LETTER_BOX in out.read_bytes()
    assert products[0] in _text(out)

    chosen = tmp_path / "chosen.pdf"
    args = [*base, "--product", ids[1], "--product", ids[0], "--out", str(chosen)]
    assert run([*args, "--pdf-lang", "en"]) == 0
    assert _pages(chosen) == 3

    assert run([*base, "--out", str(tmp_path / "x.pdf")]) == 2  # neither
    assert run([*base, "--workshop", "a", "--product", "b", "--out", "x.pdf"]) == 2  # both
    assert run([*base, "--workshop", "nope", "--out", str(tmp_path / "x.pdf")]) == 1
    assert run([*base, "--workshop", workshops["HN"], "--out", "x.pdf", "--paper", "A3"]) == 1
    assert run([*base, "--workshop", workshops["HN"], "--out", "x.pdf", "--pdf-lang", "xx"]) == 1
    assert "cannot be written" not in capsys.readouterr().err
    assert run([*base, "--workshop", workshops["HN"], "--out", str(tmp_path / "no" / "x.pdf")]) == 1
    assert "cannot be written" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()
