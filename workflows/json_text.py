"""JSON that people type or send (a form in the editor, data on the command line), read so that
nothing in it can break a reader further on: no NaN or infinity (PostgreSQL's JSON refuses them),
no integer too long to convert, no nesting deeper than any form or case data needs (the schema
checker and the pages walk it recursively)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NoReturn

MAX_DEPTH = 32  # the shipped forms nest 4 levels


class Unreadable(StrEnum):
    SYNTAX = "syntax"
    DEPTH = "depth"
    NUMBER = "number"


@dataclass
class UnreadableJson(ValueError):
    reason: Unreadable
    detail: str = ""  # the parser's words, for a syntax error
    line: int = 0
    column: int = 0


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise UnreadableJson(Unreadable.NUMBER, text[:20])
    return number


def _no_constant(text: str) -> NoReturn:
    raise UnreadableJson(Unreadable.NUMBER, text)


def depth(value: Any) -> int:
    """How deeply lists and objects nest in `value` (0 for a scalar), without recursion."""
    deepest, pending = 0, [(value, 0)]
    while pending:
        item, level = pending.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, level + 1)
        pending.extend((child, level + 1) for child in children)
    return deepest


def read_json(text: str) -> Any:
    """The value `text` holds; UnreadableJson says why there is none."""
    try:
        value = json.loads(text, parse_float=_finite, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise UnreadableJson(Unreadable.SYNTAX, exc.msg, exc.lineno, exc.colno) from None
    except RecursionError:
        raise UnreadableJson(Unreadable.DEPTH) from None
    except ValueError as exc:  # an integer of thousands of digits
        if isinstance(exc, UnreadableJson):
            raise
        raise UnreadableJson(Unreadable.NUMBER) from None
    if depth(value) > MAX_DEPTH:
        raise UnreadableJson(Unreadable.DEPTH)
    return value


def strings(value: Any) -> Iterator[str]:
    """Every string in a parsed JSON value, keys too (without recursion: the depth is the sender's)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
