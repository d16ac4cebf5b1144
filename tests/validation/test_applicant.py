from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from station.errors import InputError
from station.validation import (
    normalize_applicant,
    parse_applicant_json,
    read_applicant_values,
    validate_applicant,
)
from tests.validation.helpers import BASE, TODAY, make_id, record, wrong_check


def codes(issues):  # type: ignore[no-untyped-def]
    return [(i.field, i.level, i.code) for i in issues]


def test_valid_record_has_no_issues() -> None:
    assert validate_applicant(record(), today=TODAY) == []


def test_parse_types_and_long_term() -> None:
    d = record(
        valid_until="长期",
        valid_from="2010-01-01",
        birth_date="1960-01-01",
        document_number=make_id(birth=date(1960, 1, 1)),
    )
    assert d.valid_until is None
    assert d.valid_from == date(2010, 1, 1)
    assert d.birth_date == date(1960, 1, 1)
    assert validate_applicant(d, today=TODAY) == []


@pytest.mark.parametrize("blank", ["", "  ", None])
def test_parse_blank_valid_until_is_missing_not_long_term(blank: Any) -> None:
    # A blank end date was read as None, which means 长期: the command line's
    # ``enroll edit --set valid_until=`` and JSON imports saved a long-term validity.
    with pytest.raises(InputError) as e:
        parse_applicant_json({**BASE, "valid_until": blank})
    assert str(e.value) == "valid_until: missing date (an ISO date or 长期)"
    values, problems = read_applicant_values({**BASE, "valid_until": blank})
    assert [(p.field, p.code) for p in problems] == [("valid_until", "missing")]
    assert "valid_until" not in values


def test_parse_no_validity_dates_at_all() -> None:
    for blank in ("", None):
        d = parse_applicant_json({**BASE, "document_type": "02", "valid_from": blank, "valid_until": blank})
        assert (d.valid_from, d.valid_until) == (None, None)
    d = parse_applicant_json({k: v for k, v in BASE.items() if k not in ("valid_from", "valid_until")})
    assert (d.valid_from, d.valid_until) == (None, None)
    with pytest.raises(InputError, match=r"^valid_until: missing field"):
        parse_applicant_json({k: v for k, v in BASE.items() if k != "valid_until"})


def test_parse_normalises() -> None:
    d = record(
        name=" 张伟 ", name_pinyin="zhang wei", document_number="11010519491231002x", card_type="农村居民"
    )
    assert d.name == "张伟"
    assert d.name_pinyin == "ZHANG WEI"
    assert d.document_number == "11010519491231002X"
    assert d.card_type == "rural"


def test_parse_keeps_astral_name() -> None:
    d = record(name="𠮷祥", name_pinyin="JI XIANG")
    assert d.name == "𠮷祥"
    assert len(d.name) == 2
    found = validate_applicant(d, today=TODAY)
    assert codes(found) == [("name", "warning", "non_gbk")]


@pytest.mark.parametrize("key", ["name", "sex", "document_number", "birth_date", "card_type", "mobile"])
def test_parse_missing_field(key: str) -> None:
    obj = {k: v for k, v in BASE.items() if k != key}
    with pytest.raises(InputError) as e:
        parse_applicant_json(obj)
    assert str(e.value).startswith(key)
    assert "\n" not in str(e.value)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("sex", 1),
        ("name", None),
        ("ethnicity", ["01"]),
        ("birth_date", "1985/06/15"),
        ("birth_date", "1985-02-30"),
        ("birth_date", 19850615),
        ("valid_until", "永久"),
        ("valid_from", "2015-06-20T00:00:00"),
        ("card_type", "city"),
    ],
)
def test_parse_ill_typed(key: str, value: Any) -> None:
    with pytest.raises(InputError) as e:
        parse_applicant_json({**BASE, key: value})
    assert str(e.value).startswith(key + ":")


def test_parse_unknown_key_and_not_an_object() -> None:
    with pytest.raises(InputError, match=r"^mobil: unknown field"):
        parse_applicant_json({**BASE, "mobil": "1"})
    assert parse_applicant_json({**BASE, "unit": "U1"}, extra_keys={"unit"}).name == "张伟"
    with pytest.raises(InputError):
        parse_applicant_json([BASE])  # type: ignore[arg-type]


def test_parse_optional_fields() -> None:
    d = record(
        employer="某某公司",
        agent_name="张父",
        agent_document_type="01",
        agent_document_number="11010519491231002X",
        agent_phone="010-62345678",
        household_type="21",
    )
    assert d.employer == "某某公司"
    assert validate_applicant(d, today=TODAY) == []


