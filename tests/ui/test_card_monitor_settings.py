"""The card desk's reader monitor follows the settings: saving another reader (or the
virtual-reader rule) in the settings dialog restarts it on the new reader, without a restart
of the program. First with a fake desk (no PC/SC), then on the private pcscd with the vpcd
readers and an emulated card (tests/fixtures/pcscd.py)."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar

import pytest
from PySide6.QtWidgets import QWidget

from station.card import workflow
from station.card.pcsc import ReaderEvent, ReaderInfo
from station.config import Settings
from ui.composition import _apply_settings
from ui.enroll.card_panel import CardPanel, watches
from ui.workers.jobs import JobRunner

pytestmark = pytest.mark.gui

READERS = ("ACS ACR39U 00 00", "HID OMNIKEY 3121 00 00")


class FakeMonitor:
    def __init__(self, callback: Callable[[ReaderEvent], None]) -> None:
        self.callback = callback
        self.stopped = False

    def stop(self) -> None:
        self.stopped = True


class FakeDesk:
    """``CardDesk``'s reader half: two readers, monitors that the test drives by hand."""

    monitors: ClassVar[list[FakeMonitor]] = []

    def __init__(self, settings: Any, data_dir: Path, operator: str = "", db: Any = None) -> None:
        self.settings = settings

    def readers(self) -> list[ReaderInfo]:
        return [ReaderInfo(name, False, False, None) for name in READERS]

    def monitor(self, callback: Callable[[ReaderEvent], None]) -> FakeMonitor:
        mon = FakeMonitor(callback)
        FakeDesk.monitors.append(mon)
        return mon


def _deps(tmp_path: Path, settings: Settings) -> SimpleNamespace:
    live = SimpleNamespace(auto=SimpleNamespace(frames=0, countdown_s=0.0))
    return SimpleNamespace(
        operator="admin",
        settings=settings,
        records=None,
        data_dir=tmp_path,
        jobs=JobRunner(synchronous=True),
        extra={},
        live=live,
        profile=None,
    )


def _panel(qtbot: Any, deps: Any) -> CardPanel:
    parent = QWidget()
    qtbot.addWidget(parent)
    panel = CardPanel(parent, deps)
    panel.keep_parent = parent  # type: ignore[attr-defined]
    assert panel.feature.available, panel.feature.reason
    return panel


def _save(deps: Any, **changes: Any) -> None:
    """What the settings dialog's Save does after the file is written (ui.composition)."""
    _apply_settings(deps, dataclasses.replace(deps.settings, **changes))


def _from_thread(monitor: Any, event: ReaderEvent) -> None:
    t = threading.Thread(target=monitor.callback, args=(event,), name="card-monitor")
    t.start()
    t.join(5)


def test_watches_the_reader_of_the_settings() -> None:
    assert watches("ACS ACR39U 00 00", "")
    assert watches("ACS ACR39U 00 00", "ACS ACR39U 00 00")
    assert watches("ACS ACR39U 00 00", "acr39")  # a part of the name, as choose_reader takes it
    assert not watches("HID OMNIKEY 3121 00 00", "acr39")


def test_a_new_reader_in_the_settings_restarts_the_monitor(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    FakeDesk.monitors = []
    monkeypatch.setattr(workflow, "CardDesk", FakeDesk)
    deps = _deps(tmp_path, Settings(reader="ACR39U"))
    panel = _panel(qtbot, deps)
    panel._on_monitor_timer_timeout()  # what the start-up timer does
    assert len(FakeDesk.monitors) == 1 and panel.watching == ("ACR39U", False)
    assert panel.reader.text().endswith(READERS[0]) and READERS[1] not in panel.reader.text()
    first = FakeDesk.monitors[0]
    _from_thread(first, ReaderEvent("inserted", READERS[1]))  # not the chosen reader
    _from_thread(first, ReaderEvent("inserted", READERS[0]))
    qtbot.waitUntil(lambda: bool(panel.events), timeout=2000)
    qtbot.wait(20)
    assert panel.events == [f"inserted:{READERS[0]}"]

    _save(deps, station_name="Branch 2")  # nothing the monitor depends on: left alone
    assert len(FakeDesk.monitors) == 1 and not first.stopped

    _save(deps, reader="OMNIKEY")  # the clerk picks the other reader and saves
    assert first.stopped and len(FakeDesk.monitors) == 2
    second = FakeDesk.monitors[1]
    assert panel.watching == ("OMNIKEY", False)
    assert panel.reader.text().endswith(READERS[1]) and READERS[0] not in panel.reader.text()
    assert panel.desk().settings is deps.settings  # the desk is rebuilt for the new settings too
    _from_thread(first, ReaderEvent("removed", READERS[0]))  # late, from the stopped monitor
    _from_thread(second, ReaderEvent("inserted", READERS[0]))  # the old reader: not watched
    _from_thread(second, ReaderEvent("inserted", READERS[1]))
    qtbot.waitUntil(lambda: len(panel.events) == 2, timeout=2000)
    qtbot.wait(20)
    assert panel.events == [f"inserted:{READERS[0]}", f"inserted:{READERS[1]}"]
    assert READERS[1] in panel.reader.text()
    assert panel.state()["watching"] == ["OMNIKEY", False]

    _save(deps, reader="Nonexistent")
    assert panel.reader.text() == "Card reader Nonexistent not found."

    _save(deps, allow_virtual_readers=True)  # the virtual-reader rule restarts it too
    assert len(FakeDesk.monitors) == 4 and panel.watching == ("Nonexistent", True)
    panel.shutdown()
    assert all(m.stopped for m in FakeDesk.monitors) and panel.watching is None
    panel.restart_monitor()  # after the shutdown: no new monitor
    assert len(FakeDesk.monitors) == 4


# -- on the real PC/SC stack ------------------------------------------------------------------


@pytest.fixture
def presenter(pcscd: Any) -> Iterator[Any]:
    from tests.card.conftest import Presenter

    p = Presenter(pcscd)
    yield p
    p.close()


@pytest.mark.pcscd
def test_monitor_follows_the_reader_setting_on_pcscd(
    qtbot: Any, tmp_path: Path, pcscd: Any, presenter: Any
) -> None:
    from station.card.emulator import SsseCard, blank_card

    other = "Virtual PCD 00 01"  # vpcd's second reader: no card in it
    settings = Settings(reader=other, allow_virtual_readers=False, key_service="test")
    deps = _deps(tmp_path, settings)
    panel = _panel(qtbot, deps)
    presenter.present(SsseCard(blank_card("2.0")))  # a card in "Virtual PCD 00 00"
    panel._on_monitor_timer_timeout()
    try:
        # Virtual readers are not allowed yet: the monitor sees nothing.
        assert panel.watching == (other, False)
        assert panel.reader.text() == f"Card reader {other} not found."
        _save(deps, allow_virtual_readers=True)
        assert panel.watching == (other, True) and panel.reader.text() == f"Reader: {other}"
        qtbot.wait(700)  # a poll of the monitor: the card in the other reader is not reported
        assert panel.events == []
        _save(deps, reader=pcscd.reader)  # the reader holding the card
        assert panel.watching == (pcscd.reader, True)
        # The new monitor's first scan reports the card already present.
        qtbot.waitUntil(lambda: f"inserted:{pcscd.reader}" in panel.events, timeout=10_000)
        assert panel.events == [f"inserted:{pcscd.reader}"]
        assert panel.reader.text().startswith(pcscd.reader)
    finally:
        panel.shutdown()
