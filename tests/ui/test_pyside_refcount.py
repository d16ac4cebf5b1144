"""PySide6 6.12.0 on CPython 3.11 dropped a reference to ``None`` on every void method call and
to ``True`` on every ``Signal.emit``; a live view (hundreds of such calls a second) then freed
the singletons and the interpreter aborted within minutes. This fails on any PySide6 that does
it again, before a clerk's station does."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    fired = Signal(bool)


def test_void_calls_keep_the_reference_count_of_none() -> None:
    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(200):
        probe.setObjectName("probe")
    assert before - sys.getrefcount(None) < 20


def test_signal_emit_keeps_the_reference_count_of_true() -> None:
    emitter = _Emitter()
    received: list[bool] = []
    emitter.fired.connect(received.append)
    before = sys.getrefcount(True)
    for _ in range(200):
        emitter.fired.emit(True)
    del received[:]
    assert before - sys.getrefcount(True) < 20
