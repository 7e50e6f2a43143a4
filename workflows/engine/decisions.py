"""Turning DMN text into cached decision tables, and evaluating them with SpiffWorkflow's DMN engine.

A decision table is edited by process owners, so its cells are untrusted code like a diagram's
expressions: the DMN engine builds each test (``staff_category in ("teaching", "research")``) and
every output, and the script engine it calls runs them in the sandbox, never in this process.
"""

from __future__ import annotations

import ast
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine
from SpiffWorkflow.dmn.parser.BpmnDmnParser import BpmnDmnParser
from SpiffWorkflow.dmn.specs.model import DecisionTable
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import VALIDATOR

from workflows.engine.definition import ContentCache, parse_xml
from workflows.errors import DecisionFailed, DefinitionInvalid, Problem, problem
from workflows.sandbox import SandboxEnvironment, SandboxError

DMN_NAMESPACES = {
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
    "http://www.omg.org/spec/DMN/20180521/MODEL/",
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
}
HIT_POLICIES = ("UNIQUE", "FIRST", "COLLECT")
CELL_TIME_LIMIT = 1.0
_ROW = re.compile(r"row (\d+)")
# A "?" outside quotes stands for the input's value (as in SpiffWorkflow's engine).
_QUESTION = re.compile(r"\?(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")


@dataclass(frozen=True)
class Column:
    id: str
    label: str
    name: str  # an output's key; for an input the expression it reads
    type_ref: str


@dataclass(frozen=True)
class RuleRow:
    id: str
    number: int  # 1-based, as the table shows it
    description: str
    inputs: tuple[str, ...]  # "" or "-": any value
    outputs: tuple[str, ...]


