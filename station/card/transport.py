"""The bottom layer: how APDUs reach a card.

Two small protocols, as in yubikit's ``SmartCardConnection``:

- ``CardConnection`` is what a reader driver provides: ``transmit`` one raw APDU, the card's
  ``atr``, ``close``. Implementations: ``station.card.pcsc.PcscConnection`` (the only pyscard
  user) and ``station.card.emulator.EmulatorConnection`` (the in-process fake).
- ``CardTransport`` is what the card applications use: ``send(apdu) -> (data, sw)`` with
  ``61xx`` (GET RESPONSE) and ``6Cxx`` (re-send with the right Le) already handled.

``ApduTransport`` turns the first into the second, counts APDUs and writes the APDU trace to
its own logger ``station.card.apdu`` at DEBUG, with headers, lengths, record tags and status
words only where the data is a secret or personal:

- the data of PIN and authentication commands (VERIFY, CHANGE PIN, PIN RESET, EXTERNAL/INTERNAL
  AUTHENTICATE) and their responses (``SENSITIVE_INS``): a PIN, cryptogram or MAC never reaches
  a log;
- the data of record and binary writes (UPDATE/WRITE/APPEND RECORD, UPDATE/WRITE BINARY) and the
  response data of record and binary reads (READ RECORD, READ BINARY), including the GET
  RESPONSE rounds that continue them (``PERSONAL_DATA_INS``, ``PERSONAL_RESPONSE_INS``): the
  holder's social security number, name and photo never reach a log either.
"""

from __future__ import annotations

import logging
import time
from typing import Protocol, runtime_checkable

from station.card.apdu import describe
from station.card.errors import CommunicationError

__all__ = [
    "PERSONAL_DATA_INS",
    "PERSONAL_RESPONSE_INS",
    "SENSITIVE_INS",
    "ApduTransport",
    "CardConnection",
    "CardTransport",
    "mask_apdu",
    "mask_response",
]

apdu_log = logging.getLogger("station.card.apdu")

# Commands whose data field is a secret (PIN, cryptogram, MAC).
SENSITIVE_INS = frozenset({0x20, 0x24, 0x2C, 0x5E, 0x82, 0x88})
# Commands whose data field is card content (holder's number, name, photo): record writes
# (UPDATE RECORD DC/DD, WRITE RECORD D2, APPEND RECORD E2) and binary writes (UPDATE BINARY
# D6/D7, WRITE BINARY D0/D1).
_RECORD_WRITES = frozenset({0xDC, 0xDD, 0xD2, 0xE2})
PERSONAL_DATA_INS = _RECORD_WRITES | frozenset({0xD6, 0xD7, 0xD0, 0xD1})
# Commands whose response data is card content: READ RECORD (B2/B3) and READ BINARY (B0/B1).
_RECORD_READS = frozenset({0xB2, 0xB3})
PERSONAL_RESPONSE_INS = _RECORD_READS | frozenset({0xB0, 0xB1})
_INS_GET_RESPONSE = 0xC0
_MAX_CHAINED_RESPONSES = 64


@runtime_checkable
class CardConnection(Protocol):
    """A connected card: one raw APDU exchange, its ATR, and close."""

    @property
    def atr(self) -> bytes: ...

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        """Send one command APDU; return (response data, status word). Raise CardError."""
        ...

    def close(self) -> None: ...


@runtime_checkable
class CardTransport(Protocol):
    def send(self, apdu: bytes) -> tuple[bytes, int]:
        """Send a command; return the complete response data and the final status word."""
        ...


def _masked(data: bytes, ins: int) -> str:
    """``<N bytes masked>``; for records, with the simple-TLV tag (record content stays hidden)."""
    if (ins in _RECORD_WRITES or ins in _RECORD_READS) and data:
        return f"<record tag {data[0]:02X}, {len(data)} bytes masked>"
    return f"<{len(data)} bytes masked>"


def mask_apdu(apdu: bytes) -> str:
    """Hex of a command APDU for the trace, with the data of secret-bearing commands (PINs,
    cryptograms) and of record/binary writes (personal data) masked: header, Lc and Le stay."""
    if len(apdu) > 5 and (apdu[1] in SENSITIVE_INS or apdu[1] in PERSONAL_DATA_INS):
        lc = apdu[4]
        body = apdu[5 : 5 + lc]
        tail = apdu[5 + lc :]
        shown = _masked(body, 0 if apdu[1] in SENSITIVE_INS else apdu[1])
        return f"{apdu[:5].hex().upper()} {shown}{(' ' + tail.hex().upper()) if tail else ''}"
    return apdu.hex().upper()


def mask_response(data: bytes, ins: int, *, continued: bool = False) -> str:
    """Hex of the response data of command ``ins`` for the trace; masked (length, and the record
    tag for READ RECORD) for secret-bearing commands and record/binary reads. ``continued``: the
    data continues an earlier response (GET RESPONSE), so its first byte is no tag."""
    if data and (ins in SENSITIVE_INS or ins in PERSONAL_RESPONSE_INS):
        return _masked(data, 0 if ins in SENSITIVE_INS or continued else ins)
    return data.hex().upper()


class ApduTransport:
    """``CardTransport`` over a ``CardConnection``: GET RESPONSE, Le correction, trace, count."""

    def __init__(self, connection: CardConnection) -> None:
        self.connection = connection
        self.apdu_count = 0  # raw exchanges, including GET RESPONSE and re-sends

    @property
    def atr(self) -> bytes:
        return self.connection.atr

    def close(self) -> None:
        self.connection.close()

    def _exchange(self, apdu: bytes, response_of: int | None = None) -> tuple[bytes, int]:
        """One raw exchange, traced. ``response_of``: the INS whose response data this exchange
        continues (GET RESPONSE rounds), so its data is masked as that command's would be."""
        if apdu_log.isEnabledFor(logging.DEBUG):
            apdu_log.debug("> %s %s", describe(apdu), mask_apdu(apdu))
        t0 = time.perf_counter()
        data, sw = self.connection.transmit(apdu)
        self.apdu_count += 1
        if apdu_log.isEnabledFor(logging.DEBUG):
            if response_of is None:
                shown = mask_response(data, apdu[1])
            else:
                shown = mask_response(data, response_of, continued=True)
            apdu_log.debug("< %s %04X (%.1f ms)", shown, sw, (time.perf_counter() - t0) * 1000)
        return data, sw

    def send(self, apdu: bytes) -> tuple[bytes, int]:
        if len(apdu) < 4:
            raise ValueError("an APDU has at least 4 header bytes")
        data, sw = self._exchange(apdu)
        if sw >> 8 == 0x6C:  # wrong Le: send again with the Le the card asks for
            fixed = (apdu[:-1] if _has_le(apdu) else apdu) + bytes((sw & 0xFF,))
            data, sw = self._exchange(fixed)
        out = bytearray(data)
        rounds = 0
        while sw >> 8 == 0x61:  # more data: GET RESPONSE
            rounds += 1
            if rounds > _MAX_CHAINED_RESPONSES:
                raise CommunicationError("the card keeps answering 61xx (more data)")
            get_response = bytes((apdu[0] & 0x03, _INS_GET_RESPONSE, 0x00, 0x00, sw & 0xFF))
            data, sw = self._exchange(get_response, response_of=apdu[1])
            out += data
        return bytes(out), sw


def _has_le(apdu: bytes) -> bool:
    """Whether a short APDU ends with an Le byte (cases 2 and 4)."""
    if len(apdu) == 5:
        return True
    if len(apdu) > 5:
        lc = apdu[4]
        return len(apdu) == 6 + lc
    return False
