"""Plain values for an applicant, shared by validation, records, forms and the window.

Field names are the JSON keys of ``station enroll add --from FILE.json`` (issue 3 §7); the
optional fields of enrollment.md §1 use snake_case English names. Dates are ``datetime.date``;
``valid_until`` is ``None`` for 长期 (no end date).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Literal

__all__ = [
    "LONG_TERM",
    "OPTIONAL_FIELDS",
    "REQUIRED_FIELDS",
    "ApplicantData",
    "FieldIssue",
    "mask_id",
]

LONG_TERM = "长期"


@dataclass(frozen=True)
class ApplicantData:
    # Required for a card application (enrollment.md §1).
    name: str
    name_pinyin: str
    sex: str  # GB/T 2261.1: "1" male, "2" female, "9" unspecified
    ethnicity: str  # GB 3304 two-digit code
    nationality: str  # ISO 3166-1 alpha-3, e.g. "CHN"
    document_type: str  # WS 364 code, "01" = 居民身份证 (spec/codes/tables.md)
    document_number: str
    issuing_authority: str
    valid_from: date | None
    valid_until: date | None  # None = 长期
    mobile: str
    address: str
    occupation: str  # GB/T 6565 major group: 0 1 3 4 5 6 X Y (W local)
    photo_receipt_number: str  # may be empty under 16 years of age
    card_type: Literal["urban", "rural"]
    birth_date: date
    # Optional (enrollment.md §1).
    household_place: str = ""  # 户籍地 (GB/T 2260 code or text)
    household_address: str = ""  # 户籍地址
    household_type: str = ""  # 户籍性质 code (tables.md 户口类别)
    agent_name: str = ""  # 代办人
    agent_document_type: str = ""
    agent_document_number: str = ""
    agent_phone: str = ""
    social_security_number: str = ""  # 社保登记号
    employer: str = ""  # 单位名称

    def replace(self, **changes: object) -> ApplicantData:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


_FIELDS = dataclasses.fields(ApplicantData)
REQUIRED_FIELDS = tuple(f.name for f in _FIELDS if f.default is dataclasses.MISSING)
OPTIONAL_FIELDS = tuple(f.name for f in _FIELDS if f.default is not dataclasses.MISSING)


@dataclass(frozen=True)
class FieldIssue:
    """One finding of validation, for the window to show next to its field."""

    field: str
    level: Literal["error", "warning"]
    code: str  # stable id, e.g. "check_digit", "unknown_area", "birth_date_mismatch"
    message: str  # one line, Chinese then English is not needed: the window translates by code

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def mask_id(number: str) -> str:
    """Mask the middle of an ID number for lists and logs: 110105********123X."""
    n = number.strip()
    if len(n) <= 7:
        return "*" * len(n)
    if len(n) > 10:
        return n[:6] + "*" * (len(n) - 10) + n[-4:]
    return n[:3] + "*" * (len(n) - 5) + n[-2:]
