"""Certificates of attendance as PDF: one or two languages side by side, with the register's QR.

A batch is one PDF with a landscape page per trainee (for printing at the closing ceremony),
or one PDF per trainee in a folder. Either way nothing is left behind on error or cancel:
pages are drawn into temp files beside their targets, which are renamed only at the end.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import landscape
from reportlab.pdfgen.canvas import Canvas

from otop_desktop.atomic_file import SHARED, cannot_write, writing
from otop_desktop.domain.errors import OperationCancelled, ValidationError
from otop_desktop.i18n import SUPPORTED_LOCALES, _
from otop_desktop.reports.certificate_layout import draw_certificate
from otop_desktop.reports.certificate_text import certificate_text
from otop_desktop.reports.fonts import pdf_font
from otop_desktop.reports.paper import PAPER_SIZES, parse_paper

Report = Callable[[int, int], None]
Cancelled = Callable[[], bool]

# Characters Windows refuses in file names, and control characters.
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]+')
_COMBINING = re.compile("[\u0300-\u036f]")
NAME_PART_LIMIT = 80  # characters of the name in a file name; the code keeps it unique


@dataclass(frozen=True)
class CertificateData:
    """The language-independent facts of one certificate page."""

    code: str  # register code, printed under the QR; the QR encodes exactly this string
    trainee_name: str  # Latin-script name, "" when the trainee has only a Chinese name
    chinese_name: str | None
    workshop_title: str
    category: str | None  # a domain.enums.ProductCategory value
    programme: str | None
    town: str | None
    country: str | None  # ISO code "HN", "TW"
    start_date: dt.date | None
    end_date: dt.date | None
    hours_attended: float | None
    sessions_attended: int
    sessions_held: int
    rate: float | None  # 0..1
    partners: tuple[str, ...]
    trainers: str | None
    issued_on: dt.date
    sort_name: str | None = None  # "López Reyes, María Fernanda": file names sort by family name


def _check_languages(languages: Sequence[str]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(languages))
    if not 1 <= len(chosen) <= 2 or any(lang not in SUPPORTED_LOCALES for lang in chosen):
        raise ValidationError(
            _("Certificates are printed in one or two of {choices}.").format(
                choices=", ".join(SUPPORTED_LOCALES)
            ),
            "languages",
        )
    return chosen


def _check_pages(pages: Sequence[CertificateData]) -> None:
    if not pages:
        raise ValidationError(_("There are no certificates to print."), "trainees")
    for page in pages:
        if not page.trainee_name.strip() and not (page.chinese_name or "").strip():
            raise ValidationError(
                _("A certificate needs the trainee's name (code {code}).").format(code=page.code),
                "name",
            )
        if not page.code.strip():
            raise ValidationError(_("A certificate needs its register code."), "code")


def _page_size(paper: str) -> tuple[float, float]:
    width, height = landscape(PAPER_SIZES[parse_paper(paper)])
    return float(width), float(height)


def _temp_beside(path: Path) -> Path:
    """A new empty temp file in `path`'s folder, so the final rename stays on one disk."""
    try:
        handle, name = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.stem[:40]}.", suffix=".part"
        )
    except OSError as exc:
        raise cannot_write(path, exc) from exc
    os.close(handle)
    # mkstemp makes the file private (0600); a certificate is an ordinary document.
    os.chmod(name, SHARED)
    return Path(name)


def _draw_pdf(
    pages: Sequence[CertificateData],
    target: Path,
    languages: tuple[str, ...],
    size: tuple[float, float],
    tick: Callable[[], None],
) -> None:
    """Write `pages` as one PDF to `target`, calling `tick` after each page (it may raise)."""
    font = pdf_font()
    first = certificate_text(pages[0], languages[0])
    canvas = Canvas(
        str(target),
        pagesize=size,
        # Else the first page names Helvetica, a font that is not embedded.
        initialFontName=font,
        initialFontSize=12,
        lang=languages[0].replace("_", "-"),
        pageCompression=1,
    )
    canvas.setTitle(
        first.document_title if len(pages) > 1 else f"{first.document_title} — {first.name}"
    )
    canvas.setAuthor("OTOP Field Desk")
    canvas.setSubject(pages[0].workshop_title)
    for page in pages:
        columns = [certificate_text(page, lang) for lang in languages]
        canvas.setFont(font, 12)
        draw_certificate(canvas, font, size, page.code, page.trainers, columns)
        canvas.showPage()
        tick()
    canvas.save()


