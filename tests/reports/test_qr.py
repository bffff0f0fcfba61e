"""QR codes drawn as runs of modules: the runs are the matrix, the drawing decodes."""

from __future__ import annotations

from io import BytesIO

import segno

from otop_desktop.reports.qr import draw_qr, qr_matrix, qr_runs, quiet_zone_width


def test_the_runs_rebuild_exactly_segnos_matrix_at_level_m() -> None:
    code = "K7QM2-XDR9P-4"
    symbol = segno.make(code, error="m", micro=False, boost_error=False)
    assert symbol.error == "M" and not symbol.is_micro
    count, runs = qr_runs(code)
    rebuilt = [[False] * count for _ in range(count)]
    for row, column, length in runs:
        for c in range(column, column + length):
            assert not rebuilt[row][c]  # runs never overlap
            rebuilt[row][c] = True
    assert tuple(tuple(r) for r in rebuilt) == qr_matrix(code)
    assert qr_matrix(code) == tuple(tuple(bool(m) for m in r) for r in symbol.matrix)
    # Neighbouring dark modules were merged: fewer runs than dark modules.
    assert len(runs) < sum(sum(r) for r in qr_matrix(code))


def test_the_drawing_is_one_path_with_no_font() -> None:
    from reportlab.pdfgen.canvas import Canvas

    from otop_desktop.reports.fonts import pdf_font

    out = BytesIO()
    canvas = Canvas(out, initialFontName=pdf_font(), pageCompression=0)
    draw_qr(canvas, "K7QM2-XDR9P-4", 100, 100, 60)
    canvas.showPage()
    canvas.save()
    pdf = out.getvalue()
    assert pdf.count(b" re") == len(qr_runs("K7QM2-XDR9P-4")[1])
    assert pdf.count(b"\nf") + pdf.count(b" f\n") >= 1
    assert b"Helvetica" not in pdf
    assert quiet_zone_width("K7QM2-XDR9P-4", 60) == 4 * 60 / qr_runs("K7QM2-XDR9P-4")[0]
