"""The IIN's check digit, against numbers worked by hand."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflows.org.identifiers import iin_check_digit, is_valid_iin


def test_the_check_digit_of_the_first_pass() -> None:
    # 9·1 + 0·2 + 0·3 + 1·4 + 0·5 + 1·6 + 3·7 + 0·8 + 0·9 + 0·10 + 1·11 = 51 ≡ 7 (mod 11)
    assert iin_check_digit("90010130001") == 7
    assert is_valid_iin("900101300017") and not is_valid_iin("900101300018")


def test_the_second_pass_when_the_first_gives_ten() -> None:
    # First weights: 131 ≡ 10, so the weights 3,4,...,11,1,2 give 27+6+8+27+8+2 = 78 ≡ 1 (mod 11)
    assert iin_check_digit("90010130081") == 1
    assert is_valid_iin("900101300811")
    # Both passes give 10: no twelfth digit makes this a valid IIN.
    assert iin_check_digit("90010130080") is None
    assert not any(is_valid_iin(f"90010130080{d}") for d in range(10))


@pytest.mark.parametrize(
    "text", ["", "90010130001", "9001013000170", "90010130001x", "９００１０１３０００１７"]
)
def test_anything_but_twelve_ascii_digits_is_refused(text: str) -> None:
    assert not is_valid_iin(text)


@given(st.text("0123456789", min_size=11, max_size=11))
def test_a_wrong_last_digit_is_always_caught(first: str) -> None:
    digit = iin_check_digit(first)
    valid = [d for d in range(10) if is_valid_iin(f"{first}{d}")]
    assert valid == ([] if digit is None else [digit])
