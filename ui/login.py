"""Operator login. Roles come from the records (operator, supervisor, admin); the dialog only
collects the name and password and shows the service's answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

__all__ = ["LoginDialog"]


class LoginDialog(QDialog):
    """``authenticate(username, password) -> (ok, operator_or_None, message)`` is called on OK
    (it is quick: one scrypt check); the dialog stays open with the message when it fails."""

    def __init__(
        self, authenticate: Callable[[str, str], tuple[bool, Any, str]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("login_dialog")
        self.setWindowTitle(self.tr("Operator login"))
        self._authenticate = authenticate
        self.operator: Any = None
        self.username = QLineEdit(self)
        self.username.setObjectName("login_username")
        self.password = QLineEdit(self)
        self.password.setObjectName("login_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel(self)
        self.message.setStyleSheet("color:#c62828;")
        form = QFormLayout()
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Password"), self.password)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)

    @Slot()
    def _on_buttons_accepted(self) -> None:
        ok, operator, message = self._authenticate(self.username.text().strip(), self.password.text())
        self.password.clear()
        if ok:
            self.operator = operator
            self.accept()
        else:
            self.message.setText(message)
