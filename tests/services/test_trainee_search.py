"""Finding trainees: by organisation too, in any column's order, and the in-memory index the
table filters as you type, which must find exactly what the database query finds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from otop_desktop.domain.errors import ValidationError
from otop_desktop.services.context import AppContext
from otop_desktop.services.demo import build_demo
from otop_desktop.services.organisations import add_organisation
from otop_desktop.services.trainee_index import load_trainee_index
from otop_desktop.services.trainees import (
    SORT_COLUMNS,
    add_trainee,
    count_trainees,
    delete_trainees,
    edit_trainee,
    get_trainees,
    search_trainees,
    undelete_trainees,
)
from tests.helpers import new_context

QUERIES = (
    "",
    "nunez",
    "NÚÑEZ",
    "maria l",
    "mar",
    "陳美",
    "美玲",
    "9876",
    "0912-3",
    "091",
    "bambu",
    "cooperativa bambú",
    "comayagua",
    "xyzzy",
    "a e",
)


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    context = new_context(tmp_path / "data")
    build_demo(context, trainees=120, photos=0, sessions=1)
    org = add_organisation(context, name="Cooperativa de Artesanos del Bambú")
    for trainee in search_trainees(context, "comayagua", limit=5):
        edit_trainee(context, trainee.id, organisation_id=org.id)
    add_trainee(
        context, given_names="美玲", family_names="陳", chinese_name="陳美玲", phone="0912-345-678"
    )
    yield context
    context.close()


def test_organisation_name_finds_its_members(ctx: AppContext) -> None:
    found = search_trainees(ctx, "artesanos BAMBU")
    assert len(found) == 5
    assert count_trainees(ctx, "artesanos bambu") == 5
    # A word may match the organisation and another the trainee's own name.
    family = found[0].family_names or ""
    assert found[0] in search_trainees(ctx, f"bambu {family.split()[0]}")


@pytest.mark.parametrize("sort", SORT_COLUMNS)
def test_every_column_sorts_with_a_stable_tie_break(ctx: AppContext, sort: str) -> None:
    everyone = search_trainees(ctx, limit=1000, sort=sort)
    pages = [
        t
        for offset in range(0, 130, 40)
        for t in search_trainees(ctx, limit=40, offset=offset, sort=sort)
    ]
    assert [t.id for t in pages] == [t.id for t in everyone]  # pages join without gaps or repeats
    backwards = search_trainees(ctx, limit=1000, sort=sort, descending=True)
    assert [t.id for t in backwards] == [t.id for t in reversed(everyone)]


def test_town_order_ignores_case_and_puts_empty_towns_last(ctx: AppContext) -> None:
    add_trainee(ctx, given_names="Aa", town="aaa pueblo")
    add_trainee(ctx, given_names="Zz")
    towns = [t.town for t in search_trainees(ctx, limit=1000, sort="town")]
    assert towns[0] == "aaa pueblo"
    assert towns[-1] is None
    named = [t.lower() for t in towns if t]
    assert named == sorted(named)


def test_an_unknown_sort_column_is_refused(ctx: AppContext) -> None:
    with pytest.raises(ValidationError) as caught:
        search_trainees(ctx, sort="shoe_size")
    assert caught.value.field == "sort"


@pytest.mark.parametrize("sort", ["name", "town", "organisation"])
def test_the_index_finds_what_the_query_finds(ctx: AppContext, sort: str) -> None:
    index = load_trainee_index(ctx, sort, descending=sort == "town")
    for text in QUERIES:
        expected = [
            t.id
            for t in search_trainees(ctx, text, limit=1000, sort=sort, descending=sort == "town")
        ]
        assert list(index.match(text).ids) == expected, text


def test_typing_on_narrows_the_previous_match(ctx: AppContext) -> None:
    index = load_trainee_index(ctx)
    previous = None
    typed = ""
    for letter in "maria l":
        typed += letter
        match = index.match(typed, previous)
        assert list(match.ids) == list(index.match(typed).ids), typed
        previous = match
    # Going back (a deleted letter) or switching to a phone search starts afresh, correctly.
    assert list(index.match("mari", previous).ids) == list(index.match("mari").ids)
    three = index.match("091")
    assert list(index.match("0912", three).ids) == [
        t.id for t in search_trainees(ctx, "0912", limit=1000)
    ]
    assert index.match("0912").ids  # found by the phone, which "091" does not look at


def test_the_index_knows_the_organisation_names(ctx: AppContext) -> None:
    index = load_trainee_index(ctx)
    assert "Cooperativa de Artesanos del Bambú" in index.organisation_names.values()
    assert len(index) == count_trainees(ctx)


def test_rows_by_id_keep_the_order_asked_and_skip_deleted(ctx: AppContext) -> None:
    first, second, third = search_trainees(ctx, limit=3)
    delete_trainees(ctx, [second.id])
    assert get_trainees(ctx, [third.id, second.id, first.id, "nobody"]) == [
        third,
        None,
        first,
        None,
    ]


def test_several_deleted_at_once_come_back_with_undo(ctx: AppContext) -> None:
    before = count_trainees(ctx)
    ids = [t.id for t in search_trainees(ctx, limit=3)]
    delete_trainees(ctx, ids)
    assert count_trainees(ctx) == before - 3
    assert [t.id for t in undelete_trainees(ctx, ids)] == ids
    assert count_trainees(ctx) == before
