"""The settings dialog: profile, camera, printer, reader, station code and the regional rules
(initial PIN), over ``station.config.Settings``. The dialog edits a copy; the caller saves it."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from station.config import Settings

__all__ = ["SettingsDialog"]


class SettingsDialog(QDialog):
    def __init__(
        self,
        settings: Settings,
        profiles: list[str],
        printers: list[str],
        readers: list[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self._original = settings
        self.profile = QComboBox(self)
        self.profile.addItems(profiles)
        self.profile.setCurrentText(settings.profile)
        self.camera = QComboBox(self)
        self.camera.setEditable(True)
        self.camera.addItems(["demo", "0", "1", "2"])
        self.camera.setCurrentText(settings.camera)
        self.camera.setToolTip(self.tr("'demo', a device number, or a folder the studio camera writes into"))
        self.resolution = QComboBox(self)
        self.resolution.setEditable(True)
        self.resolution.addItems(["1280x720", "1920x1080", "640x480"])
        self.resolution.setCurrentText(settings.camera_resolution)
        self.mirror = QCheckBox(self)
        self.mirror.setChecked(settings.mirror_preview)
        self.auto_frames = QSpinBox(self)
        self.auto_frames.setRange(1, 120)
        self.auto_frames.setValue(settings.auto_capture_frames)
        self.countdown = QDoubleSpinBox(self)
        self.countdown.setRange(0.0, 10.0)
        self.countdown.setSingleStep(0.5)
        self.countdown.setValue(settings.auto_capture_countdown_s)
        self.language = QComboBox(self)
        self.language.addItem("中文", "zh_CN")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(0 if settings.language == "zh_CN" else 1)
        self.printer = QComboBox(self)
        self.printer.addItem(self.tr("(system default)"), "")
        for p in printers:
            self.printer.addItem(p, p)
        idx = self.printer.findData(settings.printer)
        self.printer.setCurrentIndex(max(0, idx))
        self.reader = QComboBox(self)
        self.reader.setEditable(True)
        self.reader.addItem("")
        self.reader.addItems(readers)
        self.reader.setCurrentText(settings.reader)
        self.virtual = QCheckBox(self)
        self.virtual.setChecked(settings.allow_virtual_readers)
        self.station_code = QLineEdit(settings.station_code, self)
        self.station_code.setInputMask("999999")
        self.station_name = QLineEdit(settings.station_name, self)
        self.pin_rule = QComboBox(self)
        self.pin_rule.setEditable(True)
        self.pin_rule.addItems(["fixed:123456", "id-last6"])
        self.pin_rule.setCurrentText(settings.initial_pin_rule)
        self.city = QLineEdit(settings.card_city_code, self)
        self.city.setInputMask("999")
        self.keep_days = QSpinBox(self)
        self.keep_days.setRange(0, 3650)
        self.keep_days.setValue(settings.keep_originals_days)
        self.message = QLabel(self)
        self.message.setStyleSheet("color:#c62828;")

        form = QFormLayout()
        form.addRow(self.tr("Photo profile"), self.profile)
        form.addRow(self.tr("Camera"), self.camera)
        form.addRow(self.tr("Camera resolution"), self.resolution)
        form.addRow(self.tr("Mirrored preview"), self.mirror)
        form.addRow(self.tr("Auto-capture after N green frames"), self.auto_frames)
        form.addRow(self.tr("Auto-capture countdown (s)"), self.countdown)
        form.addRow(self.tr("Language (after restart)"), self.language)
        form.addRow(self.tr("Printer"), self.printer)
        form.addRow(self.tr("Card reader"), self.reader)
        form.addRow(self.tr("Allow virtual readers (training)"), self.virtual)
        form.addRow(self.tr("Station code"), self.station_code)
        form.addRow(self.tr("Station / studio name"), self.station_name)
        form.addRow(self.tr("Initial PIN rule"), self.pin_rule)
        form.addRow(self.tr("Card city code"), self.city)
        form.addRow(self.tr("Keep originals (days)"), self.keep_days)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        self.result_settings: Settings | None = None

    def values(self) -> Settings:
        return dataclasses.replace(
            self._original,
            profile=self.profile.currentText(),
            camera=self.camera.currentText().strip() or "demo",
            camera_resolution=self.resolution.currentText().strip(),
            mirror_preview=self.mirror.isChecked(),
            auto_capture_frames=self.auto_frames.value(),
            auto_capture_countdown_s=self.countdown.value(),
            language=str(self.language.currentData()),
            printer=str(self.printer.currentData() or ""),
            reader=self.reader.currentText().strip(),
            allow_virtual_readers=self.virtual.isChecked(),
            station_code=self.station_code.text().strip(),
            station_name=self.station_name.text().strip(),
            initial_pin_rule=self.pin_rule.currentText().strip(),
            card_city_code=self.city.text().strip(),
            keep_originals_days=self.keep_days.value(),
        )

    def problems(self, s: Settings) -> list[str]:
        out = []
        if len(s.station_code) != 6 or not s.station_code.isdigit():
            out.append(self.tr("The station code has 6 digits."))
        rule = s.initial_pin_rule
        if not (
            rule == "id-last6"
            or (rule.startswith("fixed:") and rule[6:].isdigit() and 6 <= len(rule[6:]) <= 8)
        ):
            out.append(self.tr("The initial PIN rule is 'fixed:NNNNNN' or 'id-last6'."))
        if len(s.card_city_code) != 3 or not s.card_city_code.isdigit():
            out.append(self.tr("The card city code has 3 digits."))
        try:
            from capture.sources import parse_resolution

            parse_resolution(s.camera_resolution)
        except Exception as exc:
            out.append(str(exc))
        return out

    @Slot()
    def _on_buttons_accepted(self) -> None:
        s = self.values()
        bad = self.problems(s)
        if bad:
            self.message.setText("\n".join(bad))
            return
        self.result_settings = s
        self.accept()
