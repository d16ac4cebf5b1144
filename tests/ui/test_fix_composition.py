"""The settings dialog lists printers and readers off the GUI thread, and a new profile reaches
the live analysis through LiveController.set_profile."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtWidgets import QWidget

import ui.settings_dialog
from capture.guidance import AutoCapture
from ui.composition import _apply_settings, _open_settings
from ui.live_controller import LiveController
from ui.workers.analysis import AnalysisWorker
from ui.workers.jobs import JobRunner

pytestmark = pytest.mark.gui


def test_settings_lists_devices_in_a_job(qtbot: Any, tmp_path: Any, monkeypatch: Any) -> None:
    threads: list[str] = []
    shown: list[tuple[Any, ...]] = []

    def readers() -> list[str]:
        threads.append(threading.current_thread().name)
        return ["ACS ACR39U"]

    class Dialog:
        result_settings = None

        def __init__(self, settings: Any, profiles: Any, printers: Any, readers: Any, parent: Any) -> None:
            shown.append((printers, readers))

        def exec(self) -> int:
            return 0

    monkeypatch.setattr(ui.settings_dialog, "SettingsDialog", Dialog)
    deps = SimpleNamespace(
        extra={"list_readers": readers}, jobs=JobRunner(), settings=object(), data_dir=tmp_path
    )
    window = QWidget()
    qtbot.addWidget(window)
    _open_settings(deps, window)
    _open_settings(deps, window)  # a second Ctrl+, while listing: ignored
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    qtbot.wait(50)
    assert len(shown) == 1 and shown[0][1] == ["ACS ACR39U"]
    assert threads and threads[0] != threading.main_thread().name
    assert not deps.extra["settings_opening"]


class Pipeline:
    def __init__(self) -> None:
        self.profile: Any = "mohrss"

    def set_profile(self, profile: Any) -> None:
        self.profile = profile

    def __call__(self, frame: Any) -> None:
        return None


def test_a_new_profile_reaches_the_live_analysis(qtbot: Any) -> None:
    pipe = Pipeline()
    live = LiveController(None, lambda: None, AnalysisWorker(pipe, synchronous=True), AutoCapture(3, 0.0))  # type: ignore[arg-type]
    assert live.set_profile("passport")
    assert pipe.profile == "passport"
    stub = LiveController(
        None, lambda: None, AnalysisWorker(lambda f: None, synchronous=True), AutoCapture(3, 0.0)
    )  # type: ignore[arg-type]
    assert not stub.set_profile("passport")


def test_apply_settings_uses_the_public_set_profile(monkeypatch: Any, tmp_path: Any) -> None:
    import dataclasses

    from station.config import Settings

    calls: list[Any] = []
    live = SimpleNamespace(
        set_profile=calls.append,
        auto=SimpleNamespace(frames=0, countdown_s=0.0),
        analysis=SimpleNamespace(),  # no private _analyse to reach into
    )
    old = Settings()
    new = dataclasses.replace(old)
    new.profile = "other"
    monkeypatch.setattr("capture.profiles.load_profile", lambda name, user_dir=None: f"loaded {name}")
    deps = SimpleNamespace(settings=old, records=None, live=live, data_dir=tmp_path, profile=None)
    _apply_settings(deps, new)
    assert calls == ["loaded other"]
