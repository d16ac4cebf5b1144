"""Validation of enrollment fields, for the window (field by field, as the user types), the
command line and imports. Pure functions of plain values: no database, no Qt.

Every check returns ``list[FieldIssue]`` (station.domain): ``level`` "error" blocks saving,
"warning" is shown and may be overridden; ``code`` is stable for translation and tests.

Modules: ``idnumber`` (GB 11643 and friends), ``documents`` (numbers by document type),
``codes`` (code tables under resources/codes), ``phones``, ``text`` (tabs, line breaks,
trimming), ``names`` (pinyin suggestion, GBK), ``applicant`` (the whole record), ``form`` (the
window's applicant form: field text -> record and issues by field, what the ID number fills in).
"""

from __future__ import annotations

from station.domain import FieldIssue
from station.validation.applicant import (
    CARD_TYPES,
    age_on,
    check_birth_date,
    check_code,
    check_validity,
    normalize_applicant,
    parse_applicant_json,
    read_applicant_values,
    validate_applicant,
)
from station.validation.documents import (
    check_document_number,
    check_document_type,
    full_width_to_ascii,
    normalize_document_number,
    parse_document_number,
)
from station.validation.form import FORM_FIELDS, FormReading, number_fills, read_applicant_form
from station.validation.idnumber import (
    IdNumberError,
    ParsedId,
    area_info,
    check_char,
    has_valid_check,
    mod11_2,
    parse_foreign_permanent,
    parse_resident_id,
    upgrade_15_to_18,
)
from station.validation.names import (
    AmbiguousChar,
    PinyinSuggestion,
    char_readings,
    check_name,
    check_name_pinyin,
    gbk_length,
    non_gb2312_chars,
    non_gbk_chars,
    pinyin_matches,
    suggest_pinyin,
)
from station.validation.phones import check_landline, check_mobile, check_phone, phone_kind
from station.validation.text import check_text, clean_text, forbidden_chars

__all__ = [
    "CARD_TYPES",
    "FORM_FIELDS",
    "AmbiguousChar",
    "FormReading",
    "IdNumberError",
    "ParsedId",
    "PinyinSuggestion",
    "age_on",
    "area_info",
    "char_readings",
    "check_birth_date",
    "check_char",
    "check_code",
    "check_document_number",
    "check_document_type",
    "check_landline",
    "check_mobile",
    "check_name",
    "check_name_pinyin",
    "check_phone",
    "check_text",
    "check_validity",
    "clean_text",
    "errors",
    "forbidden_chars",
    "full_width_to_ascii",
    "gbk_length",
    "has_valid_check",
    "mod11_2",
    "non_gb2312_chars",
    "non_gbk_chars",
    "normalize_applicant",
    "normalize_document_number",
    "number_fills",
    "parse_applicant_json",
    "parse_document_number",
    "parse_foreign_permanent",
    "parse_resident_id",
    "phone_kind",
    "pinyin_matches",
    "read_applicant_form",
    "read_applicant_values",
    "suggest_pinyin",
    "upgrade_15_to_18",
    "validate_applicant",
]


def errors(issues: list[FieldIssue]) -> list[FieldIssue]:
    """Only the issues that block saving."""
    return [i for i in issues if i.level == "error"]
