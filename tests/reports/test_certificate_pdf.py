"""Certificate PDFs: embedded font only, names in three scripts, ROC dates, QR, paper, safety."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import replace
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4, LETTER, landscape
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from otop_desktop.domain.errors import OperationCancelled, OtopError, ValidationError
from otop_desktop.reports import certificate as certificate_module
from otop_desktop.reports.certificate import (
    CertificateData,
    certificate_file_name,
    write_certificate_files,
    write_certificates,
)
from otop_desktop.reports.certificate_layout import BORDER, draw_certificate
from otop_desktop.reports.certificate_text import certificate_text, dates_text, roc_date
from otop_desktop.reports.fonts import pdf_font
from otop_desktop.reports.language import formatting_locale

POPPLER = all(shutil.which(tool) for tool in ("pdffonts", "pdftotext", "pdftoppm", "pdfinfo"))
needs_poppler = pytest.mark.skipif(not POPPLER, reason="needs poppler-utils")

LONG_NAME = (
    "María de los Ángeles Guadalupe Fernández de la Santísima Trinidad "
    "López Reyes Castellanos y Martínez de Olancho"
)[:120]
LONG_TITLE = (
    "Curso intensivo de técnicas tradicionales de cestería en bambú, tejido de palma y "
    "acabados naturales para pequeñas empresas artesanales de la región occidental de "
    "Honduras, con visitas a talleres de Santa Rosa de Copán y Gracias, Lempira 2026"
)[:200]


def _page(**changes: Any) -> CertificateData:
    page = CertificateData(
        code="K7QM2-XDR9P-4",
        trainee_name="María Fernanda López Reyes",
        chinese_name=None,
        workshop_title="Bambú y muebles",
        category="bamboo",
        programme="OTOP Honduras 2026",
        town="Santa Rosa de Copán",
        country="HN",
        start_date=dt.date(2026, 11, 18),
        end_date=dt.date(2026, 11, 25),
        hours_attended=18.5,
        sessions_attended=9,
        sessions_held=10,
        rate=0.9,
        partners=("Cooperativa Lenca", "Misión Técnica de Taiwán"),
        trainers="Ana Martínez",
        issued_on=dt.date(2026, 11, 25),
        sort_name="López Reyes, María Fernanda",
    )
    return replace(page, **changes)


def _three() -> list[CertificateData]:
    """Latin, accented and Chinese-only names, with distinct codes."""
    return [
        _page(code="AAAAA-BBBBB-1", trainee_name="Ana Lopez", sort_name=None),
        _page(code="CCCCC-DDDDD-2"),
        _page(code="EEEEE-FFFFF-3", trainee_name="", chinese_name="陳美玲", sort_name=None),
    ]


def _text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def _fonts(pdf: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True, text=True)
    return [line.split() for line in out.stdout.splitlines()[2:] if line.strip()]


def _page_info(pdf: Path) -> tuple[int, str]:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True, text=True)
    pages = int(re.search(r"Pages:\s+(\d+)", out.stdout).group(1))  # type: ignore[union-attr]
    size = re.search(r"Page size:\s+(.*)", out.stdout).group(1)  # type: ignore[union-attr]
    return pages, size.strip()


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """An empty folder for the PDFs (tmp_path also holds the test's data dir)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


# --- the PDF as printed -----------------------------------------------------------------------


@needs_poppler
@pytest.mark.parametrize(
    "languages", [("es", "zh_Hant_TW"), ("en", "es"), ("zh_Hant_TW",), ("en",)]
)
def test_every_font_is_the_embedded_subset_and_names_extract(
    tmp_path: Path, languages: tuple[str, ...]
) -> None:
    pdf = write_certificates(_three(), tmp_path / "c.pdf", languages=languages, paper="a4")

    rows = _fonts(pdf)
    assert rows, "the certificate names no font"
    for row in rows:
        assert row[0].split("+")[-1].startswith("WenQuanYiMicroHei"), row  # the shipped font
        assert re.fullmatch(r"[A-Z]{6}\+.*", row[0]), row  # a subset
        assert row[-5:-3] == ["yes", "yes"], row  # embedded, subset
    assert b"/Helvetica" not in pdf.read_bytes()  # not even the canvas's initial font
    text = _text(pdf)
    for name in ("Ana Lopez", "María Fernanda López Reyes", "陳美玲", "CCCCC-DDDDD-2"):
        assert name in text
    assert _page_info(pdf)[0] == 3


@needs_poppler
def test_bilingual_spanish_chinese_has_each_column_in_its_language(tmp_path: Path) -> None:
    pdf = write_certificates(
        [_page(chinese_name="陳美玲")],
        tmp_path / "c.pdf",
        languages=("es", "zh_Hant_TW"),
        paper="a4",
    )
    text = _text(pdf)
    # The country in each column's language, the dates as each writes them.
    assert "Honduras" in text and "宏都拉斯" in text
    assert "18–25 de noviembre de 2026" in text
    assert "中華民國115年11月18日至25日" in text
    assert "中華民國115年11月25日" in text  # issued on, Republic of China era
    assert "25 de noviembre de 2026" in text
    assert text.count("陳美玲") == 2 and text.count("María Fernanda López Reyes") == 2


@needs_poppler
def test_english_spanish_pair_and_single_chinese(tmp_path: Path) -> None:
    pair = write_certificates([_page()], tmp_path / "p.pdf", languages=("en", "es"), paper="letter")
    text = _text(pair)
    assert "November 25, 2026" in text and "25 de noviembre de 2026" in text
    assert "Cooperativa Lenca and Misión Técnica de Taiwán" in text
    assert "Cooperativa Lenca y Misión Técnica de Taiwán" in text

    taiwan = _page(
        country="TW", town="竹山鎮", chinese_name="陳美玲", start_date=None, end_date=None
    )
    single = write_certificates([taiwan], tmp_path / "z.pdf", languages=("zh_Hant_TW",), paper="a4")
    text = _text(single)
    assert "中華民國115年11月25日" in text
    assert "臺灣" in text or "台灣" in text
    # In a Chinese column the Chinese name comes first, the romanised one under it.
    assert text.index("陳美玲") < text.index("María Fernanda López Reyes")


@needs_poppler
@pytest.mark.parametrize("languages", [("es", "zh_Hant_TW"), ("en",)])
def test_the_qr_code_reads_back_as_the_certificate_code(
    tmp_path: Path, languages: tuple[str, ...]
) -> None:
    import zxingcpp

    pdf = write_certificates(
        [_page(code="K7QM2-XDR9P-4", trainee_name=LONG_NAME)],
        tmp_path / "c.pdf",
        languages=languages,
        paper="letter",
    )
    subprocess.run(
        ["pdftoppm", "-r", "100", "-png", "-singlefile", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    found = zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))
    assert [r.text for r in found] == ["K7QM2-XDR9P-4"]


@needs_poppler
@pytest.mark.parametrize(
    ("paper", "size"), [("letter", "792 x 612 pts (letter)"), ("a4", "841.89 x 595.276 pts (A4)")]
)
def test_the_page_is_landscape_letter_or_a4(tmp_path: Path, paper: str, size: str) -> None:
    pdf = write_certificates([_page()], tmp_path / "c.pdf", languages=("es",), paper=paper)
    assert _page_info(pdf) == (1, size)


# --- nothing drawn past the border -------------------------------------------------------------


class _Recording(Canvas):  # type: ignore[misc]  # ReportLab has no type hints
    """A canvas that notes every centred string with its font size."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.strings: list[tuple[float, float, float, str]] = []

    def drawCentredString(self, x: float, y: float, text: str, *args: Any, **kw: Any) -> None:  # noqa: N802
        self.strings.append((x, y, self._fontsize, text))
        super().drawCentredString(x, y, text, *args, **kw)


@pytest.mark.parametrize("languages", [("es", "zh_Hant_TW"), ("en",), ("zh_Hant_TW", "en")])
@pytest.mark.parametrize("paper", [LETTER, A4])
def test_long_names_and_titles_stay_inside_the_border(
    languages: tuple[str, ...], paper: tuple[float, float]
) -> None:
    font = pdf_font()
    size = landscape(paper)
    page = _page(
        trainee_name=LONG_NAME,
        chinese_name="陳" * 40,
        workshop_title=LONG_TITLE,
        partners=tuple(f"Organización de artesanas número {i}" for i in range(8)),
        trainers="Ana Martínez, " * 12,
    )
    canvas = _Recording(BytesIO(), pagesize=size, initialFontName=font)
    draw_certificate(
        canvas, font, size, page.code, page.trainers, [certificate_text(page, x) for x in languages]
    )
    assert len(canvas.strings) > 15
    inner = BORDER + 10
    shown = " ".join(text for _x, _y, _s, text in canvas.strings)
    for x, y, font_size, text in canvas.strings:
        half = stringWidth(text, font, font_size) / 2
        assert inner <= x - half and x + half <= size[0] - inner, text
        assert inner <= y <= size[1] - inner - font_size, text
    # Nothing cut off: every word of the name and the title is on the page.
    for word in (LONG_NAME + " " + LONG_TITLE).split():
        assert word.strip(",") in shown


def test_a_name_in_the_other_script_is_shown_rather_than_a_blank() -> None:
    chinese_only = _page(trainee_name="", chinese_name="陳美玲")
    latin_only = _page(chinese_name=None)
    both = _page(chinese_name="陳美玲")
    assert certificate_text(chinese_only, "es").name == "陳美玲"
    assert certificate_text(latin_only, "zh_Hant_TW").name == "María Fernanda López Reyes"
    assert certificate_text(latin_only, "zh_Hant_TW").second_name == ""
    zh = certificate_text(both, "zh_Hant_TW")
    assert (zh.name, zh.second_name) == ("陳美玲", "María Fernanda López Reyes")
    es = certificate_text(both, "es")
    assert (es.name, es.second_name) == ("María Fernanda López Reyes", "陳美玲")


def test_republic_of_china_dates() -> None:
    taiwan = formatting_locale("zh_Hant_TW", "TW")
    assert roc_date(dt.date(2026, 11, 25)) == "中華民國115年11月25日"
    assert roc_date(dt.date(1912, 1, 1)) == "中華民國1年1月1日"
    assert (
        dates_text(dt.date(2026, 11, 18), dt.date(2026, 12, 2), taiwan)
        == "中華民國115年11月18日至12月2日"
    )
    assert (
        dates_text(dt.date(2026, 12, 28), dt.date(2027, 1, 4), taiwan)
        == "中華民國115年12月28日至中華民國116年1月4日"
    )
    spanish = formatting_locale("es", "HN")
    assert dates_text(dt.date(2026, 11, 25), None, spanish) == "25 de noviembre de 2026"
    assert dates_text(None, None, spanish) == ""


# --- bad input, cancel, all-or-nothing ----------------------------------------------------------


@pytest.mark.parametrize(
    ("languages", "paper", "pages"),
    [
        (("fr",), "a4", None),
        (("en", "es", "zh_Hant_TW"), "a4", None),
        ((), "a4", None),
        (("es",), "A3", None),
        (("es",), "a4", []),
        (("es",), "a4", [_page(trainee_name=" ", chinese_name=None)]),
    ],
)
def test_bad_choices_are_refused_before_any_file(
    out_dir: Path, languages: tuple[str, ...], paper: str, pages: list[CertificateData] | None
) -> None:
    with pytest.raises(ValidationError):
        write_certificates(
            [_page()] if pages is None else pages,
            out_dir / "c.pdf",
            languages=languages,
            paper=paper,
        )
    assert _leftovers(out_dir) == []


def test_a_folder_that_cannot_be_written_is_a_clear_error(out_dir: Path) -> None:
    not_a_folder = out_dir / "file.txt"
    not_a_folder.write_text("x")
    with pytest.raises(OtopError) as caught:
        write_certificates([_page()], not_a_folder / "c.pdf", languages=("es",), paper="a4")
    assert "c.pdf" in caught.value.message
    with pytest.raises(OtopError):
        write_certificate_files([_page()], not_a_folder / "sub", languages=("es",), paper="a4")
    assert _leftovers(out_dir) == ["file.txt"]


def _cancel_after(pages: int) -> tuple[Callable[[int, int], None], Callable[[], bool]]:
    done = [0]

    def report(count: int, total: int) -> None:
        done[0] = count

    return report, lambda: done[0] >= pages


def test_cancel_leaves_no_pdf_and_keeps_an_older_one(out_dir: Path) -> None:
    out = out_dir / "c.pdf"
    out.write_bytes(b"older certificates")
    report, cancelled = _cancel_after(2)
    with pytest.raises(OperationCancelled):
        write_certificates(
            _three(), out, languages=("es",), paper="a4", report=report, cancelled=cancelled
        )
    assert _leftovers(out_dir) == ["c.pdf"]
    assert out.read_bytes() == b"older certificates"


def test_a_failure_midway_leaves_no_partial_pdf(
    out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []

    def failing(*args: Any) -> None:
        calls.append(args)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(certificate_module, "draw_certificate", failing)
    with pytest.raises(ValidationError) as caught:
        write_certificates(_three(), out_dir / "c.pdf", languages=("es",), paper="a4")
    assert "No space left on device" in caught.value.message
    assert _leftovers(out_dir) == []


def test_progress_reaches_the_total(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    write_certificates(
        _three(),
        tmp_path / "c.pdf",
        languages=("en",),
        paper="a4",
        report=lambda d, t: seen.append((d, t)),
    )
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_one_file_per_certificate(tmp_path: Path) -> None:
    folder = tmp_path / "certificados"
    paths = write_certificate_files(_three(), folder, languages=("es", "zh_Hant_TW"), paper="a4")
    assert [p.name for p in paths] == [
        "Ana Lopez - AAAAA-BBBBB-1.pdf",
        "Lopez Reyes Maria Fernanda - CCCCC-DDDDD-2.pdf",
        "陳美玲 - EEEEE-FFFFF-3.pdf",
    ]
    assert _leftovers(folder) == sorted(p.name for p in paths)
    assert all(p.read_bytes().startswith(b"%PDF") for p in paths)


def test_one_file_per_certificate_is_all_or_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "keep me.txt").write_text("someone else's")
    report, cancelled = _cancel_after(2)
    with pytest.raises(OperationCancelled):
        write_certificate_files(
            _three(), folder, languages=("es",), paper="a4", report=report, cancelled=cancelled
        )
    assert _leftovers(folder) == ["keep me.txt"]

    real_replace = certificate_module.os.replace
    moved: list[Path] = []

    def replace_twice(source: Any, target: Any) -> None:
        if len(moved) == 2:
            raise OSError(5, "Input/output error")
        real_replace(source, target)
        moved.append(Path(target))

    monkeypatch.setattr(certificate_module.os, "replace", replace_twice)
    with pytest.raises(ValidationError):
        write_certificate_files(_three(), folder, languages=("es",), paper="a4")
    assert len(moved) == 2  # two files were in place before the failure...
    assert _leftovers(folder) == ["keep me.txt"]  # ...and were taken away again


def test_file_names_are_windows_safe() -> None:
    assert certificate_file_name(_page()) == "Lopez Reyes Maria Fernanda - K7QM2-XDR9P-4.pdf"
    odd = _page(sort_name=None, trainee_name='Ana: "la" <Nena>/José?* Núñez.')
    assert certificate_file_name(odd) == "Ana la Nena Jose Nunez - K7QM2-XDR9P-4.pdf"
    name = certificate_file_name(_page(sort_name=None, trainee_name=LONG_NAME))
    assert len(name) <= 80 + len(" - K7QM2-XDR9P-4.pdf")
    assert not re.search(r'[<>:"/\\|?*]', name)