def test_receipt_not_needed_under_16() -> None:
    birth = date(2015, 5, 5)
    child = record(
        birth_date="2015-05-05",
        document_number=make_id(birth=birth),
        photo_receipt_number=None,
        valid_from="2020-01-01",
        valid_until="2025-01-01",
        mobile="13800000000",
    )
    assert child.photo_receipt_number == ""
    found = codes(validate_applicant(child, today=date(2024, 12, 1)))
    assert ("photo_receipt_number", "error", "required") not in found
    adult = record(photo_receipt_number="")
    assert ("photo_receipt_number", "error", "required") in codes(validate_applicant(adult, today=TODAY))


def test_check_digit_error_names_the_field() -> None:
    d = record(document_number=wrong_check(BASE["document_number"]))
    assert codes(validate_applicant(d, today=TODAY)) == [("document_number", "error", "check_digit")]


def test_birth_and_sex_must_agree() -> None:
    found = codes(validate_applicant(record(birth_date="1985-06-16"), today=TODAY))
    assert ("document_number", "error", "birth_date_mismatch") in found
    found = codes(validate_applicant(record(sex="2"), today=TODAY))
    assert ("document_number", "error", "sex_mismatch") in found


def test_codes_checked() -> None:
    found = codes(
        validate_applicant(record(ethnicity="57", occupation="2", nationality="XXX", sex="3"), today=TODAY)
    )
    assert ("ethnicity", "error", "unknown_code") in found
    assert ("occupation", "error", "unknown_code") in found
    assert ("nationality", "error", "unknown_code") in found
    assert ("sex", "error", "unknown_code") in found
    assert codes(validate_applicant(record(sex="0"), today=TODAY))[0] == ("sex", "error", "sex_not_on_card")


def test_tabs_and_line_breaks_anywhere() -> None:
    d = record().replace(
        address="北京市\t朝阳区", issuing_authority="北京市公安局\n朝阳分局", employer="A\rB"
    )
    found = codes(validate_applicant(d, today=TODAY))
    assert ("address", "error", "control_char") in found
    assert ("issuing_authority", "error", "control_char") in found
    assert ("employer", "error", "control_char") in found


def test_validity() -> None:
    found = codes(validate_applicant(record(valid_until="2024-06-20", valid_from="2004-06-20"), today=TODAY))
    assert ("valid_until", "error", "expired") in found
    found = codes(validate_applicant(record(valid_from="2026-01-01", valid_until="2036-01-01"), today=TODAY))
    assert ("valid_from", "error", "future_date") in found
    found = codes(validate_applicant(record(valid_from="2015-06-20", valid_until="2015-01-01"), today=TODAY))
    assert ("valid_until", "error", "before_start") in found
    found = codes(validate_applicant(record(valid_until="长期"), today=TODAY))
    assert found == [("valid_until", "warning", "unusual_period")]  # 30 years old with 长期
    found = codes(validate_applicant(record(valid_until="2032-06-20"), today=TODAY))
    assert found == [("valid_until", "warning", "unusual_period")]


def test_household_book_without_validity() -> None:
    d = record(document_type="02", valid_from=None, valid_until=None)
    assert validate_applicant(d, today=TODAY) == []
    d = record(valid_from=None, valid_until=None)
    assert codes(validate_applicant(d, today=TODAY)) == [("valid_from", "error", "required")]


def test_foreigner() -> None:
    n = make_id(area="911036", birth=date(1985, 6, 15), seq=123)
    d = record(
        name="JOHN SMITH",
        name_pinyin="JOHN SMITH",
        nationality="USA",
        ethnicity="",
        document_type="09",
        document_number=n,
    )
    assert validate_applicant(d, today=TODAY) == []
    found = codes(validate_applicant(d.replace(nationality="CHN"), today=TODAY))
    assert ("nationality", "warning", "nationality_document") in found


def test_hong_kong_resident() -> None:
    n = make_id(area="810000", birth=date(1985, 6, 15), seq=123)
    d = record(document_type="08", document_number=n, issuing_authority="深圳市公安局")
    assert validate_applicant(d, today=TODAY) == []


def test_abolished_area_saves_with_warning() -> None:
    n = make_id(area="110103", birth=date(1985, 6, 15), seq=123)
    found = validate_applicant(record(document_number=n), today=TODAY)
    assert [(i.field, i.level, i.code) for i in found] == [("document_number", "warning", "abolished_area")]


def test_phone_and_pinyin_in_record() -> None:
    found = codes(validate_applicant(record(mobile="1234", name_pinyin="LI SI"), today=TODAY))
    assert ("mobile", "error", "phone_format") in found
    assert ("name_pinyin", "warning", "pinyin_mismatch") in found


def test_future_birth_date() -> None:
    found = codes(validate_applicant(record(birth_date="2030-01-01"), today=TODAY))
    assert ("birth_date", "error", "future_date") in found


def test_normalize_is_idempotent() -> None:
    d = record()
    assert normalize_applicant(d) is d
