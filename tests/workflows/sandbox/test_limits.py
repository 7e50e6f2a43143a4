"""Hard limits: what the sandbox processes stop that the time limit cannot see, and the pool living on."""

from __future__ import annotations

import copy
import resource
import traceback
from collections.abc import Iterator
from typing import Any

import pytest

from tests.workflows.sandbox import hosts
from workflows.sandbox import SandboxEnvironment, SandboxPool, ScriptFailed, ScriptLimitExceeded
from workflows.sandbox.evaluator import Request, evaluate

N = 10**9


@pytest.fixture(scope="module")
def pool() -> Iterator[SandboxPool]:
    with SandboxPool(size=2, memory_mb=256, kill_grace=2.0) as pool:
        yield pool


def make_env(pool: SandboxPool, **kwargs: Any) -> SandboxEnvironment:
    limits: dict[str, Any] = {"time_limit": 0.2, "cpu_limit": 0.5, **kwargs}
    return SandboxEnvironment(functions=hosts.lookup_table(), pool=pool, **limits)


def assert_still_serves(env: SandboxEnvironment) -> None:
    assert env.evaluate("double(a) + 1", {"a": 20}) == 41
    context: dict[str, Any] = {"a": 1}
    env.execute("b = a + 1", context)
    assert context == {"a": 1, "b": 2}


# (source, data, the limit that stops it): sizes from task data, out of the compiler's sight,
# each one C call that the time limit cannot interrupt.
FROM_DATA: dict[str, tuple[str, dict[str, Any], str]] = {
    "power-then-modulo": ("(3**n) % 7", {"n": 10**8}, "cpu"),
    "power": ("10**n > 0", {"n": 10**8}, "cpu"),
    "pow": ("pow(3, n) > 0", {"n": 10**8}, "cpu"),
    "str-repeat": ("'x' * n", {"n": N}, "memory"),
    "repeat-first": ("n * 'ab'", {"n": N}, "memory"),
    "list-repeat": ("[0] * n", {"n": N}, "memory"),
    "bytes-repeat": ("b'x' * n", {"n": N}, "memory"),
    "ljust": ("'x'.ljust(n)", {"n": N}, "memory"),
    "center": ("'x'.center(n)", {"n": N}, "memory"),
    "zfill": ("'0'.zfill(n)", {"n": N}, "memory"),
    "expandtabs": ("'\\t'.expandtabs(n)", {"n": N}, "memory"),
    "format-width": ("f'{1:>{n}}'", {"n": N}, "memory"),
    "percent-width": ("'%*d' % (n, 1)", {"n": N}, "memory"),
    "replace": ("base.replace('', s)", {"base": "a" * 1000, "s": "x" * 10**6}, "memory"),
    "list-times-data": ("len(list(range(10**6)) * n)", {"n": 1000}, "memory"),
}


@pytest.mark.parametrize(("source", "data", "limit"), FROM_DATA.values(), ids=FROM_DATA.keys())
def test_huge_work_sized_by_data_is_stopped_and_the_pool_serves_on(
    pool: SandboxPool, source: str, data: dict[str, Any], limit: str
) -> None:
    env = make_env(pool)
    with pytest.raises(ScriptLimitExceeded) as caught:
        env.evaluate(source, data)
    assert caught.value.limit == limit
    assert_still_serves(env)


def test_the_same_in_a_script_reports_the_line(pool: SandboxPool) -> None:
    env = make_env(pool)
    context: dict[str, Any] = {"n": N, "kept": True}
    with pytest.raises(ScriptLimitExceeded) as caught:
        env.execute("a = 1\nb = 'x' * n\nc = 3", context)
    lines = [f.lineno for f in traceback.extract_tb(caught.value.__traceback__) if f.filename == "<string>"]
    assert lines[-1] == 2
    assert context == {"n": N, "kept": True}


def test_bytes_is_not_offered_to_scripts_at_all(pool: SandboxPool) -> None:
    with pytest.raises(NameError):
        make_env(pool).evaluate("bytes(n)", {"n": N})


def test_a_script_exhausting_memory_leaves_the_parent_alone(pool: SandboxPool) -> None:
    env = make_env(pool, time_limit=5.0)
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ScriptLimitExceeded) as caught:
        env.execute("xs = []\nwhile True:\n    xs.append('x' * 10**6)", {})
    assert caught.value.limit == "memory"
    # In this process, the loop would have grown it by far more than the sandbox's limit.
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before
    assert grown_kb < 100 * 1024
    assert_still_serves(env)


