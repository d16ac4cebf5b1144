"""The capture page: the large live view and, on its right, the obvious shutter and the few
switches an operator needs (auto-capture, mirror, open a file, reconnect)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui.live_view import LiveView

__all__ = ["CapturePage"]


class CapturePage(QWidget):
    """Signals:
    shutter_clicked(): the shutter button.
    reconnect_clicked(): reconnect the camera.
    open_file_clicked(): make a photo from an image file.
    auto_toggled(bool), mirror_toggled(bool): the switches.
    """

    shutter_clicked = Signal()
    reconnect_clicked = Signal()
    open_file_clicked = Signal()
    auto_toggled = Signal(bool)
    mirror_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.live_view = LiveView(self)
        side = QVBoxLayout()
        side.setSpacing(12)

        self.shutter = QPushButton(self.tr("Take photo\n(Space)"), self)
        self.shutter.setObjectName("shutter")
        self.shutter.setMinimumSize(200, 130)
        self.shutter.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        f = QFont(self.shutter.font())
        f.setPixelSize(26)
        f.setBold(True)
        self.shutter.setFont(f)
        self.shutter.setStyleSheet(
            "QPushButton#shutter{background:#1e88e5;color:white;border-radius:14px;}"
            "QPushButton#shutter:pressed{background:#1565c0;}"
            "QPushButton#shutter:disabled{background:#9e9e9e;color:#eeeeee;}"
        )
        side.addWidget(self.shutter)
        self.shutter_note = QLabel(self)
        self.shutter_note.setWordWrap(True)
        self.shutter_note.setStyleSheet("color:#b71c1c;")
        side.addWidget(self.shutter_note)

        self.auto = QCheckBox(self.tr("Auto-capture when all lights are green"), self)
        self.auto.setChecked(True)
        self.mirror = QCheckBox(self.tr("Mirrored preview"), self)
        self.mirror.setChecked(True)
        self.auto_label = QLabel(self)
        side.addWidget(self.auto)
        side.addWidget(self.auto_label)
        side.addWidget(self.mirror)
        side.addSpacing(20)
        self.open_file = QPushButton(self.tr("Photo from a file…"), self)
        side.addWidget(self.open_file)
        self.reconnect = QPushButton(self.tr("Reconnect camera (F5)"), self)
        self.reconnect.setVisible(False)
        self.reconnect.setStyleSheet("background:#ffb300;font-weight:bold;padding:10px;")
        side.addWidget(self.reconnect)
        self.camera_label = QLabel(self)
        self.camera_label.setWordWrap(True)
        self.camera_label.setStyleSheet("color:#555;")
        side.addWidget(self.camera_label)
        side.addStretch(1)
        self.help = QLabel(
            self.tr(
                "<b>Keys</b><br>Space: take photo<br>Enter: accept<br>Esc: retake<br>"
                "Ctrl+O: photo from file<br>Ctrl+M: mirror<br>F5: reconnect<br>Ctrl+1…5: pages"
            ),
            self,
        )
        self.help.setStyleSheet("color:#555;")
        side.addWidget(self.help)

        panel = QWidget(self)
        panel.setLayout(side)
        panel.setFixedWidth(260)
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 6, 6, 6)
        row.addWidget(self.live_view, 1)
        row.addWidget(panel)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.shutter.clicked.connect(self.shutter_clicked)
        self.reconnect.clicked.connect(self.reconnect_clicked)
        self.open_file.clicked.connect(self.open_file_clicked)
        self.auto.toggled.connect(self.auto_toggled)
        self.mirror.toggled.connect(self.mirror_toggled)
        self.mirror.toggled.connect(self.live_view.set_mirrored)

    def set_shutter_available(self, ok: bool, reason: str = "") -> None:
        self.shutter.setEnabled(ok)
        self.shutter.setToolTip(reason)
        self.shutter_note.setText("" if ok else reason)

    def set_camera_state(self, text: str, failed: bool) -> None:
        self.camera_label.setText(text)
        self.reconnect.setVisible(failed)

    def set_auto_state(self, state: str, value: float) -> None:
        if state == "countdown":
            text = self.tr("Taking the photo in %1 s").replace("%1", f"{value:.1f}")
        elif state == "counting":
            text = self.tr("All green: hold still…")
        else:
            text = ""
        if text != self.auto_label.text():  # called for every analysed frame: no needless relayout
            self.auto_label.setText(text)
