"""The live controller: hot-folder stills wait while a photo is under review; stopping the
camera neither blocks the GUI thread nor deletes a thread that is still running; the profile is
changed through a public method."""

from __future__ import annotations

import threading
import time
from typing import Any

import numpy as np
import pytest
import shiboken6

from capture.guidance import AutoCapture
from capture.sources import Frame, make_frame
from ui.live_controller import LiveController
from ui.workers.analysis import AnalysisWorker

pytestmark = pytest.mark.gui


class StubView:
    def __getattr__(self, name: str) -> Any:
        return lambda *a, **k: None


def _frame(i: int, still: bool = False) -> Frame:
    return make_frame(np.zeros((8, 8, 3), np.uint8), i, "t", still=still, copy=False)


def _controller(factory: Any = None) -> tuple[LiveController, list[Any]]:
    analysis = AnalysisWorker(lambda f: None, synchronous=True)
    live = LiveController(StubView(), factory or (lambda: None), analysis, AutoCapture(3, 0.0))  # type: ignore[arg-type]
    got: list[Any] = []
    live.captured.connect(lambda frame, result: got.append(frame))
    return live, got


def test_a_hot_folder_still_waits_while_paused(qtbot: Any) -> None:
    live, got = _controller()
    live.feed(_frame(1, still=True))
    assert [f.index for f in got] == [1]  # live: straight through
    live.paused = True  # the photo is under review
    live.feed(_frame(2, still=True))
    live.feed(_frame(3, still=True))
    assert [f.index for f in got] == [1] and live.held_stills == 2
    live.paused = False  # back on the camera: the first held still, one at a time
    assert [f.index for f in got] == [1, 2]
    live.paused = True
    live.paused = False
    assert [f.index for f in got] == [1, 2, 3] and live.held_stills == 0


class SlowSource:
    """A driver stuck in its read for ``block`` seconds."""

    name = "slow"

    def __init__(self, block: float, reading: threading.Event) -> None:
        self.block, self.reading = block, reading

    def open(self) -> None:
        pass

    def read(self) -> Frame:
        self.reading.set()
        time.sleep(self.block)
        return _frame(0)

    def close(self) -> None:
        pass


def test_stopping_a_stuck_camera_neither_blocks_nor_deletes_it(qtbot: Any) -> None:
    reading = threading.Event()
    live, _ = _controller(lambda: SlowSource(1.0, reading))
    live.start()
    cam = live.camera
    assert cam is not None
    assert reading.wait(5)
    t0 = time.monotonic()
    live.stop_camera()
    assert time.monotonic() - t0 < 0.5  # the GUI thread does not wait for the driver
    assert live.camera is None and cam in live._stopping and cam.isRunning()
    qtbot.waitUntil(lambda: not live._stopping, timeout=5000)  # deleted after `finished`
    qtbot.waitUntil(lambda: not shiboken6.isValid(cam), timeout=2000)  # deleteLater ran
    assert live.shutdown()


def test_shutdown_waits_for_the_camera(qtbot: Any) -> None:
    reading = threading.Event()
    live, _ = _controller(lambda: SlowSource(0.3, reading))
    live.start()
    assert reading.wait(5)
    assert live.shutdown(3000)
    assert not live._stopping
