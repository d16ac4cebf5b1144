"""The card desk follows the login and the settings, and is built once across pool threads."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar

import pytest
from PySide6.QtWidgets import QWidget

from station.card import workflow
from ui.enroll.card_panel import CardPanel
from ui.workers.jobs import JobRunner

pytestmark = pytest.mark.gui


class FakeDesk:
    built: ClassVar[list[FakeDesk]] = []

    def __init__(self, settings: Any, data_dir: Path, operator: str = "", db: Any = None) -> None:
        time.sleep(0.05)  # widen the race between two pool threads
        self.settings, self.data_dir, self.operator, self.db = settings, data_dir, operator, db
        FakeDesk.built.append(self)


@pytest.fixture
def panel(qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CardPanel:
    FakeDesk.built = []
    monkeypatch.setattr(workflow, "CardDesk", FakeDesk)
    deps = SimpleNamespace(
        operator="root",
        settings=object(),
        records=None,
        data_dir=tmp_path,
        jobs=JobRunner(synchronous=True),
        extra={},
    )
    parent = QWidget()
    qtbot.addWidget(parent)
    panel = CardPanel(parent, deps)
    panel.keep_parent = parent  # type: ignore[attr-defined]
    return panel


def test_desk_follows_login_and_settings(panel: CardPanel) -> None:
    first = panel.desk()
    assert first.operator == "root"
    assert panel.desk() is first  # nothing changed: the same desk
    panel.deps.operator = "alice"  # the login finished after the first use
    assert panel.desk().operator == "alice"
    new_settings = object()
    panel.deps.settings = new_settings  # saved in the settings dialog: reader, PIN rules
    assert panel.desk().settings is new_settings
    assert len(FakeDesk.built) == 3


def test_encode_is_audited_under_the_operator_at_the_click(panel: CardPanel, monkeypatch: Any) -> None:
    seen: list[str] = []

    def encode(self: FakeDesk, app_id: int, progress: Any) -> Any:
        seen.append(self.operator)
        raise RuntimeError("no card")

    monkeypatch.setattr(FakeDesk, "encode", encode, raising=False)
    panel.deps.operator = "bob"
    panel.status = "submitted"
    panel.set_application(7)
    panel._on_encode_clicked()
    assert seen == ["bob"]
    assert panel.last_result["state"] == "failed"


def test_desk_is_built_once_across_threads(panel: CardPanel) -> None:
    got: list[Any] = []
    threads = [threading.Thread(target=lambda: got.append(panel.desk())) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert len(FakeDesk.built) == 1 and got[0] is got[1]
