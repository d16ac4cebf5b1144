"""The SSSE application against the in-process emulator: select, read by identifier on every
layout, authentication, writes, name split, photo, PIN counters, tearing, saved card state."""

from __future__ import annotations

import pytest

from station.card import errors
from station.card.codec import decode_an
from station.card.emulator import CardState, EmulatorConnection, SsseCard, blank_card
from station.card.emulator.ciphers import ALG_SM4
from station.card.keys import USAGE_READ, USAGE_UPDATE, TestKeyService
from station.card.photo import chip_photo
from station.card.ssse import (
    FID_EF05,
    FID_EF06,
    FID_EF08,
    TAG_CARD_NUMBER,
    TAG_NAME,
    TAG_NAME_EXT,
    TAG_SSN,
    Ssse,
    encode_element,
)
from station.card.transport import ApduTransport
from tests.card.conftest import portrait_jpeg


def _ssse(card: SsseCard, keys: TestKeyService | None = None) -> Ssse:
    conn = EmulatorConnection(card)
    s = Ssse(ApduTransport(conn), conn.atr, keys)
    s.select()
    return s


def test_wrong_card_has_no_ssse() -> None:
    class NotSocialSecurity:
        atr = bytes.fromhex("3B00")

        def transmit(self, apdu: bytes) -> tuple[bytes, int]:
            return b"", 0x6A82

        def close(self) -> None:
            pass

    with pytest.raises(errors.WrongCard, match="not a social security card"):
        Ssse(ApduTransport(NotSocialSecurity()), b"").select()


@pytest.mark.parametrize("layout", ["1.0", "2.0", "3.0"])
def test_blank_card_reads_on_every_layout(layout: str, keys: TestKeyService) -> None:
    card = SsseCard(blank_card(layout, city_code="330300"))
    s = _ssse(card, keys)
    assert s.info is not None and s.info.algorithm == 0x01
    issuer = s.read_issuer()
    assert issuer.card_id.startswith("330300D156000005") and len(issuer.card_id) == 32
    assert issuer.version == layout
    assert issuer.card_number == "" and issuer.issue_date is None
    holder = s.read_holder()
    assert holder.blank
    # record numbers differ between layouts; the tags are what the reader uses
    layout06 = {tag: no for tag, (no, _v) in s.read_records(FID_EF06).items()}
    assert layout06[TAG_SSN] == 1
    if layout == "1.0":
        assert TAG_NAME_EXT not in layout06
    else:
        assert layout06[TAG_NAME_EXT] == (7 if layout == "2.0" else 3)


def test_3_0_holder_data_needs_the_read_key() -> None:
    card = SsseCard(blank_card("3.0"))
    with pytest.raises(errors.SecurityStatusNotSatisfied):
        _ssse(card).read_holder()
    s = _ssse(card, TestKeyService())
    assert s.read_holder().blank  # authenticated with RKSSSE on the way
    assert USAGE_READ in s._authenticated


def test_writing_needs_external_authentication(keys: TestKeyService) -> None:
    card = SsseCard(blank_card("2.0"))
    s = _ssse(card, keys)
    recno = s.read_records(FID_EF05)[TAG_CARD_NUMBER][0]
    value = encode_element(TAG_CARD_NUMBER, "HA1046924")
    with pytest.raises(errors.SecurityStatusNotSatisfied):
        s.update_record(FID_EF05, recno, TAG_CARD_NUMBER, value)
    s.authenticate(USAGE_UPDATE)
    s.update_record(FID_EF05, recno, TAG_CARD_NUMBER, value)
    assert s.read_issuer().card_number == "HA1046924"
    # a wrong length is refused by the card (records are fixed length)
    with pytest.raises(errors.CardStatusError, match="6700"):
        s.update_record(FID_EF05, recno, TAG_CARD_NUMBER, b"SHORT")


def test_wrong_cryptogram_counts_down(keys: TestKeyService) -> None:
    class BadKeys(TestKeyService):
        def cryptogram(self, card, usage, challenge):  # type: ignore[no-untyped-def]
            return bytes(8)

    card = SsseCard(blank_card("2.0"))
    s = _ssse(card, BadKeys())
    with pytest.raises(errors.AuthenticationFailed, match="4 tries left"):
        s.authenticate(USAGE_UPDATE)
    s2 = _ssse(card, keys)
    s2.authenticate(USAGE_UPDATE)  # the right key resets the counter
    assert card.state.keys[0x04].tries_left == 5


def test_sm4_card(keys: TestKeyService) -> None:
    card = SsseCard(blank_card("2.0", alg=ALG_SM4))
    s = _ssse(card, keys)
    assert s.info is not None and s.info.algorithm == ALG_SM4
    s.authenticate(USAGE_UPDATE)
    s.reset_pin("654321")
    s.verify_pin("654321")


