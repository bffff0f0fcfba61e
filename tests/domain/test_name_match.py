"""Name matching: tolerant to accents, order, spelling and one typo; strict about context."""

from __future__ import annotations

import pytest

from otop_desktop.domain import name_match as nm


def person(**fields: object) -> nm.Person:
    return nm.person(fields)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # accents and case
        (("María", "Núñez"), ("MARIA", "Nunez")),
        # given and family names swapped, or typed in one box
        (("María Fernanda", "López Reyes"), ("López Reyes", "María Fernanda")),
        (("Lopez Reyes Maria", None), ("María", "López Reyes")),
        # one typo: wrong, swapped or missing letter
        (("María", "López Reyes"), ("Mraia", "López Reyes")),
        (("José Luis", "Hernández"), ("Jose Luis", "Hernandes")),
        (("Marvin", "Orellana Zelaya"), ("Marvin", "Orelana Zelaya")),
        # a middle name or second family name left out
        (("María", "López"), ("María Fernanda", "López Reyes")),
        # linking words
        (("María de los Ángeles", "Cruz"), ("Maria Angeles", "Cruz")),
    ],
)
def test_similar_names(a: tuple[str | None, str | None], b: tuple[str | None, str | None]) -> None:
    likeness = nm.latin_likeness(nm.name_of(*a, None), nm.name_of(*b, None))
    assert likeness is not None and likeness.similar, likeness


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("María", "López Reyes"), ("Ana", "López Reyes")),  # sisters
        (("María", "López Reyes"), ("María", "López Castillo")),
        (("Juan Carlos", "Pérez"), ("Juana", "Martínez")),
        (("María", None), ("María", "López")),  # one word says too little
        (("Mraia", "Lopex Reyes"), ("María", "López Reyes")),  # two slips
    ],
)
def test_different_names(
    a: tuple[str | None, str | None], b: tuple[str | None, str | None]
) -> None:
    likeness = nm.latin_likeness(nm.name_of(*a, None), nm.name_of(*b, None))
    assert likeness is not None and not likeness.similar, likeness


def test_exact_outranks_similar() -> None:
    exact = nm.latin_likeness(nm.name_of("Ana", "Cruz", None), nm.name_of("ana", "CRUZ", None))
    typo = nm.latin_likeness(nm.name_of("Ana", "Cruz", None), nm.name_of("Ana", "Curz", None))
    assert exact and typo and exact.exact and not typo.exact and exact.score > typo.score


def test_chinese_names_by_characters() -> None:
    base = nm.name_of(None, None, "陳美玲")
    assert nm.han_likeness(base, nm.name_of(None, None, "陳 美玲")) == nm.NameLikeness(
        100.0, True, True
    )
    one_off = nm.han_likeness(base, nm.name_of(None, None, "陳美齡"))
    assert one_off is not None and one_off.similar and not one_off.exact
    two_off = nm.han_likeness(base, nm.name_of(None, None, "陳志明"))
    assert two_off is not None and not two_off.similar
    # Typed in the romanised box, it still counts as the Chinese name.
    assert nm.name_of("陳美玲", None, None).han == "陳美玲"


def test_phone_key_uses_the_last_digits() -> None:
    assert nm.phone_key("+504 9876-5432") == nm.phone_key("98765432") == "98765432"
    assert nm.phone_key("0912-345-678") == "12345678"
    assert nm.phone_key("12-34") == ""  # too short to identify anyone


def test_same_phone_and_name_is_the_same_person() -> None:
    match = nm.assess(
        person(given_names="Ana", family_names="Cruz", phone="+504 9876-5432"),
        person(given_names="ana", family_names="cruz", phone="9876-5432"),
    )
    assert match is not None and match.score >= 90 and match.reasons[:2] == (nm.PHONE, nm.SAME_NAME)


def test_a_relative_sharing_the_phone_is_not_a_duplicate() -> None:
    mother = person(given_names="Rosa", family_names="Cruz", phone="98765432", birth_year=1960)
    son = person(given_names="Óscar", family_names="Cruz", phone="98765432", birth_year=1990)
    assert nm.assess(mother, son) is None
    # Without years, the shared phone is still worth a look, but scored low.
    weak = nm.assess(
        person(given_names="Rosa", phone="98765432"), person(given_names="Óscar", phone="98765432")
    )
    assert weak is not None and weak.score < 80 and weak.reasons == (nm.PHONE,)


def test_similar_name_needs_same_town_or_birth_year() -> None:
    a = person(given_names="María", family_names="López", town="Comayagua", birth_year=1980)
    assert nm.assess(a, person(given_names="Maria", family_names="Lopez", town="comayagua"))
    assert nm.assess(a, person(given_names="Maria", family_names="Lopez", birth_year=1981))
    # Two "María López" of different towns and ages are different people.
    assert (
        nm.assess(
            a, person(given_names="María", family_names="López", town="Rabinal", birth_year=1990)
        )
        is None
    )
    # Same town but born ten years apart: a namesake, not a duplicate.
    assert (
        nm.assess(
            a,
            person(given_names="María", family_names="López", town="Comayagua", birth_year=1990),
        )
        is None
    )
    # Nothing to go on but the name.
    assert (
        nm.assess(
            person(given_names="María", family_names="López"),
            person(given_names="María", family_names="López"),
        )
        is None
    )
    # Different genders are not the same person.
    assert (
        nm.assess(
            person(given_names="Juan", family_names="Cruz", town="Rabinal", gender="male"),
            person(given_names="Juana", family_names="Cruz", town="Rabinal", gender="female"),
        )
        is None
    )


def test_chinese_name_one_character_off_needs_the_same_town() -> None:
    a = person(chinese_name="陳美玲", town="鶯歌", birth_year=1980)
    near = nm.assess(a, person(chinese_name="陳美齡", town="鶯歌"))
    assert near is not None and near.reasons == (nm.SIMILAR_NAME, nm.TOWN)
    assert nm.assess(a, person(chinese_name="陳美齡", town="三峽", birth_year=1980)) is None
    same = nm.assess(a, person(chinese_name="陳美玲", town="三峽", birth_year=1981))
    assert same is not None and same.reasons == (nm.SAME_NAME, nm.BIRTH_YEAR)


def test_a_duplicate_shares_an_index_key() -> None:
    # Proves: the index's blocking finds what `assess` accepts, for each kind of match.
    pairs = [
        (
            person(given_names="María", family_names="López Reyes", town="Comayagua"),
            person(given_names="López Reyes", family_names="Mraia", town="comayagua"),
        ),
        (
            person(given_names="María", family_names="Lopez", birth_year=1980, town="A"),
            person(given_names="Maria", family_names="López", birth_year=1981, town="B"),
        ),
        (
            person(chinese_name="陳美玲", town="鶯歌", birth_year=1980),
            person(chinese_name="陳美齡", town="鶯歌"),
        ),
        (
            person(given_names="X", phone="+504 9876-5432"),
            person(given_names="Y", phone="98765432"),
        ),
    ]
    for a, b in pairs:
        assert nm.assess(a, b) is not None
        wanted, by_town = nm.query_keys(a)
        assert set(wanted) & set(nm.index_keys(b)) or set(by_town) & set(nm.town_keys(b))
