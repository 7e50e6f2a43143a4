"""Every code a service reports has its English written once, in workflows.wording."""

from __future__ import annotations

import ast

from tests.conftest import ROOT
from workflows.errors import field_error, problem
from workflows.wording import FIELDS, PROBLEMS, fill

WORKFLOWS = ROOT / "workflows"


def _codes(function: str, position: int) -> set[str]:
    """The constant codes passed to `function` (at argument `position`) anywhere in workflows/."""
    codes: set[str] = set()
    for path in WORKFLOWS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == function:
                argument = node.args[position] if len(node.args) > position else None
                if isinstance(argument, ast.Constant):
                    codes.add(str(argument.value))
            if function == "problem" and isinstance(node, ast.Tuple) and node.elts:
                first = node.elts[0]
                if isinstance(first, ast.Constant) and str(first.value).startswith("timer_"):
                    codes.add(str(first.value))
    return codes


def test_every_problem_code_has_its_wording() -> None:
    codes = _codes("problem", 0)
    assert {"no_form", "timer_unquoted", "form_json", "xml_syntax"} <= codes
    assert codes - set(PROBLEMS) == set()


def test_every_field_error_code_has_its_wording() -> None:
    codes = _codes("field_error", 1)
    assert {"start_too_far", "file_type", "document"} <= codes
    assert codes - set(FIELDS) == set()


def test_a_problem_names_its_element_and_fills_its_params() -> None:
    found = problem("missing_form", "rector_visa", 12, form="visa")
    assert found.message == "rector_visa: The form “visa” does not exist in this process."
    assert (found.element_id, found.line, found.params) == ("rector_visa", 12, {"form": "visa"})


def test_a_field_error_without_wording_keeps_the_services_text() -> None:
    assert field_error("x", "no_such_code", "as the service said").message == "as the service said"
    assert field_error("cost", "funding_cost_required").message == FIELDS["funding_cost_required"]


def test_a_template_with_a_missing_param_stays_readable() -> None:
    assert fill("At most %(max_mb)s MB.", {}) == "At most %(max_mb)s MB."
    assert fill("At most %(max_mb)s MB.", {"max_mb": 20}) == "At most 20 MB."
