"""The diagram-code sandbox: what scripts may do, what they must not, and the time limit."""

from __future__ import annotations

import sys
import threading
from types import FrameType
from typing import Any

import pytest

from tests.workflows.sandbox.hosts import make_env
from workflows.sandbox import (
    SandboxEnvironment,
    ScriptFailed,
    ScriptRejected,
    ScriptTimeout,
    check_expression,
    check_script,
    compile_expression,
    compile_script,
    evaluator,
)

# ---------------------------------------------------------------- ordinary code


def test_arithmetic_and_builtins() -> None:
    env = make_env()
    assert env.evaluate("(a + 2) * 3 // 4 - abs(-1) + round(2.6) + divmod(7, 2)[1]", {"a": 4}) == 7
    assert env.evaluate("max(xs) - min(xs) + sum(xs) + len(xs)", {"xs": [3, 1, 2]}) == 11
    assert env.evaluate("int('12') + float('0.5') + bool(0)", {}) == 12.5
    assert env.evaluate("isinstance(x, str) and str(5) == '5'", {"x": "s"}) is True


def test_comprehensions_and_collections() -> None:
    env = make_env()
    data = {"people": [{"name": "Aida", "hours": 72}, {"name": "Bolat", "hours": 18}]}
    assert env.evaluate("[p['name'] for p in people if p['hours'] >= 36]", data) == ["Aida"]
    assert env.evaluate("{p['name']: p['hours'] // 36 for p in people}", data) == {"Aida": 2, "Bolat": 0}
    assert env.evaluate("sorted({h % 5 for h in [p['hours'] for p in people]})", data) == [2, 3]
    assert env.evaluate(
        "any(p['hours'] > 70 for p in people) and not all(p['hours'] > 70 for p in people)", data
    )
    assert env.evaluate("list(zip(range(2), 'ab')) + list(enumerate(['x']))", {}) == [
        (0, "a"),
        (1, "b"),
        (0, "x"),
    ]
    assert env.evaluate("dict(a=1, **extra)", {"extra": {"b": 2}}) == {"a": 1, "b": 2}
    assert env.evaluate("tuple(reversed([1, 2])) + tuple(set([3]))", {}) == (2, 1, 3)


def test_string_methods_and_formatting() -> None:
    env = make_env()
    assert env.evaluate("name.strip().title()", {"name": "  aida n. "}) == "Aida N."
    assert env.evaluate("', '.join(sorted(tags)).upper()", {"tags": ["b", "a"]}) == "A, B"
    assert env.evaluate("f'{n:03d}-{s!r}' + ' %s' % n", {"n": 7, "s": "x"}) == "007-'x' 7"
    assert env.evaluate("code.startswith('KZ') and code[2:].isdigit()", {"code": "KZ42"}) is True


def test_provided_functions_are_callable() -> None:
    env = make_env()
    assert env.evaluate("double(x) + pass_mark() + lookup('b')", {"x": 4}) == 60
    assert env.evaluate("lookup.label", {}) == "lookup"


def test_condition_returns_bool() -> None:
    env = make_env()
    condition = "score >= pass_mark() and status in ('approved', 'pending')"
    assert env.evaluate(condition, {"score": 51, "status": "approved"}) is True
    assert env.evaluate(condition, {"score": 49, "status": "approved"}) is False


def test_missing_attribute_is_an_error_not_none() -> None:
    with pytest.raises(AttributeError):
        make_env().evaluate("x.no_such_attribute", {"x": "text"})


def test_evaluate_does_not_mutate_context() -> None:
    context = {"xs": [1, 2, 3], "d": {"k": 1}}
    assert make_env().evaluate("xs.append(4) or d.pop('k') + len(xs)", context) == 5
    assert context == {"xs": [1, 2, 3], "d": {"k": 1}}


