"""The status bar: camera, printer, reader and database, each a coloured dot and a word."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

__all__ = ["StationStatusBar"]

COLOURS = {"ok": "#2e7d32", "warn": "#ef6c00", "error": "#c62828", "off": "#9e9e9e"}


class StationStatusBar(QStatusBar):
    """No signals. ``set_item(key, state, text)`` with key camera/printer/reader/database and
    state ok/warn/error/off."""

    KEYS = ("operator", "camera", "printer", "reader", "database")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items: dict[str, QLabel] = {}
        self.states: dict[str, tuple[str, str]] = {}
        for key in self.KEYS:
            label = QLabel(self)
            label.setObjectName(f"status_{key}")
            label.setStyleSheet("padding:0 10px;")
            self.addPermanentWidget(label)
            self.items[key] = label
        initial = {
            "operator": self.tr("operator"),
            "camera": self.tr("camera: starting"),
            "printer": self.tr("printer: checking…"),
            "reader": self.tr("reader: checking…"),
            "database": self.tr("database: opening"),
        }
        for key in self.KEYS:
            self.set_item(key, "off", initial[key])

    def set_item(self, key: str, state: str, text: str) -> None:
        self.states[key] = (state, text)
        colour = COLOURS.get(state, COLOURS["off"])
        self.items[key].setText(f"<span style='color:{colour};font-size:16px'>●</span> {text}")
        self.items[key].setToolTip(text)
