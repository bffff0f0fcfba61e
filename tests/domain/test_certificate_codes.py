"""Certificate codes: derived from the id, read back from what people type, typos caught."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from otop_desktop.domain.certificate_codes import (
    ALPHABET,
    certificate_code,
    check_character,
    is_code,
    normalise_code,
)
from otop_desktop.domain.errors import ValidationError
from otop_desktop.domain.ids import pair_id

ids = st.uuids().map(str)


def _chars(code: str) -> str:
    return code.replace("-", "")


def test_code_shape_and_determinism() -> None:
    cert_id = pair_id("certificate", "w-1", "t-1")
    code = certificate_code(cert_id)
    assert code == certificate_code(cert_id)  # same id, same code, on any laptop
    assert len(code) == 13 and len(code) <= 20
    assert code[5] == "-" and code[11] == "-"
    assert all(ch in ALPHABET for ch in _chars(code))
    assert code != certificate_code(pair_id("certificate", "w-1", "t-2"))


@given(ids)
def test_normalise_round_trips_what_people_type(cert_id: str) -> None:
    code = certificate_code(cert_id)
    assert normalise_code(code) == code
    assert normalise_code(_chars(code).lower()) == code
    assert normalise_code(" ".join(_chars(code))) == code
    typed = _chars(code).replace("0", "o").replace("1", "l")
    assert normalise_code(typed) == code
    assert normalise_code(_chars(code).replace("1", "I")) == code


@settings(max_examples=60)
@given(ids)
def test_every_single_typo_is_rejected(cert_id: str) -> None:
    chars = _chars(certificate_code(cert_id))
    for position, original in enumerate(chars):
        for other in ALPHABET:
            if other == original:
                continue
            typo = chars[:position] + other + chars[position + 1 :]
            with pytest.raises(ValidationError):
                normalise_code(typo)


@settings(max_examples=200)
@given(ids)
def test_every_swap_of_neighbours_is_rejected(cert_id: str) -> None:
    chars = _chars(certificate_code(cert_id))
    for position in range(len(chars) - 1):
        a, b = chars[position], chars[position + 1]
        if a == b:
            continue
        swapped = chars[:position] + b + a + chars[position + 2 :]
        assert not is_code(swapped), (chars, position)


@given(st.text(alphabet=ALPHABET, min_size=10, max_size=10))
def test_check_character_completes_any_body(body: str) -> None:
    assert normalise_code(body + check_character(body)).replace("-", "") == body + (
        check_character(body)
    )


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "has 0 letters"),
        ("K7QM2-XDR9P", "has 10 letters"),
        ("K7QM2-XDR9P-44", "has 12 letters"),
        ("K7QM2-XDR9P-U", "“U” cannot"),
        ("K7QM2/XDR9P/4", "“/” cannot"),
    ],
)
def test_malformed_codes_say_why(text: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as caught:
        normalise_code(text)
    assert fragment in caught.value.message and caught.value.field == "code"


def test_codes_spread_over_many_certificates() -> None:
    codes = {certificate_code(str(uuid.uuid4())) for _ in range(5000)}
    assert len(codes) == 5000
