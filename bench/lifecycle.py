"""How fast the qualification request runs through the services, against the bare engine and a floor.

    .venv/bin/python bench/lifecycle.py [--sqlite-only] [--lifecycles 30] [--loops 200] [--timers 10]
                                        [--postgres-url postgresql://postgres@127.0.0.1:5432/test]

Figures, per backend (SQLite in a temporary file; PostgreSQL from --postgres-url or BENCH_DATABASE_URL):

1. full lifecycles per second through the services, each step in its own session and commit as the
   web app and the worker do it: start, endorse, rector's visa, order, (clock past the course end)
   worker run, upload of the certificate, report, verification, meeting;
2. the same lifecycle on the bare engine in memory (`Runtime` with a trivial service handler);
3. the floor: the bare engine plus the serialized state written to a one-row table, one commit per step
   (and the same with the state reloaded from its text before every step, as a stateless request must);
4. the services' time over the floor;
5. median and p95 latency of `complete_task` (session, step and commit) on fresh instances and on one
   with --loops return-and-resubmit loops, with the SQL statements each step issues;
6. the size of the stored engine state after a finished lifecycle and after the loops;
7. where the services' time goes: the engine's steps, the state's load and dump, the commits, the
   statements' execution by the driver (round trips and the database's work), and the rest (the
   service code, SQLAlchemy's ORM and statement building);
8. the ten-step process of bench/ten_steps/ through the services (one employee, ten tasks), and the
   database growth per finished instance of it and of the qualification request.

It ends with a summary, one `key: value` a line (loop step ratios at passes 51 and 201, state size
ratio, statements per completion with the commit, bytes per finished ten-step instance, the time over
the floor per database, and the latest of --timers timers as bench/timers.py measures them).

Figures 1-3 are measured in turns (one lifecycle of each, again and again), so that all of them share
whatever else the machine is doing. On PostgreSQL everything lives in a schema of its own
(bench_<pid>), dropped at the end. Timings are printed, never checked.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
import traceback
from importlib.metadata import version as package_version
from pathlib import Path

import timers as timer_bench  # sibling modules: the script runs with bench/ on its path
from lifecycle_cost import PHASES, ratio, summary_lines
from lifecycle_runs import (
    BackendResult,
    PostgresUnavailable,
    Sample,
    run_postgres,
    run_sqlite,
)
from lifecycle_steps import (
    AFTER_COURSE,
    BEFORE_COURSE,
    DEFAULT_POSTGRES_URL,
    FRESH_INSTANCES,
    LONG_LOOPS_MEASURED,
    PROCESS,
    SERVICE_STEPS,
    median_ms,
    p95_ms,
    progress,
)

from workflows.definitions.publishing import BPMN_DIR
from workflows.definitions.versions import VERSIONS
from workflows.engine.definition import parse

# --- output ---------------------------------------------------------------------------------------------

Rows = list[tuple[str, list[str]]]
LABEL_WIDTH = 60


def render(names: list[str], sections: list[tuple[str, Rows]]) -> str:
    """All sections share one set of column widths so the figures line up down the page."""
    widths = [
        max([len(name), 12, *(len(cells[i]) for _, rows in sections for _, cells in rows)])
        for i, name in enumerate(names)
    ]
    lines: list[str] = []
    for title, rows in sections:
        head = "  ".join(n.rjust(w) for n, w in zip(names, widths, strict=True))
        lines.extend(["", title.ljust(LABEL_WIDTH) + head])
        for label, cells in rows:
            body = "  ".join(c.rjust(w) for c, w in zip(cells, widths, strict=True))
            lines.append(f"  {label}".ljust(LABEL_WIDTH) + body)
    return "\n".join(lines)


def latency_cell(samples: list[Sample]) -> str:
    seconds = [s.seconds for s in samples]
    return f"{median_ms(seconds):.1f} / {p95_ms(seconds):.1f}"


def statements_cell(samples: list[Sample]) -> str:
    """The distinct counts seen (one number when every sample issued the same)."""
    return "/".join(str(c) for c in sorted({s.statements for s in samples}))


def near(values: list[float], index: int) -> float:
    """The median of the five values around `index`: one step alone may have met a garbage collection."""
    return statistics.median(values[max(0, index - 2) : index + 3])


def checkpoints(count: int) -> list[int]:
    """Indexes of the first, two middle and the last loop."""
    return sorted({0, count // 5, count // 2, count - 1}) if count else []


def report(results: list[BackendResult], args: argparse.Namespace, pg_note: str) -> str:
    names = [r.name for r in results]
    pg = next((r.server_version for r in results if r.name == "PostgreSQL"), pg_note)
    loops = args.loops
    commits = 1 + len(BEFORE_COURSE) + 1 + 1 + len(AFTER_COURSE)
    header = [
        f"Biliktilik lifecycle benchmark: {PROCESS}, {args.lifecycles} lifecycles per throughput figure, "
        f"{loops} return-and-resubmit loops",
        f"Python {platform.python_version()} | SpiffWorkflow {package_version('SpiffWorkflow')} | "
        f"SQLAlchemy {package_version('SQLAlchemy')} | SQLite {sqlite3.sqlite_version} | PostgreSQL {pg} | "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
    ]

    throughput: Rows = [
        ("1. services, one session + commit per step", [f"{r.services_rate:.1f}" for r in results]),
        ("2. bare engine in memory (no database)", [f"{r.engine_rate:.1f}" for r in results]),
        (
            f"3. floor: engine + state to a 1-row table, {commits} commits",
            [f"{r.floor_rate:.1f}" for r in results],
        ),
        (
            "   floor with the state reloaded before each step",
            [f"{r.floor_reload_rate:.1f}" for r in results],
        ),
        ("4. services time / floor time", [f"{r.floor_rate / r.services_rate:.1f}x" for r in results]),
        (
            "   services time / floor-with-reload time",
            [f"{r.floor_reload_rate / r.services_rate:.1f}x" for r in results],
        ),
        ("   services time / bare engine time", [f"{r.engine_rate / r.services_rate:.1f}x" for r in results]),
        (
            "   SQL statements per lifecycle",
            [f"{statistics.mean(r.lifecycle.statements):.0f}" for r in results],
        ),
        (
            "   jobs per worker run (the timer + queued emails)",
            [f"{statistics.mean(r.lifecycle.worker_jobs):.0f}" for r in results],
        ),
    ]
    per_step: Rows = [
        (step, [f"{statistics.mean(r.lifecycle.per_step[step]) * 1000:.1f}" for r in results])
        for step in SERVICE_STEPS
    ]

    samples = f"{FRESH_INSTANCES * 2} / {LONG_LOOPS_MEASURED * 2}"
    latency: Rows = [(f"steps timed, fresh / after {loops} loops", [samples for _ in results])]
    statements: Rows = []
    for label, kind in (("endorse (head returns)", "endorse"), ("revise_application", "revise")):
        latency.append((f"{label}, fresh instance", [latency_cell(r.loops.fresh[kind]) for r in results]))
        latency.append((f"{label}, after {loops} loops", [latency_cell(r.loops.long[kind]) for r in results]))
        statements.append(
            (f"{label}, fresh instance", [statements_cell(r.loops.fresh[kind]) for r in results])
        )
        statements.append(
            (f"{label}, after {loops} loops", [statements_cell(r.loops.long[kind]) for r in results])
        )
    latency.append(
        (
            "both, fresh instance",
            [latency_cell([*r.loops.fresh["endorse"], *r.loops.fresh["revise"]]) for r in results],
        )
    )
    latency.append(
        (
            f"both, after {loops} loops",
            [latency_cell([*r.loops.long["endorse"], *r.loops.long["revise"]]) for r in results],
        )
    )
    latency.append(
        (
            "full garbage collections while timing, fresh / long",
            [f"{r.loops.full_collections[0]} / {r.loops.full_collections[1]}" for r in results],
        )
    )
    marks = checkpoints(loops)
    latency.append(
        (
            "one loop while building, ms near loop " + ", ".join(str(i + 1) for i in marks),
            [", ".join(f"{near(r.loops.by_loop, i) * 1000:.0f}" for i in marks) for r in results],
        )
    )
    statements.append(
        (
            "one loop while building, at loop " + ", ".join(str(i + 1) for i in marks),
            [", ".join(str(r.loops.statements_by_loop[i]) for i in marks) for r in results],
        )
    )
    verdicts = []
    for r in results:
        fresh = {s.statements for k in ("endorse", "revise") for s in r.loops.fresh[k]}
        long = {s.statements for k in ("endorse", "revise") for s in r.loops.long[k]}
        grows = fresh != long or len(set(r.loops.statements_by_loop)) > 1
        verdicts.append("GROWS" if grows else "constant")
    statements.append(("per step, fresh vs long history", verdicts))

    sizes: Rows = [
        ("fresh instance, waiting for the endorsement", [f"{r.loops.fresh_state_bytes:,}" for r in results]),
        ("after a finished lifecycle", [f"{r.finished_state_bytes:,}" for r in results]),
        (f"after {loops} loops", [f"{r.loops.long_state_bytes:,}" for r in results]),
        (
            "engine load + dump of the fresh / long state, ms",
            [f"{r.roundtrip_fresh * 1000:.1f} / {r.roundtrip_long * 1000:.1f}" for r in results],
        ),
    ]
    passes = sorted({p for r in results for p in r.loops.state_by_pass})
    sizes.append(
        (
            "on the long instance after pass " + ", ".join(str(p) for p in passes),
            [", ".join(f"{r.loops.state_by_pass.get(p, 0):,}" for p in passes) for r in results],
        )
    )
    phases: Rows = [(phase, [f"{r.phases.shares()[phase] * 100:.0f} %" for r in results]) for phase in PHASES]
    phases.append(("services' lifecycle time measured, s", [f"{r.phases.total:.1f}" for r in results]))
    ten: Rows = [
        (
            "complete_task, median / p95 ms",
            [f"{median_ms(r.ten_steps.seconds):.1f} / {p95_ms(r.ten_steps.seconds):.1f}" for r in results],
        ),
        (
            "SQL statements per complete_task, with the commit",
            ["/".join(str(c + 1) for c in sorted(set(r.ten_steps.statements))) for r in results],
        ),
        (
            "database growth per finished instance, bytes",
            [f"{r.ten_steps.bytes_per_instance:,.0f}" for r in results],
        ),
        (f"the same for a finished {PROCESS}", [f"{r.qualification_bytes:,.0f}" for r in results]),
    ]
    sections = [
        ("Lifecycles per second", throughput),
        ("Mean ms per lifecycle step (services)", per_step),
        ("5. complete_task, median / p95 ms", latency),
        ("   SQL statements per complete_task", statements),
        ("6. process_instance.state, bytes (UTF-8)", sizes),
        ("7. where the services' lifecycle time goes", phases),
        ("8. the ten-step process (bench/ten_steps/) through the services", ten),
    ]
    return "\n".join(header) + "\n" + render(names, sections)


def loop_ratio(r: BackendResult, index: int) -> float:
    """One loop (return + resubmit) near loop `index` of the long instance over one on a fresh one."""
    fresh = statistics.median(
        e.seconds + v.seconds for e, v in zip(r.loops.fresh["endorse"], r.loops.fresh["revise"], strict=True)
    )
    long = r.loops.by_loop + [
        e.seconds + v.seconds for e, v in zip(r.loops.long["endorse"], r.loops.long["revise"], strict=True)
    ]
    return ratio(near(long, min(index, len(long) - 1)), fresh)


def summary(results: list[BackendResult], timer_lateness: float | None) -> dict[str, float | int | str]:
    """The block the output ends with; ratios and sizes from the worst backend."""
    by_name = {r.name: r for r in results}
    statements = [c for r in results for c in r.completion_statements + r.ten_steps.statements]
    first = [r.loops.state_by_pass.get(1, 0) for r in results]
    last = [r.loops.state_by_pass[max(r.loops.state_by_pass)] for r in results]
    values: dict[str, float | int | str] = {
        "loop_step_ratio_51": max(loop_ratio(r, 50) for r in results),
        "loop_step_ratio_201": max(loop_ratio(r, 200) for r in results),
        "state_bytes_ratio_201": max(ratio(b, a) for a, b in zip(first, last, strict=True)),
        "statements_per_completion": max(statements) + 1,  # the commit
        "bytes_per_finished_instance": round(max(r.ten_steps.bytes_per_instance for r in results)),
        "over_floor_sqlite": "-",
        "over_floor_postgresql": "-",
        "timer_lateness_max_s": timer_lateness if timer_lateness is not None else "-",
    }
    for name, key in (("SQLite", "over_floor_sqlite"), ("PostgreSQL", "over_floor_postgresql")):
        if name in by_name:
            values[key] = ratio(by_name[name].floor_rate, by_name[name].services_rate)
    return values


def timer_lateness(args: argparse.Namespace, workdir: Path) -> float | None:
    """The latest of --timers timers (bench/timers.py, both runs, every backend), in seconds."""
    if args.timers < 1:
        return None
    timer_args = argparse.Namespace(
        timers=args.timers, spacing=0.5, lead=1.0, max_sleep=5.0, postgres_url=args.postgres_url
    )
    late: list[float] = []
    VERSIONS.clear()
    progress("timers: SQLite with the embedded worker thread")
    runs = timer_bench.run_sqlite(timer_args, workdir)
    if not args.sqlite_only:
        VERSIONS.clear()
        progress("timers: PostgreSQL with a separate worker process")
        runs += timer_bench.run_postgres(timer_args, workdir)
    for run in runs:
        if run.missing:
            return float("inf")
        late.extend(run.late)
    return max(late) if late else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Lifecycle throughput and step latency of Biliktilik.")
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--lifecycles", type=int, default=30, help="lifecycles per throughput figure")
    parser.add_argument(
        "--loops", type=int, default=200, help="return-and-resubmit loops of the long instance"
    )
    parser.add_argument(
        "--timers", type=int, default=10, help="timers for the lateness figure (0: not measured)"
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_POSTGRES_URL),
        help="PostgreSQL server to use; a schema bench_<pid> is created there and dropped at the end",
    )
    args = parser.parse_args(argv)
    if args.lifecycles < 1 or args.loops < 1:
        parser.error("--lifecycles and --loops must be at least 1")

    began = time.perf_counter()
    failed = False
    with tempfile.TemporaryDirectory(prefix="biliktilik-bench-") as tmp:
        workdir = Path(tmp)
        # Emails go to files in the temporary directory, never to a mail server.
        os.environ.pop("SMTP_HOST", None)
        os.environ["MAIL_OUTBOX"] = str(workdir / "outbox")

        definition = parse((BPMN_DIR / f"{PROCESS}.bpmn").read_text(encoding="utf-8"))

        results = [run_sqlite(definition, args, workdir)]
        pg_note = "not run (--sqlite-only)"
        if not args.sqlite_only:
            try:
                results.append(run_postgres(definition, args, workdir))
            except PostgresUnavailable as exc:
                pg_note = f"unavailable: {exc}"
                progress(f"PostgreSQL skipped, {pg_note}")
            except Exception:  # print what SQLite measured, then fail
                traceback.print_exc()
                pg_note, failed = "run failed (traceback on stderr)", True
        lateness = timer_lateness(args, workdir) if not failed else None
    print(report(results, args, pg_note))
    print(f"\nTotal run time {time.perf_counter() - began:.0f} s\n")
    print(summary_lines(summary(results, lateness)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
