"""Running compiled diagram code: guarded builtins, the deadline, and the SpiffWorkflow environment."""

from __future__ import annotations

import copy
import json
import operator
import sys
import time
import types
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safe_builtins,
    safer_getattr_raise,
)
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from workflows.sandbox.compiler import (
    _CHECKPOINT,
    _FORBIDDEN_NAMES,
    MAX_RANGE_LENGTH,
    _compile,
    _Compiled,
)
from workflows.sandbox.errors import ScriptFailed, ScriptTimeout

# --------------------------------------------------------------------------
# Run-time environment
# --------------------------------------------------------------------------

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
_RESERVED_NAMES = frozenset({"__builtins__", _CHECKPOINT, _GETITER, *_GUARDS})


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


class SandboxEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow script environment running diagram code in the sandbox.

    ``functions`` are made available to every script and expression;
    ``service_handler(operation_name, params)`` serves spiff service tasks.
    """

    def __init__(
        self,
        functions: Mapping[str, Callable[..., Any]] | None = None,
        service_handler: Callable[[str, dict[str, Any]], Any] | None = None,
        time_limit: float = 1.0,
    ) -> None:
        functions = dict(functions or {})
        clashes = sorted(name for name in functions if name.startswith("_") or name in _FORBIDDEN_NAMES)
        if clashes:
            raise ValueError(f"function names scripts could not call: {', '.join(clashes)}")
        if time_limit <= 0:
            raise ValueError("time_limit must be positive")
        super().__init__(functions)
        self.functions: dict[str, Callable[..., Any]] = functions
        self.service_handler = service_handler
        self.time_limit = time_limit

    def evaluate(
        self,
        expression: str,
        context: dict[str, Any],
        external_context: dict[str, Any] | None = None,
    ) -> Any:
        """Return the value of ``expression``; ``context`` is left untouched."""
        compiled = _compile(expression, "eval")
        # A deep copy, because methods such as list.append reach through a
        # shallow one; conditions must not have side effects on task data.
        namespace = self._namespace(copy.deepcopy(context), external_context or {})
        return self._run(compiled, namespace)

    def execute(
        self,
        script: str,
        context: dict[str, Any],
        external_context: dict[str, Any] | None = None,
    ) -> bool:
        """Run ``script`` with the task data as variables and store the result back into ``context``.

        The script runs on a copy, so a script that fails or times out leaves
        the task data as it was.
        """
        external = external_context or {}
        self._check_for_overwrite(context, external)
        compiled = _compile(script, "exec")
        namespace = self._namespace(copy.deepcopy(context), external)
        self._run(compiled, namespace)
        result = {
            key: value
            for key, value in namespace.items()
            if not (key in _RESERVED_NAMES or key in self.functions or key in external or callable(value))
        }
        context.clear()
        context.update(result)
        return True

    def call_service(self, context: dict[str, Any], **kwargs: Any) -> str:
        """Serve a spiff service task: call the handler and return its result as JSON."""
        if self.service_handler is None:
            raise ScriptFailed("service tasks are not available: no service handler is configured")
        operation_name = kwargs.get("operation_name")
        if not isinstance(operation_name, str) or not operation_name:
            raise ScriptFailed("service task without an operation name")
        params: dict[str, Any] = {}
        for name, param in (kwargs.get("operation_params") or {}).items():
            if not isinstance(param, Mapping) or "value" not in param:
                raise ScriptFailed(f"service parameter {name!r} has no evaluated value")
            params[name] = param["value"]
        result = self.service_handler(operation_name, params)
        try:
            return json.dumps(result)
        except (TypeError, ValueError) as exc:
            raise ScriptFailed(f"service {operation_name!r} returned a non-JSON value: {exc}") from exc

    def _check_for_overwrite(self, context: Mapping[str, Any], external: Mapping[str, Any]) -> None:
        # Mirrors TaskDataEnvironment: otherwise the function would silently be
        # shadowed by data and fail later with a baffling "not callable".
        clashes = (set(self.functions) | set(external)) & set(context)
        if clashes:
            raise ValueError(
                "task data overwrites predefined function(s); rename the following "
                f"variable or field name(s): {', '.join(sorted(clashes))}"
            )

    def _namespace(self, data: dict[str, Any], external: Mapping[str, Any]) -> dict[str, Any]:
        namespace: dict[str, Any] = dict(self.functions)
        namespace.update(external)
        namespace.update(data)
        # Last, so that no data key can replace a guard or the builtins.
        namespace.update(_GUARDS)
        namespace["__builtins__"] = dict(_BUILTINS)
        return namespace

    def _run(self, compiled: _Compiled, namespace: dict[str, Any]) -> Any:
        deadline = _Deadline(compiled.code_ids, self.time_limit)
        namespace[_CHECKPOINT] = deadline.checkpoint
        namespace[_GETITER] = deadline.iterate
        previous = sys.gettrace()
        sys.settrace(deadline.trace_call)
        try:
            return eval(compiled.code, namespace)
        finally:
            deadline.active = False
            sys.settrace(previous)
