"""The whole applicant: ``parse_applicant_json`` (the JSON of ``station enroll add --from``) and
``validate_applicant`` (every field, the window shows the issues next to their fields)."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

from station.domain import LONG_TERM, OPTIONAL_FIELDS, REQUIRED_FIELDS, ApplicantData, FieldIssue
from station.errors import InputError
from station.validation import codes
from station.validation.documents import check_document_number, check_document_type, normalize_document_number
from station.validation.names import check_name, check_name_pinyin
from station.validation.phones import check_mobile, check_phone
from station.validation.text import check_text, clean_text

__all__ = [
    "CARD_TYPES",
    "RECEIPT_AGE",
    "age_on",
    "check_birth_date",
    "check_code",
    "check_validity",
    "normalize_applicant",
    "parse_applicant_json",
    "read_applicant_values",
    "validate_applicant",
]

CARD_TYPES = {"urban": "城镇居民", "rural": "农村居民"}
RECEIPT_AGE = 16  # no photo receipt number needed below this age (enrollment.md §1)
_DATE_FIELDS = ("valid_from", "valid_until", "birth_date")
_NULLABLE = {"valid_from", "valid_until", "photo_receipt_number"}
_TEXT_FIELDS = tuple(
    f.name for f in dataclasses.fields(ApplicantData) if f.name not in (*_DATE_FIELDS, "card_type")
)


# ---------------------------------------------------------------------------------------- parse
def _read_date(key: str, value: Any, *, long_term: bool = False) -> tuple[date | None, FieldIssue | None]:
    """The date of a JSON value (None for null, blank text and 长期), or the problem reading it."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if not isinstance(value, str):
        return None, FieldIssue(
            key,
            "error",
            "wrong_type",
            f"expected an ISO date string (YYYY-MM-DD), got {type(value).__name__}",
        )
    v = value.strip()
    if long_term and v == LONG_TERM:
        return None, None
    if len(v) != 10:
        return None, FieldIssue(
            key,
            "error",
            "date_format",
            f"expected an ISO date (YYYY-MM-DD){' or 长期' if long_term else ''}, got {v!r}",
        )
    try:
        return date.fromisoformat(v), None
    except ValueError:
        return None, FieldIssue(key, "error", "not_a_date", f"{v!r} is not a date (YYYY-MM-DD)")


def read_applicant_values(
    obj: Mapping[str, Any], *, extra_keys: Collection[str] = ()
) -> tuple[dict[str, Any], list[FieldIssue]]:
    """The typed values of ``parse_applicant_json`` and every problem reading them, each an
    error ``FieldIssue`` on its key (codes ``unknown_field``, ``missing``, ``wrong_type``,
    ``date_format``, ``not_a_date``, ``unknown_code``), in the order ``parse_applicant_json``
    meets them. A key with a problem is left out of the values; text is trimmed, nothing else
    is normalised. Null or blank dates are None; a None ``valid_until`` means 长期, so with a
    ``valid_from`` only the written "长期" gives it (absent, null or blank: ``missing``). For
    callers that report every field at once (the window's form, ``station.validation.form``)."""
    problems: list[FieldIssue] = []
    known = set(REQUIRED_FIELDS) | set(OPTIONAL_FIELDS)
    for key in sorted(k for k in obj if k not in known and k not in extra_keys):
        problems.append(FieldIssue(key, "error", "unknown_field", "unknown field"))
    values: dict[str, Any] = {}
    for key in REQUIRED_FIELDS:
        if key not in obj and key not in _NULLABLE:
            problems.append(FieldIssue(key, "error", "missing", "missing field"))
    for key in (*REQUIRED_FIELDS, *OPTIONAL_FIELDS):
        if key not in obj:
            continue
        value = obj[key]
        if key in _DATE_FIELDS:
            parsed, problem = _read_date(key, value, long_term=(key == "valid_until"))
            if problem is None and parsed is None and key == "birth_date":
                problem = FieldIssue(key, "error", "missing", "missing date")
            if problem is not None:
                problems.append(problem)
            else:
                values[key] = parsed
            continue
        if value is None and (key in _NULLABLE or key in OPTIONAL_FIELDS):
            continue
        if not isinstance(value, str):
            problems.append(
                FieldIssue(key, "error", "wrong_type", f"expected a string, got {type(value).__name__}")
            )
            continue
        values[key] = clean_text(value)
    if "card_type" in values:
        ct = values["card_type"]
        if ct not in CARD_TYPES:
            by_name = {v: k for k, v in CARD_TYPES.items()}
            if ct in by_name:
                values["card_type"] = by_name[ct]
            else:
                del values["card_type"]
                problems.append(
                    FieldIssue(
                        "card_type", "error", "unknown_code", f"expected 'urban' or 'rural', got {ct!r}"
                    )
                )
    values.setdefault("photo_receipt_number", "")
    if "valid_from" not in obj:
        values["valid_from"] = None
    # With a start date, no end date is a missing one: 长期 (None) has to be written as such.
    if values.get("valid_from") is not None and values.get("valid_until") is None:
        if "valid_until" not in obj:
            problems.append(
                FieldIssue("valid_until", "error", "missing", "missing field (an ISO date or 长期)")
            )
        elif "valid_until" in values and not _is_long_term(obj["valid_until"]):
            del values["valid_until"]
            problems.append(
                FieldIssue("valid_until", "error", "missing", "missing date (an ISO date or 长期)")
            )
    elif "valid_until" not in obj:
        values["valid_until"] = None
    return values, problems


