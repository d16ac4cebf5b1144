"""The bottom layer: how APDUs reach a card.

Two small protocols, as in yubikit's ``SmartCardConnection``:

- ``CardConnection`` is what a reader driver provides: ``transmit`` one raw APDU, the card's
  ``atr``, ``close``. Implementations: ``station.card.pcsc.PcscConnection`` (the only pyscard
  user) and ``station.card.emulator.EmulatorConnection`` (the in-process fake).
- ``CardTransport`` is what the card applications use: ``send(apdu) -> (data, sw)`` with
  ``61xx`` (GET RESPONSE) and ``6Cxx`` (re-send with the right Le) already handled.

``ApduTransport`` turns the first into the second, counts APDUs and writes the APDU trace to
its own logger ``station.card.apdu`` at DEBUG, with the data of PIN and authentication commands
(VERIFY, CHANGE PIN, PIN RESET, EXTERNAL/INTERNAL AUTHENTICATE) masked: a PIN, cryptogram or
MAC never reaches a log.
"""

from __future__ import annotations

import logging
import time
from typing import Protocol, runtime_checkable

from station.card.apdu import describe
from station.card.errors import CommunicationError

__all__ = ["SENSITIVE_INS", "ApduTransport", "CardConnection", "CardTransport", "mask_apdu"]

apdu_log = logging.getLogger("station.card.apdu")

# Commands whose data field is a secret (PIN, cryptogram, MAC).
SENSITIVE_INS = frozenset({0x20, 0x24, 0x2C, 0x5E, 0x82, 0x88})
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


def mask_apdu(apdu: bytes) -> str:
    """Hex of a command APDU for the trace, with the data of secret-bearing commands masked."""
    if len(apdu) > 5 and apdu[1] in SENSITIVE_INS:
        lc = apdu[4]
        tail = apdu[5 + lc :]
        return f"{apdu[:5].hex().upper()} <{lc} bytes masked>{(' ' + tail.hex().upper()) if tail else ''}"
    return apdu.hex().upper()


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

    def _exchange(self, apdu: bytes) -> tuple[bytes, int]:
        sensitive = len(apdu) > 1 and apdu[1] in SENSITIVE_INS
        if apdu_log.isEnabledFor(logging.DEBUG):
            apdu_log.debug("> %s %s", describe(apdu), mask_apdu(apdu))
        t0 = time.perf_counter()
        data, sw = self.connection.transmit(apdu)
        self.apdu_count += 1
        if apdu_log.isEnabledFor(logging.DEBUG):
            shown = f"<{len(data)} bytes masked>" if sensitive and data else data.hex().upper()
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
            data, sw = self._exchange(bytes((apdu[0] & 0x03, 0xC0, 0x00, 0x00, sw & 0xFF)))
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
