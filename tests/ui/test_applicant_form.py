"""The applicant form shows what station.validation.form reads: issues under the widget of their
field, the fills of the ID number, the agent's document type, fields it has no widget for kept."""

from __future__ import annotations

from typing import Any

import pytest

from station.validation import parse_applicant_json
from tests.ui.conftest import APPLICANT
from ui.enroll.applicant_form import ApplicantForm

pytestmark = pytest.mark.gui

RECEIPT = "0000012026010500078"
VALID = dict(APPLICANT, name_pinyin="ZHANG SAN", photo_receipt_number=RECEIPT)


@pytest.fixture
def form(qtbot: Any) -> ApplicantForm:
    f = ApplicantForm()
    qtbot.addWidget(f)
    return f


def shown(form: ApplicantForm) -> set[str]:
    return {key for key, label in form.issue_labels.items() if label.isVisibleTo(form)}


def test_valid_form(form: ApplicantForm) -> None:
    form.set_values(VALID)
    assert form.valid, form.issues
    assert shown(form) == set()
    assert form.applicant_data() == parse_applicant_json(VALID)


def test_typing_the_number_fills_birth_date_and_sex(form: ApplicantForm) -> None:
    form.widgets["sex"].setCurrentIndex(form.widgets["sex"].findData("2"))
    form.widgets["document_number"].setText("110105198503151230")
    assert form.value("birth_date") == "1985-03-15"
    assert form.value("sex") == "1"
    form.widgets["birth_date"].setText("1985-03-16")
    form.widgets["document_number"].setText("110105198503151249")  # female, same birth date
    assert form.value("birth_date") == "1985-03-16"  # typed: stays, the mismatch is shown
    assert form.value("sex") == "2"


def test_an_unreadable_birth_date_shows_on_its_field_only(form: ApplicantForm) -> None:
    form.set_values(dict(VALID, birth_date="1985-13-40"))
    assert not form.valid
    assert shown(form) == {"birth_date"}
    assert "is not a date" in form.issue_labels["birth_date"].text()


def test_blank_end_date_is_not_long_term(form: ApplicantForm) -> None:
    form.set_values(dict(VALID, valid_until=""))
    assert not form.valid and shown(form) == {"valid_until"}


def test_receipt_issued_on_save(form: ApplicantForm) -> None:
    form.set_values(APPLICANT)
    assert not form.valid and shown(form) == {"photo_receipt_number"}
    form.set_receipt_on_save(True)
    assert form.valid and "photo_receipt_number" not in {i.field for i in form.issues}


def test_agent_document_type(form: ApplicantForm) -> None:
    assert form.value("agent_document_type") == ""
    form.set_values(dict(VALID, agent_name="李四", agent_phone="13912345679"))
    assert not form.valid and shown(form) == {"agent_document_number"}
    form.set_values({"agent_document_type": "03", "agent_document_number": "E12345678"})
    assert form.valid, form.issues
    assert form.applicant_data().agent_document_type == "03"


def test_fields_without_a_widget_are_kept(form: ApplicantForm) -> None:
    data = parse_applicant_json(dict(VALID, household_place="110105", household_type="10"))
    form.set_applicant(data)
    assert form.valid, form.issues
    assert form.applicant_data() == data
    form.set_values({"household_type": "77"})
    assert not form.valid and shown(form) == {"household_address"}
    form.clear()
    assert form.values()["household_place"] == "" and form.values()["household_type"] == ""
