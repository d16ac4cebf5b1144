"""The records browser shows only the newest search's answer; the retake queue and the browser
leave the enrollment form alone when the clerk keeps it."""

from __future__ import annotations

import threading
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtWidgets import QWidget

from ui.records_browser import RecordsBrowser
from ui.retake_queue import RetakeQueuePage
from ui.workers.jobs import JobRunner

pytestmark = pytest.mark.gui


def _summary(name: str) -> Any:
    return SimpleNamespace(
        name=name,
        name_pinyin=name.lower(),
        document_number="1101**********1238",
        birth_date=date(1990, 1, 1),
        retrieval_code="R1",
        status="collected",
        has_photo=False,
        applicant_id=1,
        application_id=2,
    )


class Tabs:
    def __init__(self) -> None:
        self.index: Any = None

    def setCurrentIndex(self, i: int) -> None:
        self.index = i

    def setCurrentWidget(self, w: Any) -> None:
        self.index = w


class Page:
    def __init__(self, keep: bool) -> None:
        self.keep = keep
        self.loaded: list[tuple[int, Any]] = []

    def load_applicant(self, applicant_id: int, application_id: Any) -> bool:
        if self.keep:
            return False  # the clerk answered "keep my unsaved form"
        self.loaded.append((applicant_id, application_id))
        return True


def _window(qtbot: Any, keep: bool = False) -> Any:
    w = QWidget()
    qtbot.addWidget(w)
    w.enroll_page = Page(keep)  # type: ignore[attr-defined]
    w.tabs = Tabs()  # type: ignore[attr-defined]
    return w


def test_a_stale_search_answer_is_dropped(qtbot: Any) -> None:
    slow_gate = threading.Event()

    def search(text: str, status: Any = None) -> Any:
        if text == "wang":
            slow_gate.wait(5)  # the first search is slow
            return [_summary("WANG")], 1
        return [_summary("LI"), _summary("LIU")], 2

    deps = SimpleNamespace(jobs=JobRunner(), records=SimpleNamespace(search=search))
    browser = RecordsBrowser(_window(qtbot), deps)
    browser.query.setText("wang")
    browser._on_go_clicked()
    browser.query.setText("li")
    browser._on_go_clicked()
    qtbot.waitUntil(lambda: browser.table.rowCount() == 2, timeout=5000)
    slow_gate.set()
    assert deps.jobs.wait(5000)
    qtbot.wait(100)
    assert browser.table.rowCount() == 2
    assert [browser.table.item(r, 0).text() for r in range(2)] == ["LI", "LIU"]


def _queue(qtbot: Any, keep: bool) -> tuple[RetakeQueuePage, Any]:
    window = _window(qtbot, keep)
    deps = SimpleNamespace(jobs=JobRunner(synchronous=True), records=None)
    page = RetakeQueuePage(window, deps)
    item = SimpleNamespace(
        name="WANG",
        document_number="1101**********1238",
        kind="photo",
        reason="background",
        status="rejected",
        imported_at=datetime(2026, 1, 5, 9, 0),
        applicant_id=1,
        application_id=2,
    )
    page._on_items([item])
    page.table.setCurrentCell(0, 0)
    return page, window


def test_retake_keeps_an_unsaved_form_when_the_clerk_says_so(qtbot: Any) -> None:
    page, window = _queue(qtbot, keep=True)
    page._on_open_clicked()
    assert window.tabs.index is None  # not sent to the camera
    assert window.enroll_page.loaded == []


def test_retake_opens_the_record_and_the_camera(qtbot: Any) -> None:
    page, window = _queue(qtbot, keep=False)
    page._on_open_clicked()
    assert window.enroll_page.loaded == [(1, 2)] and window.tabs.index == 0


def test_browser_stays_when_the_clerk_keeps_the_form(qtbot: Any) -> None:
    window = _window(qtbot, keep=True)
    browser = RecordsBrowser(window, SimpleNamespace(jobs=JobRunner(synchronous=True)))
    browser._on_results(([_summary("WANG")], 1))
    browser._on_table_cell_double_clicked(0, 0)
    assert window.tabs.index is None
