from __future__ import annotations

import pytest

from station.validation import (
    check_landline,
    check_mobile,
    check_phone,
    check_text,
    clean_text,
    forbidden_chars,
    phone_kind,
)


def codes(issues):  # type: ignore[no-untyped-def]
    return [(i.level, i.code) for i in issues]


@pytest.mark.parametrize(
    "number", ["13912345678", "15000000000", "18612345678", "19912345678", "16612345678"]
)
def test_mobile_ok(number: str) -> None:
    assert check_mobile("mobile", number) == []
    assert phone_kind(number) == "mobile"


@pytest.mark.parametrize(
    "number", ["12912345678", "1391234567", "139123456789", "1391234567a", "139 1234 5678"]
)
def test_mobile_bad(number: str) -> None:
    assert codes(check_mobile("mobile", number)) == [("error", "phone_format")]


def test_mobile_with_country_code() -> None:
    found = check_mobile("mobile", "+8613912345678")
    assert codes(found) == [("error", "phone_format")]
    assert "+86" in found[0].message


def test_landline_in_mobile_field_is_a_warning() -> None:
    assert codes(check_mobile("mobile", "010-62345678")) == [("warning", "landline")]
    assert codes(check_mobile("mobile", "010-62345678", allow_landline=False)) == [("error", "phone_format")]


@pytest.mark.parametrize(
    "number", ["010-62345678", "021-5432109", "0571-87654321", "0358-7654321", "010-62345678-123"]
)
def test_landline_ok(number: str) -> None:
    assert check_landline("contact_phone", number) == []
    assert check_phone("contact_phone", number) == []


@pytest.mark.parametrize(
    ("number", "hint"),
    [
        ("01062345678", ""),
        ("010 62345678", "010-62345678"),
        ("(0571)87654321", "0571-87654321"),
        ("010—62345678", "010-62345678"),
        ("62345678", ""),
        ("010-02345678", ""),
    ],
)
def test_landline_bad(number: str, hint: str) -> None:
    found = check_landline("contact_phone", number)
    assert codes(found) == [("error", "phone_format")]
    assert hint in found[0].message


def test_phone_required() -> None:
    assert codes(check_mobile("mobile", "")) == [("error", "required")]
    assert check_phone("agent_phone", "", required=False) == []


@pytest.mark.parametrize("value", ["a\tb", "a\nb", "a\r\nb", "a\x0bb", "a\u2028b", "a\x00b"])
def test_control_characters(value: str) -> None:
    assert codes(check_text("address", value)) == [("error", "control_char")]


def test_control_message_names_them() -> None:
    [issue] = check_text("unit_name", "一\t二\n三")
    assert "tab" in issue.message and "line break" in issue.message
    assert forbidden_chars("一\t二\t") == ["\t"]


def test_trimming() -> None:
    assert codes(check_text("address", " 北京 ")) == [("warning", "untrimmed")]
    assert clean_text("\u3000北京 ") == "北京"
    assert check_text("address", "北京 朝阳") == []
