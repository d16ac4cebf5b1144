"""Document numbers in imported files are read by ``station.validation``, as if typed in the
window: a row gives the number the window (or ``station enroll add``) would store for the same
text, or is refused when the window would refuse it; 15-digit ID numbers are converted (the
import's one addition). On SQLite and PostgreSQL (``db`` of tests/transfer/conftest.py)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlalchemy import select

from capture.profiles import load_profile
from station.compare import AGREE
from station.db import Database
from station.db.models import ReferenceRecord, Rejection
from station.records import applicants, applications
from station.transfer import (
    comparison_for_application,
    export_batch,
    find_reference,
    import_reference,
    import_rejections,
)
from station.validation import (
    check_document_number,
    normalize_applicant,
    normalize_document_number,
    upgrade_15_to_18,
)
from tests.records.factory import applicant, id_number
from tests.transfer.helpers import OP, ST, TODAY, small_photo

BORN = date(1980, 5, 17)


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _id_ending_in_x(birth: date, area: str = "110105") -> str:
    return next(n for n in (id_number(birth, seq, area) for seq in range(1, 999, 2)) if n.endswith("X"))


@dataclass(frozen=True)
class Case:
    label: str
    document_type: str
    typed: str  # what the clerk types in the window
    written: str  # what the file says
    person: dict[str, Any] = field(default_factory=dict)


ID_X = _id_ending_in_x(BORN)
ID_15 = id_number(date(1975, 3, 9), 31)  # born 19xx: has a 15-digit form
HK_RESIDENCE = _id_ending_in_x(BORN, "810000")

CASES = (
    Case("lower-case x", "01", ID_X.lower(), ID_X.lower()),
    Case("blanks around", "01", id_number(BORN, 13), "\u3000" + id_number(BORN, 13) + " "),
    Case("15 digits", "01", ID_15, ID_15[:6] + ID_15[8:17], {"birth_date": date(1975, 3, 9)}),
    Case("港澳 permit", "06", "h12345678", "h12345678", {"nationality": "HKG"}),
    Case("台湾 permit", "07", "87654321", "87654321", {"nationality": "TWN"}),
    Case("香港 residence permit", "08", HK_RESIDENCE.lower(), HK_RESIDENCE.lower(), {"nationality": "HKG"}),
    Case(
        "permanent residence (2023)",
        "09",
        id_number(BORN, 15, "911840"),
        id_number(BORN, 15, "911840"),
        {"nationality": "USA"},
    ),
    Case("permanent residence (old)", "09", "usa118005171234", "USA118005171234", {"nationality": "USA"}),
    Case("other document: its case is kept", "99", "ep-2024-0815a", "ep-2024-0815a"),
    # An input method's full-width mode: the type is read from the ASCII form.
    Case("full-width 港澳 permit", "06", "h23456789", _fullwidth("h23456789"), {"nationality": "HKG"}),
    Case("full-width 台湾 permit", "07", "76543210", _fullwidth("76543210"), {"nationality": "TWN"}),
    Case(
        "full-width permanent residence (2023)",
        "09",
        id_number(BORN, 19, "911840"),
        _fullwidth(id_number(BORN, 19, "911840")),
        {"nationality": "USA"},
    ),
)


def _enroll_typed(db: Database, i: int, case: Case, *, photo: bool = False) -> int:
    """The person as the window saves them: the typed text, normalised and validated."""
    from station.records import photos
    from tests.records.factory import report

    changes = {"birth_date": BORN, "sex": "1", **case.person}
    data = normalize_applicant(
        applicant(i, document_type=case.document_type, document_number=case.typed, **changes)
    )
    with db.session() as s:
        res = applicants.enroll(s, data, operator=OP, station_code=ST, today=TODAY)
        if photo:
            photos.attach_photo(s, res.application_id, small_photo(i), report(True), operator=OP)
    return res.application_id


def _write_csv(path: Path, rows: list[list[Any]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def _write_xlsx(path: Path, rows: list[list[Any]]) -> Path:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_reference_rows_give_the_numbers_the_window_stores(db: Database, tmp_path: Path) -> None:
    app_ids = [_enroll_typed(db, i, case) for i, case in enumerate(CASES, start=1)]
    with db.session(readonly=True) as s:
        owners = [applications.get_application(s, a).applicant_id for a in app_ids]
        people = [applicants.get_applicant(s, o) for o in owners]
    rows: list[list[Any]] = [["证件号码", "姓名", "性别", "出生日期"]]
    for case, person in zip(CASES, people, strict=True):
        rows.append([case.written, person.data.name, "男", person.data.birth_date.isoformat()])
    for path in (_write_csv(tmp_path / "ref.csv", rows), _write_xlsx(tmp_path / "ref.xlsx", rows)):
        rep = import_reference(db, path, operator=OP)
        assert rep.refused == () and rep.imported == len(CASES), [str(i) for i in rep.refused]
        assert [(n.row, n.message) for n in rep.notes] == [(4, "15-digit number converted to 18 digits")]
        with db.session(readonly=True) as s:
            stored = set(s.execute(select(ReferenceRecord.document_number)).scalars())
            assert stored == {p.data.document_number for p in people}
            for case, person, app_id in zip(CASES, people, app_ids, strict=True):
                ref = find_reference(s, person.data.document_number)
                assert ref is not None and ref.source == path.name, case.label
                assert find_reference(s, _fullwidth(case.typed)) == ref, case.label
                assert comparison_for_application(s, app_id).item("id_number").mark == AGREE, case.label
    assert people[0].data.document_number == ID_X and people[3].data.document_number == "H12345678"
    assert people[9].data.document_number == "H23456789"


def _window(document_type: str, text: str) -> tuple[str | None, str]:
    """(the number the window stores, or None when it refuses; the first error's message)."""
    n = normalize_document_number(document_type, text.strip())
    try:
        issues = check_document_number(document_type, n)
    except ValueError:  # the library cannot read it at all
        return None, ""
    errors = [i for i in issues if i.level == "error"]
    if errors and errors[0].code == "fifteen_digits":  # the import converts what the window refuses
        return upgrade_15_to_18(n), ""
    return (None, errors[0].message) if errors else (n, "")


def test_numbers_the_window_refuses_are_refused(db: Database, tmp_path: Path) -> None:
    good = id_number(BORN, 17)
    texts = [
        _fullwidth(good),  # full-width digits
        _fullwidth(ID_X.lower()),
        _fullwidth(ID_15[:6] + ID_15[8:17]),  # full-width 15 digits
        good[:17],  # a digit short
        good[:17] + ("0" if good[17] != "0" else "1"),  # wrong check character
        "123",
    ]
    rows: list[list[Any]] = [["证件号码", "姓名"]] + [[t, f"人{i}"] for i, t in enumerate(texts)]
    rep = import_reference(db, _write_csv(tmp_path / "bad.csv", rows), operator=OP)
    refused = {i.row: i for i in rep.refused}
    with db.session(readonly=True) as s:
        for row, text in enumerate(texts, start=2):
            stored, message = _window("01", text)
            if stored is None:
                assert row in refused and refused[row].column == "document_number", text
                assert message in refused[row].message and "*" in refused[row].document_number, text
            else:  # the validation library learnt to read it: the import stores what it stores
                assert row not in refused, text
                ref = find_reference(s, stored)
                assert ref is not None and ref.document_number == stored, text
    assert any("check character" in i.message for i in rep.refused)
    assert len(rep.refused) + rep.imported == len(texts)


def test_rejection_rows_find_people_as_the_window_saved_them(db: Database, tmp_path: Path) -> None:
    submitted = [_enroll_typed(db, 1, CASES[0], photo=True), _enroll_typed(db, 3, CASES[2], photo=True)]
    permit = _enroll_typed(db, 4, CASES[3])  # collected, never submitted
    other = _enroll_typed(db, 9, CASES[8])
    export_batch(db, tmp_path / "out", profile=load_profile("mohrss"), operator=OP, application_ids=submitted)
    rows: list[list[Any]] = [
        ["证件号码", "异常原因"],
        [CASES[0].written, "照片背景不是白色"],  # lower-case x
        [CASES[2].written, "照片模糊"],  # 15 digits
        [CASES[3].written, "姓名与公安不一致"],  # lower-case h
        [CASES[8].written, "证件号码错误"],  # a type that keeps lower case
    ]
    rep = import_rejections(db, _write_csv(tmp_path / "rej.csv", rows), operator=OP)
    assert rep.refused == () and rep.imported == 4
    assert set(rep.rejected_applications) == set(submitted)
    with db.session(readonly=True) as s:
        assert {applications.get_application(s, a).status for a in submitted} == {"rejected"}
        assert {applications.get_application(s, a).status for a in (permit, other)} == {"collected"}
        found = {r.application_id: r.document_number for r in s.execute(select(Rejection)).scalars()}
    assert found == {submitted[0]: ID_X, submitted[1]: ID_15, permit: "H12345678", other: "ep-2024-0815a"}


def test_numbers_with_blanks_inside_are_refused(db: Database, tmp_path: Path) -> None:
    """A blank inside a number is not removed (the window does not remove it either, and refuses
    it in an ID number): whatever the number's shape, the row is refused and says why."""
    good = id_number(BORN, 21)
    texts = [
        good[:6] + " " + good[6:],
        _fullwidth(good[:6]) + "\u3000" + _fullwidth(good[6:]),  # an ideographic space
        "H 12345678",
        "8765 4321",
        "USA 118005171234",
    ]
    rows: list[list[Any]] = [["证件号码", "姓名"]] + [[t, f"人{i}"] for i, t in enumerate(texts)]
    rep = import_reference(db, _write_csv(tmp_path / "blanks.csv", rows), operator=OP)
    assert rep.imported == 0
    assert [(i.row, i.column, i.message) for i in rep.refused] == [
        (row, "document_number", "blanks inside the number") for row in range(2, 2 + len(texts))
    ]


def test_rejection_rows_in_full_width_find_the_person(db: Database, tmp_path: Path) -> None:
    permit, tw, resident = CASES[9], CASES[10], CASES[11]
    apps = [_enroll_typed(db, 20 + i, case) for i, case in enumerate((permit, tw, resident))]
    rows: list[list[Any]] = [
        ["证件号码", "异常原因"],
        [permit.written, "照片背景不是白色"],
        [tw.written, "照片模糊"],
        [resident.written, "姓名与公安不一致"],
    ]
    rep = import_rejections(db, _write_csv(tmp_path / "rej.csv", rows), operator=OP)
    assert rep.refused == () and rep.imported == 3
    assert [(n.row, n.message) for n in rep.notes] == [
        (row, "the application is collected, not submitted: status left as it is") for row in (2, 3, 4)
    ]
    with db.session(readonly=True) as s:
        found = {r.application_id: r.document_number for r in s.execute(select(Rejection)).scalars()}
        stored = [
            applicants.get_applicant(s, applications.get_application(s, a).applicant_id).data.document_number
            for a in apps
        ]
    assert found == dict(zip(apps, stored, strict=True))
    assert stored[0] == "H23456789"
