"""One MOD 11-2 implementation (station.validation) and one normalisation of document numbers:
what validation checks, what is stored and what a lookup searches agree."""

from __future__ import annotations

from datetime import date

import pytest

from station import validation
from station.db import Database
from station.records import applicants, codes
from station.validation import check_char, mod11_2, normalize_document_number
from tests.records.factory import applicant


def test_records_use_the_validation_mod11_2() -> None:
    assert codes.mod11_2 is validation.mod11_2
    assert mod11_2("11010519491231002") == check_char("11010519491231002") == "X"
    assert mod11_2("44052418800101001") == "4"
    # any length: receipt numbers (18 digits + check) and retrieval codes (14 + check)
    receipt = codes.make_receipt_number("000001", date(2025, 1, 15), 1)
    assert receipt[-1] == mod11_2(receipt[:-1]) and codes.is_valid_receipt_number(receipt)
    code = codes.make_retrieval_code("000001", 2025, 42)
    assert code[-1] == mod11_2(code[:-1]) and codes.is_valid_retrieval_code(code)
    for bad in ("", "12a4", "１２３"):
        with pytest.raises(ValueError):
            mod11_2(bad)


def test_free_form_numbers_keep_their_case(db: Database) -> None:
    """A 军官证 (type 04, free form) number is stored as validation normalises it: trimmed, its
    case kept, and found again with or without its type."""
    data = applicant(5, document_type="04", document_number=" ab123 ")
    with db.session() as s:
        res = applicants.enroll(s, data, operator="clerk", station_code="000001")
    stored = normalize_document_number("04", " ab123 ")
    assert stored == "ab123"
    with db.session(readonly=True) as s:
        assert applicants.get_applicant(s, res.applicant_id).data.document_number == stored
        for typed, kind in ((" ab123", "04"), ("ab123", None), ("ab123 ", None)):
            found = applicants.find_by_document_number(s, typed, kind)
            assert found is not None and found.id == res.applicant_id, (typed, kind)
        assert applicants.find_by_document_number(s, "AB123", "04") is None
        assert [r.applicant_id for r in applicants.search(s, "ab123", full=True)] == [res.applicant_id]


def test_id_numbers_are_stored_trimmed_and_found_with_a_lower_case_x(db: Database) -> None:
    data = applicant(9)
    number = data.document_number
    assert number.endswith("X")
    with db.session() as s:  # typed with blanks around it: stored trimmed
        res = applicants.enroll(
            s, data.replace(document_number=f" {number}  "), operator="clerk", station_code="000001"
        )
    with db.session(readonly=True) as s:
        assert applicants.get_applicant(s, res.applicant_id).data.document_number == number
        for kind in ("01", None):
            found = applicants.find_by_document_number(s, f" {number.lower()}", kind)
            assert found is not None and found.id == res.applicant_id


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def test_one_lookup_finds_full_width_and_15_digit_forms(db: Database) -> None:
    """``lookup_forms`` is the one lookup of a number given without its type (records, imports,
    reference data): full-width text and the 15-digit form of an ID number find the person."""
    born_19xx = applicant(12, birth_date=date(1975, 3, 9))
    from tests.records.factory import id_number

    number = id_number(date(1975, 3, 9), 31)
    permit = applicant(13, document_type="06", document_number="h12345678", nationality="HKG")
    with db.session() as s:
        person = applicants.enroll(
            s, born_19xx.replace(document_number=number, sex="1"), operator="clerk", station_code="000001"
        )
        holder = applicants.enroll(s, permit, operator="clerk", station_code="000001")
    assert applicants.lookup_forms(_fullwidth(" h12345678")) == ("h12345678", "H12345678")
    assert applicants.lookup_forms(number[:6] + number[8:17])[-1] == number
    with db.session(readonly=True) as s:
        for typed, who in (
            (_fullwidth(number), person.applicant_id),
            (number[:6] + number[8:17], person.applicant_id),
            (_fullwidth("h12345678"), holder.applicant_id),
            ("\u3000" + _fullwidth("H12345678"), holder.applicant_id),
        ):
            found = applicants.find_by_document_number(s, typed)
            assert found is not None and found.id == who, typed
            assert [r.applicant_id for r in applicants.search(s, typed)] == [who], typed
