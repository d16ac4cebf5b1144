"""Photos of an application: the accepted JPEG with its compliance report, and every rejected
attempt (kept for the record). Bytes go to ``photo_blobs``; originals from the camera only when
``Settings.keep_originals_days`` > 0, and ``purge_originals`` removes them after that time.

Attaching is one transaction: the photo row, its bytes, the status move
(collected -> photo_accepted, rejected -> recollected) and the audit event commit together.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from station.db.models import Photo, PhotoBlob, utcnow
from station.errors import InputError
from station.records import audit
from station.records.applications import load, move
from station.records.errors import InvalidTransition, NotFound
from station.records.status import PHOTO_ALLOWED
from station.records.types import PhotoInfo

__all__ = [
    "accepted_photo",
    "accepted_photo_id",
    "attach_photo",
    "get_photo",
    "originals_cutoff",
    "photo_bytes",
    "photos_of",
    "purge_originals",
    "with_accepted_photo",
]

_JPEG_MAGIC = b"\xff\xd8\xff"


def _report_json(report: Any) -> dict[str, Any]:
    if hasattr(report, "to_json"):
        out: dict[str, Any] = report.to_json()
        return out
    if isinstance(report, Mapping):
        return dict(report)
    raise InputError("report: expected a ComplianceReport or its JSON")


def _info(p: Photo, has_original: bool = False) -> PhotoInfo:
    return PhotoInfo(
        id=p.id,
        applicant_id=p.applicant_id,
        application_id=p.application_id,
        status=p.status,
        profile=p.profile,
        report=p.report,
        source=p.source,
        operator=p.operator,
        created_at=p.created_at,
        size=p.size,
        sha256=p.sha256,
        has_original=has_original,
    )


def attach_photo(
    session: Session,
    application_id: int,
    jpeg: bytes,
    report: Any,
    *,
    operator: str,
    source: str = "",
    profile: str = "",
    original: bytes | None = None,
    keep_originals_days: int = 0,
) -> PhotoInfo:
    """Record a photo attempt. A compliant report makes it the accepted photo of the application
    (earlier ones become ``superseded``); otherwise it is kept as a ``rejected`` attempt and the
    status does not change. The caller looks at ``PhotoInfo.accepted``."""
    rep = _report_json(report)
    if jpeg and not jpeg.startswith(_JPEG_MAGIC):
        raise InputError("photo: not a JPEG file")
    compliant = bool(rep.get("compliant")) and bool(jpeg)
    app = load(session, application_id, lock=True)
    if app.status not in PHOTO_ALLOWED:
        raise InvalidTransition(
            f"application {app.id} is {app.status}: photos are taken only before submission "
            "or after the card centre returned it"
        )
    if compliant:
        session.execute(
            update(Photo)
            .where(Photo.application_id == app.id, Photo.status == "accepted")
            .values(status="superseded")
            .execution_options(synchronize_session=False)
        )
        if app.status == "collected":
            move(app, "photo_accepted")
        elif app.status == "rejected":
            move(app, "recollected", reason="photo retaken")
    photo = Photo(
        applicant_id=app.applicant_id,
        application_id=app.id,
        status="accepted" if compliant else "rejected",
        profile=profile or str(rep.get("profile", "")),
        report=rep,
        source=" ".join(source.split())[:200],
        operator=operator,
        size=len(jpeg),
        sha256=hashlib.sha256(jpeg).hexdigest(),
    )
    session.add(photo)
    session.flush()
    if jpeg:
        session.add(PhotoBlob(photo_id=photo.id, kind="jpeg", data=jpeg))
    keep_original = original is not None and keep_originals_days > 0
    if keep_original:
        session.add(PhotoBlob(photo_id=photo.id, kind="original", data=original))
    session.flush()
    failing = [
        c.get("id", "?") for c in rep.get("checks", []) if not c.get("passed") and c.get("level") == "error"
    ]
    audit.record(
        session,
        "photo.accept" if compliant else "photo.reject",
        operator=operator,
        entity="photo",
        entity_id=photo.id,
        detail=f"application {app.id}, {len(jpeg)} bytes, sha256 {photo.sha256[:16]}"
        + ("" if compliant else f", failing: {', '.join(failing) or 'not compliant'}"),
    )
    return _info(photo, keep_original)


def get_photo(session: Session, photo_id: int) -> PhotoInfo:
    p = session.get(Photo, photo_id)
    if p is None:
        raise NotFound(f"photo {photo_id} does not exist")
    return _info(p, _has_original(session, p.id))


def _has_original(session: Session, photo_id: int) -> bool:
    return (
        session.execute(
            select(PhotoBlob.photo_id).where(PhotoBlob.photo_id == photo_id, PhotoBlob.kind == "original")
        ).first()
        is not None
    )


def photo_bytes(session: Session, photo_id: int, kind: str = "jpeg") -> bytes:
    data = session.execute(
        select(PhotoBlob.data).where(PhotoBlob.photo_id == photo_id, PhotoBlob.kind == kind)
    ).scalar()
    if data is None:
        raise NotFound(f"photo {photo_id} has no {kind} image")
    return bytes(data)


def accepted_photo_id(session: Session, application_id: int) -> int | None:
    """The id of the application's current accepted photo (the newest), or None."""
    return session.execute(
        select(Photo.id)
        .where(Photo.application_id == application_id, Photo.status == "accepted")
        .order_by(Photo.id.desc())
        .limit(1)
    ).scalar()


def with_accepted_photo(session: Session, application_ids: Iterable[int]) -> frozenset[int]:
    """Those of ``application_ids`` that have an accepted photo (one query)."""
    ids = list(application_ids)
    if not ids:
        return frozenset()
    found = session.execute(
        select(Photo.application_id).where(Photo.application_id.in_(ids), Photo.status == "accepted")
    ).scalars()
    return frozenset(i for i in found if i is not None)


def accepted_photo(session: Session, application_id: int) -> tuple[PhotoInfo, bytes] | None:
    """The current accepted photo of an application and its JPEG bytes, or None."""
    photo_id = accepted_photo_id(session, application_id)
    p = session.get(Photo, photo_id) if photo_id is not None else None
    if p is None:
        return None
    return _info(p), photo_bytes(session, p.id)


def photos_of(session: Session, application_id: int) -> tuple[PhotoInfo, ...]:
    """Every attempt for an application, oldest first."""
    rows = session.execute(
        select(Photo).where(Photo.application_id == application_id).order_by(Photo.id)
    ).scalars()
    return tuple(_info(p) for p in rows)


def originals_cutoff(keep_days: int, *, now: datetime | None = None) -> datetime:
    """Originals saved at or before this time (naive UTC) are past their retention."""
    return (now or utcnow()) - timedelta(days=max(0, keep_days))


def purge_originals(session: Session, keep_days: int, *, now: datetime | None = None) -> int:
    """Delete original camera images older than ``keep_days`` (0 = all). Returns the count.
    ``records.maintenance.run_maintenance`` is the audited housekeeping run built on it."""
    cutoff = originals_cutoff(keep_days, now=now)
    result = session.execute(
        delete(PhotoBlob)
        .where(PhotoBlob.kind == "original", PhotoBlob.created_at <= cutoff)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
