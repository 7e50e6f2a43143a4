"""The messages between the pool and a sandbox process, and what the parent accepts back.

Requests go from the trusted process to the sandbox and are plain pickles.
Replies come from a process that has run untrusted code, so the parent reads
them with an unpickler that builds data only -- containers, scalars, dates,
decimals, UUIDs -- and never looks up any other class or function. Errors
therefore cross as a description (class name, arguments, line) and are rebuilt
in the parent, from builtin exception classes only.

Every message is one ``Connection.send_bytes`` frame:

* parent -> child: :func:`hello` once, then one encoded :class:`Request` per evaluation;
* child -> parent: :data:`READY` once, then per evaluation :data:`STARTED` when
  the request is loaded (the watchdog counts from there) and one reply.
"""

from __future__ import annotations

import builtins
import functools
import io
import pickle
import sys
import types
from typing import Any

from workflows.sandbox.compiler import _FILENAME
from workflows.sandbox.errors import ScriptFailed, ScriptLimitExceeded, ScriptTimeout
from workflows.sandbox.evaluator import Request

READY = b"ready"
STARTED = b"started"

_PROTOCOL = pickle.HIGHEST_PROTOCOL

# The only globals a reply may name: value types whose construction has no side effects.
_DATA_TYPES = frozenset(
    {
        ("builtins", "complex"),
        ("builtins", "range"),
        ("builtins", "slice"),
        ("datetime", "date"),
        ("datetime", "datetime"),
        ("datetime", "time"),
        ("datetime", "timedelta"),
        ("datetime", "timezone"),
        ("decimal", "Decimal"),
        ("uuid", "UUID"),
    }
)

_PLAIN = (str, int, float, bool, type(None))
# Characters of an error message that cross; the rest of a giant one is dropped.
MAX_MESSAGE = 10_000

_MALFORMED = "the sandbox process sent a malformed reply"


# ---------------------------------------------------------------- parent -> child


def hello() -> bytes:
    # Like multiprocessing's spawn: the child resolves host functions with the parent's path.
    return pickle.dumps({"path": list(sys.path)}, _PROTOCOL)


def read_hello(raw: bytes) -> list[str]:
    return [str(entry) for entry in pickle.loads(raw)["path"]]


def encode_request(request: Request) -> bytes:
    try:
        return pickle.dumps(request, _PROTOCOL)
    except Exception as exc:
        raise ScriptFailed(f"the task data cannot be passed to the sandbox: {exc}") from exc


def decode_request(raw: bytes) -> Request:
    request = pickle.loads(raw)
    if not isinstance(request, Request):
        raise TypeError(f"expected a Request, got {type(request).__name__}")
    return request


# ---------------------------------------------------------------- child -> parent


def script_line(traceback: types.TracebackType | None) -> int | None:
    """The line of diagram code that was running, from the innermost frame of the compiled source."""
    line = None
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == _FILENAME:
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line


def value_reply(value: Any) -> bytes:
    """Raises what pickle raises when the value cannot leave the process."""
    return pickle.dumps(("value", value), _PROTOCOL)


def error_reply(exc: Exception) -> bytes:
    line = script_line(exc.__traceback__)
    if isinstance(exc, ScriptTimeout):
        return pickle.dumps(("timeout", str(exc), line), _PROTOCOL)
    kind = type(exc)
    message = str(exc)
    if len(message) > MAX_MESSAGE:
        message = message[:MAX_MESSAGE] + "..."
    # Arguments cross only when they are plain and short, so that the parent can always read them.
    plain = all(isinstance(a, _PLAIN) and not (isinstance(a, str) and len(a) > MAX_MESSAGE) for a in exc.args)
    args = exc.args if plain else (message,)
    return pickle.dumps(("raised", kind.__module__, kind.__qualname__, args, message, line), _PROTOCOL)


def memory_reply(line: int | None) -> bytes:
    return pickle.dumps(("memory", line), _PROTOCOL)


def failed_reply(message: str) -> bytes:
    return pickle.dumps(("failed", message), _PROTOCOL)


# ---------------------------------------------------------------- the parent reads


class _DataUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _DATA_TYPES:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not plain data")


def decode_reply(raw: bytes) -> tuple[Any, ...]:
    try:
        reply = _DataUnpickler(io.BytesIO(raw)).load()
    except Exception as exc:
        return ("failed", f"the result cannot be stored as task data: {exc}")
    if not isinstance(reply, tuple) or not reply or not isinstance(reply[0], str):
        return ("failed", _MALFORMED)
    return reply


def retires_process(reply: tuple[Any, ...]) -> bool:
    """A process that ran out of memory is not trusted to be in good shape for the next script."""
    return reply[0] == "memory"


def outcome(reply: tuple[Any, ...], source: str, memory_mb: int) -> Any:
    """The value of a decoded reply, or its error raised at the script's line of ``source``."""
    try:
        error, line = _error_of(reply, memory_mb)
    except (TypeError, ValueError) as exc:  # a reply of the wrong shape
        raise ScriptFailed(_MALFORMED) from exc
    if error is None:
        return reply[1]
    _raise_at(error, line, source)


def _error_of(reply: tuple[Any, ...], memory_mb: int) -> tuple[Exception | None, Any]:
    kind = reply[0]
    if kind == "value" and len(reply) == 2:
        return None, None
    if kind == "timeout":
        _, message, line = reply
        return ScriptTimeout(str(message)), line
    if kind == "memory":
        _, line = reply
        message = f"the script ran out of memory (a sandbox process is limited to {memory_mb} MB)"
        return ScriptLimitExceeded(message, "memory"), line
    if kind == "raised":
        _, module, name, args, message, line = reply
        return _rebuild(str(module), str(name), tuple(args), str(message)), line
    if kind == "failed":
        _, message = reply
        return ScriptFailed(str(message)), None
    raise ValueError(kind)


def _rebuild(module: str, name: str, args: tuple[Any, ...], message: str) -> Exception:
    cls = getattr(builtins, name, None) if module == "builtins" else None
    if isinstance(cls, type) and issubclass(cls, Exception):
        try:
            return cls(*args)
        except Exception:
            return cls(message)
    return ScriptFailed(f"{name}: {message}" if message else name)


@functools.lru_cache(maxsize=64)
def _raiser(line: int) -> types.CodeType:
    return compile("\n" * (line - 1) + "raise error", _FILENAME, "exec")


def _raise_at(error: Exception, line: Any, source: str) -> None:
    """Raise ``error`` from a frame at ``line`` of the diagram code.

    SpiffWorkflow finds the failing line of a script by walking the traceback
    for frames of the compiled source's file name; the original frames stayed
    in the sandbox process, so one is recreated at the same line.
    """
    lines = source.count("\n") + 1
    if type(line) is not int or not 0 < line <= lines:
        raise error
    exec(_raiser(line), {"__builtins__": {}, "error": error})