@dataclass(frozen=True)
class ParsedDecision:
    key: str  # the decision id
    name: str
    hit_policy: str
    inputs: tuple[Column, ...]
    outputs: tuple[Column, ...]
    rules: tuple[RuleRow, ...]
    _table: DecisionTable = field(compare=False, repr=False)
    # The variables any cell reads: facts outside it cannot change what the table decides.
    reads: frozenset[str] = frozenset()

    def evaluate(self, facts: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The outputs of the matching rules (all of them for COLLECT, else the first), in table order."""
        return evaluate(self, facts)

    def decide(self, facts: Mapping[str, Any]) -> list[tuple[int, dict[str, Any]]]:
        return decide(self, facts)

    def column(self, output_name: str) -> Column | None:
        return next((c for c in self.outputs if c.name == output_name), None)


class _DecisionTask:
    """What the DMN engine reads from a task: its data, and the workflow's script engine (and, when
    it reports an error, the names it puts into the message)."""

    def __init__(self, decision: ParsedDecision, data: dict[str, Any], engine: PythonScriptEngine) -> None:
        self.data = data
        self.task_spec = SimpleNamespace(bpmn_name=decision.name or decision.key, bpmn_id=decision.key)
        workflow = SimpleNamespace(script_engine=engine, spec=SimpleNamespace(file=f"{decision.key}.dmn"))
        workflow.top_workflow = workflow
        self.workflow = workflow


_ENGINE_LOCK = threading.Lock()
_SCRIPT_ENGINE: PythonScriptEngine | None = None


def _script_engine() -> PythonScriptEngine:
    global _SCRIPT_ENGINE
    with _ENGINE_LOCK:
        if _SCRIPT_ENGINE is None:
            _SCRIPT_ENGINE = PythonScriptEngine(environment=SandboxEnvironment({}, None, CELL_TIME_LIMIT))
        return _SCRIPT_ENGINE


def _text(node: etree._Element | None) -> str:
    return (node.text or "").strip() if node is not None else ""


def _dmn_root(root: etree._Element) -> tuple[str, etree._Element]:
    namespace = etree.QName(root).namespace or ""
    if etree.QName(root).localname != "definitions" or namespace not in DMN_NAMESPACES:
        raise DefinitionInvalid([problem("decision_not_dmn")])
    decisions = root.findall(f"{{{namespace}}}decision")
    if len(decisions) != 1:
        raise DefinitionInvalid([problem("decision_count", **{"found": len(decisions)})])
    return namespace, decisions[0]


def _columns(table: DecisionTable) -> tuple[tuple[Column, ...], tuple[Column, ...]]:
    inputs = tuple(
        Column(i.id, (i.label or i.expression or i.id).strip(), (i.expression or "").strip(), i.typeRef or "")
        for i in table.inputs
    )
    outputs = tuple(
        Column(o.id, (o.label or o.name or o.id).strip(), (o.name or "").strip(), o.typeRef or "")
        for o in table.outputs
    )
    return inputs, outputs


def _rules(table: DecisionTable) -> tuple[RuleRow, ...]:
    return tuple(
        RuleRow(
            id=rule.id,
            number=rule.row_number,
            description=(rule.description or "").strip(),
            inputs=tuple((e.lhs[0] or "").strip() if e.lhs else "" for e in rule.inputEntries),
            outputs=tuple((e.text or "").strip() for e in rule.outputEntries),
        )
        for rule in table.rules
    )


def _engine_problem(exc: Exception) -> Problem:
    detail = str(exc).split("\n")[0] or exc.__class__.__name__
    if isinstance(exc, KeyError):
        detail = f"a required attribute is missing: {exc.args[0]!r}"
    if isinstance(exc, IndexError):
        detail = "a rule has more cells than the table has columns"
    line = getattr(exc, "line_number", None)
    return problem("decision_engine", None, line if isinstance(line, int) else None, detail=detail)


def _output_syntax(decision_node: etree._Element) -> list[Problem]:
    """Output cells the engine's parser would refuse with no word of where: named by rule and column."""
    table = decision_node.xpath("./*[local-name()='decisionTable']")[0]
    labels = [
        (o.get("label") or o.get("name") or o.get("id") or "").strip()
        for o in table.xpath("./*[local-name()='output']")
    ]
    problems: list[Problem] = []
    for number, rule in enumerate(table.xpath("./*[local-name()='rule']"), start=1):
        for index, entry in enumerate(rule.xpath("./*[local-name()='outputEntry']")):
            text = _text(entry.find("./{*}text"))
            try:
                ast.parse(text)
            except SyntaxError as exc:
                column = labels[index] if index < len(labels) else str(index + 1)
                problems.append(
                    problem(
                        "decision_cell",
                        rule.get("id"),
                        entry.sourceline,
                        rule=number,
                        column=column,
                        detail=exc.msg,
                    )
                )
    return problems


def parse_decision(dmn_xml: str | bytes) -> ParsedDecision:
    """Parse one DMN file holding one decision table; raises DefinitionInvalid with what is wrong."""
    root = parse_xml(dmn_xml)
    _namespace, decision_node = _dmn_root(root)
    if len(decision_node.xpath("./*[local-name()='decisionTable']")) != 1:
        raise DefinitionInvalid([problem("decision_table_missing", decision_node.get("id"))])
    syntax = _output_syntax(decision_node)
    if syntax:
        raise DefinitionInvalid(syntax)
    parser = BpmnDmnParser(validator=VALIDATOR)
    try:
        parser.add_dmn_xml(root, filename="decision.dmn")
        key = decision_node.get("id") or ""
        engine = parser.get_engine(key, decision_node)
    except (SpiffWorkflowException, KeyError, ValueError, TypeError, AttributeError, IndexError) as exc:
        raise DefinitionInvalid([_engine_problem(exc)]) from exc
    table = engine.decision_table
    if table.hit_policy not in HIT_POLICIES:
        raise DefinitionInvalid([problem("decision_hit_policy", key, policy=table.hit_policy)])
    inputs, outputs = _columns(table)
    rules = _rules(table)
    return ParsedDecision(
        key=key,
        name=(decision_node.get("name") or key).strip(),
        hit_policy=table.hit_policy,
        inputs=inputs,
        outputs=outputs,
        rules=rules,
        _table=table,
        reads=_names_read(inputs, rules),
    )