def test_execute_stores_new_and_changed_variables_only() -> None:
    env = make_env()
    context: dict[str, Any] = {"a": 1, "xs": [1, 2], "tmp": "gone"}
    script = (
        "b = a + 1\n"
        "a = a * 10\n"
        "total = 0\n"
        "for i, x in enumerate(xs):\n"
        "    total += i * x\n"
        "first, (second, third) = 1, (2, 3)\n"
        "xs.append(double(3))\n"
        "helper = lambda v: v\n"
        "def fn():\n"
        "    return 1\n"
        "del tmp\n"
    )
    assert env.execute(script, context) is True
    assert context == {
        "a": 10,
        "xs": [1, 2, 6],
        "b": 2,
        "total": 2,
        "i": 1,
        "x": 2,
        "first": 1,
        "second": 2,
        "third": 3,
    }


def test_execute_reads_external_context_without_storing_it() -> None:
    context: dict[str, Any] = {}
    make_env().execute("copy = shared['n'] + 1", context, {"shared": {"n": 41}})
    assert context == {"copy": 42}


def test_failed_script_leaves_task_data_untouched() -> None:
    context: dict[str, Any] = {"a": 1, "xs": [1]}
    with pytest.raises(ZeroDivisionError):
        make_env().execute("a = 2\nxs.append(2)\nb = 1 / 0", context)
    assert context == {"a": 1, "xs": [1]}


def test_loops_and_handled_errors_work_within_the_limit() -> None:
    context: dict[str, Any] = {}
    script = (
        "n = 0\n"
        "while n < 20000:\n"
        "    n += 1\n"
        "try:\n"
        "    value = int('x')\n"
        "except ValueError:\n"
        "    value = -1\n"
        "finally:\n"
        "    done = True\n"
    )
    make_env().execute(script, context)
    assert context == {"n": 20000, "value": -1, "done": True}


def test_compiled_code_is_cached() -> None:
    assert compile_script("x = 1") is compile_script("x = 1")
    assert compile_expression("x + 1") is compile_expression("x + 1")


def test_check_functions_report_reasons_with_lines() -> None:
    assert check_script("x = 1\ny = [v for v in range(x)]") == []
    assert check_expression("a and b") == []
    assert check_script("x = 1\nimport os") == ["line 2: imports are not allowed"]
    assert check_expression("a ==")[0].startswith("line 1: syntax error")
    with pytest.raises(ScriptRejected) as caught:
        compile_script("x = 1\n\nopen('f')")
    assert caught.value.message == '"open" is not available in scripts'
    assert caught.value.lineno == 3


def test_constructor_refuses_unusable_function_names_and_limits() -> None:
    with pytest.raises(ValueError, match="_private"):
        SandboxEnvironment(functions={"_private": len})
    with pytest.raises(ValueError, match="time_limit"):
        SandboxEnvironment(time_limit=0)


# ---------------------------------------------------------------- escape corpus

# (source, mode): each must be refused before anything runs.
REJECTED = [
    ("import os", "exec"),
    ("from os import system", "exec"),
    ("__import__('os')", "eval"),
    ("open('/etc/passwd').read()", "eval"),
    ("().__class__.__base__.__subclasses__()", "eval"),
    ("getattr(1, '__class__')", "eval"),
    ("type(1).__mro__", "eval"),
    ("(lambda: 0).__code__", "eval"),
    ("(x for x in []).gi_frame", "eval"),
    ("exec('1')", "eval"),
    ("eval('1')", "eval"),
    ("compile('1','','eval')", "eval"),
    ("globals()", "eval"),
    ("vars()", "eval"),
    ("locals()", "eval"),
    ("[c for c in ().__class__.__bases__]", "eval"),
    ("f'{().__class__}'", "eval"),
    ("10**10**8", "eval"),
    ("2 ** 100000", "eval"),
    ("pow(10, 10**8)", "eval"),
    ("1 << 10**9", "eval"),
    ("x = 1\nx **= 10**6", "exec"),
    ("9" * 120, "eval"),
    ("int.mro()", "eval"),
    ("class A:\n    pass", "exec"),
    ("print('hi')", "exec"),
    ("setattr(double, 'x', 1)", "eval"),
    ("try:\n    pass\nexcept double(1):\n    pass", "exec"),
    # Constant sizes that would allocate gigabytes in one C call.
    ("'x' * 10**9", "eval"),
    ("[0] * 10**9", "eval"),
    ("10**9 * b'x'", "eval"),
    ("(0,) * 1000 * 1000 * 1000", "eval"),
    ("s = 'ab' * 10**6", "exec"),
    ("'x'.ljust(10**9)", "eval"),
    ("'x'.center(10**9)", "eval"),
    ("'0'.zfill(10**9)", "eval"),
    ("'\\t'.expandtabs(10**9)", "eval"),
    ("f'{1:>1000000000}'", "eval"),
    ("f'{1:.2000000f}'", "eval"),
    ("'%1000000000d' % 1", "eval"),
]


