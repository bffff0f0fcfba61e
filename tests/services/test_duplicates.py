"""Duplicate detection before saving a trainee, and for the rows of a roster import."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from otop_desktop.i18n import set_locale
from otop_desktop.i18n.catalogs import PSEUDO_LOCALE
from otop_desktop.services import trainees
from otop_desktop.services.context import AppContext
from otop_desktop.services.duplicates import SAME_PERSON, DuplicateIndex, find_duplicates
from otop_desktop.services.trainee_merge import list_duplicate_pairs, merge_trainees
from tests.helpers import new_context


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    context = new_context(tmp_path)
    yield context
    context.close()


@pytest.fixture
def maria(ctx: AppContext) -> trainees.TraineeInfo:
    return trainees.add_trainee(
        ctx,
        given_names="María Fernanda",
        family_names="López Reyes",
        town="Comayagua",
        birth_year=1985,
        phone="9876-5432",
        gender="female",
    )


def test_finds_the_same_person_typed_differently(
    ctx: AppContext, maria: trainees.TraineeInfo
) -> None:
    trainees.add_trainee(ctx, given_names="María", family_names="López", town="Rabinal")
    found = find_duplicates(
        ctx, {"given_names": "Lopez Reyes", "family_names": "Maria Fernanda", "town": "comayagua"}
    )
    assert [c.trainee.id for c in found] == [maria.id]
    assert found[0].reasons == ("Same name", "Same town")
    by_phone = find_duplicates(ctx, {"given_names": "Mafer", "phone": "+504 98765432"})
    assert [c.trainee.id for c in by_phone] == [maria.id] and "Same phone" in by_phone[0].reasons
    same = find_duplicates(
        ctx, {"given_names": "Maria Fernanda", "family_names": "Lopez", "phone": "98765432"}
    )
    assert same[0].score >= SAME_PERSON


def test_no_false_positive_for_a_common_name(ctx: AppContext, maria: trainees.TraineeInfo) -> None:
    assert (
        find_duplicates(
            ctx,
            {
                "given_names": "María Fernanda",
                "family_names": "López Reyes",
                "town": "Rabinal",
                "birth_year": 1999,
            },
        )
        == []
    )
    assert find_duplicates(ctx, {"given_names": "Ana", "family_names": "López Reyes"}) == []


def test_excludes_the_trainee_being_edited_and_merged_ones(
    ctx: AppContext, maria: trainees.TraineeInfo
) -> None:
    fields = {"given_names": "María", "family_names": "López Reyes", "town": "Comayagua"}
    assert find_duplicates(ctx, fields, exclude_id=maria.id) == []
    other = trainees.add_trainee(ctx, **fields)
    assert [c.trainee.id for c in find_duplicates(ctx, fields, exclude_id=other.id)] == [maria.id]
    merge_trainees(ctx, maria.id, other.id)
    assert [c.trainee.id for c in find_duplicates(ctx, fields)] == [maria.id]


def test_reasons_follow_the_language(ctx: AppContext, maria: trainees.TraineeInfo) -> None:
    # Proves: the reasons are translated where they are made (pseudo-locale brackets them).
    set_locale(PSEUDO_LOCALE)
    try:
        found = find_duplicates(ctx, {"given_names": "X", "phone": "98765432"})
    finally:
        set_locale("en")
    assert found[0].reasons[0].startswith("[Same phone")


def test_the_index_agrees_with_find_duplicates(
    ctx: AppContext, maria: trainees.TraineeInfo
) -> None:
    chen = trainees.add_trainee(ctx, chinese_name="陳美玲", town="鶯歌", phone="0912-345-678")
    trainees.add_trainee(ctx, given_names="José", family_names="Cruz", town="Comayagua")
    rows = [
        {"given_names": "Maria", "family_names": "Lopes Reyes", "town": "Comayagua"},
        {"chinese_name": "陳美齡", "town": "鶯歌"},
        {"given_names": "Ana", "phone": "0912 345 678"},
        {"given_names": "Ana", "family_names": "López", "town": "Comayagua", "birth_year": 1985},
    ]
    with ctx.read() as session:
        index = DuplicateIndex.load(session)
    assert len(index) == 3
    for row in rows:
        expected = [(c.trainee.id, c.score, c.reasons) for c in find_duplicates(ctx, row)]
        assert index.matches(row) == expected
    assert [m[0] for m in index.matches(rows[1])] == [chen.id]
    assert index.matches(rows[3]) == []


def test_the_index_checks_rows_of_the_same_import_against_each_other() -> None:
    index = DuplicateIndex()
    row = {"given_names": "Wilmer", "family_names": "Sic Xol", "town": "Rabinal"}
    assert index.matches(row) == []
    index.add("new-1", row)
    assert [m[0] for m in index.matches({**row, "given_names": "Wilmer "})] == ["new-1"]
    assert index.matches(row, exclude_id="new-1") == []


def test_the_index_finds_same_town_rows_without_birth_year() -> None:
    # Proves: a row with no birth year still meets a same-town trainee who has one.
    index = DuplicateIndex()
    index.add(
        "a",
        {
            "given_names": "Selvin",
            "family_names": "Maldonado",
            "town": "Rabinal",
            "birth_year": 1990,
        },
    )
    index.add("b", {"given_names": "Selvin", "family_names": "Maldonado", "town": "Chinautla"})
    found = index.matches({"given_names": "selvin", "family_names": "maldonado", "town": "rabinal"})
    assert [m[0] for m in found] == ["a"]
    index.add("c", {"given_names": "Selvin", "family_names": "Maldonado", "town": "Rabinal"})
    found = index.matches({"given_names": "selvin", "family_names": "maldonado", "town": "rabinal"})
    assert sorted(m[0] for m in found) == ["a", "c"]


def test_duplicate_pairs_for_review(ctx: AppContext, maria: trainees.TraineeInfo) -> None:
    twin = trainees.add_trainee(
        ctx, given_names="Maria", family_names="Lopez Reyes", phone="98765432"
    )
    trainees.add_trainee(ctx, given_names="Rosa", family_names="Cruz", town="Comayagua")
    progress: list[tuple[int, int]] = []
    pairs = list_duplicate_pairs(ctx, report=lambda done, total: progress.append((done, total)))
    assert [(a.id, b.id) for a, b, _s, _r in pairs] == [tuple(sorted((maria.id, twin.id)))]
    assert pairs[0][2] >= SAME_PERSON and progress[-1] == (3, 3)
    assert list_duplicate_pairs(ctx, cancelled=lambda: True) == []


def test_a_thousand_trainees_index_quickly() -> None:
    # A sanity check only (timings live in the benchmarks): near-identical names in one town
    # must not make every row a candidate of every other.
    index = DuplicateIndex()
    for n in range(1000):
        index.add(
            f"t{n}",
            {
                "given_names": f"María {n}",
                "family_names": "López Reyes",
                "town": "Comayagua",
                "birth_year": 1950 + n % 50,
            },
        )
    assert (
        index.matches(
            {
                "given_names": "María 7",
                "family_names": "López Reyes",
                "town": "Comayagua",
                "birth_year": 1957,
            }
        )[0][0]
        == "t7"
    )
