"""Short certificate codes: derived from the certificate's id, typed back and checked.

A code is 50 bits of sha256(certificate id) written as 10 Crockford base-32 characters and one
check character, shown as "K7QM2-XDR9P-4". The certificate's id is the uuid5 of (workshop,
trainee), so every laptop that issues the same certificate prints the same code, and a reprint
reuses it.

The check character is Damm's: a running value through a totally anti-symmetric quasigroup of
order 32 (x * y = 2x + y in GF(32)), ending at 0. It catches every single mistyped character
and every swap of two neighbours, the check character included.
"""

from __future__ import annotations

import hashlib

from otop_desktop.domain.errors import ValidationError
from otop_desktop.i18n import _

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
BODY_LENGTH = 10  # 50 bits: a collision needs tens of millions of certificates
GROUP = 5
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
# What people type or misread, as Crockford reads it.
_READ_AS = {"O": "0", "I": "1", "L": "1"}
# Characters people put between groups when they copy or type a code.
_SEPARATORS = frozenset(" -_.\t\u00a0\u2010\u2011\u2012\u2013\u2014\u2212\u3000")
_POLY = 0b100101  # x^5 + x^2 + 1, irreducible: GF(32)


def _times_two(x: int) -> int:
    """x * 2 in GF(32)."""
    x <<= 1
    return x ^ _POLY if x & 0b100000 else x


def _step(interim: int, digit: int) -> int:
    # A Latin square with (c*x)*y != (c*y)*x for x != y: Damm's condition.
    return _times_two(interim) ^ digit


def _damm(values: list[int]) -> int:
    interim = 0
    for value in values:
        interim = _step(interim, value)
    return interim


def check_character(body: str) -> str:
    """The check character that makes `body` (Crockford characters, upper case) valid."""
    interim = _damm([_VALUE[ch] for ch in body])
    # _step(interim, c) == 0 exactly when c == 2 * interim.
    return ALPHABET[_times_two(interim)]


def format_code(chars: str) -> str:
    """Body and check character (11 characters) in groups: "K7QM2-XDR9P-4"."""
    body, check = chars[:BODY_LENGTH], chars[BODY_LENGTH:]
    groups = [body[i : i + GROUP] for i in range(0, len(body), GROUP)]
    return "-".join([*groups, check])


def certificate_code(certificate_id: str) -> str:
    """The code of the certificate whose id is `certificate_id` (the same on every laptop)."""
    digest = hashlib.sha256(certificate_id.encode("utf-8")).digest()
    bits = int.from_bytes(digest[:8], "big") >> (64 - 5 * BODY_LENGTH)
    body = "".join(ALPHABET[(bits >> (5 * (BODY_LENGTH - 1 - i))) & 31] for i in range(BODY_LENGTH))
    return format_code(body + check_character(body))


def normalise_code(text: str) -> str:
    """The code as stored ("K7QM2-XDR9P-4") from what was typed or scanned: any case, spaces
    or dashes anywhere or none, O for 0, I or L for 1. ValidationError when it is not one."""
    chars = []
    for ch in (text or "").strip().upper():
        if ch in _SEPARATORS:
            continue
        ch = _READ_AS.get(ch, ch)
        if ch not in _VALUE:
            raise ValidationError(
                _(
                    "“{value}” is not a certificate code: “{char}” cannot be part of one "
                    "(codes look like K7QM2-XDR9P-4)."
                ).format(value=text, char=ch),
                "code",
            )
        chars.append(ch)
    if len(chars) != BODY_LENGTH + 1:
        raise ValidationError(
            _(
                "“{value}” is not a certificate code: it has {count} letters and digits, a code "
                "has {expected} (like K7QM2-XDR9P-4)."
            ).format(value=text, count=len(chars), expected=BODY_LENGTH + 1),
            "code",
        )
    if _damm([_VALUE[ch] for ch in chars]) != 0:
        raise ValidationError(
            _(
                "“{value}” is not a valid certificate code: a character is mistyped or two are "
                "swapped. Check it against the certificate."
            ).format(value=text),
            "code",
        )
    return format_code("".join(chars))


def is_code(text: str) -> bool:
    """Whether `text` reads as a well-formed certificate code."""
    try:
        normalise_code(text)
    except ValidationError:
        return False
    return True
