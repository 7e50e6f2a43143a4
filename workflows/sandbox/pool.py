"""The pool of sandbox processes that every evaluation of diagram code goes through.

This module owns the processes' life: starting them lazily, handing each
evaluation a process of its own (several web threads and the worker thread
evaluate at once), the watchdog, replacing processes that died or were killed,
and shutting them down at interpreter exit.

Processes are fresh interpreters running ``workflows.sandbox.child``,
started the way multiprocessing's ``spawn`` method starts them -- fork
immediately followed by exec, which is safe from a threaded parent -- but
through ``subprocess`` rather than ``multiprocessing.Process``: the latter
keeps a process-wide registry whose exit hook would terminate, in a forked
gunicorn worker, processes that belong to the gunicorn master.

After a fork the new process must not talk to the processes it inherited
references to (they serve the parent, whose messages it would steal): the pool
remembers the pid that started its processes and forgets them, without
touching them, when it finds itself in another process.
"""

from __future__ import annotations

import atexit
import os
import signal
import subprocess
import sys
import threading
import time
import weakref
from dataclasses import dataclass
from multiprocessing.connection import Connection, Pipe
from pathlib import Path
from typing import Any

from workflows.sandbox import wire
from workflows.sandbox.errors import ScriptFailed, ScriptLimitExceeded
from workflows.sandbox.evaluator import Request

# How a sandbox process starts: finding this very package first, whatever the
# current directory or installation, then taking the parent's sys.path (wire.hello).
_BOOT = (
    "import sys; "
    f"sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r}); "
    "from workflows.sandbox.child import main; "
    "sys.exit(main(sys.argv))"
)

DEFAULT_POOL_SIZE = 4
DEFAULT_MEMORY_MB = 256
# Beyond the time and CPU allowances before the watchdog kills a process that has not answered.
DEFAULT_KILL_GRACE = 1.0
# The kernel counts the CPU limit in whole seconds and the sandbox process rounds it
# up: a process may use up to this much more before the kernel ends it.
_CPU_ROUNDING = 1.0
# For a new process to start, and for any process to load a request (which may
# import the modules of host functions).
DEFAULT_STARTUP_TIMEOUT = 30.0
# For a free process when all of them are busy; each busy one is bounded by its watchdog.
DEFAULT_ACQUIRE_TIMEOUT = 30.0


@dataclass(eq=False)
class _Process:
    popen: subprocess.Popen[bytes]
    conn: Connection

    @property
    def pid(self) -> int:
        return self.popen.pid


class _NoAnswer(Exception):
    """The process closed its end (it died) or did not answer in time."""

    def __init__(self, late: bool) -> None:
        self.late = late


