"""Runs the live loop: camera thread -> (newest frame) -> live view and analysis worker ->
guidance -> live view; auto-capture; the shutter. A QObject with no widgets of its own.

Frames go to the view as they come (every one is painted); the analysis worker gets each frame
too but only ever works on the newest. The overlay shows the newest analysis, at most one frame
behind at 30 fps on this machine (bench/bench_ui.py measures it)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot

from capture.guidance import AutoCapture
from capture.sources import CameraSource, Frame
from ui.live_pipeline import LiveResult
from ui.live_view import LiveView
from ui.workers.analysis import AnalysisWorker
from ui.workers.camera import CameraThread

__all__ = ["LiveController"]

log = logging.getLogger("station.ui")


class LiveController(QObject):
    """Signals:
    camera_opened(str): the camera's name.
    camera_failed(str): one line; the camera thread has stopped (offer reconnect).
    first_analysis(float): seconds from ``start`` to the first analysed frame.
    analysed(object): each LiveResult, on the GUI thread.
    auto_state(str, float): auto-capture "idle"/"counting"/"countdown" and seconds left.
    captured(object, object): the shutter fired: (Frame, LiveResult or None); also for a
        hot-folder still.
    """

    camera_opened = Signal(str)
    camera_failed = Signal(str)
    first_analysis = Signal(float)
    analysed = Signal(object)
    auto_state = Signal(str, float)
    captured = Signal(object, object)

    def __init__(
        self,
        view: LiveView | None,
        source_factory: Callable[[], CameraSource],
        analysis: AnalysisWorker,
        auto: AutoCapture,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.view: LiveView = view  # type: ignore[assignment]  # the window sets it before start()
        self.source_factory = source_factory
        self.analysis = analysis
        self.auto = auto
        self.camera: CameraThread | None = None
        self.latest: LiveResult | None = None
        self.latest_frame: Frame | None = None
        self.paused = False  # while reviewing: frames still shown, no auto-capture
        self._t_start = 0.0
        self._first_reported = False
        self.analysis.result.connect(self._on_analysis_result)

    # -- camera ------------------------------------------------------------------------------
    def start(self) -> None:
        self.stop_camera()
        self._t_start = time.monotonic()
        self._first_reported = False
        if self.view is not None:
            self.view.set_message("")
        cam = CameraThread(self.source_factory)
        cam.opened.connect(self._on_camera_opened)
        cam.frame_ready.connect(self._on_camera_frame_ready)
        cam.failed.connect(self._on_camera_failed)
        self.camera = cam
        self.analysis.start()
        cam.start()

    def stop_camera(self) -> None:
        if self.camera is not None:
            self.camera.stop()
            self.camera.deleteLater()
            self.camera = None

    def shutdown(self) -> None:
        self.stop_camera()
        self.analysis.stop()

    def set_source_factory(self, factory: Callable[[], CameraSource]) -> None:
        self.source_factory = factory

    @Slot(str)
    def _on_camera_opened(self, name: str) -> None:
        self.camera_opened.emit(name)

    @Slot(str)
    def _on_camera_failed(self, message: str) -> None:
        self.view.set_message(message)
        self.camera_failed.emit(message)

    @Slot()
    def _on_camera_frame_ready(self) -> None:
        if self.camera is None:
            return
        frame = self.camera.take()
        if frame is not None:
            self.feed(frame)

    def feed(self, frame: Frame) -> None:
        """Show one frame and hand it to the analysis (the camera thread's path; tests call it
        directly with the analysis switched to synchronous)."""
        self.latest_frame = frame
        self.view.show_frame(frame)
        if frame.still:
            # A studio still from the hot folder goes straight through the pipeline.
            self.captured.emit(frame, None)
            return
        self.analysis.submit(frame)

    # -- analysis ----------------------------------------------------------------------------
    @Slot(object)
    def _on_analysis_result(self, result: LiveResult) -> None:
        self.latest = result
        if not self._first_reported:
            self._first_reported = True
            self.first_analysis.emit(time.monotonic() - self._t_start)
        self.view.set_guidance(result.guidance, result.frame.index)
        self.analysed.emit(result)
        if self.paused:
            return
        ev = self.auto.feed(result.guidance.all_green, result.guidance.score, result.frame.timestamp, result)
        if ev.kind == "countdown":
            self.view.set_countdown(ev.remaining_s)
            self.auto_state.emit("countdown", ev.remaining_s)
        elif ev.kind == "fire":
            self.view.set_countdown(None)
            self.auto_state.emit("idle", 0.0)
            best: LiveResult = ev.best
            self._fire(best.frame, best)
        else:
            self.view.set_countdown(None)
            self.auto_state.emit(ev.kind if ev.kind != "cancel" else "idle", float(ev.streak))

    def shutter(self) -> bool:
        """The manual shutter: the newest analysed frame (else the newest frame). False when
        there is no frame yet."""
        if self.latest is not None:
            self._fire(self.latest.frame, self.latest)
            return True
        if self.latest_frame is not None:
            self._fire(self.latest_frame, None)
            return True
        return False

    def _fire(self, frame: Frame, result: LiveResult | None) -> None:
        self.auto.reset()
        self.view.set_countdown(None)
        self.view.flash()
        self.captured.emit(frame, result)