def _is_long_term(value: Any) -> bool:
    return isinstance(value, str) and value.strip() == LONG_TERM


def parse_applicant_json(obj: Mapping[str, Any], *, extra_keys: Collection[str] = ()) -> ApplicantData:
    """Build an ``ApplicantData`` from decoded JSON.

    Raises ``InputError`` (one line naming the field) for a missing required key, a value of the
    wrong type, an unknown key (a typo would silently lose data; ``extra_keys`` lists keys the
    caller handles itself), or a date that is not ISO (``valid_until`` may also be "长期").
    ``photo_receipt_number`` and ``valid_from`` may be absent, null or blank (under 16; a
    document with no validity such as 户口簿); with a ``valid_from``, ``valid_until`` is a date
    or "长期", never blank (a blank is a missing date, not 长期). Text is trimmed, letters of ID
    numbers and the pinyin are upper-cased; nothing else is changed, so ``validate_applicant``
    still sees inner tabs.
    ``read_applicant_values`` gives every problem instead of the first."""
    if not isinstance(obj, Mapping):
        raise InputError(f"applicant: expected a JSON object, got {type(obj).__name__}")
    values, problems = read_applicant_values(obj, extra_keys=extra_keys)
    if problems:
        raise InputError(str(problems[0]))
    return normalize_applicant(ApplicantData(**values))


def normalize_applicant(data: ApplicantData) -> ApplicantData:
    """Trim every text field, upper-case the pinyin and the letters of document numbers."""
    changes: dict[str, object] = {}
    for name in _TEXT_FIELDS:
        v = getattr(data, name)
        if isinstance(v, str) and v != clean_text(v):
            changes[name] = clean_text(v)
    pinyin = clean_text(data.name_pinyin).upper()
    if pinyin != data.name_pinyin:
        changes["name_pinyin"] = pinyin
    doc = normalize_document_number(data.document_type, data.document_number)
    if doc != data.document_number:
        changes["document_number"] = doc
    if data.agent_document_number:
        agent = normalize_document_number(data.agent_document_type, data.agent_document_number)
        if agent != data.agent_document_number:
            changes["agent_document_number"] = agent
    return data.replace(**changes) if changes else data


# ------------------------------------------------------------------------------------- validate
def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def check_code(field: str, value: str, table: codes.CodeTable, *, required: bool = True) -> list[FieldIssue]:
    v = value.strip()
    if not v:
        return [FieldIssue(field, "error", "required", f"{field} is required")] if required else []
    if v not in table:
        return [FieldIssue(field, "error", "unknown_code", f"{v!r} is not in the {table.id} code table")]
    return []


