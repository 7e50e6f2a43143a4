"""A sandbox process: runs one evaluation after another under CPU and memory limits.

Started by the pool as a fresh interpreter running :func:`main` with the
arguments ``FD MEMORY_MB``, FD being one end of a socket pair. It limits its own address space once
(RLIMIT_AS: a big allocation fails with MemoryError instead of growing the
process) and, before each evaluation, moves its CPU-time soft limit
(RLIMIT_CPU) to the CPU time already used plus the request's allowance. The
kernel enforces that limit with SIGXCPU, whose default action ends the
process even in the middle of one long C call, where no Python-level check
can run. The parent sees the process die and starts another.

It exits when the parent closes its end of the socket, so it never outlives
the application by more than the evaluation it is running.
"""

from __future__ import annotations

import math
import resource
import signal
import sys
from multiprocessing.connection import Connection

from workflows.sandbox import evaluator, wire

_MB = 1024 * 1024


def limit_memory(megabytes: int) -> None:
    # Soft and hard alike: nothing in this process has a reason to raise it again.
    resource.setrlimit(resource.RLIMIT_AS, (megabytes * _MB, megabytes * _MB))


def arm_cpu_limit(seconds: float) -> None:
    """Allow ``seconds`` more CPU time from now (rounded up to whole seconds, as the kernel counts)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = math.ceil(usage.ru_utime + usage.ru_stime + seconds)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    # The hard limit stays where it is: lowering it could never be undone for the next request.
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def disarm_cpu_limit() -> None:
    # Between evaluations only trusted work happens (loading the next request); a limit
    # left over from the previous one must not end the process during it.
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    resource.setrlimit(resource.RLIMIT_CPU, (hard, hard))


def serve(raw: bytes, conn: Connection) -> bytes:
    """Carry out one request and return the reply to send."""
    try:
        request = wire.decode_request(raw)
    except Exception as exc:
        return wire.failed_reply(f"the sandbox process could not load the request: {exc!r}")
    conn.send_bytes(wire.STARTED)
    arm_cpu_limit(request.cpu_limit)
    try:
        return _evaluate(request)
    finally:
        disarm_cpu_limit()


def _evaluate(request: evaluator.Request) -> bytes:
    try:
        value = evaluator.evaluate(request)
    except MemoryError as exc:
        line = wire.script_line(exc.__traceback__)
    except Exception as exc:  # the script's own errors and the deadline
        return wire.error_reply(exc)
    else:
        try:
            return wire.value_reply(value)
        except MemoryError:
            line = None
        except Exception as exc:
            return wire.failed_reply(_unsendable(value, exc))
    # Replied to only here, once the exception and with it the script's frames and
    # their memory are released, so that building the reply does not fail in turn.
    return wire.memory_reply(line)


def _unsendable(value: object, exc: Exception) -> str:
    if isinstance(value, dict):
        names = []
        for name, item in value.items():
            try:
                wire.value_reply(item)
            except Exception:
                names.append(f"{name} ({type(item).__name__})")
        if names:
            return f"the script left values that cannot be stored as task data: {', '.join(names)}"
    return f"the result cannot be stored as task data: {exc}"


def main(argv: list[str]) -> int:
    fd, memory_mb = int(argv[1]), int(argv[2])
    # Dispositions set to "ignore" survive exec: make sure the kernel's SIGXCPU ends this
    # process. Ctrl-C in a development server's terminal is for the parent, which shuts
    # the pool down; the process then ends on end-of-file.
    signal.signal(signal.SIGXCPU, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    conn = Connection(fd)
    sys.path[:] = wire.read_hello(conn.recv_bytes())
    limit_memory(memory_mb)
    try:
        conn.send_bytes(wire.READY)
        while True:
            conn.send_bytes(serve(conn.recv_bytes(), conn))
    except (EOFError, OSError):
        # The parent closed its end or went away: nobody is left to answer.
        return 0
