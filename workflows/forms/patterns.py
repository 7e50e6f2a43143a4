"""Form field patterns, matched in linear time.

A JSON Schema `pattern` comes from a process owner. Python's `re` backtracks, so `^(a+)+$` against
thirty a's takes seconds and a few at once stall a web process; RE2 never backtracks. It does not
know backreferences or lookarounds: such a pattern is refused when the form is published
(`pattern_problems`), so a published form only ever holds patterns RE2 can run.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import re2

# RE2's own bound on the memory a compiled pattern may use.
_MAX_PATTERN_MEMORY = 8 * 1024 * 1024
_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # a refused pattern is reported as a problem, not written to stderr
_OPTIONS.max_mem = _MAX_PATTERN_MEMORY


class PatternRefused(ValueError):
    pass


@functools.lru_cache(maxsize=512)
def compiled(pattern: str) -> Any:
    try:
        return re2.compile(pattern, _OPTIONS)
    except re2.error as exc:
        detail = (
            exc.args[0].decode("utf-8", "replace")
            if exc.args and isinstance(exc.args[0], bytes)
            else str(exc)
        )
        raise PatternRefused(detail) from None


def matches(pattern: str, text: str) -> bool:
    """JSON Schema's `pattern`: the pattern is found somewhere in the text (not anchored)."""
    return compiled(pattern).search(text) is not None


def _patterns(schema: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """(field path, pattern) of every `pattern` and `patternProperties` key in a schema."""
    if isinstance(schema, dict):
        if isinstance(schema.get("pattern"), str):
            yield where, schema["pattern"]
        properties = schema.get("patternProperties")
        if isinstance(properties, dict):
            for key, sub in properties.items():
                yield where, str(key)
                yield from _patterns(sub, where)
        for key, sub in schema.items():
            if key in {"properties", "$defs", "definitions"} and isinstance(sub, dict):
                for name, child in sub.items():
                    yield from _patterns(child, f"{where}.{name}" if where else str(name))
            elif key in {"items", "additionalProperties", "not"}:
                yield from _patterns(sub, where)
            elif key in {"allOf", "anyOf", "oneOf", "prefixItems"} and isinstance(sub, list):
                for child in sub:
                    yield from _patterns(child, where)


def refused_patterns(schema: Any) -> list[tuple[str, str, str]]:
    """(field, pattern, why) for every pattern of the schema that cannot be matched in linear time."""
    refused = []
    for field, pattern in _patterns(schema):
        try:
            compiled(pattern)
        except PatternRefused as exc:
            refused.append((field, pattern, str(exc)))
    return refused
