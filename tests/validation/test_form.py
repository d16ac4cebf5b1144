"""station.validation.form: the window's applicant form as text -> record and issues by field."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from station.errors import InputError
from station.validation import (
    FORM_FIELDS,
    number_fills,
    parse_applicant_json,
    read_applicant_form,
    read_applicant_values,
    upgrade_15_to_18,
)
from tests.validation.helpers import BASE, TODAY, make_id, wrong_check


def form(**changes: str) -> dict[str, str]:
    """The form's text: every field, blank unless BASE or the changes give it."""
    return dict.fromkeys(FORM_FIELDS, "") | BASE | changes


def read(**changes: str) -> Any:
    return read_applicant_form(form(**changes), today=TODAY)


def codes(reading: Any) -> list[tuple[str, str, str]]:
    return [(i.field, i.level, i.code) for i in reading.issues]


def test_complete_form_reads_like_the_json() -> None:
    r = read()
    assert r.valid and r.issues == () and r.unreadable == frozenset()
    assert r.data == parse_applicant_json(BASE)
    assert r.record() == r.data


def test_keys_the_form_does_not_send_are_blank() -> None:
    r = read_applicant_form(BASE, today=TODAY)
    assert r.valid
    assert r.data is not None and r.data.employer == "" and r.data.agent_document_type == ""


def test_blank_optional_fields_are_empty_and_not_issues() -> None:
    r = read(employer="  ", social_security_number="", household_address="", agent_name="", agent_phone="")
    assert r.valid, r.issues
    assert r.data is not None
    assert (r.data.employer, r.data.agent_name, r.data.household_address) == ("", "", "")


def test_blank_required_text_is_required_on_its_field() -> None:
    r = read(name="", mobile=" ", address="")
    assert not r.valid
    found = codes(r)
    assert ("name", "error", "required") in found
    assert ("mobile", "error", "required") in found
    assert ("address", "error", "required") in found
    assert r.data is not None  # text fields always read: the record is there, it has errors


def test_blank_validity_dates_are_none_for_a_household_book() -> None:
    r = read(document_type="02", valid_from="", valid_until="")
    assert r.valid, r.issues
    assert r.data is not None and r.data.valid_from is None and r.data.valid_until is None


def test_blank_valid_from_of_an_id_card_is_required() -> None:
    r = read(valid_from="", valid_until="")
    assert codes(r) == [("valid_from", "error", "required")]


def test_blank_valid_until_is_not_long_term() -> None:
    # A blank end date used to be read as 长期 and saved so; it is a missing date.
    r = read(valid_until="")
    assert codes(r) == [("valid_until", "error", "missing")]
    assert r.data is None and r.unreadable == {"valid_until"}
    r = read(
        valid_until="长期",
        valid_from="2010-01-01",
        birth_date="1960-01-01",
        document_number=make_id(birth=date(1960, 1, 1)),
    )
    assert r.valid, r.issues
    assert r.data is not None and r.data.valid_until is None


def test_blank_valid_until_reads_as_in_the_json() -> None:
    # One rule for the window and the JSON (station enroll add/edit): read_applicant_values'.
    for blank in ("", "  "):
        r = read(valid_until=blank)
        _values, problems = read_applicant_values({**BASE, "valid_until": blank})
        assert list(r.issues) == problems
        assert [str(i) for i in r.issues] == ["valid_until: missing date (an ISO date or 长期)"]


def test_blank_birth_date_is_missing() -> None:
    r = read(birth_date="")
    assert codes(r) == [("birth_date", "error", "missing")]
    assert r.data is None and not r.valid
    with pytest.raises(InputError) as e:
        r.record()
    assert str(e.value) == "birth_date: missing date"


def test_blank_receipt_number_from_16_unless_the_station_issues_it() -> None:
    r = read(photo_receipt_number="")
    assert codes(r) == [("photo_receipt_number", "error", "required")]
    assert r.data is not None and r.data.photo_receipt_number == ""
    r = read_applicant_form(form(photo_receipt_number=""), receipt_on_save=True, today=TODAY)
    assert r.valid and r.issues == ()
    child = make_id(birth=date(2015, 5, 5))
    r = read(
        photo_receipt_number="",
        birth_date="2015-05-05",
        document_number=child,
        valid_from="2021-01-01",
        valid_until="2026-01-01",
    )
    assert r.valid, r.issues


def test_unreadable_date_is_one_error_and_the_rest_is_still_checked() -> None:
    r = read(birth_date="1985-13-40", mobile="1391234567")
    assert r.unreadable == {"birth_date"} and r.data is None
    found = codes(r)
    assert found[0] == ("birth_date", "error", "not_a_date")
    assert str(r.issues[0]) == "birth_date: '1985-13-40' is not a date (YYYY-MM-DD)"
    assert ("mobile", "error", "phone_format") in found
    # The stand-in birth date is never compared with the number.
    assert not [c for c in found if c[0] == "document_number"]
    assert [f for f, _, _ in found].count("birth_date") == 1


def test_unreadable_dates_give_the_messages_of_the_json() -> None:
    for changes in ({"valid_from": "2015-6-20"}, {"valid_until": "2035/06/20"}, {"birth_date": "x"}):
        r = read(**changes)
        with pytest.raises(InputError) as e:
            parse_applicant_json({**BASE, **changes})
        assert str(r.issues[0]) == str(e.value)
        assert r.issues[0].level == "error" and r.unreadable == set(changes)


def test_unreadable_valid_from_does_not_judge_the_end_date() -> None:
    r = read(valid_from="2015-02-30")
    assert codes(r) == [("valid_from", "error", "not_a_date")]


