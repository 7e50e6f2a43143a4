"""The SpiffWorkflow script environment running diagram code through the evaluator."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from typing import Any, Literal

from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from workflows.sandbox import evaluator
from workflows.sandbox.compiler import _FORBIDDEN_NAMES
from workflows.sandbox.errors import ScriptFailed


class SandboxEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow script environment running diagram code in the sandbox.

    ``functions`` are made available to every script and expression;
    ``service_handler(operation_name, params)`` serves spiff service tasks.
    """

    def __init__(
        self,
        functions: Mapping[str, Callable[..., Any]] | None = None,
        service_handler: Callable[[str, dict[str, Any]], Any] | None = None,
        time_limit: float = 1.0,
    ) -> None:
        functions = dict(functions or {})
        clashes = sorted(name for name in functions if name.startswith("_") or name in _FORBIDDEN_NAMES)
        if clashes:
            raise ValueError(f"function names scripts could not call: {', '.join(clashes)}")
        if time_limit <= 0:
            raise ValueError("time_limit must be positive")
        super().__init__(functions)
        self.functions: dict[str, Callable[..., Any]] = functions
        self.service_handler = service_handler
        self.time_limit = time_limit

    def evaluate(
        self,
        expression: str,
        context: dict[str, Any],
        external_context: dict[str, Any] | None = None,
    ) -> Any:
        """Return the value of ``expression``; ``context`` is left untouched."""
        return self._run("eval", expression, context, external_context or {})

    def execute(
        self,
        script: str,
        context: dict[str, Any],
        external_context: dict[str, Any] | None = None,
    ) -> bool:
        """Run ``script`` with the task data as variables and store the result back into ``context``.

        The script runs on a copy, so a script that fails or times out leaves
        the task data as it was.
        """
        external = external_context or {}
        self._check_for_overwrite(context, external)
        result = self._run("exec", script, context, external)
        context.clear()
        context.update(result)
        return True

    def call_service(self, context: dict[str, Any], **kwargs: Any) -> str:
        """Serve a spiff service task: call the handler and return its result as JSON."""
        if self.service_handler is None:
            raise ScriptFailed("service tasks are not available: no service handler is configured")
        operation_name = kwargs.get("operation_name")
        if not isinstance(operation_name, str) or not operation_name:
            raise ScriptFailed("service task without an operation name")
        params: dict[str, Any] = {}
        for name, param in (kwargs.get("operation_params") or {}).items():
            if not isinstance(param, Mapping) or "value" not in param:
                raise ScriptFailed(f"service parameter {name!r} has no evaluated value")
            params[name] = param["value"]
        result = self.service_handler(operation_name, params)
        try:
            return json.dumps(result)
        except (TypeError, ValueError) as exc:
            raise ScriptFailed(f"service {operation_name!r} returned a non-JSON value: {exc}") from exc

    def _check_for_overwrite(self, context: Mapping[str, Any], external: Mapping[str, Any]) -> None:
        # Mirrors TaskDataEnvironment: otherwise the function would silently be
        # shadowed by data and fail later with a baffling "not callable".
        clashes = (set(self.functions) | set(external)) & set(context)
        if clashes:
            raise ValueError(
                "task data overwrites predefined function(s); rename the following "
                f"variable or field name(s): {', '.join(sorted(clashes))}"
            )

    def _run(
        self, mode: Literal["eval", "exec"], source: str, data: dict[str, Any], external: dict[str, Any]
    ) -> Any:
        # A deep copy, because methods such as list.append reach through a
        # shallow one; conditions must not have side effects on task data.
        request = evaluator.Request(
            mode=mode,
            source=source,
            data=copy.deepcopy(data),
            external=external,
            functions=self.functions,
            time_limit=self.time_limit,
        )
        return evaluator.evaluate(request)
