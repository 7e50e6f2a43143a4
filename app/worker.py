"""The in-process worker of the embedded default: one daemon thread firing timers and sending mail."""

from __future__ import annotations

import atexit
import logging
import threading

from sqlalchemy.orm import Session, sessionmaker

from workflows.clock import Clock
from workflows.worker import FireResult, run_worker

log = logging.getLogger(__name__)


class WorkerThread:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, poll_seconds: float = 5.0) -> None:
        self._stop = threading.Event()
        self._passed = threading.Condition()
        self.passes = 0  # completed passes over the job table
        self._thread = threading.Thread(
            target=run_worker,
            args=(sessions, clock, self._stop, "web-worker", poll_seconds, self._count),
            name="biliktilik-worker",
            daemon=True,
        )

    def _count(self, _result: FireResult) -> None:
        with self._passed:
            self.passes += 1
            self._passed.notify_all()

    def wait_for_passes(self, count: int, timeout: float) -> bool:
        """Block until `count` passes are complete (False if `timeout` seconds go by first)."""
        with self._passed:
            return self._passed.wait_for(lambda: self.passes >= count, timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def start(self) -> None:
        self._thread.start()
        atexit.register(self.stop)
        log.info("in-process worker started")

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the loop to finish the job in hand and wait for it."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)
