"""Certificate printing speed: 500 bilingual certificates with QR in one PDF, register included."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import datasets
from common import SEED, Sizes, copy_data_dir, log, median, scratch, timed
from table import Row

CERTIFICATES = 500
QUICK_CERTIFICATES = 100
SESSIONS = 10
LANGUAGES = ("es", "zh_Hant_TW")
PAPER = "a4"
CHINESE_NAMES = ("陳美玲", "林志明", "王淑芬", "張家豪", "李雅婷", "黃建宏")


def _workshop_db(trainees: int) -> Path:
    """A workshop of `trainees` trainees (one in six with a Chinese name) and 10 sessions
    they nearly all attended, with a partner; built once and cached."""

    def build(folder: Path) -> None:
        from otop_desktop.db.models import Trainee
        from otop_desktop.services import enrollments, organisations, workshops
        from otop_desktop.services.attendance import write_mark
        from otop_desktop.services.context import initialise, open_context

        rng = random.Random(SEED)
        ctx = open_context(folder)
        try:
            initialise(ctx, "bench-certificates")
            workshop = workshops.create_workshop(
                ctx,
                title="Bambú y muebles: técnicas de acabado 竹藝",
                country="HN",
                town="Santa Rosa de Copán",
                languages="es, 華語",
                trainers="Ana Martínez y 王小明",
                programme="OTOP Honduras–Taiwán 2026",
            )
            partner = organisations.add_organisation(ctx, name="Misión Técnica de Taiwán")
            workshops.add_partner(ctx, workshop.id, partner.id)
            sessions = [
                workshops.add_session(ctx, workshop.id, dt.date(2026, 9, 1 + 2 * i), hours=2.5).id
                for i in range(SESSIONS)
            ]
            people = list(datasets.record_fields(trainees, seed=SEED))
            with ctx.unit_of_work() as session:
                rows = [Trainee(**fields) for fields in people]
                for index, row in enumerate(rows):
                    if index % 6 == 0:
                        row.chinese_name = CHINESE_NAMES[index // 6 % len(CHINESE_NAMES)]
                session.add_all(rows)
                session.flush()
                ids = [row.id for row in rows]
            enrollments.enrol_many(ctx, workshop.id, ids)
            with ctx.unit_of_work() as session:
                for trainee_id in ids:
                    # At most one session missed: everyone reaches the 80 % rule.
                    missed = rng.randrange(SESSIONS * 2)
                    for number, session_id in enumerate(sessions):
                        status = "absent" if number == missed else "present"
                        write_mark(session, session_id, trainee_id, status)
        finally:
            ctx.close()

    return datasets._cached(f"certificates-w{trainees}-s{SEED}", build)


def _baseline(pages: Sequence[Any], out: Path) -> float:
    """Seconds for ReportLab to draw the same pages' text (both columns, fixed sizes and
    places, no fitting), border and signature lines, without QR and register."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen.canvas import Canvas

    from otop_desktop.reports.certificate_text import certificate_text
    from otop_desktop.reports.fonts import pdf_font

    font = pdf_font()
    width, height = landscape(A4)
    keys = ("programme", "heading", "intro", "name", "second_name", "attended", "title")
    keys += ("place", "dates", "attendance", "partners", "issued")
    # The words are ours to compose; the baseline is ReportLab drawing them.
    texts = [[certificate_text(p, lang) for lang in LANGUAGES] for p in pages]

    def draw() -> None:
        canvas = Canvas(str(out), pagesize=(width, height), initialFontName=font)
        for page, columns in zip(pages, texts, strict=True):
            canvas.rect(17, 17, width - 34, height - 34)
            canvas.rect(23, 23, width - 46, height - 46)
            for index, column in enumerate(columns):
                centre = width * (0.27 + 0.46 * index)
                y = height - 60
                for key in keys:
                    text = getattr(column, key)
                    if text:
                        canvas.setFont(font, 12)
                        canvas.drawCentredString(centre, y, text)
                        y -= 26
            for centre in (width * 0.2, width * 0.8):
                canvas.line(centre - 90, 70, centre + 90, 70)
            canvas.setFont(font, 9)
            canvas.drawCentredString(width * 0.2, 58, page.trainers or "")
            canvas.drawCentredString(width / 2, 50, page.code)
            canvas.showPage()
        canvas.save()

    seconds, _none = timed(draw)
    return seconds


