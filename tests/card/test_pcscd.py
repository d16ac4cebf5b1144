"""End to end through a real ``pcscd -f`` with the vsmartcard vpcd driver and the emulator
(tests/fixtures/pcscd.py): readers, monitoring, encode, an independent cross-check with
``opensc-tool`` raw APDUs, tearing and resume, PIN blocking, wrong cards."""

from __future__ import annotations

import threading
import time

import pytest

from station.card import errors, pcsc
from station.card.emulator import SsseCard, blank_card
from station.card.workflow import CardDesk
from tests.card.conftest import Presenter, Station
from tests.fixtures.pcscd import PcscdService

pytestmark = pytest.mark.pcscd

AID = "7378312E73682EC9E7BBE1B1A3D5CF"


def test_readers_and_virtual_reader_policy(pcscd: PcscdService, presenter: Presenter) -> None:
    assert [r.name for r in pcsc.list_readers(allow_virtual=False)] == []
    with pytest.raises(errors.NoReader, match="only virtual readers"):
        pcsc.choose_reader(None, allow_virtual=False)
    with pytest.raises(errors.NoReader, match="virtual"):
        pcsc.choose_reader(pcscd.reader, allow_virtual=False)
    card = SsseCard(blank_card("2.0"))
    presenter.present(card)
    readers = {r.name: r for r in pcsc.list_readers(allow_virtual=True)}
    assert readers[pcscd.reader].card_present and readers[pcscd.reader].atr == card.state.atr
    assert not readers["Virtual PCD 00 01"].card_present
    assert pcsc.choose_reader(None, allow_virtual=True) == pcscd.reader
    assert pcsc.choose_reader("pcd 00 00", allow_virtual=True) == pcscd.reader
    with pytest.raises(errors.ReaderNotFound):
        pcsc.choose_reader("Nonexistent", allow_virtual=True)


def test_no_card_and_exclusive_connection(pcscd: PcscdService, presenter: Presenter, desk: CardDesk) -> None:
    with pytest.raises(errors.NoCard):
        desk.read(pcscd.reader)
    presenter.present(SsseCard(blank_card("2.0")))
    conn = pcsc.connect(pcscd.reader, allow_virtual=True)
    try:
        with pytest.raises(errors.ReaderBusy):
            pcsc.connect(pcscd.reader, allow_virtual=True)
    finally:
        conn.close()


def test_monitor_reports_insert_and_remove(pcscd: PcscdService, presenter: Presenter) -> None:
    events: list[pcsc.ReaderEvent] = []
    hidden: list[pcsc.ReaderEvent] = []
    got = threading.Event()

    def seen(e: pcsc.ReaderEvent) -> None:
        events.append(e)
        got.set()

    mon = pcsc.ReaderMonitor(seen, allow_virtual=True, poll_ms=100).start()
    mon_off = pcsc.ReaderMonitor(hidden.append, allow_virtual=False, poll_ms=100).start()
    try:
        time.sleep(0.3)
        card = SsseCard(blank_card("2.0"))
        v = presenter.present(card)
        _wait(lambda: any(e.kind == "inserted" for e in events))
        inserted = next(e for e in events if e.kind == "inserted")
        assert inserted.reader == pcscd.reader and inserted.atr == card.state.atr
        presenter.remove(v)
        _wait(lambda: any(e.kind == "removed" for e in events))
    finally:
        mon.stop()
        mon_off.stop()
    assert mon.error is None
    assert hidden == []  # virtual readers are ignored unless allowed


def _wait(cond: object, timeout: float = 5.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():  # type: ignore[operator]
            return
        time.sleep(0.02)
    raise AssertionError("timed out")


def _bcd(data: bytes) -> str:
    return data.hex().upper().rstrip("F")


def _record(results: list[tuple[bytes, int]], i: int, tag: int) -> bytes:
    data, sw = results[i]
    assert sw == 0x9000, f"{tag:02X}: {sw:04X}"
    assert data[0] == tag and len(data) == 2 + data[1]
    return data[2:]


def _check_char(first8: str) -> str:
    w = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * k for c, k in zip(first8, w, strict=True))
    c9 = 11 - total % 11
    return {10: "X", 11: "0"}.get(c9, str(c9))


