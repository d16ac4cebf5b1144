"""Applications and their status (enrollment.md §5; the machine is in ``status``).

A move of the status also moves the application's current card (card.md §6,
``status.CARD_STATUS_AFTER``) in the same transaction, each with its audit event: issued ->
the card ``issued``, reported lost -> ``reported_lost``, replaced / exchanged -> out of use.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from station.db.models import Application, Card, utcnow
from station.errors import InputError
from station.records import audit
from station.records.codes import make_retrieval_code, next_value
from station.records.errors import InvalidTransition, NotFound
from station.records.status import (
    CARD_STATUS_AFTER,
    CARD_STATUS_LABELS,
    LABELS,
    STATUSES,
    TRANSITIONS,
    allowed,
    is_active,
)
from station.records.types import ApplicationInfo

__all__ = [
    "applications_of",
    "by_retrieval_code",
    "current_card",
    "get_application",
    "info",
    "move_card",
    "new_application",
    "set_status",
    "set_status_many",
]


def info(app: Application) -> ApplicationInfo:
    return ApplicationInfo(
        id=app.id,
        applicant_id=app.applicant_id,
        unit_id=app.unit_id,
        retrieval_code=app.retrieval_code,
        status=app.status,
        active=app.active,
        status_changed_at=app.status_changed_at,
        status_reason=app.status_reason,
        created_at=app.created_at,
        batch_id=app.batch_id,
    )


def new_application(
    session: Session, applicant_id: int, *, unit_id: int | None, operator: str, station_code: str
) -> Application:
    """A new ``collected`` application with a fresh retrieval code (caller audits)."""
    year = utcnow().year
    seq = next_value(session, f"retrieval:{station_code}:{year % 100:02d}")
    app = Application(
        applicant_id=applicant_id,
        unit_id=unit_id,
        retrieval_code=make_retrieval_code(station_code, year, seq),
        status="collected",
        active=True,
        created_by=operator,
    )
    session.add(app)
    session.flush()
    return app


def load(session: Session, application_id: int, *, lock: bool = False) -> Application:
    stmt = select(Application).where(Application.id == application_id)
    if lock:
        stmt = stmt.with_for_update()
    app = session.execute(stmt).scalar()
    if app is None:
        raise NotFound(f"application {application_id} does not exist")
    return app


def get_application(session: Session, application_id: int) -> ApplicationInfo:
    return info(load(session, application_id))


def by_retrieval_code(session: Session, code: str) -> ApplicationInfo:
    app = session.execute(
        select(Application).where(Application.retrieval_code == code.strip().upper())
    ).scalar()
    if app is None:
        raise NotFound(f"no application has retrieval code {code}")
    return info(app)


def applications_of(session: Session, applicant_id: int) -> tuple[ApplicationInfo, ...]:
    rows = session.execute(
        select(Application).where(Application.applicant_id == applicant_id).order_by(Application.id)
    ).scalars()
    return tuple(info(a) for a in rows)


def current_card(session: Session, application_id: int, *, lock: bool = False) -> Card | None:
    """The application's card in use: its newest card that was not invalidated, or None (a card
    made elsewhere, or none yet)."""
    stmt = (
        select(Card)
        .where(Card.application_id == application_id, Card.status != "invalidated")
        .order_by(Card.id.desc())
        .limit(1)
    )
    if lock:
        stmt = stmt.with_for_update()
    return session.execute(stmt).scalar()


def move_card(session: Session, card: Card, new: str, *, operator: str, why: str) -> None:
    """Set a card's status, with an audit event ``card.status`` saying why."""
    before = card.status
    card.status = new
    session.flush()
    audit.record(
        session,
        "card.status",
        operator=operator,
        entity="card",
        entity_id=card.id,
        detail=(
            f"card {card.card_number or card.id} {before} -> {new} ({CARD_STATUS_LABELS.get(new, '')}): {why}"
        ),
    )


def _card_follows(session: Session, app: Application, old: str, *, operator: str) -> None:
    """Move the application's current card to the status its application's new status implies."""
    target = CARD_STATUS_AFTER.get(app.status)
    if target is None:
        return
    card = current_card(session, app.id, lock=True)
    if card is not None and card.status != target:
        move_card(session, card, target, operator=operator, why=f"application {app.id} {old} -> {app.status}")


def move(app: Application, new: str, *, reason: str = "") -> str:
    """Change the status in memory if the machine allows it; returns the old status."""
    if new not in STATUSES:
        raise InputError(f"status: unknown status {new!r} (known: {', '.join(STATUSES)})")
    old = app.status
    if not allowed(old, new):
        nexts = ", ".join(sorted(TRANSITIONS.get(old, ()))) or "none"
        raise InvalidTransition(
            f"application {app.id} is {old} ({LABELS.get(old, '')}); it cannot become {new} "
            f"(allowed next: {nexts})"
        )
    app.status = new
    app.active = is_active(new)
    app.status_changed_at = utcnow()
    app.status_reason = " ".join(reason.split())
    return old


def set_status(
    session: Session,
    application_id: int,
    new: str,
    *,
    operator: str,
    reason: str = "",
    batch_id: int | None = None,
) -> ApplicationInfo:
    """Move one application along the machine, refusing moves it does not allow; its current
    card follows (``status.CARD_STATUS_AFTER``) in the same transaction."""
    app = load(session, application_id, lock=True)
    if new == "submitted":
        from station.records.photos import accepted_photo_id  # photos builds on this module

        if accepted_photo_id(session, app.id) is None:
            raise InvalidTransition(f"application {app.id} has no accepted photo and cannot be submitted")
    old = move(app, new, reason=reason)
    if batch_id is not None:
        app.batch_id = batch_id
    session.flush()
    audit.record(
        session,
        "application.status",
        operator=operator,
        entity="application",
        entity_id=app.id,
        detail=f"{old} -> {new}" + (f": {app.status_reason}" if app.status_reason else ""),
    )
    _card_follows(session, app, old, operator=operator)
    return info(app)


def set_status_many(
    session: Session,
    application_ids: Iterable[int],
    new: str,
    *,
    operator: str,
    reason: str = "",
    batch_id: int | None = None,
) -> tuple[ApplicationInfo, ...]:
    """All or nothing: the caller's transaction rolls back if any one move is refused."""
    return tuple(
        set_status(session, i, new, operator=operator, reason=reason, batch_id=batch_id)
        for i in application_ids
    )
