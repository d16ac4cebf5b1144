"""The single live-analysis worker: it analyses only the NEWEST frame it was given; a frame that
arrives while it is busy replaces the waiting one (counted in ``dropped``), never queues.
``synchronous=True`` runs the analysis inside :meth:`submit` instead (deterministic tests)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from capture.sources import Frame

__all__ = ["AnalysisWorker"]

log = logging.getLogger("station.ui")


class _Thread(QThread):
    def __init__(self, worker: AnalysisWorker) -> None:
        super().__init__()
        self._worker = worker

    def run(self) -> None:
        self._worker._loop()


class AnalysisWorker(QObject):
    """Signals:
    result(object): a LiveResult for the newest frame (emitted from the worker thread;
        connections to GUI objects are queued).
    """

    result = Signal(object)

    def __init__(
        self, analyse: Callable[[Frame], Any], *, synchronous: bool = False, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._analyse = analyse
        self.synchronous = synchronous
        self._cond = threading.Condition()
        self._pending: Frame | None = None
        self._busy = False
        self._stopping = False
        self._thread: _Thread | None = None
        self.analysed = 0
        self.dropped = 0

    @property
    def analyse(self) -> Callable[[Frame], Any]:
        """The callable that analyses one frame (the LivePipeline in the window)."""
        with self._cond:
            return self._analyse

    def set_analyse(self, analyse: Callable[[Frame], Any]) -> None:
        with self._cond:
            self._analyse = analyse

    def start(self) -> None:
        if self.synchronous or self._thread is not None:
            return
        self._stopping = False
        self._thread = _Thread(self)
        self._thread.start()

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.wait(5000)
            self._thread = None

    @property
    def idle(self) -> bool:
        with self._cond:
            return not self._busy and self._pending is None

    def submit(self, frame: Frame) -> None:
        if self.synchronous:
            self._run_one(frame)
            return
        with self._cond:
            if self._pending is not None:
                self.dropped += 1
            self._pending = frame
            self._cond.notify()

    def _run_one(self, frame: Frame) -> None:
        try:
            out = self._analyse(frame)
        except Exception:
            log.exception("live analysis crashed on frame %d", frame.index)
            raise
        self.analysed += 1
        self.result.emit(out)

    def _loop(self) -> None:
        warm_up = getattr(self._analyse, "warm_up", None)
        if callable(warm_up):  # load the models while the camera opens
            try:
                warm_up()
            except Exception:
                log.exception("warming up the live analysis failed")
        while True:
            with self._cond:
                while self._pending is None and not self._stopping:
                    self._cond.wait()
                if self._stopping:
                    return
                frame, self._pending = self._pending, None
                self._busy = True
            try:
                self._run_one(frame)
            except Exception:
                import sys

                sys.excepthook(*sys.exc_info())  # the crash handler shows it once
            finally:
                with self._cond:
                    self._busy = False