def test_long_name_goes_into_the_extension(keys: TestKeyService) -> None:
    card = SsseCard(blank_card("2.0"))
    s = _ssse(card, keys)
    s.authenticate(USAGE_UPDATE)
    recs = s.read_records(FID_EF06)
    name = "阿卜杜热合曼·买买提艾力·依明江吐尔逊"
    from station.card.codec import split_text

    head, tail = split_text(name, recs[TAG_NAME][1].__len__(), len(recs[TAG_NAME_EXT][1]))
    s.update_record(FID_EF06, recs[TAG_NAME][0], TAG_NAME, encode_element(TAG_NAME, head))
    s.update_record(FID_EF06, recs[TAG_NAME_EXT][0], TAG_NAME_EXT, encode_element(TAG_NAME_EXT, tail))
    assert s.read_holder().name == name
    assert (
        decode_an(card.state.record_value(FID_EF06, TAG_NAME) or b"")
        + decode_an(card.state.record_value(FID_EF06, TAG_NAME_EXT) or b"")
        == name
    )


def test_photo_in_chunks_of_at_most_255_bytes(keys: TestKeyService) -> None:
    card = SsseCard(blank_card("2.0"))
    s = _ssse(card, keys)
    assert s.read_photo() is None
    photo = chip_photo(portrait_jpeg())
    s.authenticate(USAGE_UPDATE)
    for off in range(0, len(photo), 255):
        s.update_binary(FID_EF08, off, photo[off : off + 255])
    with pytest.raises(ValueError, match="255"):
        s.update_binary(FID_EF08, 0, bytes(256))
    updates = [c for c in card.commands if c[1] == 0xD6]
    assert len(updates) == -(-len(photo) // 255)
    assert s.read_photo() == photo


def test_pin_tries_block_and_reset(keys: TestKeyService) -> None:
    card = SsseCard(blank_card("2.0", pin="123456"))
    s = _ssse(card, keys)
    assert s.pin_tries_left() == 3
    s.verify_pin("123456")
    with pytest.raises(errors.WrongPin, match="2 tries left") as e1:
        s.verify_pin("000000")
    assert e1.value.tries_left == 2
    with pytest.raises(errors.WrongPin, match="1 try left"):
        s.verify_pin("000000")
    with pytest.raises(errors.PinBlocked, match="blocked"):
        s.verify_pin("000000")
    with pytest.raises(errors.PinBlocked):
        s.verify_pin("123456")  # even the right PIN
    assert s.pin_tries_left() == 0
    with pytest.raises(errors.PinBlocked):
        s.change_pin("123456", "222222")
    s.reset_pin("246810")  # reload through the key service
    assert s.pin_tries_left() == 3
    s.verify_pin("246810")
    s.change_pin("246810", "1357")
    s.verify_pin("1357")
    with pytest.raises(errors.WrongPin):
        s.change_pin("9999", "1111")


def test_pin_unblock_keeps_the_pin(keys: TestKeyService) -> None:
    card = SsseCard(blank_card("2.0", pin="123456"))
    card.state.pin_tries_left = 0
    s = _ssse(card, keys)
    s.reset_pin(None)
    s.verify_pin("123456")


def test_pin_reset_with_a_bad_mac() -> None:
    class BadMac(TestKeyService):
        def pin_mac(self, card, challenge, data):  # type: ignore[no-untyped-def]
            return b"\0\0\0\0"

    s = _ssse(SsseCard(blank_card("2.0")), BadMac())
    with pytest.raises(errors.BadMac):
        s.reset_pin("111111")


def test_pin_format_is_checked_before_the_card() -> None:
    from station.errors import InputError

    s = _ssse(SsseCard(blank_card("2.0")))
    with pytest.raises(InputError, match="4 to 12 digits"):
        s.verify_pin("12a4")
    with pytest.raises(InputError):
        s.verify_pin("123")


def test_key_service_missing_is_a_clear_error() -> None:
    s = _ssse(SsseCard(blank_card("2.0")), None)
    with pytest.raises(errors.KeyServiceNotConfigured):
        s.authenticate(USAGE_UPDATE)


def test_tearing_vanishes_and_can_leave_half_a_write(keys: TestKeyService) -> None:
    card = SsseCard(blank_card("2.0"))
    s = _ssse(card, keys)
    s.authenticate(USAGE_UPDATE)
    s.select_ef(FID_EF08)
    card.tear_after = card.apdu_count  # the next APDU tears
    with pytest.raises(errors.CardRemoved):
        s.update_binary(FID_EF08, 0, b"\xff\xd8" + b"A" * 200)
    data = card.state.files[FID_EF08].data  # type: ignore[union-attr]
    assert data[:101] == b"\xff\xd8" + b"A" * 99 and data[101] == 0  # half of it reached the file
    with pytest.raises(errors.NoCard):
        EmulatorConnection(card)


def test_card_state_survives_json(tmp_path: object, keys: TestKeyService) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "card.json"
    card = SsseCard(blank_card("3.0"), on_change=lambda st: st.save(path))
    s = _ssse(card, keys)
    s.authenticate(USAGE_UPDATE)
    recno = s.read_records(FID_EF05)[TAG_CARD_NUMBER][0]
    s.update_record(FID_EF05, recno, TAG_CARD_NUMBER, encode_element(TAG_CARD_NUMBER, "X00000019"))
    again = SsseCard(CardState.load(path))
    assert again.state.atr == card.state.atr
    assert _ssse(again, keys).read_issuer().card_number == "X00000019"
