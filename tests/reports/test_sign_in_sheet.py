"""Sign-in sheet PDFs: embedded font, names that extract in three scripts, paper, pages, safety."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from otop_desktop.cli import run
from otop_desktop.domain.errors import NotFoundError, OtopError, ValidationError
from otop_desktop.i18n import current_locale, set_locale
from otop_desktop.reports import fonts, sign_in_sheet
from otop_desktop.reports.language import document_language, language_of
from otop_desktop.reports.paper import page_size, paper_for_country, parse_paper
from otop_desktop.reports.sign_in_sheet import SignInSheetData, names_of, write_sign_in_sheet
from otop_desktop.services import enrollments, organisations, trainees, workshops
from otop_desktop.services.context import AppContext
from otop_desktop.services.sign_in_sheets import sheet_locale, sign_in_sheet_data
from otop_desktop.services.sign_in_sheets import sign_in_sheet as write_for_session
from tests.helpers import new_context

POPPLER = shutil.which("pdffonts") and shutil.which("pdftotext")
needs_poppler = pytest.mark.skipif(not POPPLER, reason="needs poppler-utils (pdffonts, pdftotext)")

LETTER_BOX = b"/MediaBox [ 0 0 612 792 ]"
A4_BOX = b"/MediaBox [ 0 0 595.2756 841.8898 ]"


def _text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def _fonts(pdf: Path) -> list[list[str]]:
    """The rows of `pdffonts`: name, type..., emb, sub, uni, object, id."""
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True, text=True)
    return [line.split() for line in out.stdout.splitlines()[2:] if line.strip()]


def _pages(pdf: Path) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf.read_bytes()))


def _workshop(ctx: AppContext, country: str, languages: str) -> tuple[str, str]:
    """A workshop with partners, two sessions and four trainees (one withdrawn)."""
    workshop = workshops.create_workshop(
        ctx,
        title="Bambú y muebles 竹藝",
        country=country,
        languages=languages,
        town="Santa Rosa de Copán",
        venue="Casa de la Cultura",
        trainers="Ana Martínez",
    )
    workshops.add_session(ctx, workshop.id, "2026-11-18", start_time="09:30")
    session = workshops.add_session(
        ctx, workshop.id, "2026-11-25", start_time="14:00", topic="Acabados"
    )
    partner = organisations.add_organisation(ctx, name="Cooperativa Lenca")
    workshops.add_partner(ctx, workshop.id, partner.id)
    people = [
        {"given_names": "María Fernanda", "family_names": "López Reyes"},
        {"given_names": "Mei-ling", "family_names": "Chen", "chinese_name": "陳美玲"},
        {"given_names": "José", "family_names": "Núñez"},
        {"given_names": "Óscar", "family_names": "Álvarez"},
        {"given_names": "Ausente", "family_names": "Retirado"},
    ]
    for fields in people:
        trainee = trainees.add_trainee(ctx, **fields)
        enrollments.enrol(ctx, workshop.id, trainee.id)
        if fields["family_names"] == "Retirado":
            enrollments.withdraw(ctx, workshop.id, trainee.id)
    return workshop.id, session.id


def _data(count: int, locale: str = "es", country: str | None = "HN") -> SignInSheetData:
    people = [
        ("María Fernanda López Reyes", None),
        ("Chen Mei-ling", "陳美玲"),
        ("José Núñez", None),
    ]
    return SignInSheetData(
        workshop_title="Cerámica 陶藝",
        town="Comayagua",
        country=country,
        venue=None,
        session_date=dt.date(2026, 11, 25),
        start_time="08:00",
        topic=None,
        partners=(),
        trainers=None,
        names=names_of([people[i % 3] for i in range(count)]),
        locale=locale,
    )


@needs_poppler
@pytest.mark.parametrize(
    ("locale", "country", "label", "box"),
    [("en", "HN", "Date", LETTER_BOX), ("es", "HN", "Fecha", LETTER_BOX)]
    + [("zh_Hant_TW", "TW", "日期", A4_BOX)],
)
def test_a_session_sheet_embeds_its_font_and_its_names_extract(
    tmp_path: Path, locale: str, country: str, label: str, box: bytes
) -> None:
    ctx = new_context(tmp_path / "db")
    _workshop_id, session_id = _workshop(ctx, country, "es")
    pdf = write_for_session(ctx, session_id, tmp_path / "sheet.pdf", locale=locale)

    rows = _fonts(pdf)
    assert rows, "the sheet names no font"
    assert all(row[-5] == "yes" for row in rows), rows  # the "emb" column of every font
    text = _text(pdf)
    for name in ("María Fernanda López Reyes", "陳美玲", "Núñez", "Cooperativa Lenca", label):
        assert name in text
    assert "Retirado" not in text  # withdrawn trainees do not sign
    assert box in pdf.read_bytes()
    assert current_locale() == "en"  # the interface kept its language


def test_the_sheet_lists_the_enrolled_by_family_name_and_numbers_the_session(
    tmp_path: Path,
) -> None:
    ctx = new_context(tmp_path / "db")
    _workshop_id, session_id = _workshop(ctx, "HN", "Spanish, Q’eqchi’")

    data = sign_in_sheet_data(ctx, session_id)

    assert [n.name for n in data.names] == [
        "Óscar Álvarez",  # the accent does not send it to the end
        "Mei-ling Chen",
        "María Fernanda López Reyes",
        "José Núñez",
    ]
    assert [n.number for n in data.names] == [1, 2, 3, 4]
    assert data.names[1].shown == "陳美玲 (Mei-ling Chen)"
    assert (data.session_number, data.session_count) == (2, 2)
    assert data.locale == "es"
    assert data.partners == ("Cooperativa Lenca",)
    with pytest.raises(NotFoundError):
        sign_in_sheet_data(ctx, "no-such-session")


def test_the_sheet_language_is_asked_for_else_the_workshops_else_the_interfaces() -> None:
    assert sheet_locale("es,zh_Hant_TW") == "es"
    assert sheet_locale("中文") == "zh_Hant_TW"
    assert sheet_locale("Español", "zh-TW") == "zh_Hant_TW"
    assert language_of("Q’eqchi’, es") is None
    set_locale("es")
    assert sheet_locale("Q’eqchi’") == "es"
    assert sheet_locale(None) == "es"
    with pytest.raises(ValidationError):
        sheet_locale("es", "fr")


def test_the_interface_language_comes_back_even_after_an_error() -> None:
    set_locale("es")
    with pytest.raises(RuntimeError), document_language("zh_Hant_TW"):
        assert current_locale() == "zh_Hant_TW"
        raise RuntimeError
    assert current_locale() == "es"


def test_paper_is_letter_in_the_americas_and_a4_elsewhere_unless_chosen() -> None:
    for country in ("HN", "gt", "SV", "NI", "BZ", "PY", "US", "MX"):
        assert paper_for_country(country) == "letter", country
    for other in ("TW", "VN", "ES", "", None):
        assert paper_for_country(other) == "a4", other
    assert parse_paper("Letter") == parse_paper("carta") == "letter"
    assert parse_paper(" A4 ") == "a4"
    assert page_size("a4", "HN") == page_size(None, "TW")
    with pytest.raises(ValidationError) as error:
        parse_paper("legal")
    assert error.value.field == "paper"


def test_sixty_names_fit_three_pages_with_the_header_on_each_and_take_under_a_second(
    tmp_path: Path,
) -> None:
    write_sign_in_sheet(_data(1), tmp_path / "warm.pdf")  # the font is registered once
    started = time.perf_counter()
    pdf = write_sign_in_sheet(_data(60, "en"), tmp_path / "sheet.pdf", paper="a4")
    elapsed = time.perf_counter() - started

    assert elapsed < 1.0
    assert A4_BOX in pdf.read_bytes()
    assert _pages(pdf) == 3
    assert _pages(write_sign_in_sheet(_data(30), tmp_path / "thirty.pdf")) == 2
    if POPPLER:
        pages = _text(pdf).split("\f")
        assert all("Signature" in page for page in pages if page.strip())  # header row repeated
        assert "3 / 3" in pages[2]
        assert re.search(r"\b65\b", pages[2])  # five blank rows for walk-ins follow name 60


def test_a_failed_write_leaves_the_old_file_and_no_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "sheets"
    folder.mkdir()
    target = folder / "sheet.pdf"
    target.write_bytes(b"old sheet")

    def broken(*args: object) -> None:
        Path(args[-1]).write_bytes(b"%PDF-half")  # type: ignore[arg-type]
        raise RuntimeError("power cut")

    monkeypatch.setattr(sign_in_sheet, "_build", broken)
    with pytest.raises(RuntimeError):
        write_sign_in_sheet(_data(3), target)

    assert target.read_bytes() == b"old sheet"
    assert sorted(p.name for p in folder.iterdir()) == ["sheet.pdf"]


def test_an_unwritable_place_is_a_clear_error_and_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as error:
        write_sign_in_sheet(_data(3), tmp_path / "missing" / "sheet.pdf")
    assert "sheet.pdf" in str(error.value)
    assert not (tmp_path / "missing").exists()


def test_a_missing_font_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "FONT_NAME", "OtopSansMissing")
    monkeypatch.setattr(fonts, "resources_dir", lambda: tmp_path)
    with pytest.raises(OtopError, match="Reinstall"):
        fonts.pdf_font()


def test_the_shipped_font_has_every_letter_the_programmes_write() -> None:
    from reportlab.pdfbase import pdfmetrics

    face = pdfmetrics.getFont(fonts.pdf_font()).face
    text = "María Fernanda López Reyes Núñez ¿¡Ü 陳美玲 簽名 電話 頁 Nguyễn Thị Hương"
    assert [c for c in text if c != " " and ord(c) not in face.charToGlyph] == []


def test_cli_writes_a_sheet_and_refuses_an_unknown_paper(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "data"
    ctx = new_context(data_dir)
    _workshop_id, session_id = _workshop(ctx, "TW", "zh_Hant_TW")
    ctx.close()
    out = tmp_path / "sheet.pdf"
    base = ["--data-dir", str(data_dir), "session", "sign-in-sheet", session_id]

    assert run([*base, "--out", str(tmp_path / "bad.pdf"), "--paper", "legal"]) != 0
    assert not (tmp_path / "bad.pdf").exists()
    assert run([*base, "--out", str(out), "--paper", "letter", "--pdf-lang", "es"]) == 0
    assert "sheet.pdf" in capsys.readouterr().out
    assert LETTER_BOX in out.read_bytes()


def test_a_sheet_with_nobody_enrolled_and_no_details_still_prints(tmp_path: Path) -> None:
    bare = SignInSheetData("陶藝", None, None, None, None, None, None, (), None, (), "zh_Hant_TW")
    pdf = write_sign_in_sheet(bare, tmp_path / "bare.pdf")
    assert _pages(pdf) == 1
    assert A4_BOX in pdf.read_bytes()
