"""The audit trail: append-only events, each hashing the one before it.

``hash = sha256(JSON [prev_hash, at, operator, action, entity, entity_id, detail])``, with the
first event chained to 64 zeros. The database refuses UPDATE and DELETE on the table
(triggers from migration 0001), and ``verify`` recomputes the chain, so an edited, inserted or
removed event is found. Appends are serialised (SQLite's write lock; an advisory transaction
lock on PostgreSQL) so that two stations never chain onto the same event.

Never record a PIN; document numbers in ``detail`` are masked here as a last line of defence.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from station.db.models import AuditEvent, utcnow
from station.domain import mask_id
from station.records.types import AuditEventInfo, AuditVerification

__all__ = ["GENESIS", "event_hash", "iter_events", "mask_text", "recent", "record", "verify"]

GENESIS = "0" * 64
_PG_AUDIT_LOCK = 0x5354_4155  # "STAU"
# 15/18-character citizen and residence numbers, and old-style permanent residence numbers.
_ID_LIKE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15}|[A-Z]{3}\d{12})(?![0-9A-Za-z])")
_PIN_LIKE = re.compile(r"(?i)(pin\s*[:=]?\s*)\d{4,12}")


def mask_text(detail: str) -> str:
    masked = _ID_LIKE.sub(lambda m: mask_id(m.group(1)), detail)
    masked = _PIN_LIKE.sub(lambda m: m.group(1) + "******", masked)
    return " ".join(masked.split())  # one line


def _at_text(at: datetime) -> str:
    return at.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def event_hash(  # noqa: PLR0917 - the chained fields, in order
    prev_hash: str, at: datetime, operator: str, action: str, entity: str, entity_id: str, detail: str
) -> str:
    payload = json.dumps(
        [prev_hash, _at_text(at), operator, action, entity, entity_id, detail],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    session: Session,
    action: str,
    *,
    operator: str,
    entity: str = "",
    entity_id: object = "",
    detail: str = "",
) -> AuditEventInfo:
    """Append one event in the caller's transaction (so it commits or rolls back with the action)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_AUDIT_LOCK})
    last = session.execute(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).scalar()
    prev = last or GENESIS
    at = utcnow()
    detail = mask_text(detail)
    eid = "" if entity_id is None else str(entity_id)
    ev = AuditEvent(
        at=at,
        operator=operator,
        action=action,
        entity=entity,
        entity_id=eid,
        detail=detail,
        prev_hash=prev,
        hash=event_hash(prev, at, operator, action, entity, eid, detail),
    )
    session.add(ev)
    session.flush()
    return _info(ev)


def _info(ev: AuditEvent) -> AuditEventInfo:
    return AuditEventInfo(ev.id, ev.at, ev.operator, ev.action, ev.entity, ev.entity_id, ev.detail)


def iter_events(session: Session, *, batch: int = 1000) -> Iterator[AuditEventInfo]:
    stmt = select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=batch)
    result = session.scalars(stmt)
    try:
        for ev in result:
            yield _info(ev)
    finally:
        result.close()


def recent(session: Session, limit: int = 50) -> tuple[AuditEventInfo, ...]:
    rows = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit))
    return tuple(_info(ev) for ev in rows)


def verify(session: Session) -> AuditVerification:
    """Recompute the chain from the first event."""
    prev = GENESIS
    count = 0
    stmt = select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=1000)
    result = session.scalars(stmt)
    try:
        for ev in result:
            count += 1
            if ev.prev_hash != prev:
                return AuditVerification(
                    False,
                    count,
                    ev.id,
                    f"event {ev.id} does not follow the event before it (removed or inserted)",
                )
            expected = event_hash(prev, ev.at, ev.operator, ev.action, ev.entity, ev.entity_id, ev.detail)
            if ev.hash != expected:
                return AuditVerification(
                    False, count, ev.id, f"event {ev.id} was changed after it was written"
                )
            prev = ev.hash
    finally:
        result.close()
    return AuditVerification(True, count, None, f"{count} events, chain intact")