def _printed_by_service(ctx: Any, workshop_id: str, out: Path, count: int) -> tuple[float, list]:
    """Seconds of write_certificate_batch, and the pages it printed (for the baseline)."""
    from otop_desktop.reports import certificate as printing
    from otop_desktop.services.certificates import write_certificate_batch

    captured: list[list[Any]] = []
    original = printing.write_certificates

    def capturing(batch: Sequence[Any], *args: Any, **kwargs: Any) -> Path:
        captured.append(list(batch))
        return original(batch, *args, **kwargs)

    printing.write_certificates = capturing  # type: ignore[assignment]
    try:
        seconds, result = timed(
            lambda: write_certificate_batch(ctx, workshop_id, out, languages=LANGUAGES, paper=PAPER)
        )
    finally:
        printing.write_certificates = original  # type: ignore[assignment]
    assert result.count == count, result.count
    return seconds, captured[0]


def _printed_directly(pages: list[Any], out: Path) -> float:
    from otop_desktop.reports.certificate import write_certificates

    seconds, _path = timed(lambda: write_certificates(pages, out, languages=LANGUAGES, paper=PAPER))
    return seconds


def _has_service() -> bool:
    try:
        from otop_desktop.services.certificates import write_certificate_batch  # noqa: F401
    except ImportError:
        return False
    return True


def certificate_rows(sizes: Sizes) -> list[Row]:
    from otop_desktop.services.context import open_context
    from otop_desktop.services.workshops import list_workshops

    service = _has_service()
    count = QUICK_CERTIFICATES if sizes.quick else CERTIFICATES
    reps = 1 if sizes.quick else 3
    source = _workshop_db(count)
    ours: list[float] = []
    base: list[float] = []
    pages: list[Any] = [] if service else _synthetic_pages(count)
    with scratch("certificates") as work:
        for rep in range(reps + 1):  # the first run warms up (font, catalogs) and is not counted
            out = work / f"batch{rep}.pdf"
            if service:
                # A fresh copy each time: the register starts empty, as at a first printing.
                ctx = open_context(copy_data_dir(source, work / f"data{rep}"))
                try:
                    seconds, pages = _printed_by_service(ctx, list_workshops(ctx)[0].id, out, count)
                finally:
                    ctx.close()
            else:
                seconds = _printed_directly(pages, out)
            baseline = _baseline(pages, work / f"base{rep}.pdf")
            log(f"certificates: {seconds:.2f} s for {count}, baseline {baseline:.2f} s")
            if rep:
                ours.append(seconds)
                base.append(baseline)
    value, baseline = median(ours), median(base)
    through = (
        "services.certificates.write_certificate_batch (register included)"
        if service
        else "reports.certificate.write_certificates only (no register: the service is missing)"
    )
    return [
        Row(
            "certificates_500",
            value=value,
            unit="s",
            baseline=baseline,
            ratio=value / baseline,
            target="ratio <= 5x",
            ok=value / baseline <= 5,
            note=(
                f"{count} es+zh_Hant_TW certificates with QR in one A4 PDF through {through}, "
                f"a workshop of {count} trainees x {SESSIONS} sessions; median of {len(ours)}; "
                "baseline = ReportLab drawing the same pages' text without QR nor register"
            ),
        )
    ]


def _synthetic_pages(count: int) -> list[Any]:
    from otop_desktop.reports.certificate import CertificateData

    people = list(datasets.record_fields(count, seed=SEED))
    return [
        CertificateData(
            code=f"K7QM2-{index:05d}-{index % 10}",
            trainee_name=f"{p['given_names']} {p['family_names']}",
            chinese_name=CHINESE_NAMES[index // 6 % 6] if index % 6 == 0 else None,
            workshop_title="Bambú y muebles: técnicas de acabado 竹藝",
            category="bamboo",
            programme="OTOP Honduras–Taiwán 2026",
            town="Santa Rosa de Copán",
            country="HN",
            start_date=dt.date(2026, 9, 1),
            end_date=dt.date(2026, 9, 19),
            hours_attended=22.5,
            sessions_attended=9,
            sessions_held=SESSIONS,
            rate=0.9,
            partners=("Misión Técnica de Taiwán",),
            trainers="Ana Martínez y 王小明",
            issued_on=dt.date(2026, 9, 19),
        )
        for index, p in enumerate(people)
    ]
