"""The pool of sandbox processes: where code runs, threads, forks, dead processes and shutdown."""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.workflows.sandbox import hosts
from workflows.sandbox import SandboxEnvironment, SandboxPool, ScriptFailed, Snapshot, wire

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def pool() -> Iterator[SandboxPool]:
    with SandboxPool(size=3) as pool:
        yield pool


def make_env(pool: SandboxPool, **kwargs: Any) -> SandboxEnvironment:
    return SandboxEnvironment(functions=hosts.lookup_table(), pool=pool, **kwargs)


def test_code_runs_in_a_fresh_interpreter_not_in_this_process(pool: SandboxPool) -> None:
    env = make_env(pool)
    pid = env.evaluate("where()", {})
    assert pid != os.getpid()
    assert pid in pool.child_pids()
    # Started by exec, not a fork of this (threaded) process.
    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    assert any(b"workflows.sandbox.child" in part for part in cmdline)
    # Reused across evaluations.
    assert env.evaluate("where()", {}) == pid


def test_concurrent_evaluations_each_get_their_own_process_and_right_answer(pool: SandboxPool) -> None:
    env = make_env(pool)
    errors: list[BaseException] = []
    seen: set[int] = set()
    lock = threading.Lock()

    def work(k: int) -> None:
        try:
            for i in range(15):
                context: dict[str, Any] = {"xs": list(range(k + i)), "k": k}
                env.execute("total = sum(xs) * k\npid = where()", context)
                assert context["total"] == sum(range(k + i)) * k
                assert env.evaluate("[double(v) for v in xs][-1:]", {"xs": [k, i]}) == [2 * i]
                with lock:
                    seen.add(context["pid"])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,), daemon=True) for k in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "an evaluation hung"
    assert errors == []
    assert os.getpid() not in seen
    assert len(pool.child_pids()) <= 3
    assert seen <= set(pool.child_pids())


def test_a_process_killed_while_idle_is_replaced_without_failing_the_caller() -> None:
    with SandboxPool(size=1) as pool:
        env = make_env(pool)
        first = env.evaluate("where()", {})
        os.kill(first, signal.SIGKILL)
        second = env.evaluate("where()", {})
        assert second != first
        assert env.evaluate("double(21)", {}) == 42


def test_a_forked_parent_starts_its_own_processes_and_leaves_the_originals_alone() -> None:
    # One process, busy in another thread when the fork happens, as a gunicorn master's could
    # be: a forked process that counted it as its own would wait for it and give up.
    with SandboxPool(size=1, acquire_timeout=2.0) as pool:
        env = make_env(pool)
        original = env.evaluate("where()", {})
        outcome: dict[str, Any] = {}
        busy = threading.Thread(target=lambda: outcome.update(value=env.evaluate("nap(3)", {})), daemon=True)
        busy.start()
        while not pool.child_pids():  # started (or reused) by the thread, so busy
            threading.Event().wait(0.01)
        read_end, write_end = os.pipe()
        child = os.fork()
        if child == 0:  # the forked process, like a gunicorn worker
            code = 1
            try:
                os.close(read_end)
                inherited = pool.child_pids()
                pid = env.evaluate("where()", {})
                answer = env.evaluate("double(x)", {"x": 4})
                os.write(write_end, pickle.dumps((inherited, pid, answer)))
                pool.close()
                code = 0
            finally:
                os._exit(code)
        os.close(write_end)
        with os.fdopen(read_end, "rb") as pipe:
            report = pipe.read()
        _, status = os.waitpid(child, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        inherited, pid_in_fork, answer = pickle.loads(report)
        assert inherited == []
        assert pid_in_fork != original and answer == 8
        # The original process was neither used nor closed by the fork.
        busy.join(timeout=30)
        assert outcome == {"value": None}
        assert env.evaluate("where()", {}) == original


def test_processes_are_shut_down_at_interpreter_exit() -> None:
    script = textwrap.dedent(
        """
        import atexit, os
        pids = []

        def check():
            # Registered first, so it runs after the pool's own exit hook.
            print("left", [p for p in pids if os.path.exists(f"/proc/{p}")])

        atexit.register(check)
        from workflows.sandbox import SandboxEnvironment, SandboxPool
        pool = SandboxPool(size=2)
        assert SandboxEnvironment(pool=pool).evaluate("1 + 1", {}) == 2
        pids.extend(pool.child_pids())
        print("started", pids)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "started [" in result.stdout and "started []" not in result.stdout
    # Gone and reaped: not even a zombie is left.
    assert "left []" in result.stdout, result.stdout


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has ended; reaping it is up to whoever adopted it


def test_a_sandbox_process_ends_when_its_parent_dies_without_closing_the_pool() -> None:
    script = textwrap.dedent(
        """
        import os
        from workflows.sandbox import SandboxEnvironment, SandboxPool
        pool = SandboxPool(size=1)
        SandboxEnvironment(pool=pool).evaluate("1", {})
        print(pool.child_pids()[0], flush=True)
        os._exit(0)  # no exit hooks, as when a worker is killed
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    pid = int(result.stdout)
    # A hang guard, not a timing: the process reads end-of-file and returns.
    deadline = threading.Event()
    for _ in range(200):
        if not _running(pid):
            break
        deadline.wait(0.05)
    assert not _running(pid)
    assert result.stderr == ""


def test_close_stops_the_processes_and_refuses_further_work() -> None:
    pool = SandboxPool(size=1)
    env = make_env(pool)
    pid = env.evaluate("where()", {})
    pool.close()
    assert not Path(f"/proc/{pid}").exists()
    with pytest.raises(ScriptFailed, match="closed"):
        env.evaluate("1", {})


def test_host_functions_must_be_importable() -> None:
    with pytest.raises(ValueError, match="importable"):
        SandboxEnvironment(functions={"local": lambda: 1})


def test_a_snapshot_crosses_as_its_value_at_each_call(pool: SandboxPool) -> None:
    # The lock cannot be pickled: the test fails if the state itself were sent.
    state: dict[str, Any] = {"day": "2026-03-01", "lock": threading.Lock()}
    env = SandboxEnvironment(functions={"today": Snapshot(lambda: state["day"])}, pool=pool)
    assert env.evaluate("today()", {}) == "2026-03-01"
    state["day"] = "2026-03-02"
    assert env.evaluate("today()", {}) == "2026-03-02"
    with pytest.raises(AttributeError):
        env.evaluate("today.value", {})


def test_replies_may_hold_data_only() -> None:
    # What a compromised sandbox process could send: the parent must not run it.
    forged = pickle.dumps(("value", os.system))
    reply = wire.decode_reply(forged)
    assert reply[0] == "failed"
    with pytest.raises(ScriptFailed, match="not plain data"):
        wire.outcome(reply, "x", 256)


def test_pool_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="size"):
        SandboxPool(size=0)
    with pytest.raises(ValueError, match="memory_mb"):
        SandboxPool(memory_mb=0)
    with pytest.raises(ValueError, match="cpu_limit"):
        SandboxEnvironment(cpu_limit=0)
