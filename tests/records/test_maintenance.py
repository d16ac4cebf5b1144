"""Retention of original camera images (``records.maintenance``), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from station.db import Database
from station.db.models import AuditEvent, PhotoBlob, utcnow
from station.records import applicants, audit, photos
from station.records.maintenance import run_maintenance
from tests.records.factory import applicant, jpeg_bytes, report

OP = "clerk"


def _photo_with_original(db: Database, i: int, age_days: int) -> int:
    with db.session() as s:
        res = applicants.enroll(s, applicant(i), operator=OP, station_code="000001")
        info = photos.attach_photo(
            s,
            res.application_id,
            jpeg_bytes(3000, i),
            report(),
            operator=OP,
            original=jpeg_bytes(20_000, i + 100),
            keep_originals_days=30,
        )
        s.execute(
            update(PhotoBlob)
            .where(PhotoBlob.photo_id == info.id)
            .values(created_at=utcnow() - timedelta(days=age_days))
        )
    return info.id


def _blobs(db: Database) -> set[tuple[int, str]]:
    with db.session(readonly=True) as s:
        return {(b.photo_id, b.kind) for b in s.scalars(select(PhotoBlob))}


def _purge_events(db: Database) -> list[str]:
    with db.session(readonly=True) as s:
        return [
            e.detail
            for e in s.scalars(select(AuditEvent).where(AuditEvent.action == "photo.purge_originals"))
        ]


def test_originals_past_retention_go_and_the_rest_stays(db: Database) -> None:
    old = _photo_with_original(db, 1, age_days=45)
    recent = _photo_with_original(db, 2, age_days=3)
    with db.session(readonly=True) as s:
        old_size = s.scalar(
            select(func.length(PhotoBlob.data)).where(PhotoBlob.photo_id == old, PhotoBlob.kind == "original")
        )
    with db.session() as s:
        rep = run_maintenance(s, keep_originals_days=30, operator=OP)
    assert (rep.originals_purged, rep.originals_kept, rep.bytes_freed) == (1, 1, old_size)
    assert _blobs(db) == {(old, "jpeg"), (recent, "jpeg"), (recent, "original")}
    with db.session(readonly=True) as s:
        assert photos.photo_bytes(s, old) == jpeg_bytes(3000, 1)  # the judged JPEG stays
        assert audit.verify(s).ok
    events = _purge_events(db)
    assert len(events) == 1 and events[0].startswith("1 original image(s)")
    assert rep.to_json()["originals_purged"] == 1 and "deleted 1 original" in rep.summary()

    # Nothing more to do: no new audit event (the window runs this at every start).
    with db.session() as s:
        again = run_maintenance(s, keep_originals_days=30, operator=OP)
    assert again.originals_purged == 0 and again.originals_kept == 1 and len(_purge_events(db)) == 1
    assert "no original image older than 30" in again.summary()


def test_zero_days_keeps_no_original(db: Database) -> None:
    recent = _photo_with_original(db, 3, age_days=0)
    with db.session() as s:
        rep = run_maintenance(s, keep_originals_days=0, operator=OP, now=utcnow() + timedelta(seconds=1))
    assert rep.originals_purged == 1 and rep.originals_kept == 0
    assert _blobs(db) == {(recent, "jpeg")}
