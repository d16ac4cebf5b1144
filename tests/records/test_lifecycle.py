"""A card follows its application's lifecycle (card.md §6, enrollment.md §5), on SQLite and on
PostgreSQL: issue, pre-report and report loss, exchange, replacement; the duplicate check lets a
replacement through only once the old card is out of use, and the new card links the old one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from station.db import Database
from station.db.models import Application, AuditEvent, Card
from station.records import applicants, applications, audit, cards, photos
from station.records.errors import Duplicate, InvalidTransition
from tests.records.factory import applicant, jpeg_bytes, report

OP = "clerk"
ST = "000001"
TODAY = date(2025, 3, 1)


def _submitted(db: Database, i: int, photo: bytes | None = None) -> applicants.EnrollResult:
    with db.session() as s:
        res = applicants.enroll(s, applicant(i), operator=OP, station_code=ST, today=TODAY)
        photos.attach_photo(s, res.application_id, photo or jpeg_bytes(3000, i), report(), operator=OP)
        applications.set_status(s, res.application_id, "submitted", operator=OP)
    return res


def _record_card(db: Database, application_id: int, code: str) -> cards.CardInfo:
    """What the encoder records after a verified write (no chip here: the records side only)."""
    with db.session() as s:
        return cards.record_encoded_card(
            s,
            application_id,
            cards.EncodedCard(
                atr="3B6D0000" + code[-8:],
                card_identification_code=code,
                card_number=cards.allocate_card_number(s),
                card_type="3",
                spec_version="2.00",
                issue_date=TODAY,
                expiry_date=date(2035, 3, 1),
            ),
            operator=OP,
        )


def _move(db: Database, application_id: int, *statuses: str) -> None:
    for st in statuses:
        with db.session() as s:
            applications.set_status(s, application_id, st, operator=OP)


def _card_status(db: Database, card_id: int) -> str:
    with db.session(readonly=True) as s:
        card = s.get(Card, card_id)
        assert card is not None
        return card.status


def _app_status(db: Database, application_id: int) -> str:
    with db.session(readonly=True) as s:
        return applications.get_application(s, application_id).status


def _enroll(db: Database, i: int) -> applicants.EnrollResult:
    with db.session() as s:
        return applicants.enroll(s, applicant(i), operator=OP, station_code=ST, today=TODAY)


def test_card_follows_each_move_with_an_audit_event(db: Database) -> None:
    res = _submitted(db, 1)
    card = _record_card(db, res.application_id, "110100D15600000501000001")
    assert card.status == "encoded"
    expected = [
        ("issued", "issued"),
        ("pre_reported_lost", "pre_reported_lost"),
        ("issued", "issued"),  # the card was found
        ("pre_reported_lost", "pre_reported_lost"),
        ("reported_lost", "reported_lost"),
        ("replaced", "replaced"),
    ]
    for app_status, card_status in expected:
        _move(db, res.application_id, app_status)
        assert _card_status(db, card.id) == card_status
    with db.session(readonly=True) as s:
        events = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "card.status").order_by(AuditEvent.id)
        ).all()
        assert audit.verify(s).ok
    assert [e.entity_id for e in events] == [str(card.id)] * len(expected)
    assert "encoded -> issued" in events[0].detail and f"application {res.application_id}" in events[0].detail
    assert "reported_lost -> replaced" in events[-1].detail


def test_exchange_takes_the_damaged_card_out_of_use(db: Database) -> None:
    res = _submitted(db, 2)
    card = _record_card(db, res.application_id, "110100D15600000501000002")
    _move(db, res.application_id, "issued")
    with pytest.raises(Duplicate, match=r"status issued .*report the card lost or exchange it"):
        _enroll(db, 2)
    _move(db, res.application_id, "exchanged")
    assert _card_status(db, card.id) == "exchanged"
    again = _enroll(db, 2)
    assert again.updated_existing and again.replaces_card_id == card.id


def test_only_the_current_card_follows(db: Database) -> None:
    """An earlier card of the application that was invalidated (re-encoded on another blank)
    stays invalidated; the card in use follows."""
    res = _submitted(db, 3)
    first = _record_card(db, res.application_id, "110100D15600000501000003")
    second = _record_card(db, res.application_id, "110100D15600000501000004")
    assert _card_status(db, first.id) == "invalidated"
    _move(db, res.application_id, "issued", "pre_reported_lost", "reported_lost")
    assert (_card_status(db, first.id), _card_status(db, second.id)) == ("invalidated", "reported_lost")
    with db.session(readonly=True) as s:
        current = applications.current_card(s, res.application_id)
        assert current is not None and current.id == second.id


def test_application_and_card_move_in_one_transaction(db: Database) -> None:
    res = _submitted(db, 4)
    card = _record_card(db, res.application_id, "110100D15600000501000005")
    with pytest.raises(RuntimeError), db.session() as s:
        applications.set_status(s, res.application_id, "issued", operator=OP)
        raise RuntimeError("the user action fails after the move")
    assert (_app_status(db, res.application_id), _card_status(db, card.id)) == ("card_encoded", "encoded")
    with db.session() as s, pytest.raises(InvalidTransition):
        applications.set_status(s, res.application_id, "reported_lost", operator=OP)
    assert _card_status(db, card.id) == "encoded"


def test_no_card_on_record_moves_the_application_alone(db: Database) -> None:
    """A card made and encoded by the card centre has no row here: the move is still allowed."""
    res = _submitted(db, 5)
    _move(db, res.application_id, "card_produced", "card_encoded", "issued")
    assert _app_status(db, res.application_id) == "issued"
    with db.session(readonly=True) as s:
        assert applications.current_card(s, res.application_id) is None


def test_pre_reported_loss_blocks_until_the_loss_is_confirmed(db: Database) -> None:
    res = _submitted(db, 6)
    card = _record_card(db, res.application_id, "110100D15600000501000006")
    _move(db, res.application_id, "issued", "pre_reported_lost")
    with pytest.raises(Duplicate, match=r"pre_reported_lost 预挂失\); confirm the loss"):
        _enroll(db, 6)
    _move(db, res.application_id, "reported_lost")
    again = _enroll(db, 6)
    assert again.replaces_card_id == card.id
    with db.session(readonly=True) as s:
        event = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "enroll").order_by(AuditEvent.id.desc())
        ).first()
    assert event is not None and f"replacement for card {card.card_number} (reported_lost)" in event.detail


def test_a_card_out_of_sync_still_blocks(db: Database) -> None:
    """The card check stands on its own: a card still issued blocks even when its application
    was (wrongly) closed by hand."""
    res = _submitted(db, 7)
    card = _record_card(db, res.application_id, "110100D15600000501000007")
    _move(db, res.application_id, "issued")
    with db.session() as s:
        app = s.get(Application, res.application_id)
        assert app is not None
        app.status, app.active = "exchanged", False
    with pytest.raises(Duplicate, match=rf"card {card.card_number} \(issued 已发放\) on application"):
        _enroll(db, 7)


def test_full_path_through_the_emulated_card(db: Database, tmp_path: Path) -> None:
    """enrol -> encode (in-process emulator) -> issue -> report lost -> new application ->
    encode the replacement: it links the old card, which is ``replaced`` with its application."""
    from station.card.encode import EncodeOptions, encode_application, journal_for
    from station.card.keys import TestKeyService
    from tests.card.conftest import card_on, portrait_jpeg

    def encode(application_id: int) -> cards.CardInfo:
        _card, conn = card_on("2.0")
        result = encode_application(
            conn,
            db,
            application_id,
            key_service=TestKeyService(),
            journal=journal_for(tmp_path),
            operator=OP,
            options=EncodeOptions(today=TODAY),
        )
        return result.card

    first = _submitted(db, 8, portrait_jpeg())
    old = encode(first.application_id)
    assert old.status == "encoded" and _app_status(db, first.application_id) == "card_encoded"
    _move(db, first.application_id, "issued")
    assert _card_status(db, old.id) == "issued"
    with pytest.raises(Duplicate, match="status issued"):
        _enroll(db, 8)
    _move(db, first.application_id, "pre_reported_lost", "reported_lost")
    assert _card_status(db, old.id) == "reported_lost"

    second = _submitted(db, 8, portrait_jpeg())  # allowed now
    assert second.applicant_id == first.applicant_id and second.replaces_card_id == old.id
    new = encode(second.application_id)
    assert new.replaces_card_id == old.id and new.card_number != old.card_number
    assert _card_status(db, old.id) == "replaced"
    assert _app_status(db, first.application_id) == "replaced"
    assert _app_status(db, second.application_id) == "card_encoded"
    with db.session(readonly=True) as s:
        assert audit.verify(s).ok
        actions = [e.action for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions.count("card.encoded") == 2 and actions.count("card.status") == 4
    # issued, pre_reported_lost, reported_lost, replaced


def test_migration_0002_brings_old_card_rows_in_line(db: Database) -> None:
    """Rows written before cards followed their applications (card still ``encoded`` while the
    application was issued or reported lost) are fixed by revision 0002, with audit events."""
    from alembic import command

    from station.db.migrate import alembic_config

    issued = _submitted(db, 21)
    lost = _submitted(db, 22)
    stale = _record_card(db, issued.application_id, "110100D15600000501000021")
    old_lost = _record_card(db, lost.application_id, "110100D15600000501000022")
    newer_lost = _record_card(db, lost.application_id, "110100D15600000501000023")
    with db.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0001")
    with db.session() as s:  # what the services did before: the application moved alone
        for app_id, st, active in (
            (issued.application_id, "issued", True),
            (lost.application_id, "reported_lost", False),
        ):
            app = s.get(Application, app_id)
            assert app is not None
            app.status, app.active = st, active
    assert db.revision() == "0001"
    db.upgrade()
    assert db.revision() == "0002"
    assert _card_status(db, stale.id) == "issued"
    # only the current card follows; the one it superseded stays invalidated
    assert _card_status(db, old_lost.id) == "invalidated"
    assert _card_status(db, newer_lost.id) == "reported_lost"
    with db.session(readonly=True) as s:
        assert audit.verify(s).ok
        details = [e.detail for e in s.scalars(select(AuditEvent).where(AuditEvent.action == "card.status"))]
    assert len(details) == 2 and all("(migration 0002)" in d for d in details)
    again = _enroll(db, 22)  # the lost card no longer blocks a replacement
    assert again.replaces_card_id == newer_lost.id