def check_birth_date(birth_date: date, *, today: date, field: str = "birth_date") -> list[FieldIssue]:
    if birth_date > today:
        return [FieldIssue(field, "error", "future_date", "the birth date is in the future")]
    if birth_date.year < 1890:
        return [FieldIssue(field, "error", "too_old", "the birth date is before 1890")]
    return []


def check_validity(
    valid_from: date | None,
    valid_until: date | None,
    *,
    today: date,
    document_type: str = "",
    birth_date: date | None = None,
) -> list[FieldIssue]:
    """证件有效期: start not in the future, end not passed, end after start; for 居民身份证 the
    usual periods (5, 10, 20 years, 长期 from 46) give a warning when not met."""
    out: list[FieldIssue] = []
    dated = codes.number_rule(document_type) in ("gb11643", "hmt_residence", "foreign_permanent") and (
        document_type != codes.DOC_HOUSEHOLD_BOOK
    )
    if valid_from is None:
        if dated:
            out.append(FieldIssue("valid_from", "error", "required", "the validity start date is required"))
        return out
    if valid_from > today:
        out.append(FieldIssue("valid_from", "error", "future_date", "the document is not valid yet"))
    if valid_until is not None:
        if valid_until <= valid_from:
            out.append(
                FieldIssue("valid_until", "error", "before_start", "the end date is not after the start date")
            )
        elif valid_until < today:
            out.append(FieldIssue("valid_until", "error", "expired", "the document has expired"))
    if document_type == codes.DOC_RESIDENT_ID and birth_date is not None and not out:
        age = age_on(birth_date, valid_from)
        if valid_until is None:
            if age < 46:
                out.append(
                    FieldIssue(
                        "valid_until", "warning", "unusual_period", "长期 is issued from the age of 46"
                    )
                )
        else:
            years = age_on(valid_from, valid_until)
            same_day = (valid_until.month, valid_until.day) == (valid_from.month, valid_from.day)
            if years not in (5, 10, 20) or not same_day:
                out.append(
                    FieldIssue(
                        "valid_until",
                        "warning",
                        "unusual_period",
                        "居民身份证 run 5, 10 or 20 years to the day",
                    )
                )
    return out


def validate_applicant(data: ApplicantData, *, today: date | None = None) -> list[FieldIssue]:
    """Every issue of the record, errors and warnings, in field order. An empty list, or only
    warnings, means the record may be saved."""
    today = today or date.today()
    issues: list[FieldIssue] = []
    # Text rules on every text field first; field checks below skip repeating them.
    for name in _TEXT_FIELDS:
        v = getattr(data, name)
        if isinstance(v, str) and v:
            issues += check_text(name, v)
    text_bad = {i.field for i in issues if i.level == "error"}

    def add(found: list[FieldIssue]) -> None:
        for i in found:
            if i.field in text_bad and i.code in ("control_char", "untrimmed"):
                continue
            if i.code == "untrimmed" and any(j.field == i.field and j.code == "untrimmed" for j in issues):
                continue
            if i not in issues:
                issues.append(i)

    add(check_name("name", data.name))
    add(check_name_pinyin("name_pinyin", data.name_pinyin, name=data.name))
    if data.sex == "0":
        add([FieldIssue("sex", "error", "sex_not_on_card", "the card stores 1 (male), 2 (female) or 9")])
    else:
        add(check_code("sex", data.sex, codes.sexes()))
    add(check_code("nationality", data.nationality, codes.nationalities()))
    foreign = bool(data.nationality) and data.nationality != codes.CHINA
    add(check_code("ethnicity", data.ethnicity, codes.ethnicities(), required=not foreign))
    add(check_document_type(data.document_type))
    add(check_birth_date(data.birth_date, today=today))
    if data.document_type in codes.document_types():
        add(
            check_document_number(
                data.document_type,
                data.document_number,
                birth_date=data.birth_date,
                sex=data.sex,
                nationality=data.nationality,
            )
        )
        add(_nationality_vs_document(data))
    elif not data.document_number.strip():
        add([FieldIssue("document_number", "error", "required", "the document number is required")])
    if not data.issuing_authority.strip():
        add([FieldIssue("issuing_authority", "error", "required", "the issuing authority is required")])
    add(
        check_validity(
            data.valid_from,
            data.valid_until,
            today=today,
            document_type=data.document_type,
            birth_date=data.birth_date,
        )
    )
    add(check_mobile("mobile", data.mobile))
    if not data.address.strip():
        add([FieldIssue("address", "error", "required", "the residential address is required")])
    elif len(data.address.strip()) > 100:
        add([FieldIssue("address", "warning", "too_long", "longer than 100 characters")])
    add(check_code("occupation", data.occupation, codes.occupations()))
    if not data.photo_receipt_number.strip():
        if data.birth_date <= today and age_on(data.birth_date, today) >= RECEIPT_AGE:
            add(
                [
                    FieldIssue(
                        "photo_receipt_number",
                        "error",
                        "required",
                        "a photo receipt number is required from 16",
                    )
                ]
            )
    elif not all(c.isascii() and (c.isalnum() or c == "-") for c in data.photo_receipt_number.strip()):
        add([FieldIssue("photo_receipt_number", "error", "format", "letters, digits and '-' only")])
    if data.card_type not in CARD_TYPES:
        add([FieldIssue("card_type", "error", "unknown_code", "urban or rural")])
    add(_optional_fields(data))
    return issues


