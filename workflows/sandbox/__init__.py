"""Sandbox for the Python embedded in process diagrams.

Process owners edit diagrams in the browser, so script tasks, gateway
conditions, timer expressions and service-task parameters are untrusted code.
This package owns how that code is compiled, checked and run:

* Compilation goes through RestrictedPython with a stricter policy: imports,
  class definitions, ``print``, names and attributes starting with ``_`` and
  the introspection / code-execution builtins (``eval``, ``getattr``,
  ``type``...) are rejected at compile time with a readable reason
  (:class:`ScriptRejected`). :func:`check_expression` / :func:`check_script`
  expose the same checks to the diagram validator. Work that is huge by
  construction is refused there too (``folding.py``): a ``**`` or ``<<`` whose
  right operand is a constant above 10000, integer literals of 100+ digits,
  and repeating, padding or formatting with constants to more than a million
  items (``'x' * 10**9``, ``[0] * 10**9``, ``'x'.ljust(10**9)``,
  ``f'{1:>1000000000}'``).
* Every evaluation runs in a separate process from a pool
  (:class:`SandboxPool`, ``pool.py``; the process side is ``child.py``), never
  in the application process. Each process is a fresh interpreter whose
  address space is limited (RLIMIT_AS, ``memory_mb``, 256 MB by default): a
  big allocation fails with MemoryError there. Before each evaluation its
  CPU-time soft limit (RLIMIT_CPU) is moved to the CPU time used so far plus
  the environment's ``cpu_limit`` (the time limit plus one second by default,
  rounded up to whole seconds by the kernel); past it the kernel ends the
  process, even inside one long C call. A watchdog in the parent kills
  (SIGKILL) a process that has not answered within its limits plus
  ``kill_grace`` (one second) -- one blocked without using CPU. Either way the caller gets
  :class:`ScriptLimitExceeded` (``limit`` says which) and the process is
  replaced; after a MemoryError it is replaced too. Each evaluation has a
  process of its own, so threads evaluate concurrently up to the pool's size
  and then wait. A forked parent (a gunicorn worker) does not use the
  processes of the process it was forked from, and the pool stops its
  processes at interpreter exit.
* Inside the process, attribute access, item writes and iteration go
  through RestrictedPython's guards, and only a short list of harmless
  builtins is available (``evaluator.py``).
* Inside the process too, every evaluation is bounded by a wall-clock limit
  enforced by a ``sys.settrace`` hook that raises :class:`ScriptTimeout` at
  the line that was running, leaving the process usable. Line events alone
  are not enough: CPython 3.11 emits none for a loop that jumps back onto
  itself (``while True: pass``), so the compiler also injects a deadline
  checkpoint at the top of every ``while`` body, and the iteration guard used
  by ``for`` loops and comprehensions checks the deadline on every item.
  ``range()`` is limited to a million items so that ``sum(range(10 ** 12))``
  fails at once rather than at the CPU limit.
* Task data cross to the process and results back by pickle. Results come
  from a process that ran untrusted code, so the parent reads them as data
  only (containers, scalars, dates, decimals, UUIDs; ``wire.py``); errors
  cross as class name, arguments and line, and are raised again here from a
  frame at that line, where SpiffWorkflow looks for it.
* Host functions (``functions``) are sent with each evaluation and run in the
  sandbox process, under the same limits: they must be importable, and one
  that depends on state here is wrapped in :class:`Snapshot`, which crosses
  as its value at the time of the call (``today()``, not the clock).
* :class:`SandboxEnvironment` plugs all of this into SpiffWorkflow's
  ``PythonScriptEngine``. Service operators run in the application process;
  only their parameters are evaluated in the sandbox.

Known limits: the wall-clock limit sees Python-level events only, so one long
C-level operation runs on until the CPU or memory limit ends its process,
which costs starting a new interpreter (about a tenth of a second). The sandbox
processes run as the same user as the application: the limits bound CPU and
memory, while what code can reach is still decided by the compile-time
policy and the guards. Values that are not data (generators, ``map``
objects) cannot be kept in task data or returned by an expression; the
evaluation fails with :class:`ScriptFailed`.

When the tracer raises, CPython removes the trace function for the thread, so
a script that catches the timeout could go on running unobserved. To prevent
that, every ``except`` and ``finally`` body starts with a compiler-injected
checkpoint that re-raises :class:`ScriptTimeout` once the deadline has passed,
and ``except`` clauses may only name exception classes (an arbitrary
expression there would run while the timeout is propagating). Should one
slip through anyway, the CPU limit still ends it.
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
from workflows.sandbox.functions import Snapshot
from workflows.sandbox.pool import SandboxPool, configure_default_pool, default_pool

__all__ = [
    "SandboxEnvironment",
    "SandboxError",
    "SandboxPool",
    "ScriptFailed",
    "ScriptLimitExceeded",
    "ScriptRejected",
    "ScriptTimeout",
    "Snapshot",
    "check_expression",
    "check_script",
    "compile_expression",
    "compile_script",
    "configure_default_pool",
    "default_pool",
]
