"""Batch export to the card centre, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from capture.profiles import kb_window_bytes, load_profile
from station.db import Database
from station.db.models import ExportBatch
from station.errors import InputError
from station.records import applications, audit
from station.records.errors import InvalidTransition
from station.transfer import MANIFEST_NAME, ExportRefused, export_batch, verify_manifest
from tests.records.factory import applicant
from tests.transfer.helpers import OP, add_unit, enroll, portrait_jpeg, small_photo

NOW = datetime(2025, 1, 15, 10, 30, 0)


def status(db: Database, app_id: int) -> str:
    with db.session(readonly=True) as s:
        return applications.get_application(s, app_id).status


def sha256(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_export_unit_writes_photos_data_and_manifest(db: Database, tmp_path: Path) -> None:
    unit = add_unit(db)
    other = add_unit(db, "U002", "别的单位")
    ids = [enroll(db, i, unit_id=unit, photo=small_photo(i)) for i in (1, 2, 3)]
    outsider = enroll(db, 4, unit_id=other, photo=small_photo(4))
    profile = load_profile("mohrss")
    res = export_batch(db, tmp_path / "out", profile=profile, operator=OP, unit="U001", now=NOW)
    assert res.count == 3 and set(res.application_ids) == set(ids)
    folder = res.output
    assert folder == tmp_path / "out" / "U001-第一中学高一(1)班-20250115-103000"
    assert folder.is_dir()
    # Photos named by the rule, inside the size window.
    names = sorted(p.name for p in (folder / "photos").iterdir())
    assert names == sorted(f"{applicant(i).document_number}.jpg" for i in (1, 2, 3))
    lo, hi = kb_window_bytes(profile)
    for p in (folder / "photos").iterdir():
        assert (lo or 0) <= p.stat().st_size <= (hi or 10**9)
    # Manifest: every other file with its SHA-256, verified independently.
    lines = (folder / MANIFEST_NAME).read_text(encoding="utf-8").splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in lines)
    files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {MANIFEST_NAME}
    assert set(listed) == files
    for rel, digest in listed.items():
        assert sha256(folder / rel) == digest
    assert verify_manifest(folder) == []
    assert "manifest" in MANIFEST_NAME
    # Data file in CSV and XLSX with the enrollment fields, ID numbers as text.
    csv_path = folder / "U001-第一中学高一(1)班.csv"
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text(encoding="utf-8-sig"))))
    assert [r["证件号码"] for r in rows] == [applicant(i).document_number for i in (1, 2, 3)]
    assert rows[0]["姓名"] == applicant(1).name
    assert rows[0]["照片文件名"] == f"photos/{applicant(1).document_number}.jpg"
    assert rows[0]["卡类别"] == "城镇居民"
    wb = load_workbook(folder / "U001-第一中学高一(1)班.xlsx", read_only=True)
    xrows = list(wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    header = list(xrows[0])
    assert header[:3] == ["序号", "姓名", "姓名拼音"]
    col = header.index("证件号码")
    assert [r[col] for r in xrows[1:]] == [applicant(i).document_number for i in (1, 2, 3)]
    assert all(isinstance(r[col], str) for r in xrows[1:])
    # Statuses moved, batch recorded, audited; the other unit untouched.
    assert all(status(db, i) == "submitted" for i in ids)
    assert status(db, outsider) == "photo_accepted"
    with db.session(readonly=True) as s:
        batch = s.get(ExportBatch, res.batch_id)
        assert batch is not None and batch.record_count == 3 and batch.manifest_sha256 == res.manifest_sha256
        assert applications.get_application(s, ids[0]).batch_id == res.batch_id
        assert "export.batch" in [e.action for e in audit.recent(s)]
    # No temporary leftovers.
    assert [p.name for p in (tmp_path / "out").iterdir()] == [folder.name]


def test_missing_photos_refuse_and_list_them(db: Database, tmp_path: Path) -> None:
    unit = add_unit(db)
    with_photo = enroll(db, 1, unit_id=unit, photo=small_photo())
    without = [enroll(db, i, unit_id=unit) for i in (2, 3)]
    with pytest.raises(ExportRefused) as e:
        export_batch(db, tmp_path / "out", profile=load_profile("mohrss"), operator=OP, unit="U001")
    msg = str(e.value)
    assert "2 of 3" in msg and "2 without a photo" in msg
    assert {n.application_id for n in e.value.not_ready} == set(without)
    for n in e.value.not_ready:
        assert "*" in n.document_number and n.document_number != applicant(2).document_number
        assert n.reason == "no accepted photo"
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []
    assert status(db, with_photo) == "photo_accepted"
    with db.session(readonly=True) as s:
        assert s.execute(select(func.count()).select_from(ExportBatch)).scalar() == 0


def test_complete_only_exports_the_others(db: Database, tmp_path: Path) -> None:
    unit = add_unit(db)
    ok = enroll(db, 1, unit_id=unit, photo=small_photo())
    lacking = enroll(db, 2, unit_id=unit)
    res = export_batch(
        db, tmp_path / "out", profile=load_profile("mohrss"), operator=OP, unit="U001", complete_only=True
    )
    assert res.application_ids == (ok,)
    assert [s.application_id for s in res.skipped] == [lacking]
    assert status(db, ok) == "submitted" and status(db, lacking) == "collected"


def test_zip_option(db: Database, tmp_path: Path) -> None:
    a = enroll(db, 1, photo=small_photo())
    res = export_batch(
        db,
        tmp_path / "out",
        profile=load_profile("hebei-web"),
        operator=OP,
        all_waiting=True,
        zip_output=True,
        name="batch-1",
    )
    assert res.output == tmp_path / "out" / "batch-1.zip"
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["batch-1.zip"]
    with zipfile.ZipFile(res.output) as zf:
        assert zf.testzip() is None
        names = set(zf.namelist())
        code = _code(db, a)
        assert f"batch-1/photos/P-{code}.jpg" in names
        assert f"batch-1/{MANIFEST_NAME}" in names
        manifest = zf.read(f"batch-1/{MANIFEST_NAME}").decode()
        for line in manifest.splitlines():
            digest, rel = line.split("  ", 1)
            assert hashlib.sha256(zf.read(f"batch-1/{rel}")).hexdigest() == digest
        assert len(manifest.splitlines()) == len(names) - 1
    assert status(db, a) == "submitted"


def _code(db: Database, app_id: int) -> str:
    with db.session(readonly=True) as s:
        return applications.get_application(s, app_id).retrieval_code


def test_names_from_user_text_are_sanitised(db: Database, tmp_path: Path) -> None:
    unit = add_unit(db, "../../etc", "../../etc/passwd")
    a = enroll(db, 1, unit_id=unit, photo=small_photo())
    res = export_batch(
        db,
        tmp_path / "out",
        profile=load_profile("hebei-web"),
        operator=OP,
        unit="../../etc",
        now=NOW,
    )
    assert res.output.parent == tmp_path / "out"
    assert "/" not in res.folder_name and not res.folder_name.startswith(".")
    for p in res.output.rglob("*"):
        assert p.resolve().is_relative_to((tmp_path / "out").resolve())
    assert not (tmp_path / "etc").exists()
    assert status(db, a) == "submitted"


def test_name_rule_with_user_text(db: Database, tmp_path: Path) -> None:
    # The beijing rule puts the person's name in the file name; the size window is 60-80 KB, so
    # the 25 KB photo is re-encoded (upwards, from a picture with enough detail).
    a = enroll(db, 1, photo=portrait_jpeg(60))
    res = export_batch(
        db, tmp_path / "out", profile=load_profile("beijing"), operator=OP, application_ids=[a], now=NOW
    )
    code = _code(db, a)
    photo = res.output / "photos" / f"{applicant(1).name}{code}.jpg"
    assert photo.is_file()
    lo, hi = kb_window_bytes(load_profile("beijing"))
    assert (lo or 0) <= photo.stat().st_size <= (hi or 10**9)
    assert res.reencoded == (photo.name,)


def test_oversized_photo_is_reencoded(db: Database, tmp_path: Path) -> None:
    big = portrait_jpeg(97)
    profile = load_profile("mohrss")
    assert len(big) > (kb_window_bytes(profile)[1] or 0)
    a = enroll(db, 1, photo=big)
    res = export_batch(db, tmp_path / "out", profile=profile, operator=OP, application_ids=[a])
    [f] = list((res.output / "photos").iterdir())
    lo, hi = kb_window_bytes(profile)
    assert (lo or 0) <= f.stat().st_size <= (hi or 0)
    assert f.read_bytes()[:3] == b"\xff\xd8\xff"
    assert verify_manifest(res.output) == []


def test_selection_errors(db: Database, tmp_path: Path) -> None:
    a = enroll(db, 1, photo=small_photo())
    p = load_profile("mohrss")
    with pytest.raises(InputError, match="no application 999"):
        export_batch(db, tmp_path / "o", profile=p, operator=OP, application_ids=[999])
    with pytest.raises(InputError, match="exactly one"):
        export_batch(db, tmp_path / "o", profile=p, operator=OP, unit="U1", all_waiting=True)
    export_batch(db, tmp_path / "o", profile=p, operator=OP, application_ids=[a])
    with pytest.raises(InputError, match="submitted"):
        export_batch(db, tmp_path / "o", profile=p, operator=OP, application_ids=[a])
    with pytest.raises(InputError, match="nothing to export"):
        export_batch(db, tmp_path / "o", profile=p, operator=OP, all_waiting=True)


def test_existing_destination_is_refused(db: Database, tmp_path: Path) -> None:
    a = enroll(db, 1, photo=small_photo())
    (tmp_path / "out" / "b").mkdir(parents=True)
    with pytest.raises(InputError, match="already exists"):
        export_batch(
            db, tmp_path / "out", profile=load_profile("mohrss"), operator=OP, all_waiting=True, name="b"
        )
    assert status(db, a) == "photo_accepted"


def test_failure_while_writing_leaves_nothing(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = enroll(db, 1, photo=small_photo())
    from station.transfer import export

    def full_disk(*_a: Any, **_k: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export, "write_xlsx", full_disk)
    with pytest.raises(OSError):
        export_batch(db, tmp_path / "out", profile=load_profile("mohrss"), operator=OP, all_waiting=True)
    assert list((tmp_path / "out").iterdir()) == []
    assert status(db, a) == "photo_accepted"


def test_database_refusal_takes_the_files_back(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = enroll(db, 1, photo=small_photo())
    from station.transfer import export

    def refuse(*_a: Any, **_k: Any) -> None:
        raise InvalidTransition("refused for the test")

    monkeypatch.setattr(export, "set_status", refuse)
    with pytest.raises(InvalidTransition):
        export_batch(db, tmp_path / "out", profile=load_profile("mohrss"), operator=OP, all_waiting=True)
    assert list((tmp_path / "out").iterdir()) == []
    assert status(db, a) == "photo_accepted"


def test_rejected_then_recollected_is_exported_again(db: Database, tmp_path: Path) -> None:
    from station.records import photos
    from tests.records.factory import report

    a = enroll(db, 1, photo=small_photo(1))
    p = load_profile("mohrss")
    export_batch(db, tmp_path / "o", profile=p, operator=OP, application_ids=[a], name="first")
    with db.session() as s:
        applications.set_status(s, a, "rejected", operator=OP, reason="照片模糊")
    with pytest.raises(ExportRefused, match="cannot be exported"):
        export_batch(db, tmp_path / "o", profile=p, operator=OP, all_waiting=True)
    with db.session() as s:
        photos.attach_photo(s, a, small_photo(9), report(True), operator=OP)
    assert status(db, a) == "recollected"
    res = export_batch(db, tmp_path / "o", profile=p, operator=OP, all_waiting=True, name="second")
    assert res.application_ids == (a,)
    assert status(db, a) == "submitted"


def test_resubmission_resolves_the_rejection(db: Database, tmp_path: Path) -> None:
    from station.records import photos
    from station.records.summaries import retake_queue
    from station.transfer import import_rejections
    from tests.records.factory import report

    a = enroll(db, 1, photo=small_photo(1))
    p = load_profile("mohrss")
    export_batch(db, tmp_path / "o", profile=p, operator=OP, application_ids=[a], name="first")
    rej = tmp_path / "rej.csv"
    rej.write_text(f"证件号码,异常原因\n{applicant(1).document_number},照片背景不合格\n", encoding="utf-8")
    assert import_rejections(db, rej, operator=OP).rejected_applications == (a,)
    with db.session(readonly=True) as s:
        assert [q.application_id for q in retake_queue(s)] == [a]
    with db.session() as s:
        photos.attach_photo(s, a, small_photo(9), report(True), operator=OP)
    export_batch(db, tmp_path / "o", profile=p, operator=OP, application_ids=[a], name="second")
    with db.session(readonly=True) as s:
        assert retake_queue(s) == ()