def test_encode_then_cross_check_with_opensc(
    pcscd: PcscdService, presenter: Presenter, desk: CardDesk, station: Station
) -> None:
    name = "欧阳·阿卜杜热合曼买买提艾力依明江"  # 17 characters, 34 bytes: needs 4E
    app_id = station.new_application(21, name=name, name_pinyin="OUYANG")
    card = SsseCard(blank_card("2.0", city_code="330300"))
    presenter.present(card)
    stages: list[str] = []
    result = desk.encode(app_id, progress=lambda s, f: stages.append(s))
    assert stages[0] == "read" and stages[-1] == "done"
    assert {"authenticate", "write", "verify", "record"} <= set(stages)
    assert result.card.status == "encoded"

    # Independent read: raw APDUs through opensc-tool, decoded here without station.card code.
    apdus = [f"00A404000F{AID}00", "00A4020002EF06"] + [
        f"00B2{t}0000" for t in ("08", "09", "4E", "0A", "0B", "0C", "0D")
    ]
    apdus += ["00A4020002EF05", "00B2070000", "00B2010000"]
    out = pcscd.opensc(*apdus)
    assert out[0][1] == 0x9000 and AID.lower() in out[0][0].hex()
    data = station.applicant_data(app_id)
    ssn = _record(out, 2, 0x08).rstrip(b"\0").decode("ascii")
    full_name = (_record(out, 3, 0x09).rstrip(b"\0") + _record(out, 4, 0x4E).rstrip(b"\0")).decode("gb18030")
    assert ssn == data.document_number
    assert full_name == name
    assert len(_record(out, 3, 0x09)) == 30 and len(_record(out, 4, 0x4E)) == 20
    assert _record(out, 5, 0x0A) == data.sex.encode()
    assert _bcd(_record(out, 6, 0x0B)) == data.ethnicity
    assert _bcd(_record(out, 7, 0x0C)) == data.document_number[:6]
    assert _bcd(_record(out, 8, 0x0D)) == data.birth_date.strftime("%Y%m%d")
    number = _record(out, 10, 0x07).decode("ascii")
    assert number == result.card.card_number and _check_char(number[:8]) == number[8]
    card_id = _record(out, 11, 0x01).hex().upper()  # 16 full bytes, no BCD padding
    assert card_id.startswith("330300D156000005") and card_id == result.card.card_identification_code

    # and the station's own reader agrees
    readout = desk.read()
    assert readout.holder.name == name and readout.issuer.card_number == number
    assert readout.photo is not None and readout.photo[:2] == b"\xff\xd8" and len(readout.photo) <= 4096


def test_card_removed_mid_write_then_resume(
    pcscd: PcscdService, presenter: Presenter, desk: CardDesk, station: Station
) -> None:
    app_id = station.new_application(22)
    card = SsseCard(blank_card("3.0"), tear_after=45)  # in the middle of the photo
    v = presenter.present(card)
    with pytest.raises(errors.CardRemoved, match="removed"):
        desk.encode(app_id)
    pcscd.wait_reader_state(False)
    entries = station.journal.entries()
    assert len(entries) == 1 and entries[0].application_id == app_id and len(entries[0].done) > 0
    presenter.reinsert(v)  # the holder puts the card back
    result = desk.encode(app_id)
    assert result.resumed and result.skipped == len(entries[0].done)
    assert station.journal.entries() == []
    readout = desk.read()
    assert readout.holder.ssn == station.applicant_data(app_id).document_number
    assert readout.issuer.card_number == result.card.card_number


def test_three_wrong_pins_block(presenter: Presenter, desk: CardDesk) -> None:
    presenter.present(SsseCard(blank_card("2.0", pin="123456")))
    desk.verify_pin("123456")
    with pytest.raises(errors.WrongPin, match="2 tries left"):
        desk.verify_pin("111111")
    with pytest.raises(errors.WrongPin, match="1 try left"):
        desk.verify_pin("111111")
    with pytest.raises(errors.PinBlocked, match="PIN is blocked") as blocked:
        desk.verify_pin("111111")
    assert blocked.value.exit_code == 1
    with pytest.raises(errors.PinBlocked):
        desk.verify_pin("123456")
    assert desk.reset_pin() == "initial"  # through the key service, to the regional initial PIN
    desk.verify_pin("123456")
    assert desk.pin_tries_left() in (3, -1)


class _BankCard:
    """Not a social security card: no SSSE application."""

    atr = bytes.fromhex("3B8F8001804F0CA000000306030001000000006A")
    present = True
    tear_after = None
    apdu_count = 0

    def reset(self) -> bytes:
        return self.atr

    def process(self, apdu: bytes) -> bytes:
        return b"\x6a\x82"


def test_wrong_card(presenter: Presenter, desk: CardDesk) -> None:
    presenter.present(_BankCard())
    with pytest.raises(errors.WrongCard, match="not a social security card"):
        desk.read()
