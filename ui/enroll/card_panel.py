"""The card part of the enrollment page: reader status, insert/remove events, the encode button,
progress and the result. The card backend (``station.card``) is built in parallel: until its
encode workflow is importable, the button says so and stays disabled."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QGroupBox, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from ui.services import feature

__all__ = ["CardPanel"]


class CardPanel(QGroupBox):
    def __init__(self, parent: QWidget, deps: Any) -> None:
        super().__init__(parent.tr("Card"), parent)
        self.deps = deps
        self.application_id: int | None = None
        self.feature = feature("station.card", None, "card encoding")
        if self.feature.available:
            self.feature = feature("station.card.workflow", None, "card encoding")
        self.reader = QLabel(self)
        self.reader.setWordWrap(True)
        self.encode = QPushButton(self.tr("Encode card (Ctrl+E)"), self)
        self.encode.setObjectName("card_encode")
        self.progress = QProgressBar(self)
        self.progress.setVisible(False)
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addWidget(self.reader)
        lay.addWidget(self.encode)
        lay.addWidget(self.progress)
        lay.addWidget(self.result)
        if not self.feature.available:
            self.reader.setText(
                self.tr("Card encoding is unavailable: %1").replace("%1", self.feature.reason)
            )
        self.set_application(None)

    def set_application(self, application_id: int | None) -> None:
        self.application_id = application_id
        ok = self.feature.available and application_id is not None
        self.encode.setEnabled(ok)
        self.encode.setToolTip(
            self.feature.reason
            if not self.feature.available
            else ("" if ok else self.tr("Save the enrollment first."))
        )

    def state(self) -> dict[str, Any]:
        return {
            "available": self.feature.available,
            "reason": self.feature.reason,
            "result": self.result.text(),
        }
