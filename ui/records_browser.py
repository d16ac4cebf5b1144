"""The records browser: search by name, pinyin or document number, filter by application status;
document numbers are masked in the list. Double-click opens the record on the enrollment page.

Searches run as jobs and may finish out of order: each request carries a number, and only the
answer to the newest request is shown."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

__all__ = ["STATUSES", "RecordsBrowser"]

STATUSES = (
    "collected",
    "photo_accepted",
    "submitted",
    "rejected",
    "recollected",
    "card_made",
    "issued",
    "cancelled",
)


class RecordsBrowser(QWidget):
    def __init__(self, window: Any, deps: Any) -> None:
        super().__init__(window)
        self.window_ = window
        self.deps = deps
        self.items: tuple[Any, ...] = ()
        self._request = 0  # the newest search asked for; older answers are dropped
        self.query = QLineEdit(self)
        self.query.setPlaceholderText(self.tr("Name, pinyin or document number"))
        self.status = QComboBox(self)
        self.status.addItem(self.tr("All statuses"), "")
        for s in STATUSES:
            self.status.addItem(s, s)
        self.go = QPushButton(self.tr("Search"), self)
        self.count = QLabel(self)
        top = QHBoxLayout()
        top.addWidget(self.query, 1)
        top.addWidget(self.status)
        top.addWidget(self.go)
        top.addWidget(self.count)
        self.table = QTableWidget(0, 7, self)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Name"),
                self.tr("Pinyin"),
                self.tr("Document number"),
                self.tr("Birth date"),
                self.tr("Retrieval code"),
                self.tr("Status"),
                self.tr("Photo"),
            ]
        )
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.go.clicked.connect(self._on_go_clicked)
        self.query.returnPressed.connect(self._on_go_clicked)
        self.status.currentIndexChanged.connect(self._on_go_clicked)
        self.table.cellDoubleClicked.connect(self._on_table_cell_double_clicked)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self._on_go_clicked()

    @Slot()
    def _on_go_clicked(self) -> None:
        text, status = self.query.text(), str(self.status.currentData() or "")
        self._request += 1
        tag = self._request
        self.deps.jobs.run(
            "search records",
            lambda: self.deps.records.search(text, status=status or None),
            lambda result: self._on_results(result, tag),
            lambda e: self._on_search_failed(e, tag),
        )

    def _on_search_failed(self, exc: BaseException, tag: int) -> None:
        if tag == self._request:
            self.count.setText(str(exc))

    def _on_results(self, result: Any, tag: int | None = None) -> None:
        if tag is not None and tag != self._request:
            return  # an older search finished after a newer one was asked for
        items, total = result
        self.items = tuple(items)
        self.count.setText(self.tr("%1 found").replace("%1", str(total)))
        self.table.setRowCount(len(self.items))
        for row, it in enumerate(self.items):
            cells = (
                it.name,
                it.name_pinyin,
                it.document_number,
                it.birth_date.isoformat(),
                it.retrieval_code,
                it.status,
                "✔" if it.has_photo else "—",
            )
            for col, text in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(text))

    @Slot(int, int)
    def _on_table_cell_double_clicked(self, row: int, _col: int) -> None:
        it = self.items[row]
        page = self.window_.enroll_page
        # False: the clerk kept the unsaved form (the page asked); stay here.
        load = getattr(page, "load_applicant", None)
        if load is not None and load(it.applicant_id, it.application_id) is not False:
            self.window_.tabs.setCurrentWidget(page)
