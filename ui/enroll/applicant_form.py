"""The applicant form: one widget per field of ``station.domain.ApplicantData``, values kept as
the JSON strings of ``station enroll add --from`` (so the draft, the form and the command line
share one format), validated as you type with ``station.validation``.

Errors show in red under their field, warnings in orange; the pinyin follows the name until the
operator edits it (then it is theirs), with the other readings of heteronyms offered in its list.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from station.domain import ApplicantData, FieldIssue
from station.errors import InputError

__all__ = ["FIELDS", "ApplicantForm"]

# key, label (English source; Chinese via the .qm), kind
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("document_type", QT_TRANSLATE_NOOP("ApplicantForm", "Document type"), "code:document_type"),
    ("document_number", QT_TRANSLATE_NOOP("ApplicantForm", "Document number"), "text"),
    ("name", QT_TRANSLATE_NOOP("ApplicantForm", "Name"), "text"),
    ("name_pinyin", QT_TRANSLATE_NOOP("ApplicantForm", "Name in pinyin"), "pinyin"),
    ("sex", QT_TRANSLATE_NOOP("ApplicantForm", "Sex"), "code:sex"),
    ("birth_date", QT_TRANSLATE_NOOP("ApplicantForm", "Date of birth (YYYY-MM-DD)"), "text"),
    ("ethnicity", QT_TRANSLATE_NOOP("ApplicantForm", "Ethnicity"), "code:ethnicity"),
    ("nationality", QT_TRANSLATE_NOOP("ApplicantForm", "Nationality"), "code:nationality"),
    ("issuing_authority", QT_TRANSLATE_NOOP("ApplicantForm", "Issuing authority"), "text"),
    ("valid_from", QT_TRANSLATE_NOOP("ApplicantForm", "Valid from (YYYY-MM-DD)"), "text"),
    ("valid_until", QT_TRANSLATE_NOOP("ApplicantForm", "Valid until (YYYY-MM-DD or 长期)"), "text"),
    ("mobile", QT_TRANSLATE_NOOP("ApplicantForm", "Mobile phone"), "text"),
    ("address", QT_TRANSLATE_NOOP("ApplicantForm", "Address"), "text"),
    ("occupation", QT_TRANSLATE_NOOP("ApplicantForm", "Occupation"), "code:occupation"),
    ("card_type", QT_TRANSLATE_NOOP("ApplicantForm", "Card type"), "card_type"),
    ("photo_receipt_number", QT_TRANSLATE_NOOP("ApplicantForm", "Photo receipt number"), "text"),
    ("employer", QT_TRANSLATE_NOOP("ApplicantForm", "Employer"), "text"),
    ("social_security_number", QT_TRANSLATE_NOOP("ApplicantForm", "Social security number"), "text"),
    ("household_address", QT_TRANSLATE_NOOP("ApplicantForm", "Household address"), "text"),
    ("agent_name", QT_TRANSLATE_NOOP("ApplicantForm", "Agent (if any)"), "text"),
    ("agent_document_number", QT_TRANSLATE_NOOP("ApplicantForm", "Agent's document number"), "text"),
    ("agent_phone", QT_TRANSLATE_NOOP("ApplicantForm", "Agent's phone"), "text"),
)
_DATE_KEYS = ("birth_date", "valid_from", "valid_until")
DEFAULTS = {
    "document_type": "01",
    "nationality": "CHN",
    "ethnicity": "01",
    "card_type": "urban",
    "sex": "1",
    "occupation": "Y",
}


def _table(table_id: str) -> Any:
    from station.validation.codes import table

    return table(table_id)


class ApplicantForm(QWidget):
    """Signals:
    changed(): any value changed (the page autosaves the draft).
    validity_changed(bool): whether the record can be saved (no errors).
    """

    changed = Signal()
    validity_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.widgets: dict[str, QLineEdit | QComboBox] = {}
        self.issue_labels: dict[str, QLabel] = {}
        self.issues: list[FieldIssue] = []
        self.valid = False
        # When the station issues the photo receipt itself on save (it took the photo), a
        # missing receipt number does not block the save.
        self.receipt_on_save = False
        self._pinyin_auto = True
        self._loading = False
        form = QFormLayout()
        for key, label, kind in FIELDS:
            w = self._make_widget(key, kind)
            w.setObjectName(f"field_{key}")
            self.widgets[key] = w
            issue = QLabel(self)
            issue.setWordWrap(True)
            issue.setVisible(False)
            self.issue_labels[key] = issue
            box = QVBoxLayout()
            box.setSpacing(1)
            box.addWidget(w)
            box.addWidget(issue)
            form.addRow(QCoreApplication.translate("ApplicantForm", label), box)
        inner = QWidget(self)
        inner.setLayout(form)
        scroll = QScrollArea(self)
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        QVBoxLayout(self).addWidget(scroll)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.clear()

    def _make_widget(self, key: str, kind: str) -> QLineEdit | QComboBox:
        if kind.startswith("code:"):
            combo = QComboBox(self)
            try:
                t = _table(kind[5:])
                for code in t:
                    combo.addItem(t.label(code), code)
            except Exception as exc:  # the code tables ship with validation
                combo.setEditable(True)
                combo.setToolTip(str(exc))
            combo.currentIndexChanged.connect(self._on_any_changed)
            return combo
        if kind == "card_type":
            combo = QComboBox(self)
            combo.addItem(self.tr("Urban"), "urban")
            combo.addItem(self.tr("Rural"), "rural")
            combo.currentIndexChanged.connect(self._on_any_changed)
            return combo
        if kind == "pinyin":
            combo = QComboBox(self)
            combo.setEditable(True)
            combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            edit = combo.lineEdit()
            assert edit is not None
            edit.textEdited.connect(self._on_pinyin_edited)
            combo.currentTextChanged.connect(self._on_any_changed)
            return combo
        line = QLineEdit(self)
        line.textChanged.connect(self._on_any_changed)
        if key == "name":
            line.textChanged.connect(self._on_name_changed)
        if key == "document_number":
            line.textChanged.connect(self._on_number_changed)
        return line

    # -- values ------------------------------------------------------------------------------
    def value(self, key: str) -> str:
        w = self.widgets[key]
        if isinstance(w, QComboBox):
            if w.isEditable():
                return w.currentText().strip()
            data = w.currentData()
            return str(data) if data is not None else w.currentText().strip()
        return w.text().strip()

    def values(self) -> dict[str, str]:
        return {key: self.value(key) for key, _, _ in FIELDS}

    def set_values(self, values: dict[str, Any]) -> None:
        self._loading = True
        try:
            for key, value in values.items():
                w = self.widgets.get(key)
                if w is None:
                    continue
                text = "" if value is None else str(value)
                if isinstance(w, QComboBox):
                    idx = w.findData(text)
                    if idx >= 0:
                        w.setCurrentIndex(idx)
                    else:
                        w.setEditText(text) if w.isEditable() else None
                else:
                    w.setText(text)
            self._pinyin_auto = not values.get("name_pinyin")
        finally:
            self._loading = False
        if values.get("name") and not values.get("name_pinyin"):
            self._on_name_changed(str(values["name"]))
        self._revalidate()
        self.changed.emit()

    def set_applicant(self, data: ApplicantData) -> None:
        vals: dict[str, Any] = {}
        for key, _, _ in FIELDS:
            v = getattr(data, key, "")
            if isinstance(v, date):
                v = v.isoformat()
            if key == "valid_until" and v is None:
                v = "长期"
            vals[key] = v or ""
        self.set_values(vals)
        self._pinyin_auto = False

    def clear(self) -> None:
        self._loading = True
        for key, w in self.widgets.items():
            if isinstance(w, QComboBox):
                if w.isEditable():
                    w.clear()
                    w.setEditText("")
                else:
                    idx = w.findData(DEFAULTS.get(key, ""))
                    w.setCurrentIndex(max(0, idx))
            else:
                w.clear()
        self._loading = False
        self._pinyin_auto = True
        self._revalidate()

    def applicant_data(self, overrides: dict[str, Any] | None = None) -> ApplicantData:
        """The typed record; InputError naming a field when a value cannot be parsed."""
        from station.validation import parse_applicant_json

        raw: dict[str, Any] = {}
        for key, value in self.values().items():
            if value == "" and key in ("valid_from", "photo_receipt_number"):
                raw[key] = None
            elif value != "" or key not in (
                "employer",
                "social_security_number",
                "household_address",
                "agent_name",
                "agent_document_number",
                "agent_phone",
            ):
                raw[key] = value
        raw.update(overrides or {})
        return parse_applicant_json(raw)

    # -- validation as you type --------------------------------------------------------------
    @Slot()
    def _on_any_changed(self) -> None:
        if self._loading:
            return
        self._timer.start()
        self.changed.emit()

    @Slot()
    def _on_timer_timeout(self) -> None:
        self._revalidate()

    def _revalidate(self) -> None:
        from station.validation import validate_applicant

        issues: list[FieldIssue] = []
        # A value that does not even parse (a bad date) is reported on its field and replaced by
        # a stand-in, so that every other field is still checked as the operator types.
        overrides: dict[str, Any] = {}
        data = None
        for _ in range(len(FIELDS)):
            try:
                data = self.applicant_data(overrides)
                break
            except InputError as exc:
                text = str(exc)
                field = text.split(":", 1)[0].strip()
                if field not in self.widgets or field in overrides:
                    issues.append(FieldIssue("name", "error", "parse", text))
                    break
                message = text.split(":", 1)[1].strip() if ":" in text else text
                issues.append(FieldIssue(field, "error", "parse", message))
                overrides[field] = "2000-01-01" if field in _DATE_KEYS else ""
        if data is not None:
            issues += [i for i in validate_applicant(data) if i.field not in overrides]
        self.issues = issues
        by_field: dict[str, list[FieldIssue]] = {}
        for i in issues:
            by_field.setdefault(i.field, []).append(i)
        for key, label in self.issue_labels.items():
            found = [i for i in by_field.get(key, []) if not self._issued_on_save(i)]
            if key == "photo_receipt_number" and self.receipt_on_save and not self.value(key):
                label.setText(self.tr("Issued by this station when you save."))
                label.setStyleSheet("color:#2e7d32;")
                label.setVisible(True)
                self.widgets[key].setStyleSheet("")
                continue
            if not found:
                label.setVisible(False)
                self.widgets[key].setStyleSheet("")
                continue
            err = any(i.level == "error" for i in found)
            label.setText("; ".join(i.message for i in found))
            label.setStyleSheet(f"color:{'#c62828' if err else '#ef6c00'};")
            label.setVisible(True)
            self.widgets[key].setStyleSheet(
                "border:2px solid #c62828;" if err else "border:2px solid #ef6c00;"
            )
        valid = not any(i.level == "error" and not self._issued_on_save(i) for i in issues)
        if valid != self.valid:
            self.valid = valid
        self.validity_changed.emit(valid)

    def _issued_on_save(self, issue: FieldIssue) -> bool:
        return self.receipt_on_save and issue.field == "photo_receipt_number" and issue.code == "required"

    def set_receipt_on_save(self, on: bool) -> None:
        self.receipt_on_save = on
        self._revalidate()

    # -- helpers: pinyin and the ID number ---------------------------------------------------
    @Slot(str)
    def _on_pinyin_edited(self, _text: str) -> None:
        self._pinyin_auto = False  # the operator's spelling wins from now on

    @Slot(str)
    def _on_name_changed(self, name: str) -> None:
        if self._loading or not self._pinyin_auto:
            return
        combo = self.widgets["name_pinyin"]
        assert isinstance(combo, QComboBox)
        try:
            from station.validation import suggest_pinyin

            sug = suggest_pinyin(name)
        except Exception:
            return
        combo.blockSignals(True)
        combo.clear()
        for spelling in (sug.default, *sug.alternatives):
            if spelling:
                combo.addItem(spelling)
        combo.setEditText(sug.default)
        combo.blockSignals(False)
        if sug.needs_choice:
            combo.setToolTip(self.tr("Several readings are possible: check the spelling with the applicant."))

    @Slot(str)
    def _on_number_changed(self, number: str) -> None:
        """A valid 18-digit citizen ID fills an empty birth date and the sex."""
        if self._loading or self.value("document_type") not in ("01", "02") or len(number.strip()) != 18:
            return
        try:
            from station.validation import parse_resident_id

            parsed = parse_resident_id(number.strip())
        except Exception:
            return
        birth = getattr(parsed, "birth_date", None)
        if birth is not None and not self.value("birth_date"):
            w = self.widgets["birth_date"]
            assert isinstance(w, QLineEdit)
            w.setText(birth.isoformat())
        sex = getattr(parsed, "sex", None)
        combo = self.widgets["sex"]
        if sex and isinstance(combo, QComboBox):
            idx = combo.findData(str(sex))
            if idx >= 0:
                combo.setCurrentIndex(idx)
