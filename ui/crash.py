"""Crash handling: an uncaught exception from ANY thread is logged with its context (thread,
traceback, the last log lines) and shown in ONE dialog; more errors while the dialog is open are
added to it instead of opening another. Qt's own messages go into logging (``station.ui``).

The handler is an object the composition root creates and installs (no global registry); it
keeps a ring buffer of recent log records so the dialog and the crash log carry the tail."""

from __future__ import annotations

import collections
import logging
import sys
import threading
import traceback
from datetime import datetime
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, QtMsgType, Signal, Slot, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

__all__ = ["CrashHandler", "install_qt_message_handler"]

log = logging.getLogger("station.ui")
qtlog = logging.getLogger("station.ui.qt")

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message(mode: QtMsgType, context: object, message: str) -> None:
    where = ""
    file = getattr(context, "file", None)
    if file:
        where = f" ({file}:{getattr(context, 'line', 0)})"
    qtlog.log(_QT_LEVELS.get(mode, logging.WARNING), "%s%s", message, where)


def install_qt_message_handler() -> None:
    qInstallMessageHandler(_qt_message)


class _Tail(logging.Handler):
    def __init__(self, size: int = 200) -> None:
        super().__init__(logging.DEBUG)
        self.records: collections.deque[str] = collections.deque(maxlen=size)
        self.setFormatter(logging.Formatter("%(asctime)s %(threadName)s %(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.records.append(self.format(record))
        except Exception:  # never let logging raise
            self.handleError(record)


class CrashHandler(QObject):
    """Signals:
    crashed(str, str): (one-line summary, full report); emitted on the GUI thread.
    """

    crashed = Signal(str, str)
    _relay = Signal(str, str)

    def __init__(
        self, log_dir: Path | None = None, *, show_dialog: bool = True, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.log_dir = log_dir
        self.show_dialog = show_dialog
        self.count = 0
        self.reports: list[str] = []
        self._dialog: QMessageBox | None = None
        self._tail = _Tail()
        self._relay.connect(self._on_relay_report)
        self._old_hook = sys.excepthook
        self._old_thread_hook = threading.excepthook
        self.parent_widget: QWidget | None = None
        self.context_provider: object = None  # callable -> str (what the operator was doing)

    def install(self) -> None:
        logging.getLogger().addHandler(self._tail)
        sys.excepthook = self._excepthook
        threading.excepthook = self._thread_hook

    def uninstall(self) -> None:
        logging.getLogger().removeHandler(self._tail)
        sys.excepthook = self._old_hook
        threading.excepthook = self._old_thread_hook

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        self.handle(
            args.exc_type,
            args.exc_value,
            args.exc_traceback,  # type: ignore[arg-type]
            args.thread.name if args.thread else "?",
        )

    def _excepthook(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            app = QApplication.instance()
            if app is not None:
                app.quit()
            return
        self.handle(exc_type, exc, tb, threading.current_thread().name)

    def handle(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None, thread: str
    ) -> None:
        summary = f"{exc_type.__name__}: {exc}".splitlines()[0][:300]
        context = ""
        if callable(self.context_provider):
            try:
                context = str(self.context_provider())
            except Exception:
                context = "(context unavailable)"
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        log.critical("uncaught exception in thread %s while %s\n%s", thread, context or "-", text)
        if sys.__stderr__ is not None:
            print(f"station: {summary} (thread {thread}; see the log)", file=sys.__stderr__)
        report = (
            f"time: {datetime.now().isoformat(timespec='seconds')}\nthread: {thread}\n"
            f"context: {context or '-'}\n\n{text}\n--- last log lines ---\n"
            + "\n".join(list(self._tail.records)[-60:])
        )
        self._write(report)
        self._relay.emit(summary, report)  # queued to the GUI thread when raised elsewhere

    def _write(self, report: str) -> None:
        if self.log_dir is None:
            return
        try:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            with (self.log_dir / "crash.log").open("a", encoding="utf-8") as fh:
                fh.write(report + "\n" + "=" * 72 + "\n")
        except OSError:
            log.exception("cannot write the crash log")

    @Slot(str, str)
    def _on_relay_report(self, summary: str, report: str) -> None:
        self.count += 1
        self.reports.append(report)
        self.crashed.emit(summary, report)
        if not self.show_dialog:
            return
        if self._dialog is not None:  # one dialog: add to it
            self._dialog.setDetailedText("\n\n".join(self.reports))
            self._dialog.setInformativeText(
                self.tr("%n error(s) so far. The last: %1", "", self.count).replace("%1", summary)
            )
            return
        box = QMessageBox(self.parent_widget)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(self.tr("Unexpected error"))
        box.setText(
            self.tr("Something went wrong. Your work is saved as a draft; the details are in the log.")
        )
        box.setInformativeText(summary)
        box.setDetailedText(report)
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.finished.connect(self._on_dialog_finished)
        self._dialog = box
        box.open()

    @Slot()
    def _on_dialog_finished(self) -> None:
        self._dialog = None
        self.reports.clear()
