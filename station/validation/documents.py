"""Document numbers, by document type (codes.py): ``check_document_number``.

| type | rule |
|---|---|
| 01 居民身份证, 02 居民户口簿 | GB 11643, 18 characters; birth date and sex must agree |
| 08 港澳台居民居住证 | GB 11643 with area 810000 / 820000 / 830000 |
| 09 外国人永久居留身份证 | 2023 form: 18 digits starting 9, GB 11643 check; older: 3 letters + 12 digits |
| 03 护照 | 5-20 letters and digits |
| 06 港澳居民来往内地通行证 | H or M + 8 or 10 digits (a different shape is a warning) |
| 07 台湾居民来往内地通行证 | 8 digits, or the older 10 characters (a different shape is a warning) |
| 04, 05, 99 | up to 30 characters, no blanks |
"""

from __future__ import annotations

import re
from datetime import date

from station.domain import FieldIssue
from station.validation import codes
from station.validation.idnumber import (
    HMT_PREFIXES,
    IdNumberError,
    ParsedId,
    old_foreign_birth_matches,
    parse_foreign_permanent,
    parse_resident_id,
)
from station.validation.idnumber import (
    PROVINCES as _PROVINCES,
)
from station.validation.text import check_text

__all__ = [
    "check_document_number",
    "check_document_type",
    "full_width_to_ascii",
    "normalize_document_number",
    "parse_document_number",
]

_PASSPORT = re.compile(r"^[A-Z0-9]{5,20}$")
_HK_MO = re.compile(r"^[HM]\d{8}(\d{2})?$", re.ASCII)
_TW = re.compile(r"^(\d{8}|\d{10}|[A-Z0-9]{10})$", re.ASCII)
_FREE = re.compile(r"^[A-Za-z0-9\-()（）]{1,30}$")

FIELD = "document_number"
# U+FF01..U+FF5E are the full-width forms of ASCII 0x21..0x7E; U+3000 is the ideographic space.
_FULL_WIDTH = {0xFF01 + i: 0x21 + i for i in range(0x5E)} | {0x3000: 0x20}


def full_width_to_ascii(text: str) -> str:
    """``text`` with full-width letters, digits and signs (U+FF01..U+FF5E) and the ideographic
    space as their ASCII forms: a Chinese input method's full-width mode types ＩＤ numbers as
    "１１０１…". Nothing else changes (no trimming, no case)."""
    return text.translate(_FULL_WIDTH)


def normalize_document_number(document_type: str, number: str) -> str:
    """Trim, turn full-width letters, digits and brackets into ASCII (``full_width_to_ascii``),
    and upper-case the letters of numbers whose letters are always upper case (ID numbers' X,
    passports, permits). Does not convert a 15-digit number: see
    ``idnumber.upgrade_15_to_18``."""
    n = full_width_to_ascii(number).strip()
    if codes.number_rule(document_type) in (
        "gb11643",
        "hmt_residence",
        "foreign_permanent",
        "passport",
        "hk_mo_permit",
        "tw_permit",
    ):
        n = n.upper()
    return n


def check_document_type(document_type: str, *, field: str = "document_type") -> list[FieldIssue]:
    if not document_type.strip():
        return [FieldIssue(field, "error", "required", "the document type is required")]
    if document_type not in codes.document_types():
        return [FieldIssue(field, "error", "unknown_code", f"unknown document type {document_type!r}")]
    return []


def parse_document_number(document_type: str, number: str) -> ParsedId | None:
    """The parsed number for the types that carry a birth date (01, 02, 08, 09), else None.
    Raises ``IdNumberError`` when such a number cannot be right."""
    rule = codes.number_rule(document_type)
    if rule in ("gb11643", "hmt_residence"):
        return parse_resident_id(number)
    if rule == "foreign_permanent":
        return parse_foreign_permanent(number)
    return None


