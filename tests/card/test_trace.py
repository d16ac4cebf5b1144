"""The APDU trace of a whole encode and read at DEBUG: no PIN, no holder number, name or photo."""

from __future__ import annotations

import logging
from datetime import date

import pytest

from station.card.emulator import EmulatorConnection, SsseCard, blank_card
from station.card.encode import EncodeOptions, encode_application, read_card
from station.card.keys import TestKeyService
from station.card.photo import chip_photo
from station.card.ssse import Ssse
from station.card.transport import ApduTransport, mask_apdu, mask_response
from tests.card.conftest import Station, portrait_jpeg

PIN = "975318"


@pytest.mark.parametrize("layout", ["2.0", "3.0"])
def test_trace_of_encode_and_read_holds_no_personal_data(
    station: Station, layout: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="station.card.apdu")
    app_id = station.new_application(3)
    data = station.applicant_data(app_id)
    card = SsseCard(blank_card(layout))
    encode_application(
        EmulatorConnection(card),
        station.db,
        app_id,
        key_service=TestKeyService(),
        journal=station.journal,
        operator="clerk",
        options=EncodeOptions(today=date(2025, 3, 1), initial_pin_rule=f"fixed:{PIN}"),
    )
    readout = read_card(EmulatorConnection(card), TestKeyService())
    assert readout.holder.ssn == data.document_number and readout.photo is not None
    conn = EmulatorConnection(card)
    Ssse(ApduTransport(conn), conn.atr, TestKeyService()).verify_pin(PIN)

    text = caplog.text.upper()
    assert "UPDATE RECORD" in text and "READ RECORD" in text and "READ BINARY" in text
    assert "MASKED" in text and "9000" in text
    secrets = {
        "ID number (ASCII)": data.document_number.encode("ascii").hex(),
        "ID number (digits)": data.document_number[:17],
        "name (GBK)": data.name.encode("gbk").hex(),
        "surname (GBK)": data.name[:1].encode("gbk").hex(),
        "PIN": PIN,
        "PIN (ASCII)": PIN.encode("ascii").hex(),
        "photo": chip_photo(portrait_jpeg())[200:232].hex(),
    }
    leaked = [what for what, value in secrets.items() if value.upper() in text]
    assert not leaked, f"the APDU trace shows {leaked}"


def test_masks_keep_header_lengths_and_tags() -> None:
    # UPDATE RECORD 1 of the current EF with tag 08 (SSN): header and the record tag only
    rec = bytes.fromhex("00DC010412") + bytes((0x08, 0x10)) + b"1101051990010112"
    assert mask_apdu(rec) == "00DC010412 <record tag 08, 18 bytes masked>"
    assert mask_apdu(bytes.fromhex("00D6000004FFD8FFE0")) == "00D6000004 <4 bytes masked>"
    assert mask_response(bytes((0x09, 0x02)) + "王".encode("gbk"), 0xB2) == "<record tag 09, 4 bytes masked>"
    assert mask_response(b"\xff\xd8\xff\xe0", 0xB0) == "<4 bytes masked>"
    assert mask_response(b"", 0xB2) == ""
    assert mask_response(b"\x6f\x02\x84\x00", 0xA4) == "6F028400"  # SELECT FCI is not personal


class _Chained:
    """A card that answers a READ RECORD in two parts: 61xx, then GET RESPONSE."""

    atr = b"\x3b\x00"

    def __init__(self) -> None:
        self.answers = [(b"\x08\x10" + b"11010519", 0x6108), (b"90010112", 0x9000)]

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        return self.answers.pop(0)

    def close(self) -> None:
        pass


def test_get_response_continuing_a_read_is_masked(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="station.card.apdu")
    data, sw = ApduTransport(_Chained()).send(bytes.fromhex("00B2080400"))
    assert data == b"\x08\x10" + b"1101051990010112" and sw == 0x9000
    assert b"90010112".hex().upper() not in caplog.text
    assert "<record tag 08, 10 bytes masked> 6108" in caplog.text and "< <8 bytes masked> 9000" in caplog.text