@pytest.mark.parametrize(("source", "mode"), REJECTED, ids=[s for s, _ in REJECTED])
def test_escape_is_rejected_at_compile_time(source: str, mode: str) -> None:
    env = make_env()
    with pytest.raises(ScriptRejected):
        if mode == "eval":
            env.evaluate(source, {})
        else:
            env.execute(source, {})
    checker = check_expression if mode == "eval" else check_script
    assert checker(source)


ACCEPTED_SIZES = [
    "'-' * 80",
    "[0] * 10 + [1] * 2",
    "'x' * 10**6",
    "name.ljust(20) + '0'.zfill(3)",
    "f'{n:>10.2f}|{n:%}'",
    "'%5d of %s' % (n, 'all 1000000000')",
    "names * 10**9",
]


@pytest.mark.parametrize("source", ACCEPTED_SIZES)
def test_small_or_data_sized_repetition_compiles(source: str) -> None:
    assert check_expression(source) == []


# (source, mode, exception): accepted by the compiler, stopped by the guards.
FAIL_AT_RUN_TIME: list[tuple[str, str, type[BaseException]]] = [
    ("'{0.__class__}'.format(1)", "eval", NotImplementedError),
    ("'{}'.format_map", "eval", NotImplementedError),
    ("double.x = 1", "exec", TypeError),
    ("lookup.label = 'changed'", "exec", TypeError),
    ("del lookup.label", "exec", TypeError),
    ("raise SystemExit(1)", "exec", NameError),
    ("sum(range(10**12))", "eval", ValueError),
]


@pytest.mark.parametrize(
    ("source", "mode", "error"), FAIL_AT_RUN_TIME, ids=[s for s, _, _ in FAIL_AT_RUN_TIME]
)
def test_escape_fails_at_run_time(source: str, mode: str, error: type[BaseException]) -> None:
    env = make_env()
    with pytest.raises(error):
        if mode == "eval":
            env.evaluate(source, {})
        else:
            env.execute(source, {})


def test_provided_object_keeps_its_attribute() -> None:
    env = make_env()
    with pytest.raises(TypeError):
        env.execute("lookup.label = 'changed'", {})
    assert env.evaluate("lookup.label", {}) == "lookup"


def test_data_may_not_overwrite_a_provided_function() -> None:
    context = {"double": 3}
    with pytest.raises(ValueError, match="double"):
        make_env().execute("x = double(1)", context)
    assert context == {"double": 3}


def test_external_context_may_not_be_overwritten_either() -> None:
    with pytest.raises(ValueError, match="shared"):
        make_env().execute("x = 1", {"shared": 1}, {"shared": 2})


# ---------------------------------------------------------------- time limit

LOOPS = {
    "bare-loop": "while True: pass",
    "loop-swallowing-the-timeout": """
while True:
    try:
        while True:
            pass
    except Exception:
        pass
""",
    "loop-in-finally": "try:\n    while True: pass\nfinally:\n    while True: pass",
    "nested-function": "def spin():\n    while True: pass\n[spin() for _ in [1]]",
    "exponential-recursion": "def f(n):\n    return f(n - 1) + f(n - 1) if n else 0\nf(80)",
    "comprehension": "x = [1 for _ in range(10**6) for _ in range(10**6)]",
    "lambda-callback": "s = 0\nfor i in range(10**6):\n    s += sum(map(lambda v: v * i, range(10**6)))",
}


