"""The errors by which the sandbox refuses or stops diagram code.

All of them derive from :class:`SandboxError`, so the engine can report any of
them against the task without knowing which limit was hit.
"""

from __future__ import annotations

from typing import Literal


class SandboxError(Exception):
    """Base of everything the sandbox raises on its own account."""


class ScriptRejected(SandboxError):
    """Source refused at compile time (imports, dunder/underscore names, syntax errors...)."""

    message: str
    lineno: int | None
    errors: tuple[str, ...]

    def __init__(self, message: str, lineno: int | None = None, errors: tuple[str, ...] = ()) -> None:
        self.message = message
        self.lineno = lineno
        self.errors = errors or (format_error(message, lineno),)
        super().__init__("; ".join(self.errors))


class ScriptTimeout(SandboxError):
    """The script or expression ran past its time limit."""


class ScriptFailed(SandboxError):
    """The sandbox could not carry out a request (e.g. a service call it cannot serve).

    Errors raised by the script itself are deliberately not wrapped: SpiffWorkflow
    reads the failing line from their traceback.
    """


Limit = Literal["cpu", "memory", "time", "process"]


class ScriptLimitExceeded(SandboxError):
    """The evaluation was stopped by a hard limit that the script could not ignore.

    ``limit`` says which: ``"cpu"`` (the kernel's CPU-time limit), ``"memory"``
    (the address-space limit), ``"time"`` (the pool's watchdog killed a process
    that did not answer in time) or ``"process"`` (the process running the
    script died for another reason, most often memory exhaustion inside C code).
    """

    limit: Limit

    def __init__(self, message: str, limit: Limit) -> None:
        self.limit = limit
        super().__init__(message)


def format_error(message: str, lineno: int | None) -> str:
    return message if lineno is None else f"line {lineno}: {message}"
