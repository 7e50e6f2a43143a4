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

from workflows.sandbox.compiler import check_expression, check_script, compile_expression, compile_script
from workflows.sandbox.environment import SandboxEnvironment
from workflows.sandbox.errors import (
    SandboxError,
    ScriptFailed,
    ScriptLimitExceeded,
    ScriptRejected,
    ScriptTimeout,
)

__all__ = [
    "SandboxEnvironment",
    "SandboxError",
    "ScriptFailed",
    "ScriptLimitExceeded",
    "ScriptRejected",
    "ScriptTimeout",
    "check_expression",
    "check_script",
    "compile_expression",
    "compile_script",
]
