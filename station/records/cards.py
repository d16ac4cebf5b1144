"""Cards on applications (card.md §6): what the card encoder reads from the records and the one
transaction that records an encoded card.

- ``encode_source``: the applicant's data, the accepted photo and the cards already on file,
  as plain values for ``station.card.encode``.
- ``card_by_identification_code``: who a physical card (EF05 tag 01) is recorded for.
- ``allocate_card_number``: a card number (letter + 7 digits + check character, card.md §4)
  from a counter, for applications the card centre did not number.
- ``record_encoded_card``: in the caller's transaction, store the card (ATR, identification
  code, number, dates, what was written and verified), move the application to
  ``card_encoded``, link the card it replaces and write the audit event. Never a PIN.

Card rows are never deleted; an earlier card of the same application that was never issued is
``invalidated`` when another card is encoded for it. After the encode a card follows its
application's status (``applications.set_status``: issued, pre-reported lost, reported lost,
replaced, exchanged). A new card of a person whose earlier card is out of use (reported lost,
replaced or exchanged) links that card (``replaces_card_id``); a card that was reported lost
becomes ``replaced`` and its application moves ``reported_lost -> replaced`` (已补卡).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from station.card.numbers import card_number_is_valid, make_card_number
from station.db.models import Card
from station.domain import ApplicantData
from station.records import audit
from station.records.applicants import get_applicant, replaced_card
from station.records.applications import load as load_application
from station.records.applications import move, move_card, set_status
from station.records.codes import next_value
from station.records.errors import InvalidTransition
from station.records.photos import accepted_photo

__all__ = [
    "ENCODABLE_STATUSES",
    "CardInfo",
    "EncodeSource",
    "EncodedCard",
    "allocate_card_number",
    "card_by_identification_code",
    "cards_of",
    "encode_source",
    "record_encoded_card",
]

# Application statuses a card may be encoded in: after the batch left (instant issuance moves
# submitted -> card_produced -> card_encoded at once), after the face was printed, or again
# (re-encoding) before the card is issued.
ENCODABLE_STATUSES = ("submitted", "card_produced", "card_encoded")


@dataclass(frozen=True)
class CardInfo:
    id: int
    application_id: int
    applicant_id: int
    atr: str
    card_identification_code: str
    card_number: str
    card_number_valid: bool
    card_type: str
    spec_version: str
    issue_date: date | None
    expiry_date: date | None
    status: str
    replaces_card_id: int | None
    created_at: datetime
    updated_at: datetime
    operator: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "application_id": self.application_id,
            "applicant_id": self.applicant_id,
            "atr": self.atr,
            "card_identification_code": self.card_identification_code,
            "card_number": self.card_number,
            "card_number_valid": self.card_number_valid,
            "card_type": self.card_type,
            "spec_version": self.spec_version,
            "issue_date": self.issue_date.isoformat() if self.issue_date else None,
            "expiry_date": self.expiry_date.isoformat() if self.expiry_date else None,
            "status": self.status,
            "replaces_card_id": self.replaces_card_id,
        }


@dataclass(frozen=True)
class EncodeSource:
    application_id: int
    applicant_id: int
    status: str
    retrieval_code: str
    data: ApplicantData
    photo_jpeg: bytes | None
    cards: tuple[CardInfo, ...]  # this application's cards, oldest first


@dataclass(frozen=True)
class EncodedCard:
    """What the encoder wrote, verified, and asks to record."""

    atr: str  # hex
    card_identification_code: str
    card_number: str
    card_type: str
    spec_version: str
    issue_date: date
    expiry_date: date
    write_state: dict[str, Any] = field(default_factory=dict)


def _info(c: Card) -> CardInfo:
    return CardInfo(
        id=c.id,
        application_id=c.application_id,
        applicant_id=c.applicant_id,
        atr=c.atr,
        card_identification_code=c.card_identification_code,
        card_number=c.card_number,
        card_number_valid=card_number_is_valid(c.card_number) if c.card_number else False,
        card_type=c.card_type,
        spec_version=c.spec_version,
        issue_date=c.issue_date,
        expiry_date=c.expiry_date,
        status=c.status,
        replaces_card_id=c.replaces_card_id,
        created_at=c.created_at,
        updated_at=c.updated_at,
        operator=c.operator,
    )


def cards_of(session: Session, application_id: int) -> tuple[CardInfo, ...]:
    rows = session.scalars(select(Card).where(Card.application_id == application_id).order_by(Card.id))
    return tuple(_info(c) for c in rows)


def encode_source(session: Session, application_id: int) -> EncodeSource:
    app = load_application(session, application_id)
    applicant = get_applicant(session, app.applicant_id)
    photo = accepted_photo(session, application_id)
    return EncodeSource(
        application_id=app.id,
        applicant_id=app.applicant_id,
        status=app.status,
        retrieval_code=app.retrieval_code,
        data=applicant.data,
        photo_jpeg=photo[1] if photo else None,
        cards=cards_of(session, application_id),
    )


def card_by_identification_code(session: Session, code: str) -> CardInfo | None:
    """The newest card recorded with this card identification code (EF05 tag 01), or None."""
    row = session.scalars(
        select(Card).where(Card.card_identification_code == code.upper()).order_by(Card.id.desc()).limit(1)
    ).first()
    return _info(row) if row is not None else None


def allocate_card_number(session: Session, prefix: str = "A") -> str:
    """A fresh card number from the ``card_number:<prefix>`` counter."""
    serial = next_value(session, f"card_number:{prefix.upper()}")
    return make_card_number(prefix, serial)


def record_encoded_card(
    session: Session,
    application_id: int,
    card: EncodedCard,
    *,
    operator: str,
) -> CardInfo:
    """Record a verified card on its application, in the caller's transaction."""
    app = load_application(session, application_id, lock=True)
    if app.status not in ENCODABLE_STATUSES:
        raise InvalidTransition(
            f"application {app.id} is {app.status}; a card is encoded once it is "
            f"{' or '.join(ENCODABLE_STATUSES)}"
        )
    code = card.card_identification_code.upper()
    other = session.scalars(
        select(Card).where(Card.card_identification_code == code, Card.application_id != app.id)
    ).first()
    if other is not None:
        raise InvalidTransition(f"card {code} is already recorded for application {other.application_id}")
    mine = list(session.scalars(select(Card).where(Card.application_id == app.id).order_by(Card.id)))
    row = next((c for c in mine if c.card_identification_code == code), None)
    if row is None:
        # A printed face not yet tied to a chip, else a new row.
        row = next((c for c in mine if c.status == "produced" and not c.card_identification_code), None)
    if row is None:
        row = Card(application_id=app.id, applicant_id=app.applicant_id)
        session.add(row)
    for earlier in mine:
        if earlier is not row and earlier.status in ("produced", "encoded"):
            earlier.status = "invalidated"
            audit.record(
                session,
                "card.invalidated",
                operator=operator,
                entity="card",
                entity_id=earlier.id,
                detail=f"application {app.id}: superseded by card {code}",
            )
    replaced = replaced_card(session, app.applicant_id, other_than=app.id)
    row.atr = card.atr.upper()
    row.card_identification_code = code
    row.card_number = card.card_number
    row.card_type = card.card_type
    row.spec_version = card.spec_version
    row.issue_date = card.issue_date
    row.expiry_date = card.expiry_date
    row.status = "encoded"
    row.write_state = dict(card.write_state)
    row.operator = operator
    if replaced is not None and row.replaces_card_id is None:
        row.replaces_card_id = replaced.id
    session.flush()
    if replaced is not None and replaced.id == row.replaces_card_id and replaced.status == "reported_lost":
        _mark_replaced(session, replaced, by=row, card_number=card.card_number, operator=operator)
    old_status = app.status
    if app.status == "submitted":
        move(app, "card_produced", reason="instant issuance")
    if app.status == "card_produced":
        move(app, "card_encoded", reason=f"card {card.card_number}")
    session.flush()
    audit.record(
        session,
        "card.encoded",
        operator=operator,
        entity="card",
        entity_id=row.id,
        detail=(
            f"application {app.id} ({old_status} -> {app.status}): card number {card.card_number}, "
            f"identification code {code}, spec {card.spec_version}"
            + (f", replaces card {row.replaces_card_id}" if row.replaces_card_id else "")
        ),
    )
    return _info(row)


def _mark_replaced(session: Session, lost: Card, *, by: Card, card_number: str, operator: str) -> None:
    """The lost card has its replacement: its application moves ``reported_lost -> replaced``
    (the card follows), or, when the application is elsewhere in its lifecycle, the card alone
    is marked ``replaced``."""
    reason = f"replacement card {card_number} (card {by.id}) on application {by.application_id}"
    old_app = load_application(session, lost.application_id, lock=True)
    if old_app.status == "reported_lost":
        set_status(session, old_app.id, "replaced", operator=operator, reason=reason)
    if lost.status == "reported_lost":  # not the application's current card
        move_card(session, lost, "replaced", operator=operator, why=reason)
