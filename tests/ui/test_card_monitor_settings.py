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

from station.card import errors, pcsc, workflow
from station.card.pcsc import ReaderEvent, ReaderInfo
from station.config import Settings
from ui.composition import _apply_settings
from ui.enroll.card_panel import CardPanel
from ui.workers.jobs import JobRunner

pytestmark = pytest.mark.gui

READERS = ("ACS ACR39U 00 00", "HID OMNIKEY 3121 00 00")


class FakeMonitor:
    def __init__(self, callback: Callable[[ReaderEvent], None]) -> None:
        self.callback = callback
        self.stopped = False
        self.stops = 0

    def stop(self) -> None:
        self.stopped = True
        self.stops += 1


class FakeDesk:
    """``CardDesk``'s reader half: two readers, monitors that the test drives by hand."""

    monitors: ClassVar[list[FakeMonitor]] = []
    names: ClassVar[tuple[str, ...]] = READERS
    starting: ClassVar[Callable[[], None] | None] = None  # runs inside monitor(), before it starts

    def __init__(self, settings: Any, data_dir: Path, operator: str = "", db: Any = None) -> None:
        self.settings = settings

    def readers(self) -> list[ReaderInfo]:
        allowed = bool(self.settings.allow_virtual_readers)  # as CardDesk.readers
        return [
            ReaderInfo(name, pcsc.is_virtual(name), False, None)
            for name in FakeDesk.names
            if allowed or not pcsc.is_virtual(name)
        ]

    def monitor(self, callback: Callable[[ReaderEvent], None]) -> FakeMonitor:
        if FakeDesk.starting is not None:
            FakeDesk.starting()
        mon = FakeMonitor(callback)
        FakeDesk.monitors.append(mon)
        return mon


@pytest.fixture
def fake_desk(monkeypatch: pytest.MonkeyPatch) -> type[FakeDesk]:
    monkeypatch.setattr(workflow, "CardDesk", FakeDesk)
    monkeypatch.setattr(FakeDesk, "monitors", [])
    monkeypatch.setattr(FakeDesk, "names", READERS)
    monkeypatch.setattr(FakeDesk, "starting", None)
    return FakeDesk


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


TWO_ACS = ("ACS ACR39U 00 00", "ACS ACR1252 00 00", "HID OMNIKEY 3121 00 00", "Virtual PCD 00 00")


@pytest.mark.parametrize(
    "case",
    [
        ("", False),
        ("", True),
        ("ACS ACR39U 00 00", False),  # exact
        ("acr39", False),  # the one reader with this in its name
        ("ACS", False),  # two readers: ambiguous
        ("00 00", False),
        ("omnikey", False),
        ("Virtual PCD 00 00", False),  # virtual, switched off
        ("Virtual PCD 00 00", True),
        ("pcd", True),
        ("Nonexistent", False),
    ],
)
def test_the_panel_watches_the_reader_an_encode_would_use(
    qtbot: Any,
    tmp_path: Path,
    fake_desk: type[FakeDesk],
    monkeypatch: pytest.MonkeyPatch,
    case: tuple[str, bool],
) -> None:
    """The panel lists the readers of ``pcsc.matching_readers``, the rule of ``choose_reader``
    (which the encode uses): with a reader set, exactly the reader it picks or none."""
    setting, allow_virtual = case
    fake_desk.names = TWO_ACS
    monkeypatch.setattr(
        pcsc,
        "list_readers",
        lambda allow_virtual=False: [
            ReaderInfo(n, pcsc.is_virtual(n), False, None)
            for n in TWO_ACS
            if allow_virtual or not pcsc.is_virtual(n)
        ],
    )
    deps = _deps(tmp_path, Settings(reader=setting, allow_virtual_readers=allow_virtual))
    panel = _panel(qtbot, deps)
    _gen, _wanted, names = panel._start_monitor()
    try:
        chosen: list[str] = [pcsc.choose_reader(setting or None, allow_virtual=allow_virtual)]
    except errors.CardError:
        chosen = []
    if setting:
        assert names == chosen
    else:  # every usable reader; the encode takes the first holding a card
        assert names == [n for n in TWO_ACS if allow_virtual or not pcsc.is_virtual(n)]
        assert chosen[0] in names
    panel.shutdown()


