"""A webcam through OpenCV ``VideoCapture``.

Backend by platform: DirectShow (or Media Foundation) on Windows, V4L2 on Linux, AVFoundation
on macOS, chosen in :func:`backend_for_platform`; on Windows the other of DirectShow and Media
Foundation is tried when the first cannot open the camera (:func:`fallback_backends`). OpenCV
errors and silent read failures (the camera was unplugged) become one :class:`CameraError`."""

from __future__ import annotations

import logging
import sys
import time

import cv2
import numpy as np

from capture.errors import CameraError
from capture.sources.base import Frame, make_frame

__all__ = ["DeviceSource", "backend_for_platform", "fallback_backends"]

log = logging.getLogger("station.capture")

# Consecutive failed reads before the camera counts as gone (a USB camera may drop one frame).
MAX_FAILED_READS = 5


def backend_for_platform(platform: str | None = None, prefer_msmf: bool = False) -> int:
    """The ``cv2.CAP_*`` API for this platform."""
    plat = platform or sys.platform
    if plat.startswith("win"):
        return int(cv2.CAP_MSMF if prefer_msmf else cv2.CAP_DSHOW)
    if plat.startswith("linux"):
        return int(cv2.CAP_V4L2)
    if plat == "darwin":
        return int(cv2.CAP_AVFOUNDATION)
    return int(cv2.CAP_ANY)


def fallback_backends(backend: int, platform: str | None = None) -> list[int]:
    """The APIs to try when ``backend`` cannot open the camera: on Windows, DirectShow and Media
    Foundation stand in for each other (some cameras and drivers work with only one of them)."""
    plat = platform or sys.platform
    if plat.startswith("win"):
        if backend == cv2.CAP_DSHOW:
            return [int(cv2.CAP_MSMF)]
        if backend == cv2.CAP_MSMF:
            return [int(cv2.CAP_DSHOW)]
    return []


class DeviceSource:
    """OpenCV device ``index`` at the requested ``size`` (the driver may give another size; the
    frames carry their real size)."""

    def __init__(
        self,
        index: int = 0,
        size: tuple[int, int] = (1280, 720),
        *,
        backend: int | None = None,
        prefer_msmf: bool = False,
    ) -> None:
        self.index = index
        self.size = size
        self.backend = backend_for_platform(prefer_msmf=prefer_msmf) if backend is None else backend
        self.name = f"camera {index}"
        self.fps = 30.0
        self._cap: cv2.VideoCapture | None = None
        self._count = 0

    def open(self) -> None:
        cap = None
        error: Exception | None = None
        for backend in [self.backend, *fallback_backends(self.backend)]:
            try:
                cap = cv2.VideoCapture(self.index, backend)
            except cv2.error as exc:  # pragma: no cover - depends on the driver
                error, cap = exc, None
                continue
            if cap.isOpened():
                if backend != self.backend:
                    log.info("%s: opened with the fallback API %s", self.name, backend)
                    self.backend = backend
                break
            cap.release()
            cap = None
        if cap is None:
            if error is not None:
                raise CameraError(f"{self.name}: cannot open ({error})") from error
            raise CameraError(f"{self.name}: cannot open; is it plugged in and not used by another program?")
        w, h = self.size
        cap.set(cv2.CAP_PROP_FRAME_WIDTH, w)
        cap.set(cv2.CAP_PROP_FRAME_HEIGHT, h)
        cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # only the newest frame matters
        fps = cap.get(cv2.CAP_PROP_FPS)
        if fps and 1 <= fps <= 120:
            self.fps = float(fps)
        self._cap = cap
        self._count = 0
        log.info(
            "%s opened: %sx%s at %s fps",
            self.name,
            cap.get(cv2.CAP_PROP_FRAME_WIDTH),
            cap.get(cv2.CAP_PROP_FRAME_HEIGHT),
            self.fps,
        )

    def read(self) -> Frame:
        if self._cap is None:
            raise CameraError(f"{self.name}: not open")
        for attempt in range(MAX_FAILED_READS):
            try:
                ok, bgr = self._cap.read()
            except cv2.error as exc:  # pragma: no cover - depends on the driver
                raise CameraError(f"{self.name}: read failed ({exc})") from exc
            if ok and bgr is not None and bgr.size:
                rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)  # a new array: the frame owns it
                frame = make_frame(np.ascontiguousarray(rgb), self._count, self.name, copy=False)
                self._count += 1
                return frame
            time.sleep(0.02 * (attempt + 1))
        raise CameraError(f"{self.name}: stopped delivering frames (unplugged?)")

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None
