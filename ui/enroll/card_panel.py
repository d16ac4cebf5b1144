"""The card part of the enrollment page: reader status, insert/remove events, the encode button,
progress and the result, over ``station.card.workflow.CardDesk``.

The desk is built on first use and built again when the operator (login) or the settings
(reader, PIN rules) changed, under a lock (pool threads ask for it); reader events come from its
monitor thread and progress from the encode job's thread, and both are re-emitted as Qt signals
(queued to the GUI thread). Until the card backend is importable, the button says so and stays
disabled.

The monitor watches the readers that ``station.card.pcsc.matching_readers`` designates by the
settings (``Settings.reader`` and ``Settings.allow_virtual_readers``): the rule of
``choose_reader``, so the panel shows the reader an encode will use (none when the setting
matches no reader or several). A reader plugged in or out that changes which readers the setting
designates (a second one matching it, then gone again) shows the new state as the start does
("not found", or the reader again). Saved settings that change either (``MONITOR_SETTINGS``) restart
it: ``ui.composition`` calls ``deps.extra["card_settings_changed"]``, the old monitor is stopped
and a new one started on the new reader, off the GUI thread; events and reader lists of an older
monitor are dropped. Starting and stopping happen under ``_monitor_lock``; ``shutdown`` (GUI
thread) never waits for it: a start in progress stops its own monitor (see ``shutdown``)."""

from __future__ import annotations

import logging
import threading
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QGroupBox, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from ui.services import feature

__all__ = ["MONITOR_SETTINGS", "CardPanel"]

log = logging.getLogger("station.ui")

STAGES = {
    "read": "读卡",
    "authenticate": "认证",
    "write": "写卡",
    "verify": "校验",
    "record": "登记",
    "done": "完成",
}


# Application statuses in which the card may be encoded (station.card checks it again).
MONITOR_DELAY_MS = 2500
# Settings the reader monitor depends on: a change restarts it.
MONITOR_SETTINGS = frozenset({"reader", "allow_virtual_readers"})
ENCODABLE = frozenset({"submitted", "card_produced", "card_encoded"})


class _Relay(QObject):
    """Signals:
    event(int, str, str): a reader event (monitor generation, kind, reader) from the monitor
        thread.
    progress(str, float): (stage, fraction) from the encode job.
    watched(int, str, object): the readers the setting designates changed (monitor generation,
        reader setting, list of reader names) from the monitor thread.
    """

    event = Signal(int, str, str)
    watched = Signal(int, str, object)
    progress = Signal(str, float)