def test_a_setting_matching_two_readers_watches_neither(
    qtbot: Any, tmp_path: Path, fake_desk: type[FakeDesk]
) -> None:
    """ "ACS" with two ACS readers: choose_reader refuses it (ReaderNotFound), so the panel shows
    it as not found and reports neither reader's cards; a reader plugged in later that makes a
    setting ambiguous ends the watching of the first."""
    fake_desk.names = TWO_ACS
    deps = _deps(tmp_path, Settings(reader="ACS"))
    panel = _panel(qtbot, deps)
    panel._on_monitor_timer_timeout()
    assert panel.reader.text() == "Card reader ACS not found."
    [mon] = fake_desk.monitors
    _from_thread(mon, ReaderEvent("inserted", TWO_ACS[0]))
    _from_thread(mon, ReaderEvent("inserted", TWO_ACS[1]))
    qtbot.wait(50)
    assert panel.events == []

    fake_desk.names = TWO_ACS[:1]  # one ACS reader: it is the one
    _save(deps, reader="acs")
    mon = fake_desk.monitors[-1]
    assert panel.reader.text() == f"Reader: {TWO_ACS[0]}"
    _from_thread(mon, ReaderEvent("inserted", TWO_ACS[0]))
    qtbot.waitUntil(lambda: len(panel.events) == 1, timeout=2000)
    _from_thread(mon, ReaderEvent("reader_added", TWO_ACS[1]))  # a second ACS reader: ambiguous
    _from_thread(mon, ReaderEvent("removed", TWO_ACS[0]))
    _from_thread(mon, ReaderEvent("reader_removed", TWO_ACS[1]))  # gone again: the first is it
    _from_thread(mon, ReaderEvent("inserted", TWO_ACS[0]))
    qtbot.waitUntil(lambda: len(panel.events) == 2, timeout=2000)
    qtbot.wait(20)
    assert panel.events == [f"inserted:{TWO_ACS[0]}", f"inserted:{TWO_ACS[0]}"]
    panel.shutdown()


def test_a_second_matching_reader_shows_not_found_and_its_leaving_shows_the_reader(
    qtbot: Any, tmp_path: Path, fake_desk: type[FakeDesk]
) -> None:
    """The label does not keep saying "card inserted" once a second reader matching the setting
    makes it ambiguous (an encode would fail with ReaderNotFound): it says "not found", as at the
    start with both readers there; when that reader leaves, it names the watched reader again."""
    fake_desk.names = TWO_ACS[:1]
    deps = _deps(tmp_path, Settings(reader="ACS"))
    panel = _panel(qtbot, deps)
    panel._on_monitor_timer_timeout()
    [mon] = fake_desk.monitors
    assert panel.reader.text() == f"Reader: {TWO_ACS[0]}"
    _from_thread(mon, ReaderEvent("inserted", TWO_ACS[0]))
    qtbot.waitUntil(lambda: panel.reader.text() == f"{TWO_ACS[0]}: card inserted", timeout=2000)

    _from_thread(mon, ReaderEvent("reader_added", TWO_ACS[1]))  # a second ACS reader
    qtbot.waitUntil(lambda: panel.reader.text() == "Card reader ACS not found.", timeout=2000)
    _from_thread(mon, ReaderEvent("reader_added", TWO_ACS[2]))  # OMNIKEY: changes nothing
    _from_thread(mon, ReaderEvent("inserted", TWO_ACS[1]))  # neither is watched
    qtbot.wait(50)
    assert panel.reader.text() == "Card reader ACS not found."

    _from_thread(mon, ReaderEvent("reader_removed", TWO_ACS[1]))  # gone again: the first is it
    qtbot.waitUntil(lambda: panel.reader.text() == f"Reader: {TWO_ACS[0]}", timeout=2000)
    _from_thread(mon, ReaderEvent("removed", TWO_ACS[0]))
    qtbot.waitUntil(lambda: panel.reader.text() == f"{TWO_ACS[0]}: card removed", timeout=2000)
    assert panel.events == [f"inserted:{TWO_ACS[0]}", f"removed:{TWO_ACS[0]}"]

    _from_thread(mon, ReaderEvent("reader_removed", TWO_ACS[0]))  # the watched reader itself
    qtbot.waitUntil(lambda: panel.reader.text() == f"{TWO_ACS[0]}: reader disconnected", timeout=2000)
    qtbot.wait(50)
    assert panel.reader.text() == f"{TWO_ACS[0]}: reader disconnected"
    panel.shutdown()


def test_shutdown_during_a_start_does_not_wait_and_the_start_stops_its_monitor(
    qtbot: Any, tmp_path: Path, fake_desk: type[FakeDesk]
) -> None:
    """The window closes while a pool thread is starting a monitor (holding the lock): the GUI
    thread does not wait for it, and the monitor that start makes is stopped, not leaked."""
    inside, release = threading.Event(), threading.Event()

    def slow_start() -> None:
        inside.set()
        assert release.wait(5)

    deps = _deps(tmp_path, Settings(reader="ACR39U"))
    panel = _panel(qtbot, deps)
    panel._on_monitor_timer_timeout()
    [first] = fake_desk.monitors
    fake_desk.starting = slow_start
    failed: list[BaseException] = []

    def restart() -> None:
        try:
            panel._start_monitor()
        except RuntimeError as exc:
            failed.append(exc)

    t = threading.Thread(target=restart, name="pool")
    t.start()
    assert inside.wait(5)  # the start holds the lock, the first monitor already stopped
    assert first.stopped
    panel.shutdown()  # returns at once
    assert t.is_alive()
    release.set()
    t.join(5)
    [second] = fake_desk.monitors[1:]
    assert second.stopped and panel._monitor is None and panel.watching is None
    assert [str(e) for e in failed] == ["the window is closing"]
    assert first.stops == 1 and second.stops == 1


def test_a_new_reader_in_the_settings_restarts_the_monitor(
    qtbot: Any, tmp_path: Path, fake_desk: type[FakeDesk]
) -> None:
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
