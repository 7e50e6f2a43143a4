"""The layering of docs/architecture.md is enforced by the linter, not by promise."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUFF = Path(sys.executable).with_name("ruff")


def _lint(path: str, source: str) -> subprocess.CompletedProcess[str]:
    """Lint `source` as if it were the file at `path` (nothing is written into the tree)."""
    return subprocess.run(
        [str(RUFF), "check", "--no-cache", "--select", "TID251", "--stdin-filename", path, "-"],
        input=source,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


@pytest.mark.parametrize("module", ["flask", "werkzeug", "flask_babel", "flask_login", "flask_wtf"])
@pytest.mark.parametrize("path", ["workflows/cases/x.py", "workflows/engine/x.py", "workflows/sandbox/x.py"])
def test_nothing_below_the_web_imports_the_web_framework(path: str, module: str) -> None:
    result = _lint(path, f"import {module}\n")
    assert result.returncode == 1 and f"`{module}` is banned" in result.stdout, result.stdout


@pytest.mark.parametrize("path", ["workflows/cases/x.py", "workflows/org/x.py", "app/x.py"])
def test_only_the_engine_and_the_sandbox_import_spiffworkflow(path: str) -> None:
    result = _lint(path, "from SpiffWorkflow.bpmn.workflow import BpmnWorkflow\n")
    assert result.returncode == 1 and "`SpiffWorkflow` is banned" in result.stdout, result.stdout


@pytest.mark.parametrize("path", ["workflows/engine/x.py", "workflows/sandbox/x.py"])
def test_the_engine_and_the_sandbox_may(path: str) -> None:
    assert _lint(path, "from SpiffWorkflow.bpmn.workflow import BpmnWorkflow\n").returncode == 0


@pytest.mark.parametrize("module", ["workflows.engine.definition", "workflows.sandbox"])
def test_the_web_app_calls_services_not_the_engine(module: str) -> None:
    result = _lint("app/x.py", f"import {module}\n")
    assert result.returncode == 1 and "`workflows." in result.stdout, result.stdout


@pytest.mark.parametrize("domain", ["cases", "definitions", "messaging", "org", "records"])
def test_the_web_app_gets_plain_data_not_rows(domain: str) -> None:
    result = _lint("app/x.py", f"from workflows.{domain}.models import Base\n")
    assert result.returncode == 1 and "never database rows" in result.stdout, result.stdout


def test_services_may_use_each_other() -> None:
    assert _lint("workflows/cases/x.py", "from workflows.org.seats import seats\n").returncode == 0