def test_unknown_key_is_a_programming_error() -> None:
    with pytest.raises(InputError, match=r"^nickname: "):
        read_applicant_form(form(nickname="x"))


# ---------------------------------------------------------------------------------------- 18 digits
def test_18_digit_number_fills_birth_date_and_sex() -> None:
    male = make_id(birth=date(1990, 2, 28), seq=123)
    assert number_fills(form(document_number=male, birth_date="", sex="2")) == {
        "birth_date": "1990-02-28",
        "sex": "1",
    }
    female = make_id(birth=date(1990, 2, 28), seq=124)
    assert number_fills(form(document_number=female, birth_date="", sex="1")) == {
        "birth_date": "1990-02-28",
        "sex": "2",
    }
    # A typed birth date stays (a disagreement is validation's), the same sex is no fill.
    assert number_fills(form(document_number=male, birth_date="1990-03-01", sex="1")) == {}
    # The household book carries the same number; lower-case x is read too.
    x = make_id(area="110105", birth=date(1949, 12, 31), seq=2)
    assert x.endswith("X")
    fills = number_fills(form(document_type="02", document_number=x.lower(), birth_date=""))
    assert fills == {"birth_date": "1949-12-31", "sex": "2"}


def test_18_digit_number_read_with_its_birth_date_and_sex() -> None:
    n = make_id(birth=date(1990, 2, 28), seq=124)
    r = read(
        document_number=n, birth_date="1990-02-28", sex="2", valid_from="2020-01-01", valid_until="2040-01-01"
    )
    assert r.valid, r.issues
    assert r.data is not None
    assert (r.data.document_number, r.data.birth_date, r.data.sex) == (n, date(1990, 2, 28), "2")


def test_18_digit_number_disagreeing_with_the_record() -> None:
    r = read(birth_date="1985-06-16", sex="2")
    assert ("document_number", "error", "birth_date_mismatch") in codes(r)
    assert ("document_number", "error", "sex_mismatch") in codes(r)
    assert not r.valid and r.data is not None


def test_blank_birth_date_with_a_readable_number_is_still_missing() -> None:
    # The form fills it (number_fills) when the operator types the number; a blank that stays
    # blank is not silently taken from the number, and not compared with a stand-in either.
    r = read(birth_date="")
    assert codes(r) == [("birth_date", "error", "missing")]


def test_wrong_check_digit() -> None:
    bad = wrong_check(BASE["document_number"])
    r = read(document_number=bad)
    assert codes(r) == [("document_number", "error", "check_digit")]
    assert "expected " + BASE["document_number"][17] in r.issues[0].message
    assert number_fills(form(document_number=bad, birth_date="", sex="2")) == {}


def test_15_digit_number() -> None:
    old = "110105850615123"
    r = read(document_number=old)
    assert codes(r) == [("document_number", "error", "fifteen_digits")]
    assert upgrade_15_to_18(old) in r.issues[0].message
    assert number_fills(form(document_number=old, birth_date="", sex="2")) == {}


def test_incomplete_number_fills_nothing() -> None:
    assert number_fills(form(document_number=BASE["document_number"][:10], birth_date="")) == {}
    assert number_fills(form(document_number="", birth_date="")) == {}


# ------------------------------------------------------------------------------ HK, MO, TW, foreign
@pytest.mark.parametrize(("area", "nationality"), [("810000", "HKG"), ("820000", "MAC"), ("830000", "TWN")])
def test_hmt_residence_permit(area: str, nationality: str) -> None:
    n = make_id(area=area, birth=date(1985, 6, 15), seq=123)
    r = read(document_type="08", document_number=n, nationality=nationality, ethnicity="")
    assert r.valid, r.issues
    assert number_fills(form(document_type="08", document_number=n, birth_date="", sex="2")) == {
        "birth_date": "1985-06-15",
        "sex": "1",
    }


def test_hmt_residence_permit_needs_its_prefix() -> None:
    r = read(document_type="08")  # a mainland number
    assert ("document_number", "error", "hmt_prefix") in codes(r)


def test_hmt_number_on_an_id_card_is_a_warning() -> None:
    r = read(document_number=make_id(area="810000", birth=date(1985, 6, 15)))
    assert ("document_number", "warning", "hmt_number") in codes(r)
    assert r.valid


@pytest.mark.parametrize(
    ("doc_type", "number", "ok"),
    [("06", "H12345678", True), ("06", "M1234567890", True), ("06", "X123", False), ("07", "12345678", True)],
)
def test_hk_mo_and_taiwan_permits(doc_type: str, number: str, ok: bool) -> None:
    r = read(document_type=doc_type, document_number=number)
    number_issues = [c for c in codes(r) if c[0] == "document_number"]
    assert number_issues == ([] if ok else [("document_number", "warning", "format")])
    assert r.valid  # a different shape is only a warning
    assert number_fills(form(document_type=doc_type, document_number=number, birth_date="")) == {}


def test_foreign_permanent_residence_card_fills_too() -> None:
    n = make_id(area="911840", birth=date(1980, 1, 2), seq=122)
    assert number_fills(form(document_type="09", document_number=n, birth_date="", sex="1")) == {
        "birth_date": "1980-01-02",
        "sex": "2",
    }
    assert number_fills(form(document_type="09", document_number="USA110801021234", birth_date="")) == {}


def test_agent_needs_a_document_type() -> None:
    r = read(agent_name="李四", agent_phone="13912345679")
    assert codes(r) == [("agent_document_type", "error", "required")]
    r = read(agent_name="李四", agent_document_type="03", agent_document_number="E12345678")
    assert r.valid, r.issues
