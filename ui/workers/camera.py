"""The camera thread: opens a :class:`capture.sources.CameraSource` and reads it in a loop.

Only the newest frame matters: the thread keeps one frame in a mailbox and signals the GUI only
when the GUI has taken the previous one, so a slow GUI drops frames instead of queueing them."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QThread, Signal

from capture.errors import CameraError
from capture.sources import CameraSource, Frame

__all__ = ["CameraThread"]

log = logging.getLogger("station.ui")


class CameraThread(QThread):
    """Reads frames off the GUI thread.

    Signals:
        opened(str): the source is open; its name.
        frame_ready(): a new frame waits in the mailbox (take it with :meth:`take`).
        failed(str): the camera failed (one line); the thread has stopped.
    """

    opened = Signal(str)
    frame_ready = Signal()
    failed = Signal(str)

    def __init__(self, source_factory: Callable[[], CameraSource], parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self._factory = source_factory
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._frame: Frame | None = None
        self._signalled = False
        self.frames_read = 0
        self.frames_dropped = 0  # frames replaced in the mailbox before the GUI took them
        self.source_name = ""

    def take(self) -> Frame | None:
        """The newest frame (None if already taken)."""
        with self._lock:
            frame, self._frame = self._frame, None
            self._signalled = False
        return frame

    def request_stop(self) -> None:
        """Ask the loop to end after the current read; does not wait (``finished`` follows)."""
        self._stop.set()

    def stop(self, wait_ms: int = 3000) -> bool:
        """Ask the loop to end and wait up to ``wait_ms``; True when the thread has ended (a
        driver stuck in a read may outlast it: then the thread must not be deleted yet)."""
        self._stop.set()
        return bool(self.wait(wait_ms))

    def run(self) -> None:
        self._stop.clear()
        source: CameraSource | None = None
        try:
            source = self._factory()
            self.source_name = source.name
            source.open()
            self.opened.emit(source.name)
            while not self._stop.is_set():
                frame = source.read()
                self.frames_read += 1
                with self._lock:
                    if self._frame is not None and self._frame.still and not frame.still:
                        # A studio still must reach the pipeline: the live copy after it waits.
                        self.frames_dropped += 1
                        frame = self._frame
                    elif self._frame is not None:
                        self.frames_dropped += 1
                    self._frame = frame
                    signal = not self._signalled
                    self._signalled = True
                if signal:
                    self.frame_ready.emit()
        except CameraError as exc:
            log.warning("camera failed: %s", exc)
            self.failed.emit(str(exc))
        except Exception as exc:  # a driver bug must not kill the window silently
            log.exception("camera thread crashed")
            self.failed.emit(f"{type(exc).__name__}: {exc}")
        finally:
            if source is not None:
                try:
                    source.close()
                except Exception:
                    log.exception("closing the camera failed")
