"""The encode workflow in-process: read, authenticate, write, verify, record; the journal and
resume after tearing at every write step; refusals; nothing half-done is ever recorded."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from station.card import errors
from station.card.emulator import EmulatorConnection, SsseCard, blank_card
from station.card.emulator.ciphers import ALG_SM4
from station.card.encode import (
    EncodeOptions,
    EncodeResult,
    card_type_for,
    encode_application,
    initial_pin,
    read_card,
)
from station.card.keys import NoKeyService, TestKeyService
from station.card.numbers import card_number_is_valid
from station.card.photo import chip_photo
from station.card.ssse import FID_EF06, TAG_NAME
from station.db.models import Application, AuditEvent, Card
from station.errors import ConfigError
from station.records.errors import InvalidTransition
from tests.card.conftest import Station, portrait_jpeg

TODAY = date(2025, 3, 1)


def _encode(station: Station, app_id: int, card: SsseCard, **opts: object) -> EncodeResult:
    progress: list[tuple[str, float]] = []
    result = encode_application(
        EmulatorConnection(card),
        station.db,
        app_id,
        key_service=TestKeyService(),
        journal=station.journal,
        operator="clerk",
        options=EncodeOptions(today=TODAY, **opts),  # type: ignore[arg-type]
        progress=lambda stage, f: progress.append((stage, f)),
    )
    fractions = [f for _s, f in progress]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    return result


def _check_card(station: Station, app_id: int, card: SsseCard) -> None:
    """What is on the card is the application's data (read through the station's reader code)."""
    data = station.applicant_data(app_id)
    ro = read_card(EmulatorConnection(card), TestKeyService())
    assert ro.holder.name == data.name
    assert ro.holder.ssn == data.document_number
    assert ro.holder.sex == data.sex and ro.holder.ethnicity == data.ethnicity
    assert ro.holder.birth_date == data.birth_date
    assert ro.holder.birthplace == data.document_number[:6]
    assert ro.photo == chip_photo(portrait_jpeg())
    with station.db.session(readonly=True) as s:
        rows = s.scalars(select(Card).where(Card.application_id == app_id, Card.status == "encoded")).all()
    assert len(rows) == 1
    row = rows[0]
    assert row.card_identification_code == ro.issuer.card_id
    assert row.card_number == ro.issuer.card_number and card_number_is_valid(row.card_number)
    assert row.atr == card.state.atr.hex().upper()
    assert row.issue_date == ro.issuer.issue_date and row.expiry_date == ro.issuer.expiry_date
    assert station.journal.load(ro.issuer.card_id) is None


@pytest.mark.parametrize(("layout", "alg"), [("2.0", 0x01), ("3.0", 0x01), ("2.0", ALG_SM4), ("1.0", 0x01)])
def test_encode_records_the_card(station: Station, layout: str, alg: int) -> None:
    app_id = station.new_application(1)
    card = SsseCard(blank_card(layout, alg=alg))
    result = _encode(station, app_id, card)
    assert not result.resumed and not result.restarted and result.skipped == 0
    _check_card(station, app_id, card)
    info = result.card
    assert info.status == "encoded" and info.issue_date == TODAY and info.expiry_date == date(2035, 3, 1)
    assert info.spec_version[:3] == layout
    with station.db.session(readonly=True) as s:
        app = s.get(Application, app_id)
        assert app is not None and app.status == "card_encoded"
        events = s.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert "card.encoded" in [e.action for e in events]
    assert all("123456" not in e.detail for e in events)
    # the initial PIN (fixed:123456 by default) was set on the new card
    card.process(bytes.fromhex("00A404000F7378312E73682EC9E7BBE1B1A3D5CF00"))
    assert card.process(bytes.fromhex("0020000003123456"))[-2:] == b"\x90\x00"


def test_card_type_and_initial_pin_rules() -> None:
    assert card_type_for(date(2022, 1, 1), TODAY) == "1"
    assert card_type_for(date(1990, 1, 1), TODAY) == "3"
    assert card_type_for(date(1950, 1, 1), TODAY) == "4"
    assert initial_pin("fixed:123456", "") == "123456"
    assert initial_pin("id-last6", "11010519491231002X") == "310020"
    assert initial_pin("id-last6", "110105194912310021") == "310021"
    with pytest.raises(ConfigError):
        initial_pin("birthday", "x")


def test_initial_pin_is_regional(station: Station) -> None:
    app_id = station.new_application(2)
    card = SsseCard(blank_card("2.0", pin="999999"))
    _encode(station, app_id, card, initial_pin_rule="id-last6")
    ssn = station.applicant_data(app_id).document_number
    assert card.state.pin == ssn[-6:].replace("X", "0")


def test_long_name_split_over_09_and_4e(station: Station) -> None:
    name = "阿卜杜热合曼·买买提艾力·依明江吐尔逊"
    app_id = station.new_application(3, name=name, name_pinyin="ABUDUREHEMAN")
    card = SsseCard(blank_card("2.0"))
    _encode(station, app_id, card)
    assert read_card(EmulatorConnection(card)).holder.name == name
    assert len((card.state.record_value(FID_EF06, TAG_NAME) or b"").rstrip(b"\0")) <= 30


def test_name_too_long_for_a_1_0_card_writes_nothing(station: Station) -> None:
    app_id = station.new_application(4, name="阿卜杜热合曼·买买提艾力·依明江", name_pinyin="ABUDUREHEMAN")
    card = SsseCard(blank_card("1.0"))
    before = card.state.to_json()
    with pytest.raises(errors.CardContentError, match="name extension"):
        _encode(station, app_id, card)
    assert card.state.to_json() == before


def test_application_must_be_ready(station: Station) -> None:
    app_id = station.new_application(5, status="collected")
    card = SsseCard(blank_card("2.0"))
    with pytest.raises(InvalidTransition, match="submitted or card_produced"):
        _encode(station, app_id, card)
    assert not any(c[1] in (0xDC, 0xD6) for c in card.commands)


def test_key_service_missing_writes_nothing(station: Station) -> None:
    app_id = station.new_application(6)
    card = SsseCard(blank_card("2.0"))
    with pytest.raises(errors.KeyServiceNotConfigured, match="not configured"):
        encode_application(
            EmulatorConnection(card),
            station.db,
            app_id,
            key_service=NoKeyService(),
            journal=station.journal,
            operator="clerk",
        )
    assert read_card(EmulatorConnection(card)).blank
    with station.db.session(readonly=True) as s:
        assert s.scalars(select(Card)).all() == []


def test_foreign_cards_are_refused(station: Station) -> None:
    a1 = station.new_application(7)
    a2 = station.new_application(8)
    card = SsseCard(blank_card("2.0"))
    _encode(station, a1, card)
    with pytest.raises(errors.ForeignCard, match=f"recorded for application {a1}"):
        _encode(station, a2, card)
    # personalised elsewhere: not on record, no journal
    other = SsseCard(blank_card("2.0"))
    station2_dir = station.data_dir / "elsewhere"
    station2 = Station(station.db, station2_dir, station.settings)
    _encode(station2, a2, other)
    with station.db.session() as s:  # as if it had been recorded by another station's database
        for row in s.scalars(select(Card).where(Card.application_id == a2)):
            row.card_identification_code = "ELSEWHERE"
    a3 = station.new_application(9)
    with pytest.raises(errors.ForeignCard, match="already personalised"):
        _encode(station, a3, other)
    result = _encode(station, a3, other, restart=True)
    assert result.restarted
    assert read_card(EmulatorConnection(other)).holder.ssn == station.applicant_data(a3).document_number


def test_re_encode_keeps_the_card_number(station: Station) -> None:
    app_id = station.new_application(10)
    card = SsseCard(blank_card("2.0"))
    first = _encode(station, app_id, card)
    again = _encode(station, app_id, card)
    assert again.card.id == first.card.id and again.card.card_number == first.card.card_number
    # a second card for the same application invalidates the first (never issued)
    card2 = SsseCard(blank_card("2.0"))
    third = _encode(station, app_id, card2)
    with station.db.session(readonly=True) as s:
        statuses = {c.id: c.status for c in s.scalars(select(Card).where(Card.application_id == app_id))}
    assert statuses == {first.card.id: "invalidated", third.card.id: "encoded"}


def test_replacement_card_links_the_old_one(station: Station) -> None:
    from station.records import applicants, applications, photos
    from tests.records.factory import applicant, report

    app_id = station.new_application(11)
    _encode(station, app_id, SsseCard(blank_card("2.0")))
    for st in ("issued", "pre_reported_lost", "reported_lost"):
        with station.db.session() as s:
            applications.set_status(s, app_id, st, operator="clerk")
    # no hand-set card status: the card followed its application to reported_lost
    with station.db.session() as s:
        res = applicants.enroll(s, applicant(11), operator="clerk", station_code="000001")
        photos.attach_photo(s, res.application_id, portrait_jpeg(), report(), operator="clerk")
        applications.set_status(s, res.application_id, "submitted", operator="clerk")
    new = _encode(station, res.application_id, SsseCard(blank_card("2.0")))
    with station.db.session(readonly=True) as s:
        old = s.scalars(select(Card).where(Card.application_id == app_id)).one()
        old_app = s.get(Application, app_id)
        assert old_app is not None
        assert old_app.status == "replaced"  # 已补卡: the replacement card exists
    assert res.replaces_card_id == old.id
    assert new.card.replaces_card_id == old.id and old.status == "replaced"


class _Corrupting(SsseCard):
    """A card whose EEPROM flips a bit of the name: answers 9000, stores something else."""

    def process(self, apdu: bytes) -> bytes:
        answer = super().process(apdu)
        if apdu[1] == 0xDC and apdu[5] == TAG_NAME:
            rec = next(r for r in self.state.files[FID_EF06].records if r[0] == TAG_NAME)  # type: ignore[union-attr]
            rec[3] ^= 0x01
        return answer


def test_a_card_that_does_not_read_back_is_never_recorded(station: Station) -> None:
    app_id = station.new_application(12)
    card = _Corrupting(blank_card("2.0"))
    with pytest.raises(errors.VerifyMismatch, match="name"):
        _encode(station, app_id, card)
    with station.db.session(readonly=True) as s:
        assert s.scalars(select(Card)).all() == []
        app = s.get(Application, app_id)
        assert app is not None and app.status == "submitted"
    entry = station.journal.load(card.state.files[0xEF05].records[0][2:].hex().upper())  # type: ignore[union-attr]
    assert entry is not None and entry.done == [] and not entry.verified  # next time: write all


def _write_positions(station: Station) -> tuple[list[int], int]:
    """APDU positions (0-based) of every write in a clean encode, and the total."""
    app_id = station.new_application(99)
    card = SsseCard(blank_card("2.0"))
    _encode(station, app_id, card)
    writes = [i for i, c in enumerate(card.commands) if c[1] in (0xDC, 0xD6)]
    return writes, len(card.commands)


def test_tearing_at_every_write_step_then_resume(station: Station) -> None:
    writes, total = _write_positions(station)
    others = [0, 3, 20, writes[0] - 1, writes[-1] + 1, writes[-1] + 10, total - 3, total - 1]
    positions = sorted(set(writes) | {p for p in others if 0 <= p < total})
    for n, pos in enumerate(positions):
        app_id = station.new_application(100 + n)
        card = SsseCard(blank_card("2.0"), tear_after=pos)
        with pytest.raises(errors.CardRemoved):
            _encode(station, app_id, card)
        with station.db.session(readonly=True) as s:
            assert s.scalars(select(Card).where(Card.application_id == app_id)).all() == []
        # the holder puts the card back
        card.present, card.tear_after = True, None
        result = _encode(station, app_id, card)
        _check_card(station, app_id, card)
        if pos > writes[0]:
            assert result.resumed and result.skipped > 0, pos


def test_changed_data_restarts_the_write(station: Station) -> None:
    app_id = station.new_application(13)
    writes, _total = _write_positions(station)
    card = SsseCard(blank_card("2.0"), tear_after=writes[8])
    with pytest.raises(errors.CardRemoved):
        _encode(station, app_id, card)
    from station.db.models import Applicant

    with station.db.session() as s:
        app = s.get(Application, app_id)
        assert app is not None
        person = s.get(Applicant, app.applicant_id)
        assert person is not None
        person.name = "王改名"
    card.present, card.tear_after = True, None
    result = _encode(station, app_id, card)
    assert result.restarted and not result.resumed and result.skipped == 0
    assert read_card(EmulatorConnection(card)).holder.name == "王改名"


def test_a_journal_for_another_application_is_not_resumed_silently(station: Station) -> None:
    a1 = station.new_application(14)
    a2 = station.new_application(15)
    writes, _ = _write_positions(station)
    card = SsseCard(blank_card("2.0"), tear_after=writes[3])
    with pytest.raises(errors.CardRemoved):
        _encode(station, a1, card)
    card.present, card.tear_after = True, None
    with pytest.raises(errors.ForeignCard, match=f"being written for application {a1}"):
        _encode(station, a2, card)
    _encode(station, a2, card, restart=True)
    _check_card(station, a2, card)


def test_card_from_another_city_is_a_warning(station: Station) -> None:
    app_id = station.new_application(16)
    result = _encode(station, app_id, SsseCard(blank_card("2.0", city_code="330300")), city_code="110")
    assert any("city code 330300" in w for w in result.warnings)
    _check = SsseCard(blank_card("2.0", city_code="110105"))
    assert _encode(station, station.new_application(17), _check, city_code="110").warnings == ()


def test_card_desk_with_the_in_process_emulator(station: Station) -> None:
    from station.card.workflow import CardDesk, emulated_connector

    card = SsseCard(blank_card("2.0"))
    desk = CardDesk(
        station.settings, station.data_dir, "clerk", station.db, connector=emulated_connector(card)
    )
    app_id = station.new_application(18)
    result = desk.encode(app_id)
    assert result.card.status == "encoded"
    assert desk.read().holder.ssn == station.applicant_data(app_id).document_number
    desk.verify_pin("123456")
    with pytest.raises(errors.WrongPin):
        desk.verify_pin("000000")
    assert desk.pin_tries_left() == 2
    assert desk.reset_pin("5678") == "new"
    desk.verify_pin("5678")
    with station.db.session(readonly=True) as s:
        details = [e.detail for e in s.scalars(select(AuditEvent))]
    assert any("PIN reset" in d for d in details) and not any("5678" in d for d in details)
