"""Sandbox for the Python embedded in process diagrams.

Process owners edit diagrams in the browser, so script tasks, gateway
conditions, timer expressions and service-task parameters are untrusted code.
This module owns how that code is compiled, checked and run:

* Compilation goes through RestrictedPython with a stricter policy: imports,
  class definitions, ``print``, names and attributes starting with ``_`` and
  the introspection / code-execution builtins (``eval``, ``getattr``,
  ``type``...) are rejected at compile time with a readable reason
  (:class:`ScriptRejected`). :func:`check_expression` / :func:`check_script`
  expose the same checks to the diagram validator.
* At run time attribute access, item writes and iteration go through
  RestrictedPython's guards, and only a short list of harmless builtins is
  available.
* Every evaluation is bounded by a wall-clock limit enforced by a per-thread
  ``sys.settrace`` hook that raises :class:`ScriptTimeout`; it works in any
  thread because it uses no signals, and restores whatever trace function
  was installed before (debuggers, coverage). Line events alone are not
  enough: CPython 3.11 emits none for a loop that jumps back onto itself
  (``while True: pass``), so the compiler also injects a deadline checkpoint
  at the top of every ``while`` body, and the iteration guard used by ``for``
  loops and comprehensions checks the deadline on every item.
* :class:`SandboxEnvironment` plugs all of this into SpiffWorkflow's
  ``PythonScriptEngine``.

Known limits of the time limit: tracing only sees Python-level events, so one
long C-level operation cannot be interrupted once started -- ``10 ** 10 ** 8``,
``'x' * 10 ** 9``, ``[0] * 10 ** 9``, ``sorted`` of a huge list. The cases
that are trivially recognisable are refused: a ``**`` or ``<<`` whose right
operand is a constant above 10000 and integer literals of 100+ digits at
compile time, ``range()`` of more than a million items at run time (so that
``sum(range(10 ** 12))`` cannot spin in C). Sizes computed from data are not
checked, and memory use is not limited. Functions supplied by the host
application run untraced: they are trusted and expected to bound their own
work.

When the tracer raises, CPython removes the trace function for the thread, so
a script that catches the timeout could go on running unobserved. To prevent
that, every ``except`` and ``finally`` body starts with a compiler-injected
checkpoint that re-raises :class:`ScriptTimeout` once the deadline has passed,
and ``except`` clauses may only name exception classes (an arbitrary
expression there would run while the timeout is propagating).
"""

from __future__ import annotations

import ast
import copy
import functools
import json
import operator
import re
import sys
import time
import types
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safe_builtins,
    safer_getattr_raise,
)
from RestrictedPython.transformer import RestrictingNodeTransformer, copy_locations
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

__all__ = [
    "SandboxEnvironment",
    "ScriptFailed",
    "ScriptRejected",
    "ScriptTimeout",
    "check_expression",
    "check_script",
    "compile_expression",
    "compile_script",
]

# Both SpiffWorkflow's error reporting (it looks for frames of this file name
# to find the failing line) and RestrictedPython's defaults use this name.
_FILENAME = "<string>"

MAX_EXPONENT = 10_000
MAX_LITERAL_DIGITS = 100
MAX_RANGE_LENGTH = 1_000_000


class ScriptRejected(Exception):
    """Source refused at compile time (imports, dunder/underscore names, syntax errors...)."""

    message: str
    lineno: int | None
    errors: tuple[str, ...]

    def __init__(self, message: str, lineno: int | None = None, errors: tuple[str, ...] = ()) -> None:
        self.message = message
        self.lineno = lineno
        self.errors = errors or (_format_error(message, lineno),)
        super().__init__("; ".join(self.errors))


class ScriptTimeout(Exception):
    """The script or expression ran past its time limit."""


class ScriptFailed(Exception):
    """The sandbox could not carry out a request (e.g. a service call it cannot serve).

    Errors raised by the script itself are deliberately not wrapped: SpiffWorkflow
    reads the failing line from their traceback.
    """


