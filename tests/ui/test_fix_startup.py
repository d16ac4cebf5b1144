"""Start-up and shut-down of the window: the lowest role until a login, the window's close ends
the program even when a dialog opened late, and late job results are dropped after close."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog, QWidget

from tests.support.testhook import HookClient
from ui.app import START_ROLE, QuitWithWindow
from ui.workers.jobs import JobRunner

REPO = Path(__file__).resolve().parents[2]


class _FakeApp:
    def __init__(self, widgets: list[QWidget]) -> None:
        self.widgets = widgets
        self.quits = 0

    def topLevelWidgets(self) -> list[QWidget]:
        return self.widgets

    def quit(self) -> None:
        self.quits += 1


@pytest.mark.gui
def test_closing_the_window_quits_even_with_a_dialog_opened_after(qtbot: Any) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    app = _FakeApp([window])
    QuitWithWindow(app, window)  # type: ignore[arg-type]
    window.close()
    dlg = QDialog(window)  # the first-admin offer arriving after the close
    app.widgets.append(dlg)
    dlg.open()
    qtbot.waitUntil(lambda: app.quits == 1, timeout=2000)
    assert not dlg.isVisible()


@pytest.mark.gui
def test_a_refused_close_does_not_quit(qtbot: Any) -> None:
    class Stubborn(QWidget):
        def closeEvent(self, event: Any) -> None:
            event.ignore()

    window = Stubborn()
    qtbot.addWidget(window)
    window.show()
    app = _FakeApp([window])
    QuitWithWindow(app, window)  # type: ignore[arg-type]
    window.close()
    qtbot.wait(50)
    assert app.quits == 0
    window.hide()


@pytest.mark.gui
def test_job_results_after_close_are_dropped(qtbot: Any) -> None:
    jobs = JobRunner()
    gate = threading.Event()
    got: list[Any] = []
    jobs.run("open database", lambda: gate.wait(5) and "sqlite", got.append)
    jobs.close()
    gate.set()
    assert jobs.wait(5000)
    qtbot.wait(50)
    assert got == [] and not jobs.busy
    jobs.run("later", lambda: 1, got.append)
    assert jobs.wait(5000)
    qtbot.wait(50)
    assert got == []


@pytest.mark.slow
def test_station_starts_with_the_lowest_role_and_quits_before_the_database_opens(tmp_path: Path) -> None:
    """bench/bench_ui.py's start-up run: ``quit`` right after the first analysed frame, before
    the database job has answered; the first-admin offer that follows must not keep it alive."""
    sock_path = tmp_path / "s.sock"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(REPO),
        "STATION_TEST_SOCKET": str(sock_path),
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "station",
            "--data-dir",
            str(tmp_path / "data"),
            "--camera",
            "demo",
            "--operator",
            "clerk",
        ],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = HookClient(proc, sock_path)
    try:
        client.connect(timeout=60, poll=0.01)
        state = client.cmd(cmd="state")
        assert state["status"]["operator"][1].startswith(f"clerk ({START_ROLE})"), state["status"]
        client.wait_state(
            lambda st: st["analysed"] > 0, timeout=60, what="the first analysed frame", poll=0.02
        )
        client.cmd(cmd="quit")
        assert proc.wait(20) == 0
    finally:
        client.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
