"""The workers: the analysis takes only the newest frame (stale ones are dropped, never queued),
the camera mailbox keeps one frame, jobs hand results back on the GUI thread."""

from __future__ import annotations

import threading
import time
from typing import Any

import numpy as np
import pytest

from capture.sources import FailingSource, make_frame
from ui.workers.analysis import AnalysisWorker
from ui.workers.camera import CameraThread
from ui.workers.jobs import JobRunner

pytestmark = pytest.mark.gui


def _frame(i: int) -> Any:
    return make_frame(np.zeros((8, 8, 3), np.uint8), i, "t", copy=False)


def test_analysis_takes_only_the_newest_frame(qtbot: Any) -> None:
    gate = threading.Event()
    seen: list[int] = []

    def slow(frame: Any) -> int:
        gate.wait(5)
        seen.append(frame.index)
        return frame.index

    worker = AnalysisWorker(slow)
    results: list[int] = []
    worker.result.connect(results.append)
    worker.start()
    try:
        worker.submit(_frame(0))
        time.sleep(0.1)  # frame 0 is being analysed
        for i in range(1, 10):
            worker.submit(_frame(i))  # each replaces the waiting one
        gate.set()
        qtbot.waitUntil(lambda: len(results) == 2, timeout=5000)
    finally:
        worker.stop()
    assert seen == [0, 9] and results == [0, 9]
    assert worker.dropped == 8 and worker.analysed == 2


def test_synchronous_switch_runs_inline() -> None:
    worker = AnalysisWorker(lambda f: f.index, synchronous=True)
    got: list[int] = []
    worker.result.connect(got.append)
    worker.submit(_frame(3))
    assert got == [3]


def test_jobs_hand_results_back_on_the_gui_thread(qtbot: Any) -> None:
    runner = JobRunner()
    gui = threading.get_ident()
    where: list[tuple[str, int]] = []

    def work() -> int:
        where.append(("work", threading.get_ident()))
        return 42

    done: list[int] = []
    runner.run("t", work, lambda v: (done.append(v), where.append(("done", threading.get_ident()))))
    errors: list[BaseException] = []
    runner.run("bad", lambda: 1 / 0, on_error=errors.append)
    qtbot.waitUntil(lambda: done == [42] and len(errors) == 1, timeout=5000)
    assert dict(where)["work"] != gui and dict(where)["done"] == gui
    assert isinstance(errors[0], ZeroDivisionError)
    runner.wait()


def test_camera_thread_reports_the_failure(qtbot: Any) -> None:
    cam = CameraThread(lambda: FailingSource(after=5, fps=500))
    frames: list[Any] = []
    cam.frame_ready.connect(lambda: frames.append(cam.take()))
    with qtbot.waitSignal(cam.failed, timeout=5000) as blocker:
        cam.start()
    cam.wait(2000)
    assert "stopped delivering" in blocker.args[0]
    assert cam.frames_read == 5
    assert all(f is None or f.index < 5 for f in frames)