def _format_error(message: str, lineno: int | None) -> str:
    return message if lineno is None else f"line {lineno}: {message}"


# --------------------------------------------------------------------------
# Compilation
# --------------------------------------------------------------------------

# Absent from the builtins anyway; refusing them by name turns a confusing
# NameError at run time into a clear message in the diagram editor.
_FORBIDDEN_NAMES = frozenset(
    {
        "breakpoint",
        "compile",
        "delattr",
        "dir",
        "eval",
        "exec",
        "exit",
        "getattr",
        "globals",
        "hasattr",
        "help",
        "input",
        "locals",
        "memoryview",
        "object",
        "open",
        "print",
        "printed",
        "quit",
        "setattr",
        "super",
        "type",
        "vars",
    }
)

# ``cls.mro()`` hands out ``object`` and ``BaseException``, the usual first
# steps of an escape and a way to catch what scripts must not catch.
_FORBIDDEN_ATTRIBUTES = frozenset({"mro"})

_CHECKPOINT = "_sandbox_checkpoint_"

# Stand-in for "too big to matter" while folding constant exponents, so that
# folding itself never does expensive arithmetic.
_HUGE = 1 << 256


def _literal_int(node: ast.expr) -> int | None:
    """Value of an integer constant expression, or ``None`` if it is not one."""
    if isinstance(node, ast.Constant):
        return node.value if type(node.value) is int else None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = _literal_int(node.operand)
        if value is None:
            return None
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp):
        left, right = _literal_int(node.left), _literal_int(node.right)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Pow):
            if right < 0:
                return None
            if abs(left) > 1 and right * abs(left).bit_length() > 256:
                return _HUGE
            return int(left**right)
        if isinstance(node.op, ast.LShift):
            return _HUGE if right > 256 else left << max(right, 0)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
    return None


def _is_class_reference(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):
        return True
    if isinstance(node, ast.Attribute):
        return _is_class_reference(node.value)
    if isinstance(node, ast.Tuple):
        return all(_is_class_reference(element) for element in node.elts)
    return False


