"""Roster import: preview first (nothing written), then one transaction; duplicates respected."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from otop_desktop.db.local_models import ChangeLog
from otop_desktop.domain.errors import NotFoundError
from otop_desktop.services.context import AppContext
from otop_desktop.services.dump import dump_text
from otop_desktop.services.enrollments import list_enrolled
from otop_desktop.services.organisations import add_organisation
from otop_desktop.services.roster_files import RosterCancelled, RosterFileError
from otop_desktop.services.roster_import import (
    RowAction,
    apply_roster,
    preview_roster,
)
from otop_desktop.services.trainees import add_trainee, delete_trainee, search_trainees
from otop_desktop.services.workshops import create_workshop
from tests.helpers import new_context

ROSTERS = Path(__file__).resolve().parent.parent / "fixtures" / "rosters"


@pytest.fixture
def ctx(tmp_path: Path) -> AppContext:
    context = new_context(tmp_path / "data")
    yield context
    context.close()


@pytest.fixture
def workshop(ctx: AppContext) -> str:
    return create_workshop(ctx, title="Bambú", country="HN").id


def _people(ctx: AppContext) -> dict[str, dict[str, object]]:
    return {t.display_name: t.as_dict() for t in search_trainees(ctx, limit=1000)}


def _write(tmp_path: Path, text: str, name: str = "r.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("utf8.csv", {"María Fernanda López Reyes": ("9876-5432", 1985, "female", "Comayagua")}),
        (
            "utf8_bom.csv",
            {"José de la Cruz Martínez": ("3312-4567", 1979, "male", "Siguatepeque")},
        ),
        ("cp1252_semicolon.csv", {"Begoña Ordóñez Muñoz": ("8765-4321", 1990, "female", None)}),
        ("big5.csv", {"陳美玲": ("0912-345-678", 1975, "female", "鶯歌")}),
        ("spanish_headers.xlsx", {"José Núñez Peña": ("3312-4567", 1979, "male", "Rabinal")}),
        ("chinese_headers.xlsx", {"林志明": ("0933-111-222", 1968, "male", "美濃")}),
        (
            "english.xlsx",
            {
                "María Fernanda López Reyes": ("50498765432", 1985, None, None),
                "José Núñez": ("98765432", 1979, None, "Comayagua"),
                "Ana Ordóñez": ("0912345678", 1990, None, "Rabinal"),
                "Lucía Hernández": ("87654321", 1992, None, "La Esperanza"),
            },
        ),
    ],
)
def test_each_fixture_imports_its_people(
    ctx: AppContext, workshop: str, name: str, expected: dict[str, tuple[object, ...]]
) -> None:
    # Proves: every encoding, separator and header language ends in the right fields: names
    # (split, joined), phones as text, genders from F/M/Mujer/女, years from dates and serials.
    before = dump_text(ctx)
    preview = preview_roster(ctx, ROSTERS / name, workshop)
    assert dump_text(ctx) == before  # the preview writes nothing
    counts = preview.counts()
    assert counts[RowAction.REJECT] == 0 and counts[RowAction.CREATE] == len(preview.rows)
    result = apply_roster(ctx, preview)
    assert result.created == len(preview.rows) == result.enrolled
    people = _people(ctx)
    for person, (phone, year, gender, town) in expected.items():
        got = people[person]
        assert (got["phone"], got["birth_year"], got["gender"]) == (phone, year, gender)
        if town:
            assert got["town"] == town
    assert len(list_enrolled(ctx, workshop)) == len(preview.rows)


def test_cp1252_town_with_semicolon_and_two_family_name_columns(ctx: AppContext) -> None:
    apply_roster(ctx, preview_roster(ctx, ROSTERS / "cp1252_semicolon.csv", None))
    people = _people(ctx)
    assert people["Begoña Ordóñez Muñoz"]["town"] == "Güinope; El Paraíso"
    assert people["José Núñez Peña"]["family_names"] == "Núñez Peña"


def test_wrong_types_rejected_with_row_number_and_column(ctx: AppContext) -> None:
    preview = preview_roster(ctx, ROSTERS / "wrong_types.csv", None)
    reasons = {r.row_number: r.reason for r in preview.rows if r.action is RowAction.REJECT}
    assert set(reasons) == {3, 4, 5, 6, 7, 8, 9}
    assert reasons[3].startswith("Teléfono: “hola” does not look like a phone number")
    assert "shortened by Excel" in reasons[4]
    assert reasons[5].startswith("Año de nacimiento: Birth year must be a number")
    assert "1800 is not plausible" in reasons[6]
    assert reasons[7].startswith("Correo: “no-es-correo” does not look like an e-mail")
    assert reasons[8].startswith("Sexo: Unknown gender “X”")
    assert "needs a name" in reasons[9]
    rejected = next(r for r in preview.rows if r.row_number == 4)
    assert rejected.fields["given_names"] == "Rosa"  # shown in the preview even when rejected
    result = apply_roster(ctx, preview)
    assert (result.created, result.rejected) == (1, 7)
    assert list(_people(ctx)) == ["Carmen Rivas"]


@pytest.mark.parametrize("name", ["encrypted.xlsx", "not_a_spreadsheet.csv", "unknown_headers.csv"])
def test_bad_files_write_nothing(ctx: AppContext, workshop: str, name: str) -> None:
    before = dump_text(ctx)
    try:
        preview = preview_roster(ctx, ROSTERS / name, workshop)
    except RosterFileError:
        pass
    else:
        # Unknown headers: every column ignored, every row rejected for want of a name.
        assert preview.unknown_headers == ["Prénom", "Nom de famille", "Portable", "Ville"]
        assert preview.counts()[RowAction.REJECT] == 2
        apply_roster(ctx, preview)
    assert dump_text(ctx) == before


def test_user_mapping_for_unknown_headers(ctx: AppContext) -> None:
    mapping = {0: "given_names", 1: "family_names", 2: "phone", 3: "town"}
    preview = preview_roster(ctx, ROSTERS / "unknown_headers.csv", None, mapping)
    assert preview.unknown_headers == []
    apply_roster(ctx, preview)
    assert _people(ctx)["Marie Dupont"]["phone"] == "9876-1234"


def test_unknown_field_or_workshop(ctx: AppContext) -> None:
    with pytest.raises(Exception, match="Unknown trainee field: shoe_size"):
        preview_roster(ctx, ROSTERS / "utf8.csv", None, {0: "shoe_size"})
    with pytest.raises(NotFoundError):
        preview_roster(ctx, ROSTERS / "utf8.csv", "no-such-workshop")


def test_same_person_updates_and_reimport_is_all_duplicates(ctx: AppContext, workshop: str) -> None:
    # Proves: a row with the phone and name of a registered trainee fills what was missing
    # instead of making a second record; importing the same file again changes nothing.
    add_trainee(ctx, given_names="Maria Fernanda", family_names="Lopez Reyes", phone="98765432")
    preview = preview_roster(ctx, ROSTERS / "utf8.csv", workshop)
    first = preview.rows[0]
    assert first.action is RowAction.UPDATE and first.match_name == "Maria Fernanda Lopez Reyes"
    result = apply_roster(ctx, preview)
    assert (result.created, result.updated, result.enrolled) == (2, 1, 3)
    people = _people(ctx)
    maria = people["María Fernanda López Reyes"]
    # Filled: town, birth year, e-mail; the phone written another way is kept as it was.
    assert (maria["town"], maria["birth_year"], maria["phone"]) == ("Comayagua", 1985, "98765432")
    assert len(people) == 3

    before = dump_text(ctx)
    again = preview_roster(ctx, ROSTERS / "utf8.csv", workshop)
    assert [r.action for r in again.rows] == [RowAction.DUPLICATE] * 3
    assert "Already registered" in again.rows[0].reason
    assert apply_roster(ctx, again).skipped == 3
    assert dump_text(ctx) == before


def test_applying_the_same_preview_twice_creates_nothing_more(ctx: AppContext) -> None:
    # Proves: re-validation at apply time: the database changed since the preview (by the
    # first apply), and the second apply skips the people already there.
    preview = preview_roster(ctx, ROSTERS / "utf8_bom.csv", None)
    assert apply_roster(ctx, preview).created == 3
    second = apply_roster(ctx, preview)
    assert (second.created, second.skipped) == (0, 3)
    assert len(_people(ctx)) == 3


def test_same_person_twice_in_one_file(ctx: AppContext, workshop: str, tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "Nombres,Apellidos,Teléfono,Municipio\n"
        "Ana,López,9876-5432,Comayagua\n"
        "Rosa,Pérez,3312-4567,Rabinal\n"
        "Ana,Lopez,98765432,Comayagua\n",
    )
    preview = preview_roster(ctx, path, workshop)
    assert [r.action for r in preview.rows] == [RowAction.CREATE] * 2 + [RowAction.DUPLICATE]
    assert preview.rows[2].same_as_row == 2 and "row 2" in preview.rows[2].reason
    result = apply_roster(ctx, preview)
    assert (result.created, result.skipped, result.enrolled) == (2, 1, 2)


def test_possible_duplicate_is_created_with_a_warning(ctx: AppContext, tmp_path: Path) -> None:
    # A sister sharing the family phone is not the same person: created, but flagged.
    add_trainee(ctx, given_names="Ana", family_names="López", phone="9876-5432", town="Comayagua")
    path = _write(tmp_path, "Nombres,Apellidos,Teléfono\nRosa,López,9876-5432\n")
    row = preview_roster(ctx, path, None).rows[0]
    assert row.action is RowAction.CREATE
    assert row.match_name == "Ana López" and "Possibly the same person" in row.reason


def test_deleted_match_is_created_again(ctx: AppContext, tmp_path: Path) -> None:
    # Proves: a trainee deleted between preview and import is not written to; the row is
    # created instead.
    ana = add_trainee(ctx, given_names="Ana", family_names="López", phone="9876-5432")
    path = _write(tmp_path, "Nombres,Apellidos,Teléfono,Municipio\nAna,López,9876-5432,Yoro\n")
    preview = preview_roster(ctx, path, None)
    assert preview.rows[0].action is RowAction.UPDATE
    delete_trainee(ctx, ana.id)
    assert apply_roster(ctx, preview).created == 1
    assert _people(ctx)["Ana López"]["town"] == "Yoro"


def test_full_name_gender_letters_organisation_and_country(ctx: AppContext, tmp_path: Path) -> None:
    add_organisation(ctx, name="Cooperativa Flor de Café")
    path = _write(
        tmp_path,
        "Nombre,Sexo,País,Cooperativa,Idioma,Autoriza fotos\n"
        "María Fernanda López Reyes,M,Honduras,cooperativa flor de cafe,Español,sí\n"
        "José de la Cruz Martínez,H,Guatemala,Otra Coop,,no\n",
    )
    preview = preview_roster(ctx, path, None)
    assert "No organisation named “Otra Coop”" in preview.rows[1].reason
    apply_roster(ctx, preview)
    people = _people(ctx)
    maria = people["María Fernanda López Reyes"]
    assert (maria["gender"], maria["country"], maria["preferred_language"]) == (
        "female",  # M/H column: M is mujer
        "HN",
        "es",
    )
    assert maria["organisation_id"] and maria["consent_photos"] is True
    jose = people["José de la Cruz Martínez"]
    assert (jose["family_names"], jose["gender"], jose["country"]) == (
        "de la Cruz Martínez",
        "male",
        "GT",
    )
    assert jose["organisation_id"] is None


def test_two_phones_in_one_cell_keep_the_second_in_notes(ctx: AppContext, tmp_path: Path) -> None:
    path = _write(tmp_path, "Nombres,Celular\nAna,9876-5432 / 3312-4567\n")
    apply_roster(ctx, preview_roster(ctx, path, None))
    ana = _people(ctx)["Ana"]
    assert (ana["phone"], ana["notes"]) == ("9876-5432", "Other phone: 3312-4567")


def test_writes_go_through_change_capture(ctx: AppContext, workshop: str) -> None:
    with ctx.read() as session:
        before = session.scalar(select(func.count()).select_from(ChangeLog))
    apply_roster(ctx, preview_roster(ctx, ROSTERS / "big5.csv", workshop))
    with ctx.read() as session:
        after = session.scalar(select(func.count()).select_from(ChangeLog))
    assert after == before + 6  # three trainees, three enrollments


def test_progress_and_cancel(ctx: AppContext, tmp_path: Path) -> None:
    lines = ["Nombres,Apellidos,Teléfono"] + [
        f"Persona{i},Apellido{i},9{i:03d}-{i:04d}" for i in range(450)
    ]
    path = _write(tmp_path, "\n".join(lines))
    seen: list[tuple[int, int]] = []
    preview = preview_roster(ctx, path, None, report=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (450, 450) and len(seen) == 5
    before = dump_text(ctx)
    with pytest.raises(RosterCancelled):
        apply_roster(ctx, preview, cancelled=lambda: True)
    assert dump_text(ctx) == before  # the one transaction was rolled back
    with pytest.raises(RosterCancelled):
        preview_roster(ctx, path, None, cancelled=lambda: True)
