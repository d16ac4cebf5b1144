"""cards follow their application's lifecycle: bring existing card rows in line

Until this revision a card row stayed ``encoded`` while its application was issued, reported
lost, replaced or exchanged, so a person whose card was lost could not be collected again.
Services now move the card with its application (station/records/applications.py); this data
migration does the same once for rows written before: the current card of each application
(its newest card that is not ``invalidated``) takes its application's lifecycle status, with a
``card.status`` audit event for each change. No schema change.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 05:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Application status -> its current card's status (station.records.status.CARD_STATUS_AFTER,
# copied so that this revision keeps meaning what it meant).
_FOLLOW = {
    "issued": "issued",
    "pre_reported_lost": "pre_reported_lost",
    "reported_lost": "reported_lost",
    "replaced": "replaced",
    "exchanged": "exchanged",
}
_AUDIT_LOCK = 0x5354_4155  # station.records.audit: appends are serialised on PostgreSQL


def upgrade() -> None:
    from station.db.models import utcnow
    from station.records.audit import GENESIS, event_hash

    conn = op.get_bind()
    statuses = ", ".join(f"'{s}'" for s in _FOLLOW)
    rows = conn.execute(
        sa.text(
            "SELECT c.id, c.status, c.card_number, a.id, a.status FROM cards c "
            "JOIN applications a ON a.id = c.application_id "
            f"WHERE a.status IN ({statuses}) AND c.status <> 'invalidated' AND c.status <> a.status "
            "AND c.id = (SELECT max(c2.id) FROM cards c2 "
            "WHERE c2.application_id = c.application_id AND c2.status <> 'invalidated') "
            "ORDER BY c.id"
        )
    ).all()
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _AUDIT_LOCK})
    prev = conn.execute(sa.text("SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1")).scalar() or GENESIS
    for card_id, before, number, app_id, app_status in rows:
        target = _FOLLOW[app_status]
        conn.execute(
            sa.text("UPDATE cards SET status = :s, updated_at = :t WHERE id = :id").bindparams(
                sa.bindparam("t", type_=sa.DateTime())
            ),
            {"s": target, "t": utcnow(), "id": card_id},
        )
        at = utcnow()
        detail = (
            f"card {number or card_id} {before} -> {target}: application {app_id} is {app_status} "
            "(migration 0002)"
        )
        h = event_hash(prev, at, "station", "card.status", "card", str(card_id), detail)
        conn.execute(
            sa.text(
                "INSERT INTO audit_events (at, operator, action, entity, entity_id, detail, prev_hash, hash) "
                "VALUES (:at, 'station', 'card.status', 'card', :eid, :detail, :prev, :hash)"
            ).bindparams(sa.bindparam("at", type_=sa.DateTime())),
            {"at": at, "eid": str(card_id), "detail": detail, "prev": prev, "hash": h},
        )
        prev = h


def downgrade() -> None:
    # The statuses are right under either revision: nothing to undo.
    pass
