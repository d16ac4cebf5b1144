"""The SSSE card application (社会保障系统环境, card.md §2-3): select, read, authenticate,
write, PIN. One class, ``Ssse``, over a ``CardTransport``; typed results out.

Reading is by record *identifier* (READ RECORD P1 = tag, P2 = 00) after selecting the EF by
FID, so 1.0, 2.0 and 3.0 layouts read alike. Writing uses UPDATE RECORD by record number
(``00 DC rec 04``), with the numbers learnt from the card itself (``record_layout``), and the
value padded to the record's own length. EF08 is written and read in chunks of at most 255
bytes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from station.card.apdu import Apdu, check_sw, sw_tries_left
from station.card.codec import decode_an, decode_cn, encode_an, encode_cn
from station.card.errors import (
    CardContentError,
    CardStatusError,
    CommunicationError,
    KeyServiceNotConfigured,
    RecordNotFound,
    SecurityStatusNotSatisfied,
    WrongCard,
)
from station.card.keys import USAGE_PIN, USAGE_READ, USAGE_UPDATE, CardContext, KeyService
from station.card.photo import jpeg_length
from station.card.tlv import ber_find, simple_encode, simple_parse_one
from station.card.transport import CardTransport
from station.errors import InputError

__all__ = [
    "AID_SSSE",
    "ELEMENTS",
    "FID_EF05",
    "FID_EF06",
    "FID_EF08",
    "Element",
    "HolderData",
    "IssuerData",
    "Ssse",
    "SsseInfo",
    "decode_element",
    "encode_element",
    "encode_pin",
    "holder_from",
    "issuer_from",
]

log = logging.getLogger("station.card")

AID_SSSE = bytes.fromhex("7378312E73682EC9E7BBE1B1A3D5CF")  # "sx1.sh.社会保障" in GBK

FID_MF = 0x3F00
FID_EF05 = 0xEF05
FID_EF06 = 0xEF06
FID_EF08 = 0xEF08

INS_SELECT = 0xA4
INS_READ_RECORD = 0xB2
INS_READ_BINARY = 0xB0
INS_UPDATE_RECORD = 0xDC
INS_UPDATE_BINARY = 0xD6
INS_GET_CHALLENGE = 0x84
INS_EXTERNAL_AUTHENTICATE = 0x82
INS_VERIFY = 0x20
INS_CHANGE_PIN = 0x5E
INS_PIN_RESET = 0x24

P2_RECORD_BY_ID = 0x00
P2_RECORD_BY_NUMBER = 0x04
P2_PIN_UNBLOCK = 0x00
P2_PIN_RELOAD = 0x01

# EF05 发卡机构数据
TAG_CARD_ID = 0x01
TAG_CARD_TYPE = 0x02
TAG_SPEC_VERSION = 0x03
TAG_INIT_INSTITUTION = 0x04
TAG_ISSUE_DATE = 0x05
TAG_EXPIRY_DATE = 0x06
TAG_CARD_NUMBER = 0x07
# EF06 持卡人基本信息
TAG_SSN = 0x08
TAG_NAME = 0x09
TAG_NAME_EXT = 0x4E
TAG_SEX = 0x0A
TAG_ETHNICITY = 0x0B
TAG_BIRTHPLACE = 0x0C
TAG_BIRTH_DATE = 0x0D

# FCI
TAG_FCI = 0x6F
TAG_DF_NAME = 0x84
TAG_FCI_PROPRIETARY = 0xA5
TAG_SFI = 0x88
TAG_ALGORITHM = 0x86
TAG_FILE_SIZE = 0x80

# Key identifiers [U]: 04 is seen for UKSSSE; RKSSSE's is issuer specific.
KID_UKSSSE = 0x04
KID_RKSSSE = 0x05
_KIDS = {USAGE_UPDATE: KID_UKSSSE, USAGE_READ: KID_RKSSSE}

CHUNK = 255  # UPDATE BINARY data per APDU (card.md §2)
READ_CHUNK = 256  # READ BINARY Le 00


@dataclass(frozen=True)
class Element:
    tag: int
    ef: int
    fmt: str  # "cn" | "an"
    size: int
    name: str


ELEMENTS: dict[int, Element] = {
    e.tag: e
    for e in (
        Element(TAG_CARD_ID, FID_EF05, "cn", 16, "card identification code"),
        Element(TAG_CARD_TYPE, FID_EF05, "an", 1, "card type"),
        Element(TAG_SPEC_VERSION, FID_EF05, "an", 4, "spec version"),
        Element(TAG_INIT_INSTITUTION, FID_EF05, "cn", 12, "initialising institution"),
        Element(TAG_ISSUE_DATE, FID_EF05, "cn", 4, "issue date"),
        Element(TAG_EXPIRY_DATE, FID_EF05, "cn", 4, "expiry date"),
        Element(TAG_CARD_NUMBER, FID_EF05, "an", 9, "card number"),
        Element(TAG_SSN, FID_EF06, "an", 18, "social security number"),
        Element(TAG_NAME, FID_EF06, "an", 30, "name"),
        Element(TAG_NAME_EXT, FID_EF06, "an", 20, "name extension"),
        Element(TAG_SEX, FID_EF06, "an", 1, "sex"),
        Element(TAG_ETHNICITY, FID_EF06, "cn", 1, "ethnicity"),
        Element(TAG_BIRTHPLACE, FID_EF06, "cn", 3, "birthplace"),
        Element(TAG_BIRTH_DATE, FID_EF06, "cn", 4, "birth date"),
    )
}


def encode_element(tag: int, value: str | bytes, size: int | None = None) -> bytes:
    """The card bytes of one element, padded to ``size`` (default: the spec size)."""
    el = ELEMENTS[tag]
    n = size or el.size
    if isinstance(value, bytes):
        if len(value) > n:
            raise CardContentError(f"{el.name}: {len(value)} bytes do not fit in {n}")
        return value.ljust(n, b"\xff" if el.fmt == "cn" else b"\x00")
    return encode_cn(value, n) if el.fmt == "cn" else encode_an(value, n)


def decode_element(tag: int, raw: bytes) -> str:
    if tag == TAG_CARD_ID:
        return decode_card_id(raw)
    el = ELEMENTS.get(tag)
    if el is not None and el.fmt == "cn":
        return decode_cn(raw)
    return decode_an(raw)


def decode_card_id(raw: bytes) -> str:
    """The card identification code fills its 16 bytes (city + ``D156000005`` + serial + a hex
    authentication code), so a trailing ``F`` is data, not BCD padding: keep every nibble."""
    if not raw or all(b == 0xFF for b in raw) or all(b == 0 for b in raw):
        return ""
    return raw.hex().upper()


def encode_pin(pin: str) -> bytes:
    if not 4 <= len(pin) <= 12 or not pin.isdigit():
        raise InputError("a PIN is 4 to 12 digits")
    return bytes.fromhex(pin + ("F" if len(pin) % 2 else ""))


def _date(text: str) -> date | None:
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


@dataclass(frozen=True)
class SsseInfo:
    """What SELECT SSSE answered (FCI)."""

    aid: bytes
    sfi: int | None
    algorithm: int | None  # 01 3DES, 02 SSF33, 03 SM4
    fci: bytes


@dataclass(frozen=True)
class IssuerData:
    """EF05 发卡机构数据, decoded. Blank elements are ''/None."""

    card_id: str
    card_type: str
    spec_version: str
    init_institution: str
    issue_date: date | None
    expiry_date: date | None
    card_number: str

    @property
    def version(self) -> str:
        """'1.0', '2.0', '3.0' (the first 3 characters of tag 03), or ''."""
        return self.spec_version[:3]


@dataclass(frozen=True)
class HolderData:
    """EF06 持卡人基本信息, decoded; ``name`` is tag 09 + extension 4E."""

    ssn: str
    name: str
    sex: str
    ethnicity: str
    birthplace: str
    birth_date: date | None

    @property
    def blank(self) -> bool:
        return not (self.ssn or self.name)


def issuer_from(value: Callable[[int], bytes | None]) -> IssuerData:
    """EF05 decoded from a tag -> raw value lookup."""

    def t(tag: int) -> str:
        raw = value(tag)
        return "" if raw is None else decode_element(tag, raw)

    return IssuerData(
        card_id=t(TAG_CARD_ID),
        card_type=t(TAG_CARD_TYPE),
        spec_version=t(TAG_SPEC_VERSION),
        init_institution=t(TAG_INIT_INSTITUTION),
        issue_date=_date(t(TAG_ISSUE_DATE)),
        expiry_date=_date(t(TAG_EXPIRY_DATE)),
        card_number=t(TAG_CARD_NUMBER),
    )


def holder_from(value: Callable[[int], bytes | None]) -> HolderData:
    """EF06 decoded from a tag -> raw value lookup; the name is 09 + 4E."""

    def t(tag: int) -> str:
        raw = value(tag)
        return "" if raw is None else decode_element(tag, raw)

    return HolderData(
        ssn=t(TAG_SSN),
        name=t(TAG_NAME) + t(TAG_NAME_EXT),
        sex=t(TAG_SEX),
        ethnicity=t(TAG_ETHNICITY),
        birthplace=t(TAG_BIRTHPLACE),
        birth_date=_date(t(TAG_BIRTH_DATE)),
    )


class Ssse:
    """The SSSE application of one card in one connection."""

    def __init__(self, transport: CardTransport, atr: bytes, key_service: KeyService | None = None) -> None:
        self.transport = transport
        self.atr = atr
        self.key_service = key_service
        self.info: SsseInfo | None = None
        self._card_id: str | None = None
        self._current_ef: int | None = None
        self._authenticated: set[str] = set()

    # --- plumbing -------------------------------------------------------------------------------

    def _send(self, apdu: Apdu, *, ok: tuple[int, ...] = (0x9000,)) -> tuple[bytes, int]:
        data, sw = self.transport.send(apdu.to_bytes())
        if sw not in ok:
            check_sw(sw, apdu.name)
        return data, sw

    # --- selection ------------------------------------------------------------------------------

    def select(self) -> SsseInfo:
        """SELECT SSSE by name; ``WrongCard`` when the card has no SSSE."""
        try:
            fci, _ = self._send(Apdu(0x00, INS_SELECT, 0x04, 0x00, AID_SSSE, le=0))
        except CardStatusError as exc:
            if exc.sw in (0x6A82, 0x6A86, 0x6A87, 0x6D00, 0x6E00, 0x6999):
                raise WrongCard() from exc
            raise
        aid = ber_find(fci, TAG_DF_NAME) if fci else None
        if aid is not None and aid != AID_SSSE:
            raise WrongCard()
        sfi = ber_find(fci, TAG_SFI) if fci else None
        alg = ber_find(fci, TAG_ALGORITHM) if fci else None
        self.info = SsseInfo(AID_SSSE, sfi[0] if sfi else None, alg[0] if alg else None, fci)
        self._current_ef = None
        self._authenticated.clear()
        return self.info

    def select_ef(self, fid: int) -> bytes:
        """SELECT an EF of SSSE by FID; returns its FCP (may be empty)."""
        data, _ = self._send(Apdu(0x00, INS_SELECT, 0x02, 0x00, fid.to_bytes(2, "big"), le=0))
        self._current_ef = fid
        return data

    def _ensure_ef(self, fid: int) -> None:
        if self.info is None:
            self.select()
        if self._current_ef != fid:
            self.select_ef(fid)

    # --- context for the key service ------------------------------------------------------------

    @property
    def algorithm(self) -> int:
        if self.info is None:
            self.select()
        assert self.info is not None
        return self.info.algorithm if self.info.algorithm is not None else 0x01

    def card_id(self) -> str:
        if self._card_id is None:
            raw = self.read_element(TAG_CARD_ID)
            if raw is None or not decode_card_id(raw):
                raise CardContentError("the card has no card identification code (EF05 tag 01)")
            self._card_id = decode_card_id(raw)
        return self._card_id

    def context(self) -> CardContext:
        return CardContext(atr=self.atr, card_id=self.card_id(), algorithm=self.algorithm)

    def _keys(self) -> KeyService:
        if self.key_service is None:
            raise KeyServiceNotConfigured()
        return self.key_service

    # --- security -------------------------------------------------------------------------------

    def get_challenge(self, length: int = 8) -> bytes:
        data, _ = self._send(Apdu(0x00, INS_GET_CHALLENGE, 0x00, 0x00, le=length))
        if len(data) != length:
            raise CommunicationError(f"GET CHALLENGE returned {len(data)} bytes, not {length}")
        return data

    def authenticate(self, usage: str = USAGE_UPDATE) -> None:
        """GET CHALLENGE + EXTERNAL AUTHENTICATE with the key service's cryptogram."""
        keys = self._keys()
        ctx = self.context()
        challenge = self.get_challenge(8)
        crypt = keys.cryptogram(ctx, usage, challenge)
        self._send(Apdu(0x00, INS_EXTERNAL_AUTHENTICATE, 0x00, _KIDS[usage], crypt))
        self._authenticated.add(usage)
        log.info("external authentication with %s done", usage)

    # --- reading --------------------------------------------------------------------------------

    def read_element(self, tag: int, ef: int | None = None) -> bytes | None:
        """The raw value of element ``tag`` (READ RECORD by identifier), None if the card has no
        such record. On 3.0 cards EF06 needs RKSSSE: authenticated here when a key service is set."""
        fid = ef if ef is not None else ELEMENTS[tag].ef
        self._ensure_ef(fid)
        apdu = Apdu(0x00, INS_READ_RECORD, tag, P2_RECORD_BY_ID, le=0)
        try:
            data, _ = self._send(apdu)
        except RecordNotFound:
            return None
        except SecurityStatusNotSatisfied:
            if USAGE_READ in self._authenticated or self.key_service is None:
                raise
            self.authenticate(USAGE_READ)
            self._ensure_ef(fid)
            try:
                data, _ = self._send(apdu)
            except RecordNotFound:
                return None
        tlv = simple_parse_one(data)
        if tlv.tag != tag:
            raise CommunicationError(f"asked for record {tag:02X}, the card returned {tlv.tag:02X}")
        return tlv.value

    def read_text(self, tag: int) -> str:
        raw = self.read_element(tag)
        return "" if raw is None else decode_element(tag, raw)

    def read_issuer(self) -> IssuerData:
        issuer = issuer_from(self.read_element)
        if issuer.card_id:
            self._card_id = issuer.card_id
        return issuer

    def read_holder(self) -> HolderData:
        return holder_from(self.read_element)

    def photo_file_size(self) -> int:
        fcp = self.select_ef(FID_EF08)
        size = ber_find(fcp, TAG_FILE_SIZE) if fcp else None
        return int.from_bytes(size, "big") if size else 4096

    def read_photo(self) -> bytes | None:
        """The JPEG in EF08, None if the file holds none. Reads only as far as the JPEG goes."""
        size = self.photo_file_size()
        buf = bytearray()
        while len(buf) < size:
            n = min(READ_CHUNK, size - len(buf))
            data, _ = self._send(
                Apdu(0x00, INS_READ_BINARY, len(buf) >> 8, len(buf) & 0xFF, le=n), ok=(0x9000, 0x6282)
            )
            if not data:
                break
            buf += data
            if buf[:2] != b"\xff\xd8":
                return None
            end = jpeg_length(bytes(buf))
            if end is not None:
                return bytes(buf[:end])
        return None

    # --- writing --------------------------------------------------------------------------------

    def read_records(self, fid: int) -> dict[int, tuple[int, bytes]]:
        """Every record of file ``fid`` by number: tag -> (record number, value). This is how
        the writer learns the card's layout (record numbers differ between versions)."""
        self._ensure_ef(fid)
        out: dict[int, tuple[int, bytes]] = {}
        for recno in range(1, 255):
            apdu = Apdu(0x00, INS_READ_RECORD, recno, P2_RECORD_BY_NUMBER, le=0)
            try:
                data, _ = self._send(apdu)
            except RecordNotFound:
                break
            except SecurityStatusNotSatisfied:
                if USAGE_READ in self._authenticated or self.key_service is None:
                    raise
                self.authenticate(USAGE_READ)
                self._ensure_ef(fid)
                data, _ = self._send(apdu)
            tlv = simple_parse_one(data)
            out.setdefault(tlv.tag, (recno, tlv.value))
        if fid == FID_EF05 and TAG_CARD_ID in out:
            self._card_id = decode_card_id(out[TAG_CARD_ID][1]) or None
        return out

    def update_record(self, fid: int, recno: int, tag: int, value: bytes) -> None:
        self._ensure_ef(fid)
        self._send(Apdu(0x00, INS_UPDATE_RECORD, recno, P2_RECORD_BY_NUMBER, simple_encode(tag, value)))

    def update_binary(self, fid: int, offset: int, data: bytes) -> None:
        if len(data) > CHUNK:
            raise ValueError(f"UPDATE BINARY takes at most {CHUNK} bytes")
        self._ensure_ef(fid)
        self._send(Apdu(0x00, INS_UPDATE_BINARY, offset >> 8, offset & 0xFF, data))

    def read_binary(self, fid: int, offset: int, length: int) -> bytes:
        self._ensure_ef(fid)
        data, _ = self._send(
            Apdu(0x00, INS_READ_BINARY, offset >> 8, offset & 0xFF, le=length), ok=(0x9000, 0x6282)
        )
        return data

    # --- PIN ------------------------------------------------------------------------------------

    def pin_tries_left(self) -> int:
        if self.info is None:
            self.select()
        _, sw = self.transport.send(Apdu(0x00, INS_VERIFY, 0x00, 0x00).to_bytes())
        tries = sw_tries_left(sw)
        if tries is not None:
            return tries
        if sw == 0x6983:
            return 0
        if sw == 0x9000:
            return -1  # already verified in this session; the card does not say
        check_sw(sw, "VERIFY")
        return -1

    def verify_pin(self, pin: str) -> None:
        block = encode_pin(pin)
        if self.info is None:
            self.select()
        self._send(Apdu(0x00, INS_VERIFY, 0x00, 0x00, block))

    def change_pin(self, old: str, new: str) -> None:
        data = encode_pin(old) + b"\xff" + encode_pin(new)
        if self.info is None:
            self.select()
        self._send(Apdu(0x80, INS_CHANGE_PIN, 0x01, 0x00, data))

    def reset_pin(self, new_pin: str | None) -> None:
        """PIN reload (new PIN) or unblock (``new_pin`` None) with the key service's MAC."""
        keys = self._keys()
        ctx = self.context()
        block = encode_pin(new_pin) if new_pin is not None else b""
        p2 = P2_PIN_RELOAD if new_pin is not None else P2_PIN_UNBLOCK
        challenge = self.get_challenge(8)
        header = bytes((0x84, INS_PIN_RESET, 0x00, p2, len(block) + 4))
        mac = keys.pin_mac(ctx, challenge, header + block)
        if len(mac) != 4:
            raise CommunicationError("the key service returned a MAC that is not 4 bytes")
        self._send(Apdu(0x84, INS_PIN_RESET, 0x00, p2, block + mac))
        log.info("PIN %s done (%s)", "reload" if new_pin is not None else "unblock", USAGE_PIN)
