"""Housekeeping a station runs now and then: ``station db maintenance`` on the command line, and
the window once at start (the same ``run_maintenance``, in a worker, with its own session).

Today it applies the retention of original camera images (``Settings.keep_originals_days``):
originals older than that are deleted, the judged JPEGs stay. Each run that deletes something
writes one audit event ``photo.purge_originals`` with the count; a run with nothing to do writes
none, so starting the window repeatedly does not fill the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from station.db.models import PhotoBlob, utcnow
from station.records import audit
from station.records.photos import originals_cutoff, purge_originals

__all__ = ["MaintenanceReport", "run_maintenance"]


@dataclass(frozen=True)
class MaintenanceReport:
    keep_originals_days: int
    cutoff: datetime  # originals saved at or before this (naive UTC) were deleted
    originals_purged: int
    bytes_freed: int
    originals_kept: int

    def to_json(self) -> dict[str, Any]:
        return {
            "keep_originals_days": self.keep_originals_days,
            "cutoff": self.cutoff.isoformat(timespec="seconds"),
            "originals_purged": self.originals_purged,
            "bytes_freed": self.bytes_freed,
            "originals_kept": self.originals_kept,
        }

    def summary(self) -> str:
        kept = f"{self.originals_kept} original image(s) kept"
        if not self.originals_purged:
            return f"no original image older than {self.keep_originals_days} day(s); {kept}"
        return (
            f"deleted {self.originals_purged} original image(s) older than {self.keep_originals_days} "
            f"day(s), {self.bytes_freed / 1e6:.1f} MB; {kept}"
        )


def _originals(session: Session, cutoff: datetime | None = None) -> tuple[int, int]:
    stmt = select(func.count(), func.coalesce(func.sum(func.length(PhotoBlob.data)), 0)).where(
        PhotoBlob.kind == "original"
    )
    if cutoff is not None:
        stmt = stmt.where(PhotoBlob.created_at <= cutoff)
    count, size = session.execute(stmt).one()
    return int(count), int(size)


def run_maintenance(
    session: Session, *, keep_originals_days: int, operator: str, now: datetime | None = None
) -> MaintenanceReport:
    """Delete original camera images older than ``keep_originals_days`` (0: every original, as
    none is to be kept), in the caller's transaction, and say what was done."""
    now = now or utcnow()
    keep = max(0, keep_originals_days)
    cutoff = originals_cutoff(keep, now=now)
    _count, size = _originals(session, cutoff)
    purged = purge_originals(session, keep, now=now)
    kept, _size = _originals(session)
    if purged:
        audit.record(
            session,
            "photo.purge_originals",
            operator=operator,
            entity="photo_blobs",
            detail=f"{purged} original image(s) saved before {cutoff:%Y-%m-%d %H:%M} UTC deleted "
            f"(keep_originals_days={keep}, {size} bytes)",
        )
    return MaintenanceReport(keep, cutoff, purged, size if purged else 0, kept)