def _nationality_vs_document(data: ApplicantData) -> list[FieldIssue]:
    rule = codes.number_rule(data.document_type)
    nat = data.nationality
    if not nat:
        return []
    if rule == "gb11643" and nat != codes.CHINA:
        return [
            FieldIssue(
                "nationality",
                "warning",
                "nationality_document",
                "a 居民身份证 / 户口簿 holder is Chinese (CHN)",
            )
        ]
    if rule == "hmt_residence" and nat not in (codes.CHINA, "HKG", "MAC", "TWN"):
        return [
            FieldIssue(
                "nationality", "warning", "nationality_document", "a 港澳台 resident is CHN (or HKG/MAC/TWN)"
            )
        ]
    if rule == "foreign_permanent" and nat == codes.CHINA:
        return [
            FieldIssue(
                "nationality",
                "warning",
                "nationality_document",
                "a permanent residence card holder is a foreigner",
            )
        ]
    return []


def _optional_fields(data: ApplicantData) -> list[FieldIssue]:
    out: list[FieldIssue] = []
    if data.household_type:
        out += check_code("household_type", data.household_type, codes.household_types())
    hp = data.household_place.strip()
    if hp.isdigit() and len(hp) != 6:
        out.append(FieldIssue("household_place", "error", "format", "an area code has 6 digits"))
    agent = (data.agent_name, data.agent_document_type, data.agent_document_number, data.agent_phone)
    if any(v.strip() for v in agent):
        if not data.agent_name.strip():
            out.append(FieldIssue("agent_name", "error", "required", "the agent's name is required"))
        else:
            out += [i for i in check_name("agent_name", data.agent_name) if i.level == "error"]
        if not data.agent_document_type.strip():
            out.append(
                FieldIssue(
                    "agent_document_type", "error", "required", "the agent's document type is required"
                )
            )
        else:
            out += check_document_type(data.agent_document_type, field="agent_document_type")
        if data.agent_document_type in codes.document_types():
            out += check_document_number(
                data.agent_document_type, data.agent_document_number, field="agent_document_number"
            )
        out += check_phone("agent_phone", data.agent_phone, required=False)
    ssn = data.social_security_number.strip()
    if ssn and codes.number_rule(data.document_type) == "gb11643" and ssn != data.document_number.strip():
        out.append(
            FieldIssue(
                "social_security_number",
                "warning",
                "ssn_differs",
                "for PRC residents it equals the citizen ID number",
            )
        )
    return out
