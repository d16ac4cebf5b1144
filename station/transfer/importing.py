"""Imports: reference data (population records for the six-item comparison) and rejection
lists (异常信息 returned by the card centre), from CSV or XLSX.

Each file is imported in ONE transaction: either every accepted row is saved together with the
audit event, or (on any database error, or in ``strict`` mode when a row is refused) nothing is.
Rows that cannot be used are refused one by one, and the ``ImportReport`` says which row, which
column and why; notes (warnings) say what was accepted but is worth a look.

Columns are found by their header, in Chinese or English (``COLUMNS``); unknown columns are kept
in the record's ``extra``. A file without a document-number column is refused as a whole.

Document numbers are read by ``station.validation`` as if typed in the window (full-width
characters in ASCII, trimmed, upper-cased where the type's letters are upper case, checked),
with the type their ASCII shape says (ID number, 港澳台 residence permit, permanent residence
card, 港澳 or 台湾 permit, passport, other): a row stores the number the window would store for
that text, or is refused with the window's message; a number with blanks inside is refused. A
15-digit ID number is converted to 18 digits (with a note). People and their applications are
found by the records' own lookup (``records.applicants.lookup_forms``).

Rejections move the application they hit from ``submitted`` to ``rejected`` (through the records
services, which audit the move), so the person appears in the kiosk's retake queue
(``station.records.summaries.retake_queue``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from station.db.models import Applicant, Application, ReferenceRecord, Rejection
from station.domain import FieldIssue, mask_id
from station.errors import InputError
from station.records import audit
from station.records.applicants import lookup_forms
from station.records.applications import set_status
from station.transfer.tables import Table, read_table
from station.validation import codes
from station.validation.documents import (
    check_document_number,
    full_width_to_ascii,
    normalize_document_number,
)
from station.validation.idnumber import HMT_PREFIXES, IdNumberError, upgrade_15_to_18
from station.validation.text import clean_text, forbidden_chars

__all__ = [
    "COLUMNS",
    "ImportReport",
    "RowIssue",
    "import_file",
    "import_reference",
    "import_rejections",
]

Kind = Literal["reference", "rejections"]

# Canonical column -> accepted headers (compared without blanks, case-insensitively).
COLUMNS: Mapping[str, tuple[str, ...]] = {
    "document_number": (
        "document_number",
        "id_number",
        "证件号码",
        "公民身份号码",
        "公民身份证号码",
        "身份证号码",
        "身份证号",
        "社会保障号码",
        "社会保障号",
        "证件号",
    ),
    "name": ("name", "姓名"),
    "sex": ("sex", "性别"),
    "ethnicity": ("ethnicity", "民族"),
    "birth_date": ("birth_date", "出生日期", "出生年月日"),
    "has_photo": ("has_photo", "照片", "有无照片", "二代证照片", "有二代证照片", "有无二代证照片"),
    "reason": ("reason", "异常原因", "异常信息", "原因", "退回原因", "异常描述", "备注"),
    "kind": ("kind", "异常类型", "类型", "异常类别"),
    "retrieval_code": ("retrieval_code", "检索码"),
}
_REQUIRED: Mapping[str, tuple[str, ...]] = {
    "reference": ("document_number",),
    "rejections": ("document_number", "reason"),
}
_YES = {"有", "是", "y", "yes", "1", "true", "√"}
_NO = {"无", "否", "没有", "n", "no", "0", "false", "×"}
_PHOTO_WORDS = ("照片", "相片", "photo", "像")
_DATA_WORDS = ("数据", "信息", "姓名", "性别", "民族", "出生", "证件", "号码", "data")


@dataclass(frozen=True)
class RowIssue:
    row: int  # row number in the file (1-based, header included), 0 = the whole file
    column: str  # canonical column name, "" for the whole row
    message: str  # one line; document numbers masked
    document_number: str = ""  # masked

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", {self.column}" if self.column else "")
        who = f" ({self.document_number})" if self.document_number else ""
        return f"{where}{who}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "document_number": self.document_number,
        }


@dataclass(frozen=True)
class ImportReport:
    kind: Kind
    source: str  # file name
    rows: int  # data rows read
    imported: int  # rows saved
    refused: tuple[RowIssue, ...]
    notes: tuple[RowIssue, ...] = ()
    committed: bool = True  # False: strict mode refused the file, nothing was saved
    rejected_applications: tuple[int, ...] = field(default=())  # moved to "rejected"

    @property
    def ok(self) -> bool:
        return not self.refused

    def summary(self) -> str:
        s = f"{self.source}: {self.rows} rows, {self.imported} imported, {len(self.refused)} refused"
        if self.rejected_applications:
            s += f", {len(self.rejected_applications)} applications returned for retake"
        if not self.committed:
            s += " (nothing saved: strict mode)"
        return s

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "source": self.source,
            "rows": self.rows,
            "imported": self.imported,
            "committed": self.committed,
            "refused": [i.to_json() for i in self.refused],
            "notes": [i.to_json() for i in self.notes],
            "rejected_applications": list(self.rejected_applications),
        }


class _Refuse(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


# ----------------------------------------------------------------------------------- columns
def _key(header: str) -> str:
    return re.sub(r"[\s_*＊]", "", header).casefold()


def _map_columns(table: Table, kind: Kind, source: str) -> dict[str, int]:
    aliases = {_key(a): canon for canon, names in COLUMNS.items() for a in names}
    found: dict[str, int] = {}
    for i, h in enumerate(table.headers):
        canon = aliases.get(_key(h))
        if canon and canon not in found:
            found[canon] = i
    missing = [c for c in _REQUIRED[kind] if c not in found]
    if missing:
        names = " / ".join(COLUMNS[missing[0]][:4])
        raise InputError(f"{source}: no {missing[0]} column (expected a header such as {names})")
    return found


def _cell(cells: tuple[Any, ...], index: int | None) -> Any:
    if index is None or index >= len(cells):
        return None
    return cells[index]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


# ------------------------------------------------------------------------------------ values
_FOREIGN_OLD = re.compile(r"[A-Z]{3}\d{12}", re.ASCII)
_HK_MO = re.compile(r"[HM]\d{6,10}", re.ASCII)


def _document_type(number: str) -> str:
    """The document type (``validation.codes``) a number is read as (``number``: in ASCII where
    it has a full-width form, trimmed, no blanks inside): the files carry no type, so it is the
    type a clerk would pick in the window for a number of this shape. Digit strings (with a
    final X) are ID numbers unless 8 or 10 ASCII digits (a Taiwan permit): 18 starting with 9 a
    foreigner's permanent residence card, 810000/820000/830000 a 港澳台 residence permit. Then
    the older permanent residence card, the 港澳 permit, letters and digits (passport rule),
    anything else (the free rule)."""
    u = number.upper()
    body = u[:-1] if u.endswith("X") else u
    if body.isdigit() and not (u.isascii() and len(u) in (8, 10)):
        if len(u) == 18 and u.startswith("9"):
            return "09"
        return "08" if u[:6] in HMT_PREFIXES else "01"
    if u.isascii() and u.isdigit():
        return "07"
    if _FOREIGN_OLD.fullmatch(u):
        return "09"
    if _HK_MO.fullmatch(u):
        return "06"
    if u.isascii() and u.isalnum():
        return "03"
    return "99"


def _checked(document_type: str, number: str) -> tuple[str, list[FieldIssue]]:
    """(the number in validation's stored form, its issues) as the window would give them."""
    n = normalize_document_number(document_type, number)
    try:
        return n, check_document_number(document_type, n)
    except ValueError:  # the validation library could not read it at all (digits of other scripts)
        raise _Refuse("document_number", "not a usable document number") from None


def _document_number(value: Any) -> tuple[str, str, list[str]]:
    """(number in the form the records store, the number as written, notes) or _Refuse.

    Full-width letters and digits become ASCII first (as in the window), so the type is read
    from the shape the window would check. A number with blanks inside is refused (the window
    keeps them, and refuses them in an ID number; a file's number with a blank inside would
    never find its person). The number then goes through ``station.validation`` as if typed in
    the window with the type ``_document_type`` reads: trimmed, upper-cased for the types whose
    letters are upper case, checked; errors refuse the row, warnings become notes. One
    difference, the import's own: a 15-digit ID number (refused in the window with its
    18-digit form) is converted to that form.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        digits = str(int(value)) if float(value).is_integer() else str(value)
        if len(digits) > 15:
            raise _Refuse(
                "document_number",
                "stored as a number in the spreadsheet, so its last digits are lost:"
                " format the column as text",
            )
        value = digits
    written = clean_text("" if value is None else str(value))
    if not written:
        raise _Refuse("document_number", "no document number")
    ascii_form = full_width_to_ascii(written).strip()
    if any(c.isspace() for c in ascii_form) and not forbidden_chars(ascii_form):
        raise _Refuse("document_number", "blanks inside the number")
    n, issues = _checked(_document_type(ascii_form), ascii_form)
    notes: list[str] = []
    if any(i.code == "fifteen_digits" for i in issues):
        try:
            n = upgrade_15_to_18(n)
        except (IdNumberError, ValueError):
            raise _Refuse("document_number", "not a usable document number") from None
        notes.append("15-digit number converted to 18 digits")
        n, issues = _checked(_document_type(n), n)
    errors = [i for i in issues if i.level == "error"]
    if errors:
        raise _Refuse("document_number", errors[0].message)
    notes += [i.message for i in issues]
    return n, written, notes


def _sex(value: Any) -> str:
    v = _text(value)
    if not v:
        return ""
    v = codes.sex_code(v)
    if v not in codes.sexes():
        raise _Refuse("sex", f"unknown sex {_text(value)!r}")
    return v


def _ethnicity(value: Any) -> str:
    v = _text(value)
    if not v:
        return ""
    code = codes.ethnicity_code(v)
    if code not in codes.ethnicities():
        raise _Refuse("ethnicity", f"unknown ethnicity {v!r}")
    return code


def _date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    v = _text(value)
    m = re.fullmatch(r"(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?", v)
    if not m:
        raise _Refuse("birth_date", f"not a date: {v!r} (use YYYY-MM-DD)")
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise _Refuse("birth_date", f"not a date: {v!r}") from None


def _yes_no(value: Any) -> bool | None:
    v = _text(value).casefold()
    if not v:
        return None
    if v in _YES or v.startswith("有"):
        return True
    if v in _NO or v.startswith(("无", "没有")):
        return False
    raise _Refuse("has_photo", f"expected 有/无 (yes/no), got {_text(value)!r}")


def _rejection_kind(kind_value: Any, reason: str) -> str:
    text = (_text(kind_value) + " " + reason).casefold()
    if any(w in text for w in _PHOTO_WORDS):
        return "photo"
    if any(w in text for w in _DATA_WORDS):
        return "data"
    return "other"


# ------------------------------------------------------------------------------------ import
def import_file(
    session: Session, path: Path, kind: Kind, *, operator: str, strict: bool = False
) -> ImportReport:
    """Import one file into ``session``'s transaction (the caller's ``Database.session()``
    commits it, or rolls it back on error). In ``strict`` mode a refused row refuses the file:
    the report says so and the caller must roll back (``committed`` is False)."""
    table = read_table(path)
    source = path.name
    columns = _map_columns(table, kind, source)
    if kind == "reference":
        report = _import_reference(session, table, columns, source)
    else:
        report = _import_rejections(session, table, columns, source, operator)
    if strict and report.refused:
        return ImportReport(kind, source, report.rows, 0, report.refused, report.notes, False, ())
    audit.record(
        session,
        f"import.{kind}",
        operator=operator,
        entity="import",
        entity_id=source[:40],
        detail=report.summary(),
    )
    return report


def import_reference(db: Any, path: Path, *, operator: str, strict: bool = False) -> ImportReport:
    """Import reference data from ``path`` into ``db`` (a ``station.db.Database``) in one
    transaction."""
    return _run(db, path, "reference", operator=operator, strict=strict)


def import_rejections(db: Any, path: Path, *, operator: str, strict: bool = False) -> ImportReport:
    """Import a rejection list from ``path`` into ``db`` in one transaction."""
    return _run(db, path, "rejections", operator=operator, strict=strict)


class _StrictRollback(Exception):
    def __init__(self, report: ImportReport) -> None:
        super().__init__("strict import refused")
        self.report = report


def _run(db: Any, path: Path, kind: Kind, *, operator: str, strict: bool) -> ImportReport:
    try:
        with db.session() as s:
            report = import_file(s, path, kind, operator=operator, strict=strict)
            if not report.committed:
                raise _StrictRollback(report)
            return report
    except _StrictRollback as exc:
        return exc.report


def _import_reference(session: Session, table: Table, columns: dict[str, int], source: str) -> ImportReport:
    refused: list[RowIssue] = []
    notes: list[RowIssue] = []
    seen: dict[str, int] = {}
    records: list[ReferenceRecord] = []
    for row_no, cells in table.rows:
        raw_number = _cell(cells, columns["document_number"])
        try:
            number, _written, row_notes = _document_number(raw_number)
            if number in seen:
                raise _Refuse("document_number", f"the same number as row {seen[number]}")
            name = _text(_cell(cells, columns.get("name")))
            sex = _sex(_cell(cells, columns.get("sex")))
            ethnicity = _ethnicity(_cell(cells, columns.get("ethnicity")))
            birth = _date(_cell(cells, columns.get("birth_date")))
            has_photo = _yes_no(_cell(cells, columns.get("has_photo")))
            if name and any(c in name for c in "\t\r\n"):
                raise _Refuse("name", "tabs or line breaks in the name")
        except _Refuse as exc:
            refused.append(RowIssue(row_no, exc.column, str(exc), _masked(raw_number)))
            continue
        seen[number] = row_no
        notes += [RowIssue(row_no, "document_number", n, mask_id(number)) for n in row_notes]
        records.append(
            ReferenceRecord(
                document_number=number,
                name=name,
                sex=sex,
                ethnicity=ethnicity,
                birth_date=birth,
                has_photo=has_photo,
                source=source,
                row_number=row_no,
                extra=_extra(table, cells, columns),
            )
        )
    if records:
        # Reference data is a snapshot: the newest import replaces what was known of a person.
        numbers = [r.document_number for r in records]
        for i in range(0, len(numbers), 500):
            session.execute(
                delete(ReferenceRecord).where(ReferenceRecord.document_number.in_(numbers[i : i + 500]))
            )
        session.add_all(records)
        session.flush()
    return ImportReport("reference", source, len(table.rows), len(records), tuple(refused), tuple(notes))


def _import_rejections(
    session: Session, table: Table, columns: dict[str, int], source: str, operator: str
) -> ImportReport:
    refused: list[RowIssue] = []
    notes: list[RowIssue] = []
    moved: list[int] = []
    seen: dict[tuple[str, str], int] = {}
    imported = 0
    for row_no, cells in table.rows:
        raw_number = _cell(cells, columns["document_number"])
        try:
            number, written, row_notes = _document_number(raw_number)
            forms = lookup_forms(written)
            reason = _text(_cell(cells, columns["reason"]))
            if not reason:
                raise _Refuse("reason", "no reason given")
            if (number, reason) in seen:
                raise _Refuse("", f"the same rejection as row {seen[(number, reason)]}")
            name = _text(_cell(cells, columns.get("name")))
            code = _text(_cell(cells, columns.get("retrieval_code"))).upper()
            app = _find_application(session, forms, code)
            if app is not None:
                dup = session.execute(
                    select(Rejection.id).where(
                        Rejection.application_id == app.id,
                        Rejection.reason == reason,
                        Rejection.resolved_at.is_(None),
                    )
                ).first()
                if dup is not None:
                    raise _Refuse("", "already imported (an unresolved rejection with this reason exists)")
        except _Refuse as exc:
            refused.append(RowIssue(row_no, exc.column, str(exc), _masked(raw_number)))
            continue
        seen[(number, reason)] = row_no
        masked = mask_id(number)
        notes += [RowIssue(row_no, "document_number", n, masked) for n in row_notes]
        applicant_id = app.applicant_id if app is not None else _applicant_id(session, forms)
        if app is None:
            notes.append(
                RowIssue(
                    row_no, "", "no application on file for this number: kept for the retake queue", masked
                )
            )
        elif app.status == "submitted":
            set_status(
                session, app.id, "rejected", operator=operator, reason=f"{source} row {row_no}: {reason}"
            )
            moved.append(app.id)
        elif app.status == "rejected":
            notes.append(RowIssue(row_no, "", "the application was already returned", masked))
        else:
            notes.append(
                RowIssue(
                    row_no,
                    "",
                    f"the application is {app.status}, not submitted: status left as it is",
                    masked,
                )
            )
        session.add(
            Rejection(
                document_number=number,
                name=name or (_applicant_name(session, applicant_id) if applicant_id else ""),
                kind=_rejection_kind(_cell(cells, columns.get("kind")), reason),
                reason=reason,
                applicant_id=applicant_id,
                application_id=app.id if app is not None else None,
                source=source,
                row_number=row_no,
                extra=_extra(table, cells, columns),
            )
        )
        imported += 1
    session.flush()
    return ImportReport(
        "rejections", source, len(table.rows), imported, tuple(refused), tuple(notes), True, tuple(moved)
    )


def _find_application(session: Session, forms: tuple[str, ...], retrieval_code: str) -> Application | None:
    if retrieval_code:
        app = session.execute(
            select(Application).where(Application.retrieval_code == retrieval_code)
        ).scalar()
        if app is not None:
            owner = session.get(Applicant, app.applicant_id)
            if owner is None or owner.document_number not in forms:
                raise _Refuse("retrieval_code", "the retrieval code belongs to another person")
            return app
    row = session.execute(
        select(Application)
        .join(Applicant, Applicant.id == Application.applicant_id)
        .where(Applicant.document_number.in_(forms))
        .order_by(Application.active.desc(), Application.id.desc())
        .limit(1)
    ).scalar()
    return row


def _applicant_id(session: Session, forms: tuple[str, ...]) -> int | None:
    return session.execute(
        select(Applicant.id).where(Applicant.document_number.in_(forms)).order_by(Applicant.id).limit(1)
    ).scalar()


def _applicant_name(session: Session, applicant_id: int) -> str:
    return session.execute(select(Applicant.name).where(Applicant.id == applicant_id)).scalar() or ""


def _extra(table: Table, cells: tuple[Any, ...], columns: dict[str, int]) -> dict[str, Any]:
    used = set(columns.values())
    out: dict[str, Any] = {}
    for i, h in enumerate(table.headers):
        if i in used or not h or i >= len(cells) or cells[i] in (None, ""):
            continue
        v = cells[i]
        out[h] = (
            v.isoformat()
            if isinstance(v, (date, datetime))
            else v
            if isinstance(v, (int, float, bool))
            else _text(v)
        )
    return out


def _masked(value: Any) -> str:
    t = "".join(full_width_to_ascii(_text(value)).split())
    return mask_id(t) if t else ""
