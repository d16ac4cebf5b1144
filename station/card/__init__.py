"""Card encoding through PC/SC (issue 5), in layers (conventions.md #5, #6):

    pcsc.py        PC/SC readers, exclusive connect, insert/remove monitor (the only pyscard user)
    transport.py   CardConnection / CardTransport: send(apdu) -> (data, sw), 61xx/6Cxx, APDU trace
    apdu.py        command APDUs, status words -> exceptions
    tlv.py         simple TLV (records) and BER-TLV (FCI)
    codec.py       cn (BCD) and an (GBK / GB18030) elements
    ssse.py        the SSSE application: INS_*/TAG_* constants, typed results
    keys.py        the key service interface; the software test key (3DES / SM4)
    numbers.py     card number check character, ATR
    photo.py       the chip photo (<= 4 KB JPEG)
    journal.py     the write journal (resume after a card was pulled out)
    encode.py      read_card and the encode workflow
    workflow.py    CardDesk: what the command line and the window call
    emulator/      the card emulator (standard library only)

Exceptions: station/card/errors.py. Heavy modules (pyscard, cryptography, SQLAlchemy users)
load on first use of their names, so ``import station.card`` stays light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from station.card.errors import (
    ApplicationLocked,
    AuthenticationFailed,
    BadMac,
    CardContentError,
    CardError,
    CardRemoved,
    CardStatusError,
    CommunicationError,
    FileNotFound,
    ForeignCard,
    KeyServiceError,
    KeyServiceNotConfigured,
    NoCard,
    NoReader,
    PinBlocked,
    ReaderBusy,
    ReaderError,
    ReaderNotFound,
    RecordNotFound,
    SecurityStatusNotSatisfied,
    VerifyMismatch,
    WrongCard,
    WrongPin,
)

if TYPE_CHECKING:
    from station.card.encode import CardReadout, EncodeOptions, EncodeResult, encode_application, read_card
    from station.card.keys import CardContext, KeyService, TestKeyService, key_service_from_settings
    from station.card.numbers import card_number_check_char, card_number_is_valid, parse_atr
    from station.card.pcsc import ReaderEvent, ReaderInfo, ReaderMonitor, list_readers
    from station.card.ssse import HolderData, IssuerData, Ssse
    from station.card.transport import ApduTransport, CardConnection, CardTransport
    from station.card.workflow import CardDesk

_LAZY = {
    "CardReadout": "encode",
    "EncodeOptions": "encode",
    "EncodeResult": "encode",
    "encode_application": "encode",
    "read_card": "encode",
    "CardContext": "keys",
    "KeyService": "keys",
    "TestKeyService": "keys",
    "key_service_from_settings": "keys",
    "card_number_check_char": "numbers",
    "card_number_is_valid": "numbers",
    "parse_atr": "numbers",
    "ReaderEvent": "pcsc",
    "ReaderInfo": "pcsc",
    "ReaderMonitor": "pcsc",
    "list_readers": "pcsc",
    "HolderData": "ssse",
    "IssuerData": "ssse",
    "Ssse": "ssse",
    "ApduTransport": "transport",
    "CardConnection": "transport",
    "CardTransport": "transport",
    "CardDesk": "workflow",
}

__all__ = [
    "ApduTransport",
    "ApplicationLocked",
    "AuthenticationFailed",
    "BadMac",
    "CardConnection",
    "CardContentError",
    "CardContext",
    "CardDesk",
    "CardError",
    "CardReadout",
    "CardRemoved",
    "CardStatusError",
    "CardTransport",
    "CommunicationError",
    "EncodeOptions",
    "EncodeResult",
    "FileNotFound",
    "ForeignCard",
    "HolderData",
    "IssuerData",
    "KeyService",
    "KeyServiceError",
    "KeyServiceNotConfigured",
    "NoCard",
    "NoReader",
    "PinBlocked",
    "ReaderBusy",
    "ReaderError",
    "ReaderEvent",
    "ReaderInfo",
    "ReaderMonitor",
    "ReaderNotFound",
    "RecordNotFound",
    "SecurityStatusNotSatisfied",
    "Ssse",
    "TestKeyService",
    "VerifyMismatch",
    "WrongCard",
    "WrongPin",
    "card_number_check_char",
    "card_number_is_valid",
    "encode_application",
    "key_service_from_settings",
    "list_readers",
    "parse_atr",
    "read_card",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'station.card' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"station.card.{module}"), name)
    globals()[name] = value
    return value
