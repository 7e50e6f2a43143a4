"""Sizes of constant expressions, so that obviously huge work is refused while compiling.

The compiler asks these helpers about the operands written in the source; each
check returns the reason for refusing, or ``None``. They only see constants:
sizes computed from task data are left to the process limits of the pool, which
stop any evaluation at run time. Refusing the constant cases anyway gives
process owners a readable message in the diagram editor instead of a killed
evaluation when the process runs.
"""

from __future__ import annotations

import ast
import re

MAX_EXPONENT = 10_000
MAX_LITERAL_DIGITS = 100
# Items or characters that repeating, padding or formatting constants may produce.
MAX_CONSTANT_SIZE = 1_000_000

# Stand-in for "too big to matter" while folding, so that folding itself never
# does expensive arithmetic.
_HUGE = 1 << 256

_PADDING_METHODS = frozenset({"center", "expandtabs", "ljust", "rjust", "zfill"})

# Width and precision of a standard format specification (``f"{x:>10.2f}"``);
# a specification outside this grammar (strftime patterns...) is not checked.
_FORMAT_SPEC = re.compile(r"(?:.?[<>=^])?[-+ ]?z?#?0?(?P<width>\d*)[,_]?(?:\.(?P<precision>\d+))?[a-zA-Z%]?")
# One conversion of ``'...' % values`` formatting, with its width and precision.
_PERCENT_CONVERSION = re.compile(
    r"%(?:\([^)]*\))?[-#0 +]*(?P<width>\d*)(?:\.(?P<precision>\d*))?[hlL]?[diouxXeEfFgGcrsa%]"
)


def literal_int(node: ast.expr) -> int | None:
    """Value of an integer constant expression, or ``None`` if it is not one."""
    if isinstance(node, ast.Constant):
        return node.value if type(node.value) is int else None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = literal_int(node.operand)
        if value is None:
            return None
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp):
        left, right = literal_int(node.left), literal_int(node.right)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Pow):
            if right < 0:
                return None
            if abs(left) > 1 and right * abs(left).bit_length() > 256:
                return _HUGE
            return _capped(int(left**right))
        if isinstance(node.op, ast.LShift):
            return _HUGE if right > 256 else _capped(left << max(right, 0))
        if isinstance(node.op, ast.Add):
            return _capped(left + right)
        if isinstance(node.op, ast.Sub):
            return _capped(left - right)
        if isinstance(node.op, ast.Mult):
            return _capped(left * right)
    return None


def _capped(value: int) -> int:
    # Keeps nested folding cheap: (10**70)**3 * ... never grows past 2**256.
    return max(min(value, _HUGE), -_HUGE)


def literal_length(node: ast.expr) -> int | None:
    """Length of a str/bytes/list/tuple built from constants alone, or ``None``."""
    if isinstance(node, ast.Constant):
        return len(node.value) if isinstance(node.value, str | bytes) else None
    if isinstance(node, ast.List | ast.Tuple):
        return None if any(isinstance(e, ast.Starred) for e in node.elts) else len(node.elts)
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.Add):
            left, right = literal_length(node.left), literal_length(node.right)
            return None if left is None or right is None else left + right
        if isinstance(node.op, ast.Mult):
            repeated = _repetition(node)
            return None if repeated is None else repeated[0] * repeated[1]
    return None


def _repetition(node: ast.BinOp) -> tuple[int, int] | None:
    """(length of the sequence, times) for ``seq * n`` or ``n * seq`` written with constants."""
    for sequence, count in ((node.left, node.right), (node.right, node.left)):
        length, times = literal_length(sequence), literal_int(count)
        if length is not None and times is not None:
            return length, min(max(times, 0), _HUGE)
    return None


def power_problem(op: ast.operator, exponent: ast.expr) -> str | None:
    amount = literal_int(exponent)
    if amount is None or amount <= MAX_EXPONENT:
        return None
    if isinstance(op, ast.Pow):
        return f"an exponent above {MAX_EXPONENT} is not allowed"
    if isinstance(op, ast.LShift):
        return f"shifting by more than {MAX_EXPONENT} bits is not allowed"
    return None


def repetition_problem(node: ast.BinOp) -> str | None:
    """``'x' * 10**9``, ``[0] * 10**9``: refused where the size first crosses the limit."""
    if not isinstance(node.op, ast.Mult):
        return None
    repeated = _repetition(node)
    if repeated is None:
        return None
    length, times = repeated
    # The operand already over the limit was reported on its own node.
    if length > MAX_CONSTANT_SIZE or length * times <= MAX_CONSTANT_SIZE:
        return None
    return f"repeating a sequence to more than {MAX_CONSTANT_SIZE:,} items is not allowed"


def padding_problem(node: ast.Call) -> str | None:
    """``'x'.ljust(10**9)`` and the other padding methods with a constant size."""
    if not isinstance(node.func, ast.Attribute) or node.func.attr not in _PADDING_METHODS or not node.args:
        return None
    size = literal_int(node.args[0])
    if size is None or size <= MAX_CONSTANT_SIZE:
        return None
    return f"padding to more than {MAX_CONSTANT_SIZE:,} characters is not allowed"


def format_spec_problem(node: ast.FormattedValue) -> str | None:
    """``f"{x:>1000000000}"``: a constant width or precision above the limit."""
    spec = node.format_spec
    if not isinstance(spec, ast.JoinedStr) or not all(isinstance(v, ast.Constant) for v in spec.values):
        return None
    text = "".join(str(v.value) for v in spec.values if isinstance(v, ast.Constant))
    match = _FORMAT_SPEC.fullmatch(text)
    return _sizes_problem([match]) if match else None


def percent_format_problem(node: ast.BinOp) -> str | None:
    """``'%1000000000d' % 1``: a constant format string with a width or precision above the limit."""
    if not isinstance(node.op, ast.Mod) or not isinstance(node.left, ast.Constant):
        return None
    if not isinstance(node.left.value, str | bytes):
        return None
    text = node.left.value if isinstance(node.left.value, str) else node.left.value.decode("latin-1")
    return _sizes_problem(list(_PERCENT_CONVERSION.finditer(text)))


def _sizes_problem(matches: list[re.Match[str]]) -> str | None:
    for match in matches:
        for group in ("width", "precision"):
            digits = match.group(group)
            # Compared as text first: a width of a million digits must not be parsed.
            if digits and (len(digits) > len(str(MAX_CONSTANT_SIZE)) or int(digits) > MAX_CONSTANT_SIZE):
                return f"a format width or precision above {MAX_CONSTANT_SIZE:,} is not allowed"
    return None
