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

from workflows.sandbox import folding
from workflows.sandbox.errors import ScriptRejected, format_error

# Both SpiffWorkflow's error reporting (it looks for frames of this file name
# to find the failing line) and RestrictedPython's defaults use this name.
_FILENAME = "<string>"

MAX_RANGE_LENGTH = 1_000_000
# Diagram code is a condition or a short script; anything longer is not written by hand.
MAX_SOURCE_CHARS = 20_000


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
        digits = folding.MAX_LITERAL_DIGITS
        if type(node.value) is int and abs(node.value) >= 10**digits:
            self.error(node, f"integer literals of {digits} digits or more are not allowed")
        return super().visit_Constant(node)

    def _refuse(self, node: ast.AST, problem: str | None) -> None:
        if problem is not None:
            self.error(node, problem)

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        self._refuse(node, folding.power_problem(node.op, node.right))
        self._refuse(node, folding.repetition_problem(node))
        self._refuse(node, folding.percent_format_problem(node))
        return super().visit_BinOp(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> Any:
        self._refuse(node, folding.power_problem(node.op, node.value))
        return super().visit_AugAssign(node)

    def visit_Call(self, node: ast.Call) -> Any:
        if isinstance(node.func, ast.Name) and node.func.id == "pow" and len(node.args) == 2:
            self._refuse(node, folding.power_problem(ast.Pow(), node.args[1]))
        self._refuse(node, folding.padding_problem(node))
        return super().visit_Call(node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> Any:
        self._refuse(node, folding.format_spec_problem(node))
        return super().visit_FormattedValue(node)

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
    if len(source) > MAX_SOURCE_CHARS:
        raise ScriptRejected(f"the code is longer than {MAX_SOURCE_CHARS} characters")
    try:
        tree = cast(ast.Expression | ast.Module, ast.parse(source, _FILENAME, mode))
    except SyntaxError as exc:
        raise ScriptRejected(f"syntax error: {exc.msg}", exc.lineno) from None
    except ValueError as exc:  # e.g. NUL bytes in the source
        raise ScriptRejected(str(exc)) from None
    except (RecursionError, MemoryError):  # a 50,000-term sum is one 50,000-deep tree
        raise ScriptRejected("the code is nested too deeply to be read") from None
    compiler = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    try:
        result = compiler(tree, _FILENAME, policy=_SandboxPolicy)
    except (RecursionError, MemoryError):
        raise ScriptRejected("the code is nested too deeply") from None
    if result.errors or result.code is None:
        parsed = [_parse_error(text) for text in dict.fromkeys(result.errors)]
        if not parsed:
            parsed = [("the code could not be compiled", None)]
        message, lineno = parsed[0]
        raise ScriptRejected(message, lineno, tuple(format_error(m, n) for m, n in parsed))
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