class SandboxPool:
    """Up to ``size`` sandbox processes, each limited to ``memory_mb`` of address space.

    :meth:`run` takes an idle process (or starts one), sends it the request,
    and waits for the reply no longer than the request's limits plus
    ``kill_grace``; a process that overruns is killed (SIGKILL) and replaced.
    """

    def __init__(
        self,
        size: int = DEFAULT_POOL_SIZE,
        memory_mb: int = DEFAULT_MEMORY_MB,
        kill_grace: float = DEFAULT_KILL_GRACE,
        startup_timeout: float = DEFAULT_STARTUP_TIMEOUT,
        acquire_timeout: float = DEFAULT_ACQUIRE_TIMEOUT,
    ) -> None:
        if size < 1:
            raise ValueError("size must be at least 1")
        if memory_mb < 1:
            raise ValueError("memory_mb must be positive")
        if min(kill_grace, startup_timeout, acquire_timeout) <= 0:
            raise ValueError("kill_grace, startup_timeout and acquire_timeout must be positive")
        self.size = size
        self.memory_mb = memory_mb
        self.kill_grace = kill_grace
        self.startup_timeout = startup_timeout
        self.acquire_timeout = acquire_timeout
        self._reset_state()
        _POOLS.add(self)
        # Through a weak reference, so that a pool dropped without close() can still be collected.
        atexit.register(_close_at_exit, weakref.ref(self))

    def _reset_state(self) -> None:
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._idle: list[_Process] = []
        self._busy: set[_Process] = set()
        self._starting = 0
        self._closed = False

    # ------------------------------------------------------------ evaluations

    def run(self, request: Request) -> Any:
        """Evaluate ``request`` in a sandbox process: its value, or its error raised here."""
        payload = wire.encode_request(request)
        # A process found dead before it took the request (killed while idle) ran
        # nothing: the request is given to a fresh one, once.
        for _attempt in range(2):
            process = self._acquire()
            reusable = False
            try:
                try:
                    process.conn.send_bytes(payload)
                    first = self._receive(process, self.startup_timeout)
                except OSError:
                    continue
                except _NoAnswer as exc:
                    if exc.late:
                        raise ScriptFailed(
                            f"the sandbox process did not take the request within {self.startup_timeout:g} s"
                        ) from None
                    continue
                if first != wire.STARTED:  # the request could not be loaded
                    reply = wire.decode_reply(first)
                    reusable = True
                else:
                    reply = self._reply(process, request)
                    reusable = not wire.retires_process(reply)
            finally:
                self._release(process, reusable)
            return wire.outcome(reply, request.source, self.memory_mb)
        raise ScriptFailed("no sandbox process could take the evaluation")

    def _reply(self, process: _Process, request: Request) -> tuple[Any, ...]:
        # Later than the kernel's CPU limit, so that CPU-bound work is reported as such;
        # the watchdog is for a process that does not compute and does not answer.
        deadline = max(request.time_limit, request.cpu_limit + _CPU_ROUNDING) + self.kill_grace
        try:
            return wire.decode_reply(self._receive(process, deadline))
        except _NoAnswer as exc:
            if exc.late:
                self._kill(process)
                raise ScriptLimitExceeded(
                    f"the script did not finish within {deadline:g} s and was stopped", "time"
                ) from None
            raise self._death(process, request) from None

    def _receive(self, process: _Process, timeout: float) -> bytes:
        try:
            if not process.conn.poll(timeout):
                raise _NoAnswer(late=True)
            # The process cannot have allocated more than its limit, nor sent more.
            return process.conn.recv_bytes(self.memory_mb * 1024 * 1024)
        except (EOFError, OSError):
            raise _NoAnswer(late=False) from None

    def _death(self, process: _Process, request: Request) -> ScriptLimitExceeded:
        try:
            code = process.popen.wait(timeout=self.kill_grace)
        except subprocess.TimeoutExpired:  # closed its end but still running: make sure
            self._kill(process)
            code = process.popen.returncode
        if code == -signal.SIGXCPU:
            return ScriptLimitExceeded(
                f"the script used more than its {request.cpu_limit:g} s of CPU time and was stopped", "cpu"
            )
        how = f"exit status {code}" if code >= 0 else f"signal {_signal_name(-code)}"
        return ScriptLimitExceeded(f"the process running the script died ({how})", "process")

    # ------------------------------------------------------------ processes

    def _acquire(self) -> _Process:
        if self._pid != os.getpid():
            self._forget_inherited()
        dead: list[_Process] = []
        try:
            with self._lock:
                give_up = time.monotonic() + self.acquire_timeout
                while True:
                    if self._closed:
                        raise ScriptFailed("the sandbox pool is closed")
                    while self._idle:
                        process = self._idle.pop()  # the most recently used: warm caches
                        if process.popen.poll() is None:
                            self._busy.add(process)
                            return process
                        dead.append(process)
                    if len(self._busy) + self._starting < self.size:
                        self._starting += 1
                        break
                    remaining = give_up - time.monotonic()
                    if remaining <= 0:
                        raise ScriptFailed(
                            f"no sandbox process became free within {self.acquire_timeout:g} s"
                        )
                    self._changed.wait(remaining)
        finally:
            for process in dead:
                self._discard(process)
        # Started outside the lock: other threads keep using the idle processes meanwhile.
        try:
            process = self._start()
        except BaseException:
            with self._lock:
                self._starting -= 1
                self._changed.notify()
            raise
        with self._lock:
            self._starting -= 1
            self._busy.add(process)
        return process

    def _start(self) -> _Process:
        ours, theirs = Pipe(duplex=True)
        try:
            popen = subprocess.Popen(
                [sys.executable, "-c", _BOOT, str(theirs.fileno()), str(self.memory_mb)],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
            )
        except OSError as exc:
            ours.close()
            raise ScriptFailed(f"a sandbox process could not be started: {exc}") from exc
        finally:
            theirs.close()
        process = _Process(popen, ours)
        try:
            ours.send_bytes(wire.hello())
            ready = self._receive(process, self.startup_timeout)
        except (OSError, _NoAnswer):
            ready = None
        if ready != wire.READY:
            self._discard(process)
            raise ScriptFailed("a sandbox process could not be started (see the log for its output)")
        return process

    def _release(self, process: _Process, reusable: bool) -> None:
        with self._lock:
            if self._pid != os.getpid() or process not in self._busy:
                return  # forgotten after a fork: not this process's to stop
            self._busy.discard(process)
            keep = reusable and not self._closed
            if keep:
                self._idle.append(process)
            self._changed.notify()
        if not keep:
            self._discard(process)

    def _kill(self, process: _Process) -> None:
        if process.popen.poll() is None:
            process.popen.kill()
        process.popen.wait()

    def _discard(self, process: _Process) -> None:
        self._kill(process)
        process.conn.close()

    def _forget_inherited(self) -> None:
        """In a forked process: drop the parent's processes without signalling or waiting for them."""
        for process in [*self._idle, *self._busy]:
            # Closes this process's copy of the socket only; the parent keeps its own.
            process.conn.close()
            # Not this process's child: it could neither wait for it nor kill it safely.
            # Marked finished so that Popen does not try to reap it or warn about it.
            process.popen.returncode = 0
        self._reset_state()

    # ------------------------------------------------------------ life

    def child_pids(self) -> list[int]:
        """Pids of this pool's live processes, idle and busy (for monitoring and tests)."""
        with self._lock:
            if self._pid != os.getpid():
                return []
            return sorted(p.pid for p in [*self._idle, *self._busy] if p.popen.poll() is None)

    def close(self) -> None:
        """Stop every process; evaluations still running end with a sandbox error."""
        if self._pid != os.getpid():
            self._forget_inherited()
            self._closed = True
            return
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
            busy = list(self._busy)
            self._changed.notify_all()
        for process in idle:
            # An idle process ends by itself on end-of-file; killed only if it does not.
            process.conn.close()
        for process in idle:
            try:
                process.popen.wait(timeout=1.0)
            except subprocess.TimeoutExpired:
                self._kill(process)
        for process in busy:
            # Its socket belongs to the thread waiting on it, which sees the end and cleans up.
            if process.popen.poll() is None:
                process.popen.kill()

    def __enter__(self) -> SandboxPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)


_POOLS: weakref.WeakSet[SandboxPool] = weakref.WeakSet()


def _close_at_exit(ref: weakref.ref[SandboxPool]) -> None:
    pool = ref()
    if pool is not None:
        pool.close()


def _after_fork_in_child() -> None:
    # Runs in the only thread of the new process, before anything else can use a pool;
    # the pid check in the pool covers forks that bypass this hook.
    for pool in list(_POOLS):
        pool._forget_inherited()


os.register_at_fork(after_in_child=_after_fork_in_child)


_default: SandboxPool | None = None
_default_lock = threading.Lock()


def default_pool() -> SandboxPool:
    """The process-wide pool that environments use unless given one; created on first use."""
    global _default
    with _default_lock:
        if _default is None or _default._closed:
            _default = SandboxPool()
        return _default


def configure_default_pool(**settings: Any) -> SandboxPool:
    """Replace the process-wide pool with one of these settings (see :class:`SandboxPool`)."""
    global _default
    pool = SandboxPool(**settings)
    with _default_lock:
        previous, _default = _default, pool
    if previous is not None:
        previous.close()
    return pool
