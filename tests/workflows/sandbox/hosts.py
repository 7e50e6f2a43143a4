"""Host functions for the sandbox tests.

Module-level, because scripts run in sandbox processes that load host functions by name.
"""

from __future__ import annotations

import os
import time
from typing import Any

from workflows.sandbox import SandboxEnvironment


class Lookup:
    """A provided function that is also an object with attributes."""

    def __init__(self) -> None:
        self.label = "lookup"

    def __call__(self, key: str) -> int:
        return {"a": 1, "b": 2}[key]


def double(x: Any) -> Any:
    return 2 * x


def pass_mark() -> int:
    return 50


def nap(seconds: float) -> None:
    """Blocks without using CPU time: only the pool's watchdog can stop it."""
    time.sleep(seconds)


def where() -> int:
    """The pid of the process running the script."""
    return os.getpid()


def lookup_table() -> dict[str, Any]:
    return {"double": double, "pass_mark": pass_mark, "lookup": Lookup(), "nap": nap, "where": where}


def make_env(time_limit: float = 1.0, **kwargs: Any) -> SandboxEnvironment:
    """A sandbox with these host functions, as the engine builds one."""
    return SandboxEnvironment(functions=lookup_table(), time_limit=time_limit, **kwargs)