def run_bounded(script: str, time_limit: float = 0.2) -> dict[str, Any]:
    """Run ``script`` in a daemon thread so that a broken limit fails the test instead of hanging it."""
    outcome: dict[str, Any] = {}

    def work() -> None:
        before = sys.gettrace()
        try:
            make_env(time_limit=time_limit).execute(script, {})
        except Exception as exc:
            outcome["error"] = exc
        outcome["restored"] = sys.gettrace() is before
        outcome["main_thread"] = threading.current_thread() is threading.main_thread()

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(timeout=5)
    assert not worker.is_alive(), "the script was not stopped"
    return outcome


@pytest.mark.parametrize("script", LOOPS.values(), ids=LOOPS.keys())
def test_runaway_script_times_out_and_restores_tracing(script: str) -> None:
    outcome = run_bounded(script)
    assert isinstance(outcome.get("error"), ScriptTimeout)
    assert outcome["restored"] is True


def test_timeout_in_the_main_thread_restores_tracing() -> None:
    before = sys.gettrace()
    with pytest.raises(ScriptTimeout):
        make_env(time_limit=0.2).execute("while True: pass", {})
    assert sys.gettrace() is before


def test_expression_times_out() -> None:
    with pytest.raises(ScriptTimeout):
        make_env(time_limit=0.2).evaluate("[i for i in range(10**6) for j in range(10**6)]", {})


def test_timeout_restores_a_previously_installed_trace_function() -> None:
    calls: list[str] = []

    def outer_tracer(frame: FrameType, event: str, arg: Any) -> None:
        calls.append(event)

    original = sys.gettrace()
    sys.settrace(outer_tracer)
    try:
        with pytest.raises(ScriptTimeout):
            make_env(time_limit=0.2).execute("while True: pass", {})
        restored = sys.gettrace()
    finally:
        sys.settrace(original)
    assert restored is outer_tracer


def test_the_evaluator_itself_restores_a_previous_trace_function() -> None:
    # Through the environment the tracer runs in a sandbox process; a process serves one
    # evaluation after another, so the evaluator must leave tracing as it found it.
    def outer_tracer(frame: FrameType, event: str, arg: Any) -> None:
        return None

    original = sys.gettrace()
    sys.settrace(outer_tracer)
    try:
        with pytest.raises(ScriptTimeout):
            evaluator.evaluate(
                evaluator.Request(mode="exec", source="while True: pass", data={}, time_limit=0.2)
            )
        restored = sys.gettrace()
    finally:
        sys.settrace(original)
    assert restored is outer_tracer


def test_timeout_in_a_worker_thread() -> None:
    outcome = run_bounded("while True: pass")
    assert outcome["main_thread"] is False
    assert isinstance(outcome.get("error"), ScriptTimeout)
    assert outcome["restored"] is True


# ---------------------------------------------------------------- service tasks


def test_call_service_flattens_parameters_and_returns_json() -> None:
    received: list[tuple[str, dict[str, Any]]] = []

    def handler(name: str, params: dict[str, Any]) -> Any:
        received.append((name, params))
        return {"ok": True, "n": params["n"]}

    env = make_env(service_handler=handler)
    result = env.call_service(
        {}, operation_name="notify", operation_params={"n": {"value": 3, "type": "int"}}
    )
    assert result == '{"ok": true, "n": 3}'
    assert received == [("notify", {"n": 3})]


def test_call_service_without_handler_or_with_bad_result() -> None:
    with pytest.raises(ScriptFailed, match="no service handler"):
        make_env().call_service({}, operation_name="notify", operation_params={})
    with pytest.raises(ScriptFailed, match="non-JSON"):
        make_env(service_handler=lambda name, params: object()).call_service(
            {}, operation_name="notify", operation_params={}
        )
