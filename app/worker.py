"""The in-process worker of the embedded default: one daemon thread firing timers and sending mail.

It sleeps until the next job is due (at most `max_sleep` seconds), and the app's own commits wake
it: every session of the app's session factory that commits a queued job sets its event, so a new
task's email or a timer due in a second does not wait for the longest sleep.
"""

from __future__ import annotations

import atexit
import logging
import threading

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from workflows.cases.steps import queued_jobs
from workflows.clock import Clock
from workflows.worker import FireResult, run_worker

log = logging.getLogger(__name__)


class WorkerThread:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, max_sleep: float = 5.0) -> None:
        self._sessions = sessions
        self._stop = threading.Event()
        self._woken = threading.Event()
        self._passed = threading.Condition()
        self.passes = 0  # completed passes over the job table
        self._thread = threading.Thread(
            target=run_worker,
            args=(sessions, clock, self._stop, "web-worker", max_sleep, self._count, self._sleep),
            name="biliktilik-worker",
            daemon=True,
        )

    def _count(self, _result: FireResult) -> None:
        with self._passed:
            self.passes += 1
            self._passed.notify_all()

    def _sleep(self, seconds: float) -> None:
        # Cleared after waking and before the next pass: a commit that sets it during the pass
        # wakes the one after at once, and the pass after the clearing sees every earlier commit.
        self._woken.wait(seconds)
        self._woken.clear()

    def wake(self) -> None:
        """Run a pass now (a job was committed)."""
        self._woken.set()

    def _committed(self, session: Session) -> None:
        if queued_jobs(session):
            self.wake()

    def wait_for_passes(self, count: int, timeout: float) -> bool:
        """Block until `count` passes are complete (False if `timeout` seconds go by first)."""
        with self._passed:
            return self._passed.wait_for(lambda: self.passes >= count, timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def start(self) -> None:
        event.listen(self._sessions, "after_commit", self._committed)
        self._thread.start()
        atexit.register(self.stop)
        log.info("in-process worker started")

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the loop to finish the job in hand and wait for it."""
        self._stop.set()
        self.wake()
        if event.contains(self._sessions, "after_commit", self._committed):
            event.remove(self._sessions, "after_commit", self._committed)
        if self._thread.is_alive():
            self._thread.join(timeout)
