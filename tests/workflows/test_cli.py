"""The engine is usable from the shell: the `biliktilik` command drives a case end to end."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import Engine, select

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
        pending = conn.execute(select(Job.id).where(Job.status == "pending")).scalars().all()
    assert len(pending) == 4  # one "new task" email per case, for the head
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
        assert conn.execute(select(Event.id)).first() is not None
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 4
