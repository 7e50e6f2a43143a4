"""Compiling diagram code under the sandbox policy; see the package docstring for the rules."""

from __future__ import annotations

import ast
import functools
import re
import types
from dataclasses import dataclass
from typing import Any, Literal, cast

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.transformer import RestrictingNodeTransformer, copy_locations

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
