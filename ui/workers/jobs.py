"""Runs slow work (database, printing, card, the photo pipeline) on a thread pool and hands the
result back to the GUI thread. ``synchronous=True`` runs jobs inline (tests).

    jobs.run("save applicant", fn, on_done=..., on_error=...)

``on_error`` receives the exception; without one, the error goes to the crash/error handler."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

__all__ = ["JobRunner"]

log = logging.getLogger("station.ui")


class _Relay(QObject):
    done = Signal(object, object)  # (callback, value)


class _Job(QRunnable):
    def __init__(
        self,
        runner: JobRunner,
        name: str,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
    ) -> None:
        super().__init__()
        self.runner, self.name, self.fn = runner, name, fn
        self.on_done, self.on_error = on_done, on_error

    def run(self) -> None:
        self.runner._execute(self)


class JobRunner(QObject):
    """Signals:
    busy_changed(bool): whether any job is running.
    failed(str, object): a job without ``on_error`` failed: (job name, exception).
    """

    busy_changed = Signal(bool)
    failed = Signal(str, object)

    def __init__(self, *, synchronous: bool = False, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.synchronous = synchronous
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)
        self._relay = _Relay()
        self._relay.done.connect(self._on_relay_done)
        self._running = 0
        self._closed = False
        self._lock = threading.Lock()

    def close(self) -> None:
        """The window is gone: jobs still running finish, but their callbacks are dropped (a
        late "database open" must not open a login dialog after the event loop ended), and
        new jobs are refused (logged)."""
        self._closed = True

    def run(
        self,
        name: str,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        if self._closed:
            log.info("job %r not started: the window is closing", name)
            return
        job = _Job(self, name, fn, on_done, on_error)
        with self._lock:
            self._running += 1
            if self._running == 1:
                self.busy_changed.emit(True)
        if self.synchronous:
            self._execute(job)
        else:
            self._pool.start(job)

    def wait(self, ms: int = 30000) -> bool:
        return self._pool.waitForDone(ms)

    @property
    def busy(self) -> bool:
        return self._running > 0

    def _execute(self, job: _Job) -> None:
        try:
            value = job.fn()
        except Exception as exc:
            log.info("job %r failed: %s", job.name, exc)
            self._relay.done.emit(lambda e=exc: self._fail(job, e), None)
        else:
            self._relay.done.emit(lambda v=value: self._succeed(job, v), None)

    def _succeed(self, job: _Job, value: Any) -> None:
        try:
            if job.on_done is not None:
                job.on_done(value)
        finally:
            self._finish()

    def _fail(self, job: _Job, exc: BaseException) -> None:
        try:
            if job.on_error is not None:
                job.on_error(exc)
            else:
                self.failed.emit(job.name, exc)
        finally:
            self._finish()

    def _finish(self) -> None:
        with self._lock:
            self._running -= 1
            idle = self._running == 0
        if idle:
            self.busy_changed.emit(False)

    @Slot(object, object)
    def _on_relay_done(self, callback: Callable[[], None], _unused: object) -> None:
        if self._closed:
            self._finish()
            return
        callback()
