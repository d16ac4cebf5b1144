"""Building valid numbers and records for the validation tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from station.domain import ApplicantData
from station.validation import check_char


def make_id(area: str = "110105", birth: date = date(1985, 6, 15), seq: int = 123) -> str:
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    return body + check_char(body)


def wrong_check(number: str) -> str:
    right = number[17]
    for c in "0123456789X":
        if c != right:
            return number[:17] + c
    raise AssertionError


TODAY = date(2025, 3, 1)

BASE: dict[str, Any] = {
    "name": "张伟",
    "name_pinyin": "ZHANG WEI",
    "sex": "1",
    "ethnicity": "01",
    "nationality": "CHN",
    "document_type": "01",
    "document_number": make_id(birth=date(1985, 6, 15), seq=123),
    "issuing_authority": "北京市公安局朝阳分局",
    "valid_from": "2015-06-20",
    "valid_until": "2035-06-20",
    "mobile": "13912345678",
    "address": "北京市朝阳区建国路88号",
    "occupation": "4",
    "photo_receipt_number": "00000120250301000017",
    "card_type": "urban",
    "birth_date": "1985-06-15",
}


def record(**changes: Any) -> ApplicantData:
    from station.validation import parse_applicant_json

    return parse_applicant_json({**BASE, **changes})
