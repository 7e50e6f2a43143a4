"""What running diagram code in sandbox processes costs, against running it in this process.

    .venv/bin/python bench/sandbox.py [--samples 3000] [--lifecycles 20] [--threads 4]

Figures:

1. median and p95 time of one evaluation of a gateway condition and of a small script (with the
   engine's date functions), in this process as the sandbox did before the pool (compile check,
   deep copy of the task data, guarded run) and through the pool (the same plus pickling both ways,
   two socket messages and the sandbox process's run);
2. the engine's whole qualification-request lifecycle (bench/lifecycle.py's bare engine, no
   database), in-process against the pool, per lifecycle and per evaluation it makes;
3. evaluations per second of the condition from --threads threads at once;
4. the cost of replacing a sandbox process (start of a fresh interpreter to its first answer), which
   is paid after each evaluation stopped by the CPU or memory limit.

Each pair is measured in turns (one of each, again and again), so that both share whatever else the
machine is doing. Timings are printed, never checked.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import math
import platform
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from lifecycle_steps import PROCESS, EngineLifecycle

from workflows.clock import FrozenClock
from workflows.definitions.publishing import BPMN_DIR
from workflows.engine.definition import parse
from workflows.engine.runtime import expression_functions
from workflows.sandbox import SandboxEnvironment, SandboxPool, environment, evaluator

CONDITION = "score >= pass_mark and status in ('approved', 'pending')"
CONDITION_DATA: dict[str, Any] = {"score": 72, "pass_mark": 50, "status": "approved", "name": "Айгүл"}
SCRIPT = (
    "total = sum(points)\n"
    "passed = [p for p in points if p >= pass_mark]\n"
    "due = add_working_days(start_date, 5)\n"
    "late = days_between(today(), due) < 3\n"
)
SCRIPT_DATA: dict[str, Any] = {"points": [60, 72, 48, 90], "pass_mark": 50, "start_date": "2026-03-20"}


class InProcess:
    """What SandboxEnvironment did before the pool: the same request, run in this process."""

    def run(self, request: evaluator.Request) -> Any:
        # The old environment deep-copied the task data so that scripts could not reach through.
        return evaluator.evaluate(dataclasses.replace(request, data=copy.deepcopy(request.data)))


class Counting:
    """Counts the evaluations that go through the pool it wraps."""

    def __init__(self, pool: InProcess | SandboxPool) -> None:
        self.pool = pool
        self.count = 0

    def run(self, request: evaluator.Request) -> Any:
        self.count += 1
        return self.pool.run(request)


@contextmanager
def default_pool(pool: Counting) -> Iterator[None]:
    """Make environments without a pool of their own (the engine's) use ``pool``."""
    original = environment.default_pool
    environment.default_pool = lambda: pool  # type: ignore[assignment,return-value]
    try:
        yield
    finally:
        environment.default_pool = original


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def p95_ms(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)] * 1000


def in_turns(samples: int, actions: dict[str, Callable[[], Any]]) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(samples):
        for name, action in actions.items():
            began = time.perf_counter()
            action()
            times[name].append(time.perf_counter() - began)
    return times


def environments(pool: SandboxPool) -> tuple[SandboxEnvironment, SandboxEnvironment]:
    functions = expression_functions(FrozenClock(datetime(2026, 3, 1, 4, 0, tzinfo=UTC)))
    before = SandboxEnvironment(functions, time_limit=2.0, pool=InProcess())  # type: ignore[arg-type]
    after = SandboxEnvironment(functions, time_limit=2.0, pool=pool)
    return before, after


def evaluations(pool: SandboxPool, samples: int) -> list[str]:
    before, after = environments(pool)

    def run_script(env: SandboxEnvironment) -> None:
        env.execute(SCRIPT, dict(SCRIPT_DATA))

    times = in_turns(
        samples,
        {
            "condition, in-process": lambda: before.evaluate(CONDITION, CONDITION_DATA),
            "condition, pool": lambda: after.evaluate(CONDITION, CONDITION_DATA),
            "script, in-process": lambda: run_script(before),
            "script, pool": lambda: run_script(after),
        },
    )
    title = f"1. one evaluation ({samples} samples)"
    lines = [f"{title:<36} median ms    p95 ms"]
    for name, values in times.items():
        lines.append(f"   {name:<32} {median_ms(values):9.3f} {p95_ms(values):9.3f}")
    for kind in ("condition", "script"):
        extra = median_ms(times[f"{kind}, pool"]) - median_ms(times[f"{kind}, in-process"])
        lines.append(f"   {kind} overhead of the pool, median: {extra:.3f} ms")
    return lines