class CardPanel(QGroupBox):
    def __init__(self, parent: QWidget, deps: Any) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Card"))
        self.deps = deps
        self.application_id: int | None = None
        self.status = ""
        self.feature = feature("station.card.workflow", "CardDesk", "card encoding")
        self._desk: Any = None
        self._desk_for: tuple[Any, ...] = ()
        self._desk_lock = threading.Lock()
        self._monitor: Any = None
        self._monitor_lock = threading.Lock()  # one start/stop at a time (pool threads)
        self._generation = 0  # of the current monitor; older ones' events are dropped
        self._closed = False
        self.watching: tuple[str, bool] | None = None  # (reader setting, virtual) of the monitor
        self.events: list[str] = []
        self.last_result: dict[str, Any] = {}
        self.relay = _Relay(self)
        self.reader = QLabel(self)
        self.reader.setWordWrap(True)
        self.encode = QPushButton(self.tr("Encode card (Ctrl+E)"), self)
        self.encode.setObjectName("card_encode")
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addWidget(self.reader)
        lay.addWidget(self.encode)
        lay.addWidget(self.progress)
        lay.addWidget(self.result)
        act = QAction(self.tr("Encode card"), self)
        act.setShortcut(QKeySequence("Ctrl+E"))
        act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        act.triggered.connect(self._on_encode_clicked)
        self.addAction(act)
        self.encode.clicked.connect(self._on_encode_clicked)
        self.relay.event.connect(self._on_relay_event)
        self.relay.progress.connect(self._on_relay_progress)
        self.relay.watched.connect(self._on_relay_watched)
        if self.feature.available:
            deps.extra["list_readers"] = lambda: [r.name for r in self.desk().readers()]
            deps.extra["card_settings_changed"] = self.settings_changed
            self.reader.setText(self.tr("Reader: checking…"))
            # After the camera is up: start-up time goes to the first analysed frame.
            QTimer.singleShot(MONITOR_DELAY_MS, self._on_monitor_timer_timeout)
        else:
            self.reader.setText(
                self.tr("Card encoding is unavailable: %1").replace("%1", self.feature.reason)
            )
        self.set_application(None)

    # -- the desk (off the GUI thread; rebuilt when the operator or the settings changed) ---
    def desk(self, operator: str | None = None, settings: Any = None) -> Any:
        """The CardDesk for ``operator`` and ``settings`` (default: the current ones in deps;
        a job passes what the GUI thread saw when the clerk pressed the button). Encodes and
        PIN resets are audited under the operator logged in now, with the reader and PIN rules
        saved now."""
        operator = self.deps.operator if operator is None else operator
        settings = self.deps.settings if settings is None else settings
        records = self.deps.records
        db = records.db if records is not None else None
        with self._desk_lock:
            current = self._desk_for
            same = (
                self._desk is not None
                and current[0] == operator
                and current[1] is settings
                and current[2] is db
            )
            if not same:
                from station.card.workflow import CardDesk

                self._desk = CardDesk(settings, self.deps.data_dir, operator=operator, db=db)
                self._desk_for = (operator, settings, db)
            return self._desk

    @Slot()
    def _on_monitor_timer_timeout(self) -> None:
        if self._generation == 0:  # not restarted by a settings change meanwhile
            self._run_monitor_job()

    def settings_changed(self, changed: set[str]) -> None:
        """Saved settings with these fields changed (``deps.settings`` is the new one already):
        the desk is rebuilt on its next use; the monitor is restarted if it depends on them."""
        if MONITOR_SETTINGS & changed:
            self.restart_monitor()

    def restart_monitor(self) -> None:
        """The saved settings changed the reader or the virtual-reader rule: stop the monitor
        and start one for the new settings (in a job: stopping and listing can take seconds)."""
        if self._closed:
            return
        log.info("card monitor: restarting for reader %r", self.deps.settings.reader)
        self.reader.setText(self.tr("Reader: checking…"))
        self._run_monitor_job()

    def _run_monitor_job(self) -> None:
        self.deps.jobs.run(
            "card monitor", self._start_monitor, self._on_monitor_started, self._on_monitor_failed
        )

    def _start_monitor(self) -> tuple[int, str, list[str]]:
        """(generation, reader setting, watched readers): a new monitor replaces the old one."""
        # Only here (a pool thread) and with the feature available: pcsc imports pyscard.
        from station.card.pcsc import matching_readers

        with self._monitor_lock:
            self._stop_monitor()
            if self._closed:
                raise RuntimeError("the window is closing")
            self._generation += 1
            gen = self._generation
            settings = self.deps.settings
            wanted = str(settings.reader or "")
            allow_virtual = bool(settings.allow_virtual_readers)
            desk = self.desk(settings=settings)
            known = [r.name for r in desk.readers()]
            names = matching_readers(wanted, known, allow_virtual=allow_virtual)
            relay = self.relay

            def report(ev: Any) -> None:
                # On the monitor's thread only: ``known`` follows the readers it reports, so a
                # second reader matching the setting makes it ambiguous here as in choose_reader.
                before = matching_readers(wanted, known, allow_virtual=allow_virtual)
                if ev.kind == "reader_removed":
                    if ev.reader in known:
                        known.remove(ev.reader)
                elif ev.reader not in known:
                    known.append(ev.reader)
                after = matching_readers(wanted, known, allow_virtual=allow_virtual)
                if ev.reader in before or ev.reader in after:
                    relay.event.emit(gen, ev.kind, ev.reader)
                # Another reader than this event's gained or lost the watch (a second reader
                # matching the setting came or went): show the new state, as the start does.
                if (set(before) ^ set(after)) - {ev.reader}:
                    relay.watched.emit(gen, wanted, after)

            self._monitor = desk.monitor(report)
            self.watching = (wanted, allow_virtual)
        # Checked after the lock is released: ``shutdown`` sets ``_closed`` before it tries the
        # lock, so either it got the lock (and stopped this monitor) or this sees ``_closed``.
        if self._closed:
            with self._monitor_lock:
                self._stop_monitor()
            raise RuntimeError("the window is closing")
        return gen, wanted, names

    def _stop_monitor(self) -> None:
        """Under ``_monitor_lock``."""
        monitor, self._monitor = self._monitor, None
        self.watching = None
        if monitor is not None:
            try:
                monitor.stop()
            except Exception:
                log.exception("stopping the card monitor")

    def _on_monitor_started(self, started: tuple[int, str, list[str]]) -> None:
        gen, wanted, names = started
        if gen != self._generation:
            return  # an older monitor's list
        self._show_watched(wanted, names)

    @Slot(int, str, object)
    def _on_relay_watched(self, generation: int, wanted: str, names: list[str]) -> None:
        if generation == self._generation:  # else from a monitor stopped since
            self._show_watched(wanted, names)

    def _show_watched(self, wanted: str, names: list[str]) -> None:
        """The readers the setting ``wanted`` designates now: ``names``."""
        if names:
            text = self.tr("Reader: %1").replace("%1", ", ".join(names))
        elif wanted:
            text = self.tr("Card reader %1 not found.").replace("%1", wanted)
        else:
            text = self.tr("No card reader found.")
        self.reader.setText(text)

    def _on_monitor_failed(self, exc: BaseException) -> None:
        self.reader.setText(self.tr("Reader: %1").replace("%1", str(exc)))

    def shutdown(self) -> None:
        """Stop the monitor, on the GUI thread without waiting for a start in progress (a pool
        thread holding ``_monitor_lock`` while it lists readers or stops the old monitor, which
        can take seconds, or for ever with a hung pcscd). The hand-over: ``_closed`` is set
        first; if the lock is free the monitor is stopped under it, else the start holding it
        sees ``_closed`` once it has released the lock and stops its monitor itself."""
        self._closed = True
        if not self._monitor_lock.acquire(blocking=False):
            log.info("card monitor: a start is in progress; it stops itself")
            return
        try:
            self._stop_monitor()
        finally:
            self._monitor_lock.release()

    @Slot(int, str, str)
    def _on_relay_event(self, generation: int, kind: str, reader: str) -> None:
        if generation != self._generation:
            return  # from a monitor stopped since (the settings changed)
        words = {
            "inserted": self.tr("card inserted"),
            "removed": self.tr("card removed"),
            "reader_added": self.tr("reader connected"),
            "reader_removed": self.tr("reader disconnected"),
        }
        self.events.append(f"{kind}:{reader}")
        self.reader.setText(f"{reader}: {words.get(kind, kind)}")

    # -- encoding ----------------------------------------------------------------------------
    def set_application(self, application_id: int | None, status: str | None = None) -> None:
        self.application_id = application_id
        if status is not None:
            self.status = status
        ready = self.status in ENCODABLE
        ok = self.feature.available and application_id is not None and ready
        self.encode.setEnabled(ok)
        if not self.feature.available:
            tip = self.feature.reason
        elif application_id is None:
            tip = self.tr("Save the enrollment first.")
        elif not ready:
            tip = self.tr("Submit the application first.")
        else:
            tip = ""
        self.encode.setToolTip(tip)

    @Slot()
    def _on_encode_clicked(self) -> None:
        app_id = self.application_id
        if app_id is None or not self.feature.available or not self.encode.isEnabled():
            return
        self.encode.setEnabled(False)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.result.setText(self.tr("Encoding… keep the card in the reader."))
        self.last_result = {"state": "running"}
        relay = self.relay
        operator, settings = self.deps.operator, self.deps.settings  # as of the click

        def work() -> Any:
            desk = self.desk(operator, settings)
            return desk.encode(app_id, progress=lambda stage, f: relay.progress.emit(stage, float(f)))

        self.deps.jobs.run("encode card", work, self._on_encoded, self._on_encode_failed)

    @Slot(str, float)
    def _on_relay_progress(self, stage: str, fraction: float) -> None:
        self.progress.setValue(int(max(0.0, min(1.0, fraction)) * 100))
        self.progress.setFormat(f"{STAGES.get(stage, stage)} %p%")

    def _on_encoded(self, res: Any) -> None:
        card = res.card
        self.progress.setValue(100)
        self.result.setStyleSheet("color:#2e7d32;font-weight:bold;")
        self.result.setText(
            self.tr("Card encoded: %1 (%2 APDUs, %3 s)")
            .replace("%1", card.card_number)
            .replace("%2", str(res.apdus))
            .replace("%3", f"{res.seconds:.1f}")
        )
        self.last_result = {
            "state": "encoded",
            "card_number": card.card_number,
            "apdus": res.apdus,
            "seconds": res.seconds,
            "resumed": res.resumed,
        }
        self.set_application(self.application_id)

    def _on_encode_failed(self, exc: BaseException) -> None:
        self.progress.setVisible(False)
        self.result.setStyleSheet("color:#c62828;font-weight:bold;")
        self.result.setText(self.tr("Not encoded: %1").replace("%1", str(exc)))
        self.last_result = {"state": "failed", "error": str(exc)}
        self.set_application(self.application_id)

    def state(self) -> dict[str, Any]:
        return {
            "available": self.feature.available,
            "reason": self.feature.reason,
            "reader": self.reader.text(),
            "events": list(self.events),
            "watching": list(self.watching) if self.watching is not None else None,
            "result": dict(self.last_result),
        }