def test_a_process_killed_for_cpu_is_replaced() -> None:
    with SandboxPool(size=1) as pool:
        env = make_env(pool)
        assert_still_serves(env)
        (first,) = pool.child_pids()
        with pytest.raises(ScriptLimitExceeded) as caught:
            env.evaluate("(3**n) % 7", {"n": 10**8})
        assert caught.value.limit == "cpu"
        assert "CPU time" in str(caught.value)
        assert pool.child_pids() == []
        assert_still_serves(env)
        (second,) = pool.child_pids()
        assert second != first


def test_the_watchdog_kills_a_process_that_waits_instead_of_computing(pool: SandboxPool) -> None:
    # Host functions run untraced and sleeping uses no CPU: only the watchdog can end this.
    env = make_env(pool)
    with pytest.raises(ScriptLimitExceeded) as caught:
        env.evaluate("nap(60)", {})
    assert caught.value.limit == "time"
    assert_still_serves(env)


def test_memory_limit_is_a_pool_setting() -> None:
    # 'x' * 10**8 fits in 256 MB but not in 64.
    with SandboxPool(size=1, memory_mb=64) as small, SandboxPool(size=1, memory_mb=256) as large:
        assert make_env(large).evaluate("len('x' * n)", {"n": 10**8}) == 10**8
        with pytest.raises(ScriptLimitExceeded):
            make_env(small).evaluate("len('x' * n)", {"n": 10**8})


# ---------------------------------------------------------------- same results as in-process

SCRIPTS = [
    ("total = sum(points)\npassed = [p for p in points if p >= pass_mark()]", {"points": [40, 60, 90]}),
    ("pairs = list(zip(range(2), 'ab'))\nmarks = {p % 5 for p in points}", {"points": [12, 17, 3]}),
    ("d = dict(a=1)\nd['b'] = double(2)\nname = name.title()\nt = (1, 2.5, None, True)", {"name": "aida"}),
    ("xs.append(lookup('b'))\nx = xs[-1]\ndel tmp\nhelper = lambda v: v", {"xs": [1], "tmp": 0}),
    ("try:\n    v = int('x')\nexcept ValueError:\n    v = -1\nr = range(3)\nc = complex(1, 2)", {}),
]


@pytest.mark.parametrize(("script", "data"), SCRIPTS)
def test_scripts_update_task_data_as_they_did_in_process(
    pool: SandboxPool, script: str, data: dict[str, Any]
) -> None:
    request = Request(mode="exec", source=script, data=copy.deepcopy(data), functions=hosts.lookup_table())
    in_process = evaluate(request)
    context = copy.deepcopy(data)
    make_env(pool).execute(script, context)
    assert context == in_process
    assert {k: type(v) for k, v in context.items()} == {k: type(v) for k, v in in_process.items()}


EXPRESSIONS = [
    ("score >= pass_mark() and status in ('approved', 'pending')", {"score": 51, "status": "approved"}),
    ("tuple(reversed(xs)) + tuple(set([3]))", {"xs": [1, 2]}),
    ("{p['name']: p['hours'] // 36 for p in people}", {"people": [{"name": "A", "hours": 72}]}),
    ("frozenset(xs) | {9}", {"xs": [1]}),
    ("[None, 1.5, 'é', b'raw']", {}),
]


@pytest.mark.parametrize(("expression", "data"), EXPRESSIONS)
def test_expressions_return_what_they_returned_in_process(
    pool: SandboxPool, expression: str, data: dict[str, Any]
) -> None:
    functions = hosts.lookup_table()
    request = Request(mode="eval", source=expression, data=copy.deepcopy(data), functions=functions)
    in_process = evaluate(request)
    value = make_env(pool).evaluate(expression, data)
    assert value == in_process and type(value) is type(in_process)


def test_values_that_are_not_data_cannot_come_back(pool: SandboxPool) -> None:
    env = make_env(pool)
    with pytest.raises(ScriptFailed, match="gen"):
        env.execute("gen = (x for x in xs)", {"xs": [1]})
    with pytest.raises(ScriptFailed, match="not plain data"):
        env.evaluate("map(double, xs)", {"xs": [1]})
    assert_still_serves(env)


def test_a_giant_error_message_crosses_shortened(pool: SandboxPool) -> None:
    env = make_env(pool)
    with pytest.raises(ValueError, match=r"^x+\.\.\.$") as caught:
        env.execute("raise ValueError('x' * n)", {"n": 10**7})
    assert len(str(caught.value)) < 20_000
    assert_still_serves(env)
