"""Runs the live loop: camera thread -> (newest frame) -> live view and analysis worker ->
guidance -> live view; auto-capture; the shutter. A QObject with no widgets of its own.

Frames go to the view as they come (every one is painted); the analysis worker gets each frame
too but only ever works on the newest. The overlay shows the newest analysis, at most one frame
behind at 30 fps on this machine (bench/bench_ui.py measures it)."""

from __future__ import annotations

import contextlib
import logging
import time
from collections import deque
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
        self._paused = False
        self._held_stills: deque[Frame] = deque()  # hot-folder stills that came while paused
        self._stopping: list[CameraThread] = []  # stopped, not finished yet: kept until finished
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
        """Stop the camera thread without blocking the GUI thread: it is asked to stop and its
        signals are cut; it is deleted only once it has ``finished`` (a driver stuck in a read
        may take a while; deleting a running QThread aborts the program)."""
        cam = self.camera
        if cam is None:
            return
        self.camera = None
        for signal, slot in (
            (cam.opened, self._on_camera_opened),
            (cam.frame_ready, self._on_camera_frame_ready),
            (cam.failed, self._on_camera_failed),
        ):
            with contextlib.suppress(RuntimeError, TypeError):
                signal.disconnect(slot)
        cam.request_stop()
        if cam.isFinished() or not cam.isRunning():
            cam.deleteLater()
            return
        self._stopping.append(cam)
        cam.finished.connect(self._on_camera_finished)
        if cam.isFinished():  # it ended between the check and the connection
            self._on_camera_finished()

    @Slot()
    def _on_camera_finished(self) -> None:
        for cam in [c for c in self._stopping if c.isFinished()]:
            self._stopping.remove(cam)
            cam.deleteLater()

    def shutdown(self, wait_ms: int = 3000) -> bool:
        """At exit: stop the camera and the analysis and wait (bounded) for the camera threads.
        False when a camera thread is still running after ``wait_ms`` (it is then kept, not
        deleted, and logged)."""
        self.stop_camera()
        self.analysis.stop()
        deadline = time.monotonic() + wait_ms / 1000
        ok = True
        for cam in list(self._stopping):
            left = max(0, int((deadline - time.monotonic()) * 1000))
            if cam.wait(left):
                self._stopping.remove(cam)
                cam.deleteLater()
            else:
                ok = False
                log.warning("camera thread still running %d ms after stop; not deleted", wait_ms)
        return ok

    # -- profile -------------------------------------------------------------------------------
    def set_profile(self, profile: object) -> bool:
        """The live analysis judges frames against ``profile`` from the next frame on (the
        pipeline reads its profile once per frame). Auto-capture starts counting again. False
        when the analysis has no profile to change (a stub)."""
        setter = getattr(self.analysis.analyse, "set_profile", None)
        if not callable(setter):
            return False
        setter(profile)
        self.auto.reset()
        return True

    # -- pause (review and the other pages) --------------------------------------------------
    @property
    def paused(self) -> bool:
        """While reviewing or on another page: frames still shown, no auto-capture, and a
        hot-folder still waits (it must not replace the photo under review)."""
        return self._paused

    @paused.setter
    def paused(self, value: bool) -> None:
        self._paused = bool(value)
        if not self._paused and self._held_stills:
            # One still per return to the camera: it goes to review, which pauses again; the
            # next one follows the next time the clerk is back on the camera page.
            frame = self._held_stills.popleft()
            log.info("delivering a held studio still (%d more waiting)", len(self._held_stills))
            self.captured.emit(frame, None)

    @property
    def held_stills(self) -> int:
        return len(self._held_stills)

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
            # A studio still from the hot folder goes straight through the pipeline, unless a
            # photo is under review: then it waits until the clerk is back on the camera.
            if self._paused:
                self._held_stills.append(frame)
                log.info("studio still held while paused (%d waiting)", len(self._held_stills))
            else:
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
