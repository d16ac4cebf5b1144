"""The window's applicant form as plain strings (no Qt): ``read_applicant_form`` turns the text
of its fields into an ``ApplicantData`` and every problem, each a ``FieldIssue`` on its field,
so that the form only puts each message under the widget of that name; ``number_fills`` says
which fields a document number fills in.

Fields are keyed by ``ApplicantData`` field name; a key the form does not send counts as blank.
A blank field means:

- ``valid_from``, ``photo_receipt_number``: no value (a document without validity dates; under
  16, or the receipt the station issues when it saves);
- ``valid_until``: as in the JSON (``read_applicant_values``): no value when ``valid_from`` is
  blank too, else a missing end date (长期 has to be typed: a blank is never read as 长期);
- the optional fields (``station.domain.OPTIONAL_FIELDS``): empty;
- any other field: missing, reported by ``validate_applicant`` (``required``), or for
  ``birth_date`` by the reading (``missing``).

A field whose text cannot be read (a date that is not one) gives one error on that field, and
the rest of the record is still checked with a stand-in there, so the operator sees every
problem while typing; checks that would only compare with the stand-in are left out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from station.domain import OPTIONAL_FIELDS, ApplicantData, FieldIssue
from station.errors import InputError
from station.validation.applicant import normalize_applicant, read_applicant_values, validate_applicant
from station.validation.documents import normalize_document_number, parse_document_number
from station.validation.idnumber import IdNumberError

__all__ = ["FORM_FIELDS", "FormReading", "number_fills", "read_applicant_form"]

FORM_FIELDS = tuple(f.name for f in dataclasses.fields(ApplicantData))
_BLANK_IS_NONE = frozenset({"valid_from", "photo_receipt_number"})
_BLANK_IS_ABSENT = frozenset(OPTIONAL_FIELDS)
# Stand-ins for a field that cannot be read, so that the other fields are still checked.
_STAND_IN_BIRTH = date(2000, 1, 1)
_STAND_INS: dict[str, Any] = {"valid_from": None, "valid_until": None, "card_type": "urban"}
# Issues of other fields that only compare with the birth date: meaningless against a stand-in.
_NEEDS_BIRTH_DATE = frozenset({"birth_date_mismatch"})


@dataclass(frozen=True)
class FormReading:
    """What the form's text says: the record (None while a field cannot be read) and every
    issue, errors and warnings, each on its field: the fields that could not be read first,
    then ``validate_applicant``'s in field order."""

    data: ApplicantData | None
    issues: tuple[FieldIssue, ...]
    unreadable: frozenset[str] = frozenset()  # fields whose text could not be read

    @property
    def valid(self) -> bool:
        """Whether the record may be saved: no error (warnings are shown, not blocking)."""
        return self.data is not None and not any(i.level == "error" for i in self.issues)

    def record(self) -> ApplicantData:
        """The record; ``InputError`` naming the first field that cannot be read."""
        if self.data is None:
            first = next(i for i in self.issues if i.field in self.unreadable)
            raise InputError(str(first))
        return self.data

    def by_field(self) -> dict[str, list[FieldIssue]]:
        out: dict[str, list[FieldIssue]] = {}
        for i in self.issues:
            out.setdefault(i.field, []).append(i)
        return out


def _raw(fields: Mapping[str, str]) -> dict[str, Any]:
    unknown = sorted(set(fields) - set(FORM_FIELDS))
    if unknown:
        raise InputError(f"{unknown[0]}: not an applicant field")
    raw: dict[str, Any] = {}
    for key in FORM_FIELDS:
        text = fields.get(key, "")
        if text.strip():
            raw[key] = text
        elif key in _BLANK_IS_NONE:
            raw[key] = None
        elif key not in _BLANK_IS_ABSENT:
            raw[key] = ""
    return raw


def _number_says(fields: Mapping[str, str]) -> tuple[date | None, str | None]:
    """Birth date and sex inside the document number, for the types whose numbers carry them
    (居民身份证, 户口簿, 港澳台居民居住证, 外国人永久居留身份证 2023 form)."""
    doc_type = fields.get("document_type", "").strip()
    number = normalize_document_number(doc_type, fields.get("document_number", ""))
    if not number:
        return None, None
    try:
        parsed = parse_document_number(doc_type, number)
    except IdNumberError:
        return None, None
    if parsed is None:
        return None, None
    return parsed.birth_date, parsed.sex


def number_fills(fields: Mapping[str, str]) -> dict[str, str]:
    """The fields the document number fills in, as form text: ``birth_date`` when it is blank
    and ``sex`` when the number says otherwise. Empty when the type's numbers carry neither or
    the number cannot be right. The form applies them when the operator edits the number (so
    a sex chosen afterwards stays, and ``validate_applicant`` reports the disagreement)."""
    birth, sex = _number_says(fields)
    out: dict[str, str] = {}
    if birth is not None and not fields.get("birth_date", "").strip():
        out["birth_date"] = birth.isoformat()
    if sex is not None and sex != fields.get("sex", "").strip():
        out["sex"] = sex
    return out


def read_applicant_form(
    fields: Mapping[str, str], *, receipt_on_save: bool = False, today: date | None = None
) -> FormReading:
    """Read and check the form's text (keys: ``ApplicantData`` field names).

    ``receipt_on_save``: the station issues the photo receipt number when it saves (it took the
    photo), so a blank one is no issue. ``InputError`` only for a key that is not an applicant
    field (a programming error, not the operator's)."""
    values, problems = read_applicant_values(_raw(fields))
    unreadable = frozenset(p.field for p in problems)
    if "birth_date" in unreadable:
        values["birth_date"] = _number_says(fields)[0] or _STAND_IN_BIRTH
    for key in unreadable:
        values.setdefault(key, _STAND_INS.get(key, ""))
    record = normalize_applicant(ApplicantData(**values))
    issues = list(problems)
    for i in validate_applicant(record, today=today):
        if i.field in unreadable:
            continue
        if "birth_date" in unreadable and i.code in _NEEDS_BIRTH_DATE:
            continue
        if receipt_on_save and i.field == "photo_receipt_number" and i.code == "required":
            continue
        issues.append(i)
    return FormReading(None if problems else record, tuple(issues), unreadable)
