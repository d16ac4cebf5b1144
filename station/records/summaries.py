"""Small read-only views for the window: counts per status and the kiosk's retake queue."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from station.db.models import Application, Rejection
from station.domain import mask_id
from station.records.types import RetakeItem

__all__ = ["retake_queue", "status_counts"]


def status_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(Application.status, func.count()).group_by(Application.status))
    return {status: int(n) for status, n in rows}


def retake_queue(session: Session, *, limit: int = 200) -> tuple[RetakeItem, ...]:
    """Unresolved rejections, oldest first, with the status of the application they hit."""
    stmt = (
        select(Rejection, Application.status)
        .outerjoin(Application, Application.id == Rejection.application_id)
        .where(Rejection.resolved_at.is_(None))
        .order_by(Rejection.id)
        .limit(limit)
    )
    return tuple(
        RetakeItem(
            rejection_id=r.id,
            document_number=mask_id(r.document_number),
            name=r.name,
            kind=r.kind,
            reason=r.reason,
            applicant_id=r.applicant_id,
            application_id=r.application_id,
            status=status or "",
            imported_at=r.imported_at,
            extra=dict(r.extra or {}),
        )
        for r, status in session.execute(stmt)
    )
