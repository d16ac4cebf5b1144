"""The applicant form: one widget per field of ``station.domain.ApplicantData``, values kept as
the JSON strings of ``station enroll add --from`` (so the draft, the form and the command line
share one format), validated as you type.

The rules are ``station.validation.form``'s: ``read_applicant_form`` turns the text of the
fields into the record and its issues, each naming its field, and ``number_fills`` says what
the ID number fills in. This widget only shows them: errors in red under their field, warnings
in orange. The pinyin follows the name until the operator edits it (then it is theirs), with
the other readings of heteronyms offered in its list.

The agent's document type sits in the row of the agent's document number. Fields of a loaded
record that the form has no widget for (户籍地, 户籍性质) are kept as they are and saved with it;
their issues show under the household address.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from station.domain import ApplicantData, FieldIssue
from station.validation.form import FORM_FIELDS, FormReading, number_fills, read_applicant_form

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
# A second widget in the row of a field: key, kind (the code combo starts blank).
_COMPANIONS = {"agent_document_number": ("agent_document_type", "code:document_type")}
# Fields without a widget of their own: kept from the record loaded, issues shown on this row.
_SHOWN_ON = {"household_place": "household_address", "household_type": "household_address"}
_SHOWN_ON.update({companion: key for key, (companion, _kind) in _COMPANIONS.items()})
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
        self.reading: FormReading | None = None
        self.valid = False
        self._kept: dict[str, str] = {}  # fields with no widget, as loaded (see _SHOWN_ON)
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
            if key in _COMPANIONS:
                companion, companion_kind = _COMPANIONS[key]
                c = self._make_widget(companion, companion_kind, blank_first=True)
                c.setObjectName(f"field_{companion}")
                self.widgets[companion] = c
                row = QHBoxLayout()
                row.addWidget(c)
                row.addWidget(w, 1)
                box.addLayout(row)
            else:
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

    def _make_widget(self, key: str, kind: str, *, blank_first: bool = False) -> QLineEdit | QComboBox:
        if kind.startswith("code:"):
            combo = QComboBox(self)
            if blank_first:
                combo.addItem("", "")
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
        """The text of every field, widgets in form order, then the fields kept as loaded."""
        out = {key: self.value(key) for key in self.widgets}
        out.update({key: self._kept.get(key, "") for key in _SHOWN_ON if key not in self.widgets})
        return out

    def set_values(self, values: dict[str, Any]) -> None:
        self._loading = True
        try:
            for key, value in values.items():
                w = self.widgets.get(key)
                text = "" if value is None else str(value)
                if w is None:
                    if key in _SHOWN_ON:
                        self._kept[key] = text
                    continue
                self._put(w, text)
            self._pinyin_auto = not values.get("name_pinyin")
        finally:
            self._loading = False
        if values.get("name") and not values.get("name_pinyin"):
            self._on_name_changed(str(values["name"]))
        self._revalidate()
        self.changed.emit()

    @staticmethod
    def _put(w: QLineEdit | QComboBox, text: str) -> None:
        if isinstance(w, QComboBox):
            idx = w.findData(text)
            if idx >= 0:
                w.setCurrentIndex(idx)
            elif w.isEditable():
                w.setEditText(text)
        else:
            w.setText(text)

    def set_applicant(self, data: ApplicantData) -> None:
        vals: dict[str, Any] = {}
        for key in FORM_FIELDS:
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
        self._kept = {}
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

    def read(self) -> FormReading:
        """The record and its issues, as ``station.validation.form`` reads the fields."""
        return read_applicant_form(self.values(), receipt_on_save=self.receipt_on_save)

    def applicant_data(self) -> ApplicantData:
        """The typed record; InputError naming a field when a value cannot be read."""
        return self.read().record()

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
        self.reading = reading = self.read()
        self.issues = list(reading.issues)
        by_field: dict[str, list[FieldIssue]] = {}
        for i in reading.issues:
            by_field.setdefault(_SHOWN_ON.get(i.field, i.field), []).append(i)
        for key, label in self.issue_labels.items():
            found = by_field.get(key, [])
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
        self.valid = reading.valid
        self.validity_changed.emit(self.valid)

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
    def _on_number_changed(self, _number: str) -> None:
        """The ID number fills an empty birth date and the sex (``number_fills``)."""
        if self._loading:
            return
        for key, text in number_fills(self.values()).items():
            self._put(self.widgets[key], text)