def lifecycles(pool: SandboxPool, count: int) -> list[str]:
    definition = parse((BPMN_DIR / f"{PROCESS}.bpmn").read_text(encoding="utf-8"))
    lifecycle = EngineLifecycle(definition)
    counters = {"in-process": Counting(InProcess()), "pool": Counting(pool)}

    def run(name: str) -> Callable[[], Any]:
        def one() -> None:
            with default_pool(counters[name]):
                lifecycle.run(0)

        return one

    for name in counters:  # warm both: compiled code, a started sandbox process
        run(name)()
    for counter in counters.values():
        counter.count = 0
    times = in_turns(count, {name: run(name) for name in counters})
    per_lifecycle = counters["pool"].count // count
    title = f"2. engine lifecycle ({count} lifecycles, {per_lifecycle} evaluations each)"
    lines = [f"{title:<36} median ms    p95 ms"]
    for name, values in times.items():
        lines.append(f"   {name:<32} {median_ms(values):9.1f} {p95_ms(values):9.1f}")
    extra = median_ms(times["pool"]) - median_ms(times["in-process"])
    lines.append(
        f"   overhead per lifecycle {extra:.1f} ms ({extra / median_ms(times['in-process']):.0%}),"
        f" per evaluation {extra / max(per_lifecycle, 1):.3f} ms"
    )
    return lines


def threaded(pool: SandboxPool, threads: int, per_thread: int) -> list[str]:
    before, after = environments(pool)
    lines = [f"3. condition from {threads} threads at once ({per_thread} each)   evaluations/s"]
    for name, env in (("in-process", before), ("pool", after)):

        def work(env: SandboxEnvironment = env) -> None:
            for _ in range(per_thread):
                env.evaluate(CONDITION, CONDITION_DATA)

        workers = [threading.Thread(target=work) for _ in range(threads)]
        began = time.perf_counter()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        rate = threads * per_thread / (time.perf_counter() - began)
        lines.append(f"   {name:<32} {rate:12.0f}")
    return lines


def replacement(samples: int) -> list[str]:
    times = []
    for _ in range(samples):
        with SandboxPool(size=1) as pool:
            env = SandboxEnvironment(pool=pool)
            began = time.perf_counter()
            env.evaluate("1", {})
            times.append(time.perf_counter() - began)
    return [
        f"4. a fresh sandbox process to its first answer ({samples} samples)",
        f"   median {median_ms(times):.1f} ms, p95 {p95_ms(times):.1f} ms",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Overhead of the sandbox processes.")
    parser.add_argument("--samples", type=int, default=3000, help="evaluations per figure 1 entry")
    parser.add_argument("--lifecycles", type=int, default=20, help="lifecycles per figure 2 entry")
    parser.add_argument("--threads", type=int, default=4, help="threads for figure 3")
    args = parser.parse_args(argv)
    if min(args.samples, args.lifecycles, args.threads) < 1:
        parser.error("--samples, --lifecycles and --threads must be at least 1")

    print(f"Python {platform.python_version()} on {platform.machine()}, {platform.system()}")
    with SandboxPool(size=max(args.threads, 1)) as pool:
        # Warm up: started processes, compiled code on both sides.
        evaluations(pool, 50)
        sections = [
            evaluations(pool, args.samples),
            lifecycles(pool, args.lifecycles),
            threaded(pool, args.threads, max(args.samples // args.threads, 1)),
        ]
    sections.append(replacement(10))
    print("\n\n".join("\n".join(lines) for lines in sections))
    return 0


if __name__ == "__main__":
    sys.exit(main())