def _names_read(inputs: tuple[Column, ...], rules: tuple[RuleRow, ...]) -> frozenset[str]:
    """Every name the table's cells would look up when they run (a cell that does not parse counts
    as reading everything: its failure depends on no fact, but nothing is skipped on a guess)."""
    names: set[str] = set()
    for rule in rules:
        texts = [cell_expression(column, cell) for column, cell in zip(inputs, rule.inputs, strict=False)]
        for text in [*texts, *rule.outputs]:
            if not text:
                continue
            try:
                tree = ast.parse(text, mode="eval")
            except SyntaxError:
                return frozenset({"*"})
            names.update(node.id for node in ast.walk(tree) if isinstance(node, ast.Name))
    return frozenset(names)


def cell_expression(column: Column, cell: str) -> str | None:
    """The Python expression the DMN engine evaluates for an input cell (None: the cell is "any")."""
    if cell in ("", "-"):
        return None
    if "?" in cell:
        return _QUESTION.sub(f"({column.name})", cell)
    try:
        ast.parse(cell, mode="eval")
    except SyntaxError:
        return f"{column.name} {cell}"
    return f"({column.name}) == ({cell})"


class _TableEngine(DMNEngine):
    """SpiffWorkflow's DMN engine, testing each input cell with `cell_expression`.

    SpiffWorkflow 3.2 joins an input and an operator cell without a space (``staff_categoryin (...)``)
    and evaluates a ``?`` cell's input separately; one expression per cell, the same that the
    validator compiles, fixes the first and halves the sandbox round trips of the second.
    """

    def __init__(self, decision: ParsedDecision) -> None:
        super().__init__(decision._table)
        self._columns = {column.name: column for column in decision.inputs}

    def evaluate(self, input_expr: str | None, match_expr: str | None, task: Any) -> Any:
        if match_expr is None or input_expr is None:
            return True
        column = self._columns.get(input_expr.strip()) or Column("", "", input_expr.strip(), "")
        expression = cell_expression(column, match_expr.strip())
        if expression is None:
            return True
        return task.workflow.script_engine.evaluate(task, expression)


def _failure(decision: ParsedDecision, exc: BaseException) -> DecisionFailed:
    notes = " ".join(str(n) for n in getattr(exc, "notes", None) or getattr(exc, "__notes__", None) or [])
    found = _ROW.search(notes)
    cause: BaseException = exc
    while isinstance(cause, SpiffWorkflowException) and (cause.__cause__ or cause.__context__):
        cause = cause.__cause__ or cause.__context__ or cause
    return DecisionFailed(
        f"The decision table {decision.key} failed"
        + (f" in rule {found.group(1)}" if found else "")
        + f": {cause.__class__.__name__}: {cause}",
        decision=decision.key,
        rule=int(found.group(1)) if found else None,
        detail=f"{cause.__class__.__name__}: {cause}",
    )


def decide(decision: ParsedDecision, facts: Mapping[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """Run the table against `facts` (the variables its input expressions read): the number and the
    outputs of each matching rule (all of them for COLLECT, else the first), in table order."""
    task = _DecisionTask(decision, dict(facts), _script_engine())
    engine = _TableEngine(decision)
    try:
        matched = engine.decide(task)
        if decision.hit_policy != "COLLECT":
            matched = matched[:1]
        return [(rule.row_number, dict(rule.output_as_dict(task))) for rule in matched]
    except (SpiffWorkflowException, SandboxError, SyntaxError, ValueError, TypeError) as exc:
        raise _failure(decision, exc) from exc


def evaluate(decision: ParsedDecision, facts: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [outputs for _number, outputs in decide(decision, facts)]


# Parsed decision tables by content hash, like the diagrams.
DECISIONS: ContentCache[ParsedDecision] = ContentCache(parse_decision)
