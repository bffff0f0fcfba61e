"""The one font of every PDF: a TrueType CJK font shipped in resources/fonts, embedded.

ReportLab embeds (and subsets) TrueType outlines but not CFF ones such as Noto CJK, so the
shipped font is WenQuanYi Micro Hei: Latin with accents, Vietnamese and Traditional Chinese
in one face. Every string is drawn with it, so a PDF prints the same on a laptop with no
CJK font installed.
"""

from __future__ import annotations

import threading
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from otop_desktop.domain.errors import OtopError
from otop_desktop.i18n import _
from otop_desktop.resources_path import resources_dir

FONT_NAME = "OtopSans"
FONT_FILE = "wqy-microhei.ttc"
# Face 0 of the collection is the proportional "WenQuanYi Micro Hei" (1 is the mono face).
FONT_FACE = 0

_lock = threading.Lock()


def font_path() -> Path:
    """Where the shipped PDF font is."""
    return resources_dir() / "fonts" / FONT_FILE


def pdf_font() -> str:
    """The ReportLab name of the embedded font, registering it on first use."""
    with _lock:
        # Registered once per process: parsing the 5 MB collection takes ~70 ms.
        if FONT_NAME in pdfmetrics.getRegisteredFontNames():
            return FONT_NAME
        path = font_path()
        try:
            font = TTFont(FONT_NAME, str(path), subfontIndex=FONT_FACE)
        except (OSError, TTFError) as exc:
            raise OtopError(
                _(
                    "The font for PDF documents ({path}) is missing or damaged: {reason}. "
                    "Reinstall OTOP Field Desk."
                ).format(path=path, reason=exc)
            ) from exc
        pdfmetrics.registerFont(font)
        return FONT_NAME
