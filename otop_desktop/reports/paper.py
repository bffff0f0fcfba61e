"""Paper size of a document: Letter in the Americas, A4 elsewhere, or what the user chose."""

from __future__ import annotations

from reportlab.lib.pagesizes import A4, LETTER

from otop_desktop.domain.errors import ValidationError
from otop_desktop.domain.text import fold
from otop_desktop.i18n import _

PageSize = tuple[float, float]

# CLDR's US-Letter territories (supplementalData paperSize; Babel does not ship it), plus the
# countries of the Americas where offices and print shops stock Letter all the same.
LETTER_COUNTRIES = frozenset(
    "BZ CA CL CO CR GT MX NI PA PH PR SV US VE".split()  # CLDR
    + "HN DO PY EC PE BO CU".split()  # usual in practice
)

PAPER_SIZES: dict[str, PageSize] = {"letter": LETTER, "a4": A4}
# What people type for the two sizes: the keys, with the Spanish and Chinese names.
_ALIASES = {
    "letter": "letter",
    "us letter": "letter",
    "us-letter": "letter",
    "carta": "letter",
    "信紙": "letter",
    "a4": "a4",
}


def paper_for_country(country: str | None) -> str:
    """`letter` for a country of the Americas that uses it, else `a4` (also when unknown)."""
    return "letter" if (country or "").strip().upper() in LETTER_COUNTRIES else "a4"


def parse_paper(text: str) -> str:
    """`letter` or `a4` from what the user typed (any case; "carta" too)."""
    key = _ALIASES.get(fold(text))
    if key is None:
        raise ValidationError(
            _("Unknown paper size “{value}”: use letter or a4.").format(value=text), "paper"
        )
    return key


def page_size(paper: str | None, country: str | None) -> PageSize:
    """The ReportLab page size: the chosen paper if any, else the one usual in `country`."""
    key = parse_paper(paper) if paper else paper_for_country(country)
    return PAPER_SIZES[key]