def check_document_number(
    doc_type: str,
    number: str,
    *,
    birth_date: date | None = None,
    sex: str | None = None,
    nationality: str | None = None,
    field: str = FIELD,
) -> list[FieldIssue]:
    """Issues with a document number for its type; when given, the birth date and sex of the
    record must agree with those inside the number. Area codes only ever give warnings."""
    issues = check_text(field, number)
    if any(i.level == "error" for i in issues):
        return issues
    n = number.strip()
    if not n:
        return [FieldIssue(field, "error", "required", "the document number is required")]
    rule = codes.number_rule(doc_type)
    if rule in ("gb11643", "hmt_residence", "foreign_permanent"):
        try:
            parsed = parse_document_number(doc_type, n)
        except IdNumberError as exc:
            return [*issues, FieldIssue(field, "error", exc.code, str(exc))]
        assert parsed is not None
        issues += _agreement(
            parsed, rule, birth_date=birth_date, sex=sex, nationality=nationality, field=field
        )
        return issues
    if rule == "passport":
        if not _PASSPORT.match(n.upper()):
            issues.append(
                FieldIssue(field, "error", "format", "a passport number has 5-20 letters and digits")
            )
    elif rule == "hk_mo_permit":
        if not _HK_MO.match(n.upper()):
            issues.append(FieldIssue(field, "warning", "format", "usually H or M followed by 8 or 10 digits"))
    elif rule == "tw_permit":
        if not _TW.match(n.upper()):
            issues.append(FieldIssue(field, "warning", "format", "usually 8 digits (10 on older permits)"))
    elif not _FREE.match(n):
        issues.append(FieldIssue(field, "error", "format", "up to 30 letters, digits and hyphens, no blanks"))
    return issues


def _agreement(
    parsed: ParsedId,
    rule: str,
    *,
    birth_date: date | None,
    sex: str | None,
    nationality: str | None,
    field: str,
) -> list[FieldIssue]:
    out: list[FieldIssue] = []
    if rule == "hmt_residence" and parsed.kind != "hmt_residence":
        out.append(
            FieldIssue(
                field,
                "error",
                "hmt_prefix",
                "a 港澳台 residence permit number starts with 810000, 820000 or 830000",
            )
        )
    if rule == "gb11643" and parsed.kind == "hmt_residence":
        out.append(
            FieldIssue(
                field, "warning", "hmt_number", f"a {HMT_PREFIXES[parsed.number[:6]]} residence permit number"
            )
        )
    if parsed.area is not None and parsed.kind == "resident":
        a = parsed.area
        if a.code[:2] not in _PROVINCES:
            out.append(FieldIssue(field, "warning", "unknown_area", f"unknown province code {a.code[:2]}"))
        elif a.status == "unknown":
            out.append(
                FieldIssue(field, "warning", "unknown_area", f"area code {a.code} is not in the code list")
            )
        elif a.status == "abolished":
            out.append(
                FieldIssue(
                    field, "warning", "abolished_area", f"area code {a.code} ({a.name}) no longer exists"
                )
            )
        elif not a.valid_at_birth:
            out.append(
                FieldIssue(
                    field,
                    "warning",
                    "area_not_in_use",
                    f"area code {a.code} was not in use in the birth year",
                )
            )
    if birth_date is not None:
        if parsed.birth_date is not None and parsed.birth_date != birth_date:
            out.append(
                FieldIssue(
                    field,
                    "error",
                    "birth_date_mismatch",
                    f"the number says born {parsed.birth_date.isoformat()},"
                    f" the record {birth_date.isoformat()}",
                )
            )
        elif parsed.kind == "foreign_permanent_old" and not old_foreign_birth_matches(
            parsed.number, birth_date
        ):
            out.append(
                FieldIssue(
                    field,
                    "error",
                    "birth_date_mismatch",
                    "the birth date inside the number differs from the record",
                )
            )
    if sex in ("1", "2") and parsed.sex is not None and parsed.sex != sex:
        said = "male" if parsed.sex == "1" else "female"
        out.append(FieldIssue(field, "error", "sex_mismatch", f"the number says {said}, the record differs"))
    if nationality and parsed.nationality and parsed.nationality != nationality:
        out.append(
            FieldIssue(
                field,
                "warning",
                "nationality_mismatch",
                f"the number says {parsed.nationality}, the record {nationality}",
            )
        )
    return out
