"""Issue 3 §8: killed mid-save, write errors, concurrent writers."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from station.db import Database, open_database
from station.db.models import Applicant, Application, Photo, PhotoBlob, PhotoReceipt
from station.records import applicants, audit, photos
from station.records.errors import StorageError
from tests.records.factory import applicant, jpeg_bytes, report

REPO = Path(__file__).resolve().parents[2]
KILLS = 50


def _spawn(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.records.worker", *args],
        cwd=REPO,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _assert_whole_records(db: Database, *, receipts: bool = True) -> int:
    """Every person has exactly their application, accepted photo with bytes (and receipt)."""
    with db.session(readonly=True) as s:
        people = s.scalar(select(func.count()).select_from(Applicant))
        models = (
            (Application, Photo, PhotoBlob, PhotoReceipt) if receipts else (Application, Photo, PhotoBlob)
        )
        counts = [s.scalar(select(func.count()).select_from(m)) for m in models]
        orphans = s.scalar(
            select(func.count())
            .select_from(Applicant)
            .where(~select(Photo.id).where(Photo.applicant_id == Applicant.id).exists())
        )
        assert audit.verify(s).ok
    assert counts == [people] * len(models), (people, counts)
    assert orphans == 0
    return int(people or 0)


@pytest.mark.slow
def test_sigkill_while_saving(any_db_url: str, tmp_path: Path) -> None:
    """50 processes, each killed with SIGKILL at a random moment while saving people with a
    30 KB photo; after each kill the database is intact and holds only whole records. The next
    process starts (and loads its modules) while the current one is writing."""
    db = open_database(any_db_url, data_dir=tmp_path)
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(jpeg_bytes(30_000))
    rng = random.Random(3)
    saved = 0
    nxt = _spawn(any_db_url, "save-forever", "1", str(photo))
    try:
        for k in range(KILLS):
            proc = nxt
            assert proc.stdout is not None and proc.stdin is not None
            line = proc.stdout.readline()
            assert line.strip() == "ready", proc.stderr.read() if proc.stderr else ""
            proc.stdin.write("go\n")
            proc.stdin.flush()
            if k + 1 < KILLS:
                nxt = _spawn(any_db_url, "save-forever", str((k + 1) * 1000 + 1), str(photo))
            try:
                proc.wait(timeout=rng.uniform(0.01, 0.4))
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
            proc.wait()
            err = proc.stderr.read() if proc.stderr else ""
            assert proc.returncode == -signal.SIGKILL, err
            for f in (proc.stdin, proc.stdout, proc.stderr):
                if f:
                    f.close()
            if db.dialect == "sqlite":
                with db.engine.connect() as conn:
                    assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
                    conn.rollback()
            saved = _assert_whole_records(db)
        assert saved > 0
    finally:
        if nxt.poll() is None:
            nxt.kill()
            nxt.communicate()
        db.close()


def _attempt_save(db: Database, size: int = 30_000) -> None:
    with db.session() as s:
        res = applicants.enroll(s, applicant(77), operator="t", station_code="000001")
        photos.attach_photo(s, res.application_id, jpeg_bytes(size), report(), operator="t")


def test_write_error_leaves_no_partial_record(db: Database) -> None:
    """A write error injected in the database's storage: SQLite's page limit ("database or disk
    is full", the same error as a full disk) and a PostgreSQL trigger raising disk_full."""
    with db.engine.begin() as conn:
        if db.dialect == "sqlite":
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
            conn.exec_driver_sql(f"PRAGMA max_page_count = {int(pages or 0) + 3}")
        else:
            conn.exec_driver_sql(
                "CREATE FUNCTION fail_disk() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "RAISE EXCEPTION 'could not extend file: No space left on device' "
                "USING ERRCODE = 'disk_full'; "
                "END $$"
            )
            conn.exec_driver_sql(
                "CREATE TRIGGER fail_disk BEFORE INSERT ON photo_blobs "
                "FOR EACH ROW EXECUTE FUNCTION fail_disk()"
            )
    with pytest.raises(StorageError, match=r"(?i)full|space"):
        _attempt_save(db)
    with db.session(readonly=True) as s:
        for m in (Applicant, Application, Photo, PhotoBlob):
            assert s.scalar(select(func.count()).select_from(m)) == 0
    # The station keeps working once there is room again.
    with db.engine.begin() as conn:
        if db.dialect == "sqlite":
            conn.exec_driver_sql("PRAGMA max_page_count = 1073741823")
        else:
            conn.exec_driver_sql("DROP TRIGGER fail_disk ON photo_blobs")
    _attempt_save(db)
    assert _assert_whole_records(db, receipts=False) == 1


@pytest.fixture
def tiny_fs(tmp_path: Path) -> Iterator[Path]:
    """A real 1 MB tmpfs (root only); skipped where it cannot be mounted."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    mount, umount = shutil.which("mount"), shutil.which("umount")
    if os.geteuid() != 0 or not mount or not umount:
        pytest.skip("a tmpfs needs root (the injected error test covers the same path)")
    out = subprocess.run([mount, "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], capture_output=True)
    if out.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {out.stderr.decode(errors='replace').strip()}")
    try:
        yield mnt
    finally:
        subprocess.run([umount, "-l", str(mnt)], check=False)


def test_full_disk_sqlite(tiny_fs: Path) -> None:
    db = open_database(f"sqlite:///{tiny_fs / 'station.db'}", data_dir=tiny_fs)
    try:
        with pytest.raises(StorageError, match=r"(?i)full|space"):
            for i in range(200):
                with db.session() as s:
                    res = applicants.enroll(s, applicant(100 + i), operator="t", station_code="000001")
                    photos.attach_photo(s, res.application_id, jpeg_bytes(30_000, i), report(), operator="t")
        _assert_whole_records(db, receipts=False)
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            conn.rollback()
    finally:
        db.close()


def test_two_processes_write_at_once(any_db_url: str, tmp_path: Path) -> None:
    db = open_database(any_db_url, data_dir=tmp_path)
    n = 40
    # Both workers try people 1000..1039; the second also 2000..2039 of its own. Overlap: 0..19.
    a = _spawn(any_db_url, "save", str(n), "1000")
    b = _spawn(any_db_url, "save", str(n), "1020")
    outs = [p.communicate(timeout=300) for p in (a, b)]
    for p, (_out, err) in zip((a, b), outs, strict=True):
        assert p.returncode == 0, err
    results = [json.loads(out) for out, _ in outs]
    saved = sum(r["saved"] for r in results)
    assert saved == 60  # 1000..1059: every person once, the 20 shared ones refused as duplicates
    assert sum(r["duplicates"] for r in results) == 20
    try:
        assert _assert_whole_records(db) == 60
        with db.session(readonly=True) as s:
            seqs = sorted(s.scalars(select(PhotoReceipt.sequence)))
            codes = set(s.scalars(select(Application.retrieval_code)))
            assert s.execute(text("SELECT count(*) FROM audit_events")).scalar() == 60 * 3
        assert seqs == list(range(1, 61)) and len(codes) == 60
    finally:
        db.close()
