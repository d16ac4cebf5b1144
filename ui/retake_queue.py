"""The retake queue: records the card centre rejected (imported with ``station import
rejections``), oldest first. Opening one goes to enrollment with the record loaded and the camera
ready for a new photo."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

__all__ = ["RetakeQueuePage"]


class RetakeQueuePage(QWidget):
    def __init__(self, window: Any, deps: Any) -> None:
        super().__init__(window)
        self.window_ = window
        self.deps = deps
        self.items: tuple[Any, ...] = ()
        self.refresh = QPushButton(self.tr("Refresh"), self)
        self.open = QPushButton(self.tr("Retake the photo of the selected record"), self)
        self.count = QLabel(self)
        top = QHBoxLayout()
        top.addWidget(self.count, 1)
        top.addWidget(self.refresh)
        top.addWidget(self.open)
        self.table = QTableWidget(0, 6, self)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Name"),
                self.tr("Document number"),
                self.tr("Kind"),
                self.tr("Reason"),
                self.tr("Status"),
                self.tr("Imported"),
            ]
        )
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        self.refresh.clicked.connect(self._on_refresh_clicked)
        self.open.clicked.connect(self._on_open_clicked)
        self.table.cellDoubleClicked.connect(lambda *_: self._on_open_clicked())

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self._on_refresh_clicked()

    @Slot()
    def _on_refresh_clicked(self) -> None:
        self.deps.jobs.run(
            "retake queue",
            self.deps.records.retake_queue,
            self._on_items,
            lambda e: self.count.setText(str(e)),
        )

    def _on_items(self, items: Any) -> None:
        self.items = tuple(items)
        self.count.setText(self.tr("%1 record(s) to retake").replace("%1", str(len(self.items))))
        self.table.setRowCount(len(self.items))
        for row, it in enumerate(self.items):
            cells = (
                it.name,
                it.document_number,
                it.kind,
                it.reason,
                it.status,
                it.imported_at.strftime("%Y-%m-%d %H:%M"),
            )
            for col, text in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(text))

    @Slot()
    def _on_open_clicked(self) -> None:
        row = self.table.currentRow()
        if row < 0 or row >= len(self.items):
            return
        it = self.items[row]
        page = self.window_.enroll_page
        load = getattr(page, "load_applicant", None)
        # The page asks before replacing an unsaved form; False: the clerk kept it, so neither
        # the record nor the camera is opened.
        if (
            it.applicant_id is not None
            and load is not None
            and load(it.applicant_id, it.application_id) is False
        ):
            return
        self.window_.tabs.setCurrentIndex(0)  # straight to the camera for the new photo
