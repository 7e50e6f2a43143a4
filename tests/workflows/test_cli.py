"""The engine is usable from the shell: the `biliktilik` command drives a case end to end."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, select

from tests.app.writes import snapshot
from tests.conftest import Demo
from tests.workflows.flow import application
from workflows.cases.models import Event, Job
from workflows.cli import main


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _run(engine: Engine, *args: str, now: str = "2026-03-01T09:00:00+05:00") -> str:
    result = CliRunner().invoke(
        main, ["--database", _url(engine), "--now", now, *args], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_a_case_driven_from_the_command_line(committed_engine: Engine, demo: Demo) -> None:
    out = _run(committed_engine, "start", "--as", "teacher", "--data", json.dumps(application()))
    case = int(re.search(r"case (\d+)", out).group(1))  # type: ignore[union-attr]
    listing = _run(committed_engine, "tasks", "--as", "head")
    assert "Жоғары мектептегі цифрлық педагогика" in listing
    task = int(listing.split("\t", 1)[0])
    _run(committed_engine, "claim", str(task), "--as", "head")
    out = _run(committed_engine, "complete", str(task), "--as", "head", "--data", '{"decision": "approve"}')
    assert "open tasks" in out
    rector_task = int(_run(committed_engine, "tasks", "--as", "rector").split("\t", 1)[0])
    _run(
        committed_engine,
        "complete",
        str(rector_task),
        "--as",
        "rector",
        "--data",
        '{"decision": "reject", "comment": "Жоқ"}',
    )
    history = _run(committed_engine, "history", str(case))
    assert "case_started" in history and "case_rejected" in history


def test_refusals_are_explained_and_exit_non_zero(committed_engine: Engine, demo: Demo) -> None:
    result = CliRunner().invoke(
        main,
        [
            "--database",
            _url(committed_engine),
            "--now",
            "2026-03-02T09:00:00+05:00",
            "start",
            "--as",
            "teacher",
            "--data",
            json.dumps(application()),
        ],
    )
    assert result.exit_code != 0
    assert "start_date" in result.output and "2026-03-22" in result.output


def test_setup_is_idempotent(committed_engine: Engine, demo: Demo) -> None:
    out = _run(committed_engine, "setup")
    assert "unchanged" in out and "0 people added" in out


def test_two_worker_processes_fire_each_job_once(
    committed_engine: Engine, demo: Demo, tmp_path: Path
) -> None:
    for n in range(4):
        data = json.dumps(application(course=f"Курс {n}"))
        _run(committed_engine, "start", "--as", "teacher", "--data", data)
    with committed_engine.connect() as conn:
        pending = (
            conn.execute(select(Job.id).where(Job.status == "pending", Job.kind == "email")).scalars().all()
        )
        # The endorsement's deadline timers wait for later days: the workers leave them be.
        timers = (
            conn.execute(select(Job.id).where(Job.status == "pending", Job.kind == "timer")).scalars().all()
        )
    assert len(pending) == 4  # one "new task" email per case, for the head
    assert len(timers) == 4 * 3  # each endorsement's reminder, escalation and late-order alarm
    command = [
        sys.executable,
        "-m",
        "workflows.cli",
        "--database",
        _url(committed_engine),
        "--now",
        "2026-03-01T10:00:00+05:00",
        "worker",
        "--once",
    ]
    env = {"MAIL_OUTBOX": str(tmp_path / "outbox"), "PATH": "/usr/bin:/bin"}
    workers = [
        subprocess.Popen([*command, "--name", f"w{i}"], stdout=subprocess.PIPE, env=env) for i in range(2)
    ]
    outputs = [w.communicate(timeout=120)[0].decode() for w in workers]
    assert all(w.returncode == 0 for w in workers), outputs
    done = sum(int(found.group(1)) for o in outputs if (found := re.search(r"done (\d+)", o)))
    assert done == 4
    with committed_engine.connect() as conn:
        rows = conn.execute(select(Job.status, Job.attempts).where(Job.id.in_(pending))).all()
        assert rows and all(r == ("done", 1) for r in rows)
        left = conn.execute(select(Job.status).where(Job.id.in_(timers))).scalars().all()
        assert left == ["pending"] * len(timers)
        assert conn.execute(select(Event.id)).first() is not None
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 4


# Bad input on the command line: (arguments, exit status, what the one-line message says).
# Usage errors exit 2 (click's convention), refusals 1; none prints a traceback or writes anything.
BAD_INPUT: list[tuple[list[str], int, str]] = [
    (["start", "--as", "teacher", "--data", "{bad"], 2, "not JSON: Expecting property name"),
    (["start", "--as", "teacher", "--data", "@/nonexistent/application.json"], 2, "cannot read"),
    (["start", "--as", "teacher", "--data", "[" * 100_000], 2, "nested deeper than 32 levels"),
    (["start", "--as", "teacher", "--data", '{"a": ' + "[" * 40 + "]" * 40 + "}"], 2, "deeper than 32"),
    (["start", "--as", "teacher", "--data", json.dumps(application(place="a\x00b"))], 2, "NUL"),
    (["start", "--as", "a\x00b", "--data", json.dumps(application())], 2, "NUL"),
    (["start", "--as", "teacher", "--data", '{"cost": 1e999}'], 2, "infinite"),
    (["start", "--as", "teacher", "--data", '{"cost": NaN}'], 2, "not a number"),
    (["start", "--as", "teacher", "--data", '{"hours": 1' + "0" * 5000 + "}"], 2, "too long to read"),
    (["start", "--as", "teacher", "--data", "[1, 2]"], 2, "must be a JSON object"),
    (["complete", "99999999999999999999", "--as", "head"], 2, "not in the range"),
    (["claim", "2147483648", "--as", "head"], 2, "not in the range"),
    (["history", "99999999999999999999"], 2, "not in the range"),
    (["--now", "yesterday", "tasks", "--as", "head"], 2, "not an ISO date-time"),
    (["--now", "2026-03-01T09:00", "tasks", "--as", "head"], 2, "no UTC offset"),
    (["--now", "9999-12-31T23:59:59-12:00", "tasks", "--as", "head"], 2, "out of the calendar's range"),
    (["worker", "--once", "--poll", "-1"], 2, "not in the range"),
    (["history", "999999"], 1, "there is no case 999999"),
    (["complete", "999999", "--as", "head"], 1, "No such task"),
    (["tasks", "--as", "nobody"], 1, "no person 'nobody'"),
]


@pytest.mark.parametrize(
    ("args", "status", "says"), BAD_INPUT, ids=[" ".join(a)[:60] for a, _s, _m in BAD_INPUT]
)
def test_bad_input_is_one_line_on_stderr_and_writes_nothing(
    committed_engine: Engine, demo: Demo, tmp_path: Path, args: list[str], status: int, says: str
) -> None:
    with committed_engine.connect() as conn:
        before = snapshot(conn, tmp_path)
    result = CliRunner().invoke(main, ["--database", _url(committed_engine), *args], catch_exceptions=False)
    assert result.exit_code == status, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and says in errors[0], result.stderr
    assert "Traceback" not in result.output
    with committed_engine.connect() as conn:
        assert snapshot(conn, tmp_path).changes_since(before) == []


def test_a_database_that_cannot_be_reached_is_one_line(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "workflows.cli", "--database", "postgresql://nobody@127.0.0.1:1/x"]
    done = subprocess.run(
        [*command, "tasks", "--as", "head"],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("Error: the database did not answer as expected: ") and "127.0.0.1" in line


def test_a_database_url_that_is_none_is_a_usage_error() -> None:
    result = CliRunner().invoke(
        main, ["--database", "nonsense", "tasks", "--as", "head"], catch_exceptions=False
    )
    assert result.exit_code == 2
    assert "not a database URL" in result.stderr
