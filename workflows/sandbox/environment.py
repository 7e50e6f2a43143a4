"""The SpiffWorkflow script environment: every expression and script goes to a sandbox process.

This module is the seam between SpiffWorkflow's ``PythonScriptEngine`` and the
sandbox. It refuses code in this process (compile-time policy, so that the
editor's checks and the run agree), sends what passes to the pool together
with the task data and the host functions, and writes a script's result back
into the task data. Service operators run here, in the application process:
they write to the database. Only the evaluation of their parameters, which
SpiffWorkflow does through :meth:`SandboxEnvironment.evaluate`, is sandboxed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, Literal

from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from workflows.sandbox.compiler import _FORBIDDEN_NAMES, _compile
from workflows.sandbox.errors import ScriptFailed
from workflows.sandbox.evaluator import CPU_LIMIT_MARGIN, DEFAULT_TIME_LIMIT, Request
from workflows.sandbox.functions import check_transferable
from workflows.sandbox.pool import SandboxPool, default_pool


class SandboxEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow script environment running diagram code in the sandbox.

    ``functions`` are made available to every script and expression; they must
    be importable (see ``functions.py``). ``service_handler(operation_name,
    params)`` serves spiff service tasks. ``time_limit`` is the wall-clock
    limit that Python-level code is stopped at with :class:`ScriptTimeout`;
    ``cpu_limit`` the CPU seconds after which the kernel ends the sandbox
    process whatever it is doing (default: ``time_limit`` plus one second).
    ``pool`` defaults to the process-wide :func:`default_pool`.
    """

    def __init__(
        self,
        functions: Mapping[str, Callable[..., Any]] | None = None,
        service_handler: Callable[[str, dict[str, Any]], Any] | None = None,
        time_limit: float = DEFAULT_TIME_LIMIT,
        cpu_limit: float | None = None,
        pool: SandboxPool | None = None,
    ) -> None:
        functions = dict(functions or {})
        clashes = sorted(name for name in functions if name.startswith("_") or name in _FORBIDDEN_NAMES)
        if clashes:
            raise ValueError(f"function names scripts could not call: {', '.join(clashes)}")
        if time_limit <= 0:
            raise ValueError("time_limit must be positive")
        cpu_limit = time_limit + CPU_LIMIT_MARGIN if cpu_limit is None else cpu_limit
        if cpu_limit <= 0:
            raise ValueError("cpu_limit must be positive")
        check_transferable(functions)
        super().__init__(functions)
        self.functions: dict[str, Callable[..., Any]] = functions
        self.service_handler = service_handler
        self.time_limit = time_limit
        self.cpu_limit = cpu_limit
        self._pool = pool

    @property
    def pool(self) -> SandboxPool:
        # Looked up per call, so that environments built before the application
        # configured the default pool still use the configured one.
        return self._pool or default_pool()

    def evaluate(
        self,
        expression: str,
        context: dict[str, Any],
        external_context: dict[str, Any] | None = None,
    ) -> Any:
        """Return the value of ``expression``; ``context`` is left untouched."""
        # Refused here, before any process is involved; the copy that crosses to
        # the sandbox process also keeps conditions from changing the task data.
        _compile(expression, "eval")
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
        _compile(script, "exec")
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
        request = Request(
            mode=mode,
            source=source,
            data=data,
            external=external,
            functions=self.functions,
            time_limit=self.time_limit,
            cpu_limit=self.cpu_limit,
        )
        return self.pool.run(request)
