"""Running compiled diagram code in the current process: guarded builtins, the namespace, the deadline.

This is what a sandbox process does with each request (see ``child.py``); the
process around it supplies the CPU and memory limits. Nothing here may be
called with untrusted code outside such a process, except to measure it.
"""

from __future__ import annotations

import operator
import sys
import time
import types
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safe_builtins,
    safer_getattr_raise,
)

from workflows.sandbox.compiler import _CHECKPOINT, _compile, _Compiled
from workflows.sandbox.errors import ScriptTimeout

MAX_RANGE_LENGTH = 1_000_000
DEFAULT_TIME_LIMIT = 1.0
# The kernel's CPU limit is the backstop for what the time limit cannot see (one
# long C call); it sits above the time limit so that ordinary Python loops still
# end with a ScriptTimeout at the line they were running, in a process that lives on.
CPU_LIMIT_MARGIN = 1.0


@dataclass(frozen=True)
class Request:
    """One evaluation, as it is sent to a sandbox process.

    ``data`` and ``external`` are the task data and SpiffWorkflow's external
    context; ``functions`` are the host functions (importable callables, see
    ``functions.py``). For ``"exec"`` the result is the script's new task data.
    """

    mode: Literal["eval", "exec"]
    source: str
    data: dict[str, Any]
    external: dict[str, Any] = field(default_factory=dict)
    functions: dict[str, Callable[..., Any]] = field(default_factory=dict)
    time_limit: float = DEFAULT_TIME_LIMIT
    cpu_limit: float = DEFAULT_TIME_LIMIT + CPU_LIMIT_MARGIN


def evaluate(request: Request) -> Any:
    """Run ``request`` here; an expression's value, or a script's resulting task data.

    ``request.data`` is used as the script's namespace and so is changed: the
    caller passes a copy (in a sandbox process, the request was just unpickled).
    """
    compiled = _compile(request.source, request.mode)
    namespace = _namespace(request.data, request.external, request.functions)
    value = _run(compiled, namespace, request.time_limit)
    if request.mode == "eval":
        return value
    return {
        key: value
        for key, value in namespace.items()
        if not (
            key in RESERVED_NAMES or key in request.functions or key in request.external or callable(value)
        )
    }


def _namespace(
    data: dict[str, Any], external: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]]
) -> dict[str, Any]:
    namespace: dict[str, Any] = dict(functions)
    namespace.update(external)
    namespace.update(data)
    # Last, so that no data key can replace a guard or the builtins.
    namespace.update(_GUARDS)
    namespace["__builtins__"] = dict(_BUILTINS)
    return namespace


def _run(compiled: _Compiled, namespace: dict[str, Any], time_limit: float) -> Any:
    deadline = _Deadline(compiled.code_ids, time_limit)
    namespace[_CHECKPOINT] = deadline.checkpoint
    namespace[_GETITER] = deadline.iterate
    previous = sys.gettrace()
    sys.settrace(deadline.trace_call)
    try:
        return eval(compiled.code, namespace)
    finally:
        deadline.active = False
        sys.settrace(previous)


_INPLACE_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd,
    "-=": operator.isub,
    "*=": operator.imul,
    "/=": operator.itruediv,
    "//=": operator.ifloordiv,
    "%=": operator.imod,
    "**=": operator.ipow,
    "<<=": operator.ilshift,
    ">>=": operator.irshift,
    "|=": operator.ior,
    "^=": operator.ixor,
    "&=": operator.iand,
    "@=": operator.imatmul,
}


def _inplacevar(op: str, target: Any, value: Any) -> Any:
    return _INPLACE_OPERATORS[op](target, value)


def _apply(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return func(*args, **kwargs)


def _bounded_range(*args: int) -> range:
    result = range(*args)
    try:
        length = len(result)
    except OverflowError:
        length = MAX_RANGE_LENGTH + 1
    if length > MAX_RANGE_LENGTH:
        raise ValueError(f"range() is limited to {MAX_RANGE_LENGTH:,} items in scripts")
    return result


def _build_builtins() -> dict[str, Any]:
    names = dict(safe_builtins)
    # Exceptions outside the Exception hierarchy would slip past the
    # ``except Exception`` in SpiffWorkflow and the web server; the rest is
    # either replaced by guards or only useful with classes, which are refused.
    for name in (
        "BaseException",
        "GeneratorExit",
        "KeyboardInterrupt",
        "SystemExit",
        "__build_class__",
        "_getattr_",
        "delattr",
        "setattr",
    ):
        names.pop(name, None)
    # RestrictedPython leaves these out because they iterate in C, bypassing
    # ``_getiter_``. Ours guards only the deadline, so the sole cost is that
    # such a C loop cannot be interrupted -- hence the bounded ``range``.
    names.update(
        {
            "all": all,
            "any": any,
            "dict": dict,
            "enumerate": enumerate,
            "filter": filter,
            "frozenset": frozenset,
            "list": list,
            "map": map,
            "max": max,
            "min": min,
            "range": _bounded_range,
            "reversed": reversed,
            "set": set,
            "sorted": sorted,
            "sum": sum,
            "tuple": tuple,
            "zip": zip,
        }
    )
    return names


_BUILTINS: Mapping[str, Any] = types.MappingProxyType(_build_builtins())

_GUARDS: Mapping[str, Any] = types.MappingProxyType(
    {
        # The raising variant: a missing attribute must be an error, not a
        # silent None as with plain ``safer_getattr``. Both refuse
        # ``str.format`` (it can reach attributes through format fields).
        "_getattr_": safer_getattr_raise,
        "_getitem_": operator.getitem,
        "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
        "_unpack_sequence_": guarded_unpack_sequence,
        "_write_": full_write_guard,
        "_inplacevar_": _inplacevar,
        "_apply_": _apply,
    }
)

_GETITER = "_getiter_"
RESERVED_NAMES = frozenset({"__builtins__", _CHECKPOINT, _GETITER, *_GUARDS})


class _Deadline:
    """Per-run wall-clock limit, checked from the trace hook and the injected checkpoints."""

    __slots__ = ("_code_ids", "_expires", "_limit", "active")

    def __init__(self, code_ids: frozenset[int], limit: float) -> None:
        self._code_ids = code_ids
        self._limit = limit
        self._expires = time.monotonic() + limit
        self.active = True

    def checkpoint(self) -> None:
        if self.active and time.monotonic() >= self._expires:
            raise ScriptTimeout(f"the script ran longer than the {self._limit:g} s limit")

    def iterate(self, iterable: Any) -> Iterator[Any]:
        """The ``_getiter_`` guard: plain iteration plus a deadline check per item."""
        return self._checked(iter(iterable))

    def _checked(self, iterator: Iterator[Any]) -> Iterator[Any]:
        for item in iterator:
            self.checkpoint()
            yield item

    def trace_call(self, frame: types.FrameType, event: str, arg: Any) -> Any:
        # Host code called from the script (guards, provided functions) is
        # trusted and not traced: it keeps its speed and is never interrupted
        # half-way through.
        if not self.active or id(frame.f_code) not in self._code_ids:
            return None
        self.checkpoint()
        return self.trace_line

    def trace_line(self, frame: types.FrameType, event: str, arg: Any) -> Any:
        # A generator created by the script may be resumed after the run,
        # still carrying this hook; it must not fire then.
        if not self.active:
            return None
        if event == "line":
            self.checkpoint()
        return self.trace_line
