from __future__ import annotations

from datetime import date

import pytest

from station.validation import (
    IdNumberError,
    area_info,
    check_char,
    check_document_number,
    has_valid_check,
    normalize_document_number,
    parse_foreign_permanent,
    parse_resident_id,
    upgrade_15_to_18,
)
from tests.validation.helpers import make_id, wrong_check

# Numbers whose check characters are published (GB 11643 example and widely quoted samples).


def codes(issues):  # type: ignore[no-untyped-def]
    return [(i.level, i.code) for i in issues]


@pytest.mark.parametrize(
    ("first17", "check"),
    [
        ("11010519491231002", "X"),  # GB 11643-1999 annex example
        ("44052418800101001", "4"),
        ("81000019940823002", "1"),
        ("83000019851111003", "5"),
    ],
)
def test_check_char_known(first17: str, check: str) -> None:
    assert check_char(first17) == check
    assert has_valid_check(first17 + check)


def test_every_check_value_reachable() -> None:
    # Vary the sequence: all eleven check characters appear, X among them.
    seen = {make_id(seq=s)[17] for s in range(200)}
    assert seen == set("0123456789X")


def test_wrong_check_refused() -> None:
    n = make_id()
    with pytest.raises(IdNumberError) as e:
        parse_resident_id(wrong_check(n))
    assert e.value.code == "check_digit"
    assert codes(check_document_number("01", wrong_check(n))) == [("error", "check_digit")]


def test_lowercase_x() -> None:
    assert codes(check_document_number("01", "11010519491231002x")) == [("error", "lowercase_x")]


def test_x_in_wrong_place_and_length() -> None:
    assert codes(check_document_number("01", "1101051949123100X2")) == [("error", "format")]
    assert codes(check_document_number("01", "11010519491231002")) == [("error", "format")]
    assert codes(check_document_number("01", "1101051949123100200")) == [("error", "format")]
    # Full-width digits are not digits here.
    assert codes(check_document_number("01", "１１010519491231002X")) == [("error", "format")]


def test_impossible_birth_date() -> None:
    body = "11010519990230001"  # 30 February
    assert codes(check_document_number("01", body + check_char(body))) == [("error", "birth_date_invalid")]


def test_birth_and_sex_from_number() -> None:
    p = parse_resident_id("11010519491231002X")
    assert p.birth_date == date(1949, 12, 31)
    assert p.sex == "2"  # 2 is even: female
    assert p.kind == "resident"
    assert parse_resident_id(make_id(seq=123)).sex == "1"


def test_birth_date_mismatch() -> None:
    n = make_id(birth=date(1985, 6, 15))
    found = codes(check_document_number("01", n, birth_date=date(1985, 6, 16), sex="1"))
    assert found == [("error", "birth_date_mismatch")]
    assert check_document_number("01", n, birth_date=date(1985, 6, 15), sex="1") == []


def test_sex_mismatch() -> None:
    n = make_id(seq=124)  # even: female
    assert codes(check_document_number("01", n, sex="1")) == [("error", "sex_mismatch")]
    assert check_document_number("01", n, sex="2") == []
    assert check_document_number("01", n, sex="9") == []  # unspecified is not a contradiction


def test_15_to_18() -> None:
    assert upgrade_15_to_18("110105491231002") == "11010519491231002X"
    assert upgrade_15_to_18("440524800101001") == "440524198001010013"
    with pytest.raises(IdNumberError):
        upgrade_15_to_18("11010549123100")
    with pytest.raises(IdNumberError):
        upgrade_15_to_18("110105491331002")  # month 13
    found = check_document_number("01", "110105491231002")
    assert codes(found) == [("error", "fifteen_digits")]
    assert "11010519491231002X" in found[0].message
    assert parse_resident_id("110105491231002", allow_15=True).number == "11010519491231002X"


def test_hong_kong_macao_taiwan_residence_permits() -> None:
    for area, kind in (("810000", "香港"), ("820000", "澳门"), ("830000", "台湾")):
        n = make_id(area=area, birth=date(1994, 8, 23), seq=2)
        assert check_document_number("08", n, birth_date=date(1994, 8, 23), sex="2") == []
        p = parse_resident_id(n)
        assert p.kind == "hmt_residence"
        assert p.area is not None and kind in p.area.name
        # The same number typed as 居民身份证: accepted, with a hint.
        assert codes(check_document_number("01", n)) == [("warning", "hmt_number")]
    # A mainland number under the residence-permit type is refused.
    assert codes(check_document_number("08", make_id())) == [("error", "hmt_prefix")]
    bad = wrong_check(make_id(area="810000"))
    assert codes(check_document_number("08", bad)) == [("error", "check_digit")]


