"""Reading typed JSON: what any reader downstream can walk comes back as sent, anything else is
refused with its reason, never an exception of the parser's own."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflows.json_text import MAX_DEPTH, Unreadable, UnreadableJson, depth, read_json, strings

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=12,
)


def _nested(levels: int) -> str:
    return '{"a": ' * levels + "1" + "}" * levels


@given(values)
def test_what_json_can_hold_reads_back_as_sent(value: object) -> None:
    assert read_json(json.dumps(value)) == value


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{bad", Unreadable.SYNTAX),
        ("NaN", Unreadable.NUMBER),
        ('{"x": -Infinity}', Unreadable.NUMBER),
        ("[1e999]", Unreadable.NUMBER),
        ("1" * 5000, Unreadable.NUMBER),
        ("[" * 100_000 + "]" * 100_000, Unreadable.DEPTH),
        (_nested(MAX_DEPTH + 1), Unreadable.DEPTH),
    ],
    ids=["syntax", "nan", "infinity", "overflow", "long-integer", "parser-depth", "one-level-too-deep"],
)
def test_what_no_reader_could_take_is_refused_with_its_reason(text: str, reason: Unreadable) -> None:
    with pytest.raises(UnreadableJson) as refused:
        read_json(text)
    assert refused.value.reason is reason


def test_the_deepest_allowed_nesting_reads() -> None:
    assert depth(read_json(_nested(MAX_DEPTH))) == MAX_DEPTH
    assert depth(5) == 0 and depth([]) == 1 and depth({"a": [[], {"b": [1]}]}) == 4


def test_a_syntax_error_says_where() -> None:
    with pytest.raises(UnreadableJson) as refused:
        read_json('{\n  "a": ,\n}')
    assert (refused.value.line, refused.value.column) == (2, 8)


def test_strings_finds_keys_and_values_at_any_depth() -> None:
    deep: object = "bottom"
    for _ in range(10_000):
        deep = [deep]
    assert sorted(strings({"k": ["v", {"k2": 1}], "d": deep})) == ["bottom", "d", "k", "k2", "v"]
