"""The identifiers a Kazakh HR record carries: the IIN (ЖСН / ИИН), twelve digits whose last is a
check digit over the first eleven."""

from __future__ import annotations

import re

_IIN = re.compile(r"[0-9]{12}")  # ASCII digits only: str.isdigit() also accepts "²" and "٣"
_FIRST_WEIGHTS = tuple(range(1, 12))
_SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def iin_check_digit(first_eleven: str) -> int | None:
    """The control digit of an IIN's first eleven digits; None when the number can have none."""
    digits = [int(d) for d in first_eleven]
    for weights in (_FIRST_WEIGHTS, _SECOND_WEIGHTS):
        digit = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if digit != 10:
            return digit
    return None


def is_valid_iin(text: str) -> bool:
    """Twelve ASCII digits whose last is the check digit of the others."""
    if not _IIN.fullmatch(text):
        return False
    return iin_check_digit(text[:11]) == int(text[11])