def test_foreigners_permanent_residence_2023_form() -> None:
    n = make_id(area="911036", birth=date(1980, 1, 1), seq=123)
    assert n.startswith("9")
    assert check_document_number("09", n, birth_date=date(1980, 1, 1), sex="1", nationality="USA") == []
    p = parse_foreign_permanent(n)
    assert (p.kind, p.birth_date, p.sex) == ("foreign_permanent", date(1980, 1, 1), "1")
    assert codes(check_document_number("09", wrong_check(n))) == [("error", "check_digit")]
    assert codes(check_document_number("09", make_id())) == [("error", "format")]  # not starting 9
    assert codes(check_document_number("09", n, birth_date=date(1980, 1, 2))) == [
        ("error", "birth_date_mismatch")
    ]


def test_foreigners_permanent_residence_old_form() -> None:
    n = "USA118001011019"  # USA + 11 (Beijing) + 800101 + 4 digits
    p = parse_foreign_permanent(n)
    assert (p.kind, p.nationality) == ("foreign_permanent_old", "USA")
    assert check_document_number("09", n, birth_date=date(1980, 1, 1), nationality="USA") == []
    assert codes(check_document_number("09", n, birth_date=date(1980, 1, 2))) == [
        ("error", "birth_date_mismatch")
    ]
    assert codes(check_document_number("09", n, nationality="CAN")) == [("warning", "nationality_mismatch")]
    assert codes(check_document_number("09", "USA111380101019")) == [("error", "birth_date_invalid")]
    assert codes(check_document_number("09", "US1118001011019")) == [("error", "format")]


def test_abolished_area_is_a_warning_only() -> None:
    # 110103 崇文区, merged into 东城区 in 2010: still on valid cards.
    n = make_id(area="110103", birth=date(1980, 1, 1), seq=1)
    found = check_document_number("01", n, birth_date=date(1980, 1, 1), sex="1")
    assert codes(found) == [("warning", "abolished_area")]
    assert "崇文区" in found[0].message
    assert area_info("110103").status == "abolished"


def test_unknown_area_is_a_warning_only() -> None:
    n = make_id(area="110199", seq=1)
    assert codes(check_document_number("01", n)) == [("warning", "unknown_area")]
    n = make_id(area="990000", seq=1)
    assert codes(check_document_number("01", n)) == [("warning", "unknown_area")]


def test_area_not_yet_in_use_at_birth() -> None:
    # 110119 延庆区 exists since 2015; someone born 1980 with it is odd but possible after a move.
    n = make_id(area="110119", birth=date(1980, 1, 1), seq=1)
    assert codes(check_document_number("01", n)) == [("warning", "area_not_in_use")]


def test_household_book_uses_the_same_rule() -> None:
    assert check_document_number("02", "11010519491231002X") == []
    assert codes(check_document_number("02", "110105194912310021")) == [("error", "check_digit")]


def test_other_document_types() -> None:
    assert check_document_number("03", "E12345678") == []
    assert codes(check_document_number("03", "E12 345")) == [("error", "format")]
    assert check_document_number("06", "H1234567801") == []
    assert check_document_number("06", "M12345678") == []
    assert codes(check_document_number("06", "X12345")) == [("warning", "format")]
    assert check_document_number("07", "12345678") == []
    assert codes(check_document_number("07", "1234")) == [("warning", "format")]
    assert check_document_number("04", "军字第123456号"[:0] + "12345678") == []
    assert codes(check_document_number("99", "")) == [("error", "required")]


def test_tabs_in_number() -> None:
    assert codes(check_document_number("01", "1101051949\t1231002X")) == [("error", "control_char")]


def _full_width(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)


def test_full_width_numbers_from_an_input_method_are_read_as_ascii() -> None:
    number = make_id()
    typed = "\u3000" + _full_width(number.lower()) + " "
    assert normalize_document_number("01", typed) == number
    assert not [
        i for i in check_document_number("01", normalize_document_number("01", typed)) if i.level == "error"
    ]
    assert normalize_document_number("06", _full_width("h12345678")) == "H12345678"


def test_unicode_digits_are_an_issue_not_a_crash() -> None:
    """Digits of other scripts (here Arabic-Indic) are not ID digits: one error, no exception."""
    arabic = "".join(chr(0x0660 + int(c)) for c in make_id()[:15])
    for number in (arabic, _full_width(make_id()[:15])):
        issues = check_document_number("01", number)
        assert [i.level for i in issues] == ["error"]
