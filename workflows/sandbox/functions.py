"""Host functions: what the application offers to diagram code, and how it reaches a sandbox process.

Scripts run in other processes, so each evaluation sends the host functions
along with the task data, pickled. Pickle sends a function by reference (its
module and name), so host functions must be importable: module-level
functions, ``functools.partial`` of them, or instances of module-level
classes. A lambda or a closure cannot cross and is refused when the
environment is built, not when a process first runs a diagram.

A function whose answer depends on state of the calling process (``today()``
reads the injected clock) is wrapped in :class:`Snapshot`: it crosses as the
value it has at the moment of the call, never as the state itself.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Mapping
from typing import Any


class Snapshot:
    """A host function evaluated in the calling process, once per evaluation.

    Called directly it calls ``compute``. Pickled -- which happens once for each
    evaluation sent to a sandbox process -- it calls ``compute`` and becomes a
    function returning that value, so the sandbox sees e.g. today's date as of
    the call without ever holding the clock.
    """

    def __init__(self, compute: Callable[[], Any]) -> None:
        self._compute = compute

    def __call__(self) -> Any:
        return self._compute()

    def __reduce__(self) -> tuple[type[Constant], tuple[Any]]:
        return Constant, (self._compute(),)


class Constant:
    """What a :class:`Snapshot` is in the sandbox: a function without arguments returning a fixed value."""

    # Underscored so that scripts cannot read or replace it as an attribute.
    __slots__ = ("_value",)

    def __init__(self, value: Any) -> None:
        self._value = value

    def __call__(self) -> Any:
        return self._value

    def __reduce__(self) -> tuple[type[Constant], tuple[Any]]:
        return Constant, (self._value,)


def check_transferable(functions: Mapping[str, Callable[..., Any]]) -> None:
    """Raise ValueError naming the host functions that cannot be sent to a sandbox process."""
    unfit = []
    for name, function in functions.items():
        try:
            pickle.dumps(function, pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            unfit.append(f"{name} ({exc})")
    if unfit:
        raise ValueError(
            "host functions must be importable (module-level functions or instances of "
            f"module-level classes) to reach the sandbox process: {', '.join(unfit)}"
        )
