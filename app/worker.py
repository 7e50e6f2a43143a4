"""The in-process worker of the embedded default: one daemon thread firing timers and sending mail."""

from __future__ import annotations

import atexit
import logging
import threading

from sqlalchemy.orm import Session, sessionmaker

from workflows.clock import Clock
from workflows.worker import run_worker

log = logging.getLogger(__name__)


class WorkerThread:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, poll_seconds: float = 5.0) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=run_worker,
            args=(sessions, clock, self._stop, "web-worker", poll_seconds),
            name="biliktilik-worker",
            daemon=True,
        )

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