class _SandboxPolicy(RestrictingNodeTransformer):
    """RestrictedPython's policy plus the rules specific to diagram code."""

    def visit_Import(self, node: ast.Import) -> ast.AST:
        self.error(node, "imports are not allowed")
        return node

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST:
        self.error(node, "imports are not allowed")
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        self.error(node, "class definitions are not allowed")
        return node

    def visit_Name(self, node: ast.Name) -> Any:
        if node.id in _FORBIDDEN_NAMES:
            self.error(node, f'"{node.id}" is not available in scripts')
            return node
        return super().visit_Name(node)

    def visit_Attribute(self, node: ast.Attribute) -> Any:
        if node.attr in _FORBIDDEN_ATTRIBUTES:
            self.error(node, f'"{node.attr}" is a restricted attribute')
        return super().visit_Attribute(node)

    def visit_Constant(self, node: ast.Constant) -> Any:
        if type(node.value) is int and abs(node.value) >= 10**MAX_LITERAL_DIGITS:
            self.error(node, f"integer literals of {MAX_LITERAL_DIGITS} digits or more are not allowed")
        return super().visit_Constant(node)

    def _check_power(self, node: ast.AST, op: ast.operator, right: ast.expr) -> None:
        amount = _literal_int(right)
        if amount is None or amount <= MAX_EXPONENT:
            return
        if isinstance(op, ast.Pow):
            self.error(node, f"an exponent above {MAX_EXPONENT} is not allowed")
        elif isinstance(op, ast.LShift):
            self.error(node, f"shifting by more than {MAX_EXPONENT} bits is not allowed")

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        self._check_power(node, node.op, node.right)
        return super().visit_BinOp(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> Any:
        self._check_power(node, node.op, node.value)
        return super().visit_AugAssign(node)

    def visit_Call(self, node: ast.Call) -> Any:
        if isinstance(node.func, ast.Name) and node.func.id == "pow" and len(node.args) == 2:
            self._check_power(node, ast.Pow(), node.args[1])
        return super().visit_Call(node)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> Any:
        if node.type is not None and not _is_class_reference(node.type):
            self.error(node, "an except clause may only name exception classes")
        return super().visit_ExceptHandler(node)

    # Checkpoints are injected after RestrictedPython's checks: the underscore
    # name would otherwise be refused, and scripts cannot spell it themselves.

    def visit_While(self, node: ast.While) -> Any:
        node = self.node_contents_visit(node)
        node.body.insert(0, _checkpoint_call(node.body[0]))
        return node

    def visit_Try(self, node: ast.Try) -> Any:
        node = self.node_contents_visit(node)
        for handler in node.handlers:
            handler.body.insert(0, _checkpoint_call(handler))
        if node.finalbody:
            node.finalbody.insert(0, _checkpoint_call(node.finalbody[0]))
        return node


def _checkpoint_call(location: ast.stmt | ast.excepthandler) -> ast.stmt:
    call = ast.Expr(ast.Call(func=ast.Name(_CHECKPOINT, ast.Load()), args=[], keywords=[]))
    copy_locations(call, location)
    return call


_ERROR_LINE = re.compile(r"^Line (\d+|None): (.*)$", re.DOTALL)


def _parse_error(text: str) -> tuple[str, int | None]:
    match = _ERROR_LINE.match(text)
    if match is None:
        return text, None
    line = match.group(1)
    return match.group(2), None if line == "None" else int(line)


@dataclass(frozen=True)
class _Compiled:
    code: types.CodeType
    # ids of this code object and every nested one (comprehensions, lambdas,
    # functions): the tracer only watches frames running these.
    code_ids: frozenset[int]


def _nested_code_ids(code: types.CodeType) -> frozenset[int]:
    found = {id(code)}
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            found |= _nested_code_ids(const)
    return frozenset(found)


@functools.lru_cache(maxsize=1024)
def _compile(source: str, mode: Literal["eval", "exec"]) -> _Compiled:
    try:
        tree = cast(ast.Expression | ast.Module, ast.parse(source, _FILENAME, mode))
    except SyntaxError as exc:
        raise ScriptRejected(f"syntax error: {exc.msg}", exc.lineno) from None
    except ValueError as exc:  # e.g. NUL bytes in the source
        raise ScriptRejected(str(exc)) from None
    compiler = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    try:
        result = compiler(tree, _FILENAME, policy=_SandboxPolicy)
    except RecursionError:
        raise ScriptRejected("the code is nested too deeply") from None
    if result.errors or result.code is None:
        parsed = [_parse_error(text) for text in dict.fromkeys(result.errors)]
        if not parsed:
            parsed = [("the code could not be compiled", None)]
        message, lineno = parsed[0]
        raise ScriptRejected(message, lineno, tuple(_format_error(m, n) for m, n in parsed))
    return _Compiled(result.code, _nested_code_ids(result.code))


def compile_expression(source: str) -> types.CodeType:
    """Compile a diagram expression (gateway condition, timer, parameter); raises ScriptRejected."""
    return _compile(source, "eval").code


def compile_script(source: str) -> types.CodeType:
    """Compile a script task body; raises ScriptRejected."""
    return _compile(source, "exec").code


def check_expression(source: str) -> list[str]:
    """Reasons the expression would be refused, ``[]`` when it is acceptable."""
    try:
        _compile(source, "eval")
    except ScriptRejected as exc:
        return list(exc.errors)
    return []


def check_script(source: str) -> list[str]:
    """Reasons the script would be refused, ``[]`` when it is acceptable."""
    try:
        _compile(source, "exec")
    except ScriptRejected as exc:
        return list(exc.errors)
    return []


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
