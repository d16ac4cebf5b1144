"""The first start of a new installation: no operator accounts yet, so the window offers to
create the first administrator. The dialog only collects the fields and shows the service's
answer (``station.records.operators`` checks the name and the password rules)."""

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

__all__ = ["FirstAdminDialog"]


class FirstAdminDialog(QDialog):
    """``create(username, password, display_name) -> (ok, operator_or_None, message)`` is called
    on OK; the dialog stays open with the message when it fails. Cancel leaves the station
    without accounts (it asks again at the next start). No signals of its own."""

    def __init__(
        self,
        create: Callable[[str, str, str], tuple[bool, Any, str]],
        suggested_username: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("first_admin_dialog")
        self.setWindowTitle(self.tr("Create the first administrator"))
        self._create = create
        self.operator: Any = None
        intro = QLabel(
            self.tr(
                "This station has no operator accounts yet. Create the administrator account "
                "now: from then on everyone logs in, and the administrator adds the others."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.username = QLineEdit(suggested_username, self)
        self.username.setObjectName("admin_username")
        self.display_name = QLineEdit(self)
        self.display_name.setObjectName("admin_display_name")
        self.password = QLineEdit(self)
        self.password.setObjectName("admin_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit(self)
        self.repeat.setObjectName("admin_repeat")
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel(self)
        self.message.setObjectName("admin_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color:#c62828;")
        form = QFormLayout()
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Name shown"), self.display_name)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(self.tr("Password again"), self.repeat)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

    @Slot()
    def _on_buttons_accepted(self) -> None:
        password = self.password.text()
        if password != self.repeat.text():
            self.message.setText(self.tr("The two passwords differ."))
            self.repeat.clear()
            return
        ok, operator, message = self._create(
            self.username.text().strip(), password, self.display_name.text().strip()
        )
        if ok:
            self.password.clear()
            self.repeat.clear()
            self.operator = operator
            self.accept()
        else:
            self.message.setText(message)
