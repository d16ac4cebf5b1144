"""Imports of reference data and rejection lists, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from station.compare import AGREE, DIFFER
from station.db import Database
from station.db.models import AuditEvent, ReferenceRecord, Rejection
from station.errors import InputError
from station.records import applications, audit
from station.records.summaries import retake_queue
from station.transfer import (
    comparison_for_application,
    export_batch,
    find_reference,
    import_reference,
    import_rejections,
)
from tests.records.factory import applicant, id_number
from tests.transfer.helpers import OP, enroll, small_photo


def write_csv(path: Path, rows: list[list[Any]], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[Any]]) -> Path:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


GOOD = id_number(date(1980, 5, 17), 123)
GOOD2 = id_number(date(1990, 1, 2), 124)


def count(db: Database, model: Any) -> int:
    with db.session(readonly=True) as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar() or 0)


def test_reference_csv_with_bad_rows(db: Database, tmp_path: Path) -> None:
    bad_check = GOOD[:17] + ("0" if GOOD[17] != "0" else "1")
    old15 = "110105491231002"  # becomes 11010519491231002X
    path = write_csv(
        tmp_path / "ref.csv",
        [
            ["公民身份号码", "姓名", "性别", "民族", "出生日期", "有无二代证照片", "户籍地"],
            [GOOD, "张三", "男", "汉族", "1980-05-17", "有", "北京"],
            [bad_check, "李四", "1", "01", "1980-05-17", "无", ""],
            [GOOD2, "王五", "女", "02", "19900102", "", ""],
            [GOOD, "张三", "男", "01", "1980-05-17", "有", ""],  # duplicate of row 2
            ["", "无号", "男", "01", "", "", ""],
            [old15, "赵六", "女", "汉", "1949/12/31", "是", ""],
            [id_number(date(1970, 1, 1), 5), "钱七", "X", "01", "", "", ""],
            [id_number(date(1970, 1, 2), 7), "孙八", "1", "99族", "", "", ""],
            [id_number(date(1970, 1, 3), 9), "周九", "1", "01", "1970-02-30", "", ""],
        ],
    )
    rep = import_reference(db, path, operator=OP)
    assert rep.rows == 9
    assert rep.imported == 3
    refused = {(i.row, i.column) for i in rep.refused}
    assert refused == {
        (3, "document_number"),
        (5, "document_number"),
        (6, "document_number"),
        (8, "sex"),
        (9, "ethnicity"),
        (10, "birth_date"),
    }
    dup = next(i for i in rep.refused if i.row == 5)
    assert "row 2" in dup.message
    assert all("*" in i.document_number for i in rep.refused if i.document_number)
    assert any("15-digit" in n.message for n in rep.notes)
    with db.session(readonly=True) as s:
        r = find_reference(s, GOOD)
        assert r is not None and (r.name, r.sex, r.ethnicity, r.birth_date, r.has_photo) == (
            "张三",
            "1",
            "01",
            date(1980, 5, 17),
            True,
        )
        old = find_reference(s, "11010519491231002X")
        assert old is not None and old.birth_date == date(1949, 12, 31) and old.ethnicity == "01"
        extra = s.execute(
            select(ReferenceRecord.extra).where(ReferenceRecord.document_number == GOOD)
        ).scalar()
        assert extra == {"户籍地": "北京"}
        events = [e.action for e in audit.recent(s)]
    assert "import.reference" in events


def test_reference_xlsx_and_numeric_id_cells(db: Database, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "ref.xlsx",
        [
            ["身份证号码", "姓名", "性别", "民族", "出生日期"],
            [GOOD, "张三", "男", "汉族", datetime(1980, 5, 17)],
            [int(GOOD2[:17] + "0") if GOOD2[17] == "X" else int(GOOD2), "王五", "女", "汉族", "1990-01-02"],
        ],
    )
    rep = import_reference(db, path, operator=OP)
    assert rep.imported == 1
    [issue] = rep.refused
    assert issue.row == 3 and "format the column as text" in issue.message


def test_reimport_replaces_reference(db: Database, tmp_path: Path) -> None:
    import_reference(db, write_csv(tmp_path / "a.csv", [["证件号码", "姓名"], [GOOD, "张三"]]), operator=OP)
    import_reference(db, write_csv(tmp_path / "b.csv", [["证件号码", "姓名"], [GOOD, "张叁"]]), operator=OP)
    assert count(db, ReferenceRecord) == 1
    with db.session(readonly=True) as s:
        ref = find_reference(s, GOOD)
        assert ref is not None and ref.name == "张叁" and ref.source == "b.csv"


def test_gb18030_csv(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "gbk.csv", [["证件号码", "姓名"], [GOOD, "张三"]], encoding="gb18030")
    assert import_reference(db, path, operator=OP).imported == 1


def test_file_without_number_column_is_refused(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", [["姓名", "性别"], ["张三", "男"]])
    with pytest.raises(InputError, match="document_number"):
        import_reference(db, path, operator=OP)
    with pytest.raises(InputError):
        import_reference(db, tmp_path / "missing.csv", operator=OP)
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    with pytest.raises(InputError, match="xlsx"):
        import_reference(db, tmp_path / "bad.xlsx", operator=OP)
    assert count(db, ReferenceRecord) == 0


def test_strict_mode_imports_nothing_when_a_row_is_refused(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "s.csv", [["证件号码", "姓名"], [GOOD, "张三"], ["123", "坏"]])
    rep = import_reference(db, path, operator=OP, strict=True)
    assert not rep.committed and rep.imported == 0 and len(rep.refused) == 1
    assert count(db, ReferenceRecord) == 0
    with db.session(readonly=True) as s:
        assert not any(e.action == "import.reference" for e in audit.recent(s))


def test_one_transaction_per_file(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure after some rows were added leaves nothing of the file behind."""
    rows = [["证件号码", "姓名"]] + [[id_number(date(1980, 1, 1), i * 2 + 1), f"人{i}"] for i in range(50)]
    path = write_csv(tmp_path / "big.csv", rows)
    from station.transfer import importing

    def boom(*_a: Any, **_k: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(importing.audit, "record", boom)
    with pytest.raises(OSError):
        import_reference(db, path, operator=OP)
    assert count(db, ReferenceRecord) == 0
    monkeypatch.undo()
    assert import_reference(db, path, operator=OP).imported == 50
    assert count(db, ReferenceRecord) == 50


def test_comparison_from_imported_reference(db: Database, tmp_path: Path) -> None:
    person = applicant(1)
    app_id = enroll(db, 1, photo=small_photo())
    path = write_csv(
        tmp_path / "ref.csv",
        [
            ["证件号码", "姓名", "性别", "民族", "出生日期", "照片"],
            [
                person.document_number,
                person.name + "X",
                person.sex,
                "汉族",
                person.birth_date.isoformat(),
                "有",
            ],
        ],
    )
    import_reference(db, path, operator=OP)
    with db.session(readonly=True) as s:
        c = comparison_for_application(s, app_id)
    assert c.item("id_number").mark == AGREE
    assert c.item("name").mark == DIFFER
    assert c.item("photo").mark == AGREE
    assert c.has_id_card_photo is True


def _submit(db: Database, tmp_path: Path, *ids: int) -> None:
    from capture.profiles import load_profile

    export_batch(db, tmp_path / "out", profile=load_profile("mohrss"), operator=OP, application_ids=list(ids))


def test_rejections_move_applications_to_the_retake_queue(db: Database, tmp_path: Path) -> None:
    a1 = enroll(db, 1, photo=small_photo(1))
    a2 = enroll(db, 2, photo=small_photo(2))
    a3 = enroll(db, 3)  # collected, never submitted
    _submit(db, tmp_path, a1, a2)
    p1, p2, p3 = applicant(1), applicant(2), applicant(3)
    stranger = id_number(date(1999, 9, 9), 11)
    path = write_xlsx(
        tmp_path / "rej.xlsx",
        [
            ["身份证号", "姓名", "异常原因", "异常类型"],
            [p1.document_number, p1.name, "照片背景不是白色", "照片"],
            [p2.document_number, p2.name, "姓名与公安不一致", "数据"],
            [p2.document_number, p2.name, "姓名与公安不一致", "数据"],  # duplicate row
            [p3.document_number, p3.name, "民族错误", ""],
            [stranger, "陌生人", "无此人", ""],
            ["123", "坏号", "x", ""],
            [p1.document_number, p1.name, "", ""],  # no reason
        ],
    )
    rep = import_rejections(db, path, operator=OP)
    assert rep.imported == 4
    assert {(i.row, i.column) for i in rep.refused} == {(4, ""), (7, "document_number"), (8, "reason")}
    assert set(rep.rejected_applications) == {a1, a2}
    notes = " | ".join(n.message for n in rep.notes)
    assert "collected, not submitted" in notes and "no application on file" in notes
    with db.session(readonly=True) as s:
        assert applications.get_application(s, a1).status == "rejected"
        assert applications.get_application(s, a2).status == "rejected"
        assert applications.get_application(s, a3).status == "collected"
        queue = retake_queue(s)
        kinds = {q.application_id: q.kind for q in queue}
        assert kinds[a1] == "photo" and kinds[a2] == "data"
        assert any(q.application_id is None for q in queue)
        assert all("*" in q.document_number for q in queue)
        actions = [e.action for e in audit.recent(s)]
        assert "import.rejections" in actions
    # Importing the same file again adds nothing for the rows already there.
    again = import_rejections(db, path, operator=OP)
    assert {i.row for i in again.refused} >= {2, 3}
    assert count(db, Rejection) == 4 + again.imported


def test_rejection_import_is_all_or_nothing_on_failure(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a1 = enroll(db, 1, photo=small_photo(1))
    _submit(db, tmp_path, a1)
    p1 = applicant(1)
    path = write_csv(tmp_path / "rej.csv", [["证件号码", "原因"], [p1.document_number, "照片模糊"]])
    from station.transfer import importing

    real = importing.audit.record

    def fail_on_import_event(session: Any, action: str, **kw: Any) -> Any:
        if action == "import.rejections":
            raise OSError(5, "Input/output error")
        return real(session, action, **kw)

    monkeypatch.setattr(importing.audit, "record", fail_on_import_event)
    events_before = count(db, AuditEvent)
    with pytest.raises(OSError):
        import_rejections(db, path, operator=OP)
    with db.session(readonly=True) as s:
        assert applications.get_application(s, a1).status == "submitted"
    assert count(db, Rejection) == 0
    assert count(db, AuditEvent) == events_before
