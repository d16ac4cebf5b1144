"""The lower layers: TLV, APDUs and status words, element encodings, numbers, the transport
(61xx / 6Cxx, masked trace), the key service against the emulator's own ciphers, the chip photo."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from station.card import errors
from station.card.apdu import Apdu, check_sw
from station.card.codec import decode_an, decode_cn, encode_an, encode_cn, split_text
from station.card.emulator import ciphers, scheme
from station.card.keys import (
    ALG_3DES,
    ALG_SM4,
    USAGE_PIN,
    USAGE_UPDATE,
    CardContext,
    HsmKeyService,
    NoKeyService,
    PsamKeyService,
    TestKeyService,
    key_service_from_settings,
)
from station.card.numbers import card_number_check_char, card_number_is_valid, make_card_number, parse_atr
from station.card.photo import MAX_CHIP_PHOTO, chip_photo, jpeg_length
from station.card.testkeys import TEST_MASTER_KEYS
from station.card.tlv import ber_encode, ber_find, ber_parse, simple_encode, simple_parse, simple_parse_one
from station.card.transport import ApduTransport, mask_apdu
from station.config import Settings
from tests.card.conftest import portrait_jpeg

REPO = Path(__file__).resolve().parents[2]

# --- TLV --------------------------------------------------------------------------------------


def test_simple_tlv_round_trip() -> None:
    rec = simple_encode(0x09, "张三".encode("gbk").ljust(30, b"\0"))
    assert rec[:2] == b"\x09\x1e"
    t = simple_parse_one(rec + b"\xff\xff")
    assert t.tag == 0x09 and decode_an(t.value) == "张三"
    assert [x.tag for x in simple_parse(simple_encode(1, b"a") + b"\0\0" + simple_encode(2, b"bc"))] == [1, 2]
    with pytest.raises(errors.CommunicationError):
        simple_parse_one(b"\x09\x05ab")


def test_ber_tlv_fci() -> None:
    inner = ber_encode(0x88, b"\x01") + ber_encode(0x9F0C, b"\x11\x22\x33") + ber_encode(0x86, b"\x03")
    fci = ber_encode(0x6F, ber_encode(0x84, b"name") + ber_encode(0xA5, inner))
    assert ber_find(fci, 0x86) == b"\x03"
    assert ber_find(fci, 0x9F0C) == b"\x11\x22\x33"
    assert ber_find(fci, 0x84) == b"name"
    big = ber_encode(0x80, b"x" * 300)
    assert big[:4] == b"\x80\x82\x01\x2c" and ber_parse(big)[0].value == b"x" * 300


# --- APDUs and status words -------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    ["00A40400", "00B2010400", "00A4020002EF05", "00A404000F7378312E73682EC9E7BBE1B1A3D5CF00"],
)
def test_apdu_round_trip(raw: str) -> None:
    assert Apdu.parse(bytes.fromhex(raw)).to_bytes().hex().upper() == raw


@pytest.mark.parametrize(
    ("sw", "command", "exc", "text"),
    [
        (0x63C2, "VERIFY", errors.WrongPin, "2 tries left"),
        (0x63C1, "VERIFY", errors.WrongPin, "1 try left"),
        (0x63C0, "VERIFY", errors.PinBlocked, "blocked"),
        (0x6983, "VERIFY", errors.PinBlocked, "blocked"),
        (0x63C4, "EXTERNAL AUTHENTICATE", errors.AuthenticationFailed, "4 tries"),
        (0x6982, "UPDATE RECORD", errors.SecurityStatusNotSatisfied, "security status"),
        (0x6A82, "SELECT", errors.FileNotFound, "file not found"),
        (0x6A83, "READ RECORD", errors.RecordNotFound, "record not found"),
        (0x9302, "PIN RESET", errors.BadMac, "MAC"),
        (0x9303, "SELECT", errors.ApplicationLocked, "locked"),
        (0x6F00, "SELECT", errors.CardStatusError, "6F00"),
    ],
)
def test_status_words(sw: int, command: str, exc: type[Exception], text: str) -> None:
    with pytest.raises(exc, match=text) as info:
        check_sw(sw, command)
    assert isinstance(info.value, errors.CardError)
    assert "\n" not in str(info.value)
    check_sw(0x9000)


def test_exit_codes() -> None:
    assert errors.NoReader().exit_code == 3
    assert errors.CardRemoved().exit_code == 3
    assert errors.KeyServiceNotConfigured().exit_code == 3
    assert errors.WrongPin(2).exit_code == 2
    assert errors.PinBlocked().exit_code == 1


# --- element encodings ------------------------------------------------------------------------


def test_cn_and_an() -> None:
    assert encode_cn("20250115", 4) == bytes.fromhex("20250115")
    assert encode_cn("01", 1) == b"\x01"
    assert encode_cn("110105", 4) == bytes.fromhex("110105FF")
    assert decode_cn(bytes.fromhex("110105FF")) == "110105"
    assert decode_cn(b"\xff\xff") == ""
    assert encode_cn("110000D156000005", 8).hex().upper() == "110000D156000005"
    with pytest.raises(errors.CardContentError):
        encode_cn("12X", 2)
    assert encode_an("HA1046924", 9) == b"HA1046924"
    assert encode_an("王", 4) == "王".encode("gbk") + b"\0\0"
    assert decode_an(b"\0" * 5) == "" and decode_an(b"\xff" * 3) == ""


def test_gb18030_for_characters_gbk_lacks() -> None:
    name = "王𠮷"  # 𠮷 is outside GBK
    with pytest.raises(UnicodeEncodeError):
        name.encode("gbk")
    raw = encode_an(name, 30)
    assert raw.rstrip(b"\0") == name.encode("gb18030")
    assert decode_an(raw) == name


def test_name_split_at_character_boundary() -> None:
    name = "阿卜杜热合曼·买买提艾力·依明江吐尔逊"  # 19 characters, 38 bytes in GBK
    head, tail = split_text(name, 30, 20)
    assert len(head) <= 30 and len(head) % 2 == 0
    assert decode_an(head) + decode_an(tail) == name
    latin = "MUELLER-LUEDENSCHEIDT JOHANNA MARIA"
    head, tail = split_text(latin, 30, 20)
    assert head == latin[:30].encode() and tail == latin[30:].encode()
    with pytest.raises(errors.CardContentError, match="holds 30 \\+ 20"):
        split_text("张" * 26, 30, 20)


# --- numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["HA1046924", "X00000019", "D2143569X"])
def test_card_number_check_character(number: str) -> None:
    assert card_number_check_char(number[:8]) == number[8]
    assert card_number_is_valid(number)


def test_card_number_failing_check_is_only_invalid() -> None:
    assert not card_number_is_valid("HA1046925")
    assert not card_number_is_valid("short")
    assert make_card_number("a", 1) == "A00000011"
    assert make_card_number("A", 11) == "A00000118"
    assert card_number_is_valid(make_card_number("B", 1234567))


def test_atr_area_code() -> None:
    hist = bytes.fromhex("00535343200100") + bytes.fromhex("3301") + bytes.fromhex("0001E240")
    atr = bytes((0x3B, 0x60 | len(hist), 0, 0)) + hist
    info = parse_atr(atr)
    assert info.historical == hist and info.area_code_prefix == "3301"
    # with TD1 (T=1) and TA2 between T0 and the historical bytes
    atr2 = bytes.fromhex("3B E9 00 00 81 31 FE 45".replace(" ", "")) + b"123456789"
    assert parse_atr(atr2).historical == b"123456789"


# --- transport --------------------------------------------------------------------------------


class _Scripted:
    """A CardConnection that answers from a script and records what it got."""

    atr = bytes.fromhex("3B600000")

    def __init__(self, answers: list[tuple[bytes, int]]) -> None:
        self.answers = answers
        self.sent: list[bytes] = []

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        self.sent.append(apdu)
        return self.answers.pop(0)

    def close(self) -> None:
        pass


def test_transport_get_response_chain() -> None:
    conn = _Scripted([(b"", 0x6104), (b"ABCD", 0x6102), (b"EF", 0x9000)])
    data, sw = ApduTransport(conn).send(bytes.fromhex("00A4040002AABB"))
    assert (data, sw) == (b"ABCDEF", 0x9000)
    assert conn.sent[1:] == [bytes.fromhex("00C0000004"), bytes.fromhex("00C0000002")]


def test_transport_wrong_le_is_resent() -> None:
    conn = _Scripted([(b"", 0x6C12), (b"x" * 0x12, 0x9000)])
    t = ApduTransport(conn)
    data, sw = t.send(bytes.fromhex("00B2010410"))
    assert sw == 0x9000 and len(data) == 0x12
    assert conn.sent[1] == bytes.fromhex("00B2010412")
    assert t.apdu_count == 2


def test_trace_masks_pins_and_cryptograms(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="station.card.apdu")
    conn = _Scripted([(b"", 0x9000), (b"", 0x9000), (b"", 0x63C2)])
    t = ApduTransport(conn)
    t.send(bytes.fromhex("0020000003123456"))
    t.send(bytes.fromhex("0082000408" + "1122334455667788"))
    t.send(bytes.fromhex("805E0100071234 56FF654321".replace(" ", "")))
    text = caplog.text
    assert "123456" not in text and "1122334455667788" not in text and "654321" not in text
    assert "masked" in text and "VERIFY" in text
    assert mask_apdu(bytes.fromhex("00A4020002EF05")) == "00A4020002EF05"


# --- key service ------------------------------------------------------------------------------


def _ctx(alg: int) -> CardContext:
    hist = bytes.fromhex("0053534320010011000000002A")
    atr = bytes((0x3B, 0x60 | len(hist), 0, 0)) + hist
    return CardContext(atr=atr, card_id="110000D15600000500000042ABCDEF01", algorithm=alg)


def test_sm4_and_3des_known_answers() -> None:
    k = bytes.fromhex("0123456789abcdeffedcba9876543210")
    assert ciphers.sm4_encrypt_block(k, k).hex() == "681edf34d206965e86b3e94f536e4246"  # GB/T 32907 A.1
    # FIPS 81 / the classic DES example
    assert ciphers.des_encrypt_block(
        bytes.fromhex("133457799BBCDFF1"), bytes.fromhex("0123456789ABCDEF")
    ).hex() == ("85e813540f0ab405")


@pytest.mark.parametrize("alg", [ALG_3DES, ALG_SM4])
def test_test_key_service_matches_the_emulator(alg: int) -> None:
    """keys.py (cryptography) and the emulator (pure Python) are independent implementations."""
    ks = TestKeyService()
    ctx = _ctx(alg)
    stdlib = ciphers.StdlibCipher()
    for usage in (USAGE_UPDATE, USAGE_PIN):
        card_key = scheme.card_key(stdlib, alg, TEST_MASTER_KEYS[usage], ctx.card_id, ctx.historical)
        assert ks.card_key(ctx, usage) == card_key
    key = ks.card_key(ctx, USAGE_UPDATE)
    for _ in range(5):
        challenge = os.urandom(8)
        assert ks.cryptogram(ctx, USAGE_UPDATE, challenge) == scheme.cryptogram(stdlib, alg, key, challenge)
        data = bytes.fromhex("8424000107") + os.urandom(3)
        pin_key = ks.card_key(ctx, USAGE_PIN)
        assert ks.pin_mac(ctx, challenge, data) == scheme.pin_mac(stdlib, alg, pin_key, challenge, data)


def test_diversification_depends_on_city_and_card() -> None:
    ks = TestKeyService()
    a = _ctx(ALG_3DES)
    b = CardContext(a.atr, "330300" + a.card_id[6:], ALG_3DES)
    c = CardContext(a.atr[:-1] + b"\x2b", a.card_id, ALG_3DES)
    keys = {ks.card_key(x, USAGE_UPDATE) for x in (a, b, c)}
    assert len(keys) == 3
    assert TEST_MASTER_KEYS[USAGE_UPDATE] not in keys


def test_unconfigured_key_services_say_so() -> None:
    ctx = _ctx(ALG_3DES)
    for svc, what in ((NoKeyService(), "key service"), (PsamKeyService(), "PSAM"), (HsmKeyService(), "HSM")):
        with pytest.raises(errors.KeyServiceNotConfigured, match=f"{what}.*not configured"):
            svc.cryptogram(ctx, USAGE_UPDATE, b"12345678")
    with pytest.raises(errors.KeyServiceError, match="SSF33"):
        TestKeyService().cryptogram(CardContext(ctx.atr, ctx.card_id, 0x02), USAGE_UPDATE, b"12345678")


def test_key_service_from_settings() -> None:
    assert isinstance(key_service_from_settings(Settings()), NoKeyService)
    assert isinstance(key_service_from_settings(Settings(allow_virtual_readers=True)), TestKeyService)
    s = Settings(allow_virtual_readers=True)
    s.key_service = "psam"
    assert isinstance(key_service_from_settings(s), PsamKeyService)
    s.key_service = "hsm"
    assert isinstance(key_service_from_settings(s), HsmKeyService)
    s = Settings()
    s.key_service = "test"
    assert isinstance(key_service_from_settings(s), TestKeyService)


def test_station_never_stores_card_keys() -> None:
    """No table or column of the database is meant for key material."""
    from station.db.models import Base

    names = {c.name.lower() for t in Base.metadata.tables.values() for c in t.columns}
    assert not {n for n in names if "key" in n and n not in ("key",)}, names
    # the one "key" column is the counters table's sequence name
    assert "key" in Base.metadata.tables["counters"].columns


# --- chip photo -------------------------------------------------------------------------------


def test_chip_photo_fits_and_jpeg_length() -> None:
    from PIL import Image

    src = portrait_jpeg()
    small = chip_photo(src)
    assert len(small) <= MAX_CHIP_PHOTO
    with Image.open(io.BytesIO(small)) as im:
        assert im.format == "JPEG" and im.width < 358
    assert jpeg_length(small + b"\0" * 300) == len(small)
    assert jpeg_length(small[:-1]) is None
    assert jpeg_length(b"\0" * 10) is None
    with pytest.raises(errors.CardContentError):
        chip_photo(b"not a jpeg")


# --- the emulator stays standard-library only -------------------------------------------------


def test_emulator_imports_only_the_standard_library() -> None:
    code = r"""
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        top = name.split(".")[0]
        if top in ("cryptography", "smartcard", "sqlalchemy", "PIL", "numpy", "platformdirs"):
            raise ImportError("blocked: " + name)
sys.meta_path.insert(0, Block())
from station.card.emulator import SsseCard, VpcdCard, blank_card, EmulatorConnection
card = SsseCard(blank_card("3.0", alg=3))
assert card.process(bytes.fromhex("00A404000F7378312E73682EC9E7BBE1B1A3D5CF00"))[-2:] == b"\x90\x00"
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "ok"


def test_card_id_keeps_a_trailing_f_of_its_authentication_code() -> None:
    # The last 4 bytes are a hex authentication code: "...F" there is data, not BCD padding.
    from station.card.ssse import TAG_CARD_ID, decode_element

    raw = bytes.fromhex("110000D156000005000012340A0B0C0F")
    assert decode_element(TAG_CARD_ID, raw) == "110000D156000005000012340A0B0C0F"