def _ticker(total: int, report: Report | None, cancelled: Cancelled | None) -> Callable[[], None]:
    done = 0

    def tick() -> None:
        nonlocal done
        if cancelled is not None and cancelled():
            raise OperationCancelled()
        done += 1
        if report is not None:
            report(done, total)

    return tick


def write_certificates(
    pages: Sequence[CertificateData],
    out: Path,
    *,
    languages: tuple[str, ...],
    paper: str,
    report: Report | None = None,
    cancelled: Cancelled | None = None,
) -> Path:
    """Write `pages` as ONE PDF at `out`, a landscape page each, in one or two languages."""
    chosen = _check_languages(languages)
    size = _page_size(paper)
    _check_pages(pages)
    out = Path(out)
    if cancelled is not None and cancelled():
        raise OperationCancelled()
    # Cancelled or failed: no half-written PDF is left where people look for it.
    with writing(out, mode=SHARED) as part:
        _draw_pdf(pages, part, chosen, size, _ticker(len(pages), report, cancelled))
    return out


def write_certificate_files(
    pages: Sequence[CertificateData],
    folder: Path,
    *,
    languages: tuple[str, ...],
    paper: str,
    report: Report | None = None,
    cancelled: Cancelled | None = None,
) -> list[Path]:
    """Write one PDF per certificate into `folder`; on error or cancel none of them stays."""
    chosen = _check_languages(languages)
    size = _page_size(paper)
    _check_pages(pages)
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(folder, exc) from exc
    targets = _unique_targets(folder, pages)
    tick = _ticker(len(pages), report, cancelled)
    parts: list[Path] = []
    placed: list[Path] = []
    try:
        for page, target in zip(pages, targets, strict=True):
            if cancelled is not None and cancelled():
                raise OperationCancelled()
            parts.append(_temp_beside(target))
            _draw_pdf([page], parts[-1], chosen, size, tick)
        # Every file is complete: only renames within one folder are left.
        for part, target in zip(parts, targets, strict=True):
            os.replace(part, target)
            placed.append(target)
    except BaseException as exc:
        for path in (*parts, *placed):
            path.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise cannot_write(folder, exc) from exc
        raise
    return targets


def _unique_targets(folder: Path, pages: Sequence[CertificateData]) -> list[Path]:
    """The file of each page; a name given twice in the batch gets " (2)"."""
    seen: set[str] = set()
    targets = []
    for page in pages:
        name = certificate_file_name(page)
        stem, number = name[: -len(".pdf")], 2
        while name.casefold() in seen:
            name = f"{stem} ({number}).pdf"
            number += 1
        seen.add(name.casefold())
        targets.append(folder / name)
    return targets


def _safe(text: str) -> str:
    """`text` without accents (old zip tools mangle them) nor characters Windows refuses."""
    text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    text = unicodedata.normalize("NFC", text)
    return " ".join(_UNSAFE.sub(" ", text).split()).strip(". ")


def certificate_file_name(page: CertificateData) -> str:
    """The file of one certificate: "Lopez Reyes Maria Fernanda - K7QM2-XDR9P-4.pdf"."""
    name = page.sort_name or page.trainee_name or page.chinese_name or ""
    shown = _safe(name.replace(",", " "))[:NAME_PART_LIMIT].rstrip(". ")
    code = _safe(page.code) or "certificate"
    return f"{shown} - {code}.pdf" if shown else f"{code}.pdf"
