"""The benchmarks still run to their figures: each is started as its README line says, with the
smallest sizes, and must finish and print its tables. Nothing here looks at the figures themselves."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

RUNS = {
    "lifecycle": (
        ["--sqlite-only", "--lifecycles", "1", "--loops", "1", "--timers", "1"],
        "statements_per_completion: ",
    ),
    "org_pages": (
        ["--sqlite-only", "--people", "50", "--departments", "2", "--tasks", "5", "--requests", "1"],
        "statements",
    ),
    "sandbox": (["--samples", "5", "--lifecycles", "1", "--threads", "2"], "a fresh sandbox process"),
    "standing": (
        ["--sqlite-only", "--people", "40", "--small", "10", "--repeat", "1"],
        "Every periodicity standing",
    ),
    "registers": (["--sqlite-only", "--cases", "60", "--seeds", "3", "--repeat", "1"], "p95 ms"),
    "reports": (
        ["--sqlite-only", "--cases", "60", "--people", "40", "--seeds", "3", "--repeat", "1"],
        "annual report 602-06",
    ),
    "timers": (["--sqlite-only", "--timers", "1", "--spacing", "0.1"], "within 2 s"),
    "staff_import": (["--sqlite-only", "--rows", "50"], "preview and apply times"),
    "planning": (
        ["--sqlite-only", "--departments", "4", "--lines", "20", "--repeat", "1"],
        "slipped lines entered in the journal",
    ),
}


@pytest.mark.parametrize("name", sorted(RUNS))
def test_the_benchmark_prints_its_figures(name: str, tmp_path: Path) -> None:
    args, heading = RUNS[name]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / f"{name}.py"), *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert heading in done.stdout and "Traceback" not in done.stderr


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="bench/scale.py needs PostgreSQL")
def test_the_scale_benchmark_runs_small(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "scale.py"),
            "--small",
            "--postgres-url",
            env["TEST_DATABASE_URL"],
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "inbox page, HR officer" in done.stdout and "errors: 0" in done.stdout
