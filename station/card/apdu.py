"""Command APDUs (ISO 7816-4 short form) and status words.

``Apdu`` builds and parses command APDUs; ``check_sw`` turns an error status word into the
exception of card.md §3 (station/card/errors.py). ``describe`` gives a short human name of a
command for messages and the APDU trace.
"""

from __future__ import annotations

from dataclasses import dataclass

from station.card.errors import (
    ApplicationLocked,
    AuthenticationFailed,
    BadMac,
    CardStatusError,
    FileNotFound,
    PinBlocked,
    RecordNotFound,
    SecurityStatusNotSatisfied,
    WrongPin,
)

__all__ = [
    "SW_OK",
    "Apdu",
    "check_sw",
    "describe",
    "sw_tries_left",
]

SW_OK = 0x9000

# Instruction bytes this package knows by name (the SSSE module has the full INS_* set).
_NAMES = {
    0xA4: "SELECT",
    0xB2: "READ RECORD",
    0xB0: "READ BINARY",
    0xDC: "UPDATE RECORD",
    0xD6: "UPDATE BINARY",
    0x84: "GET CHALLENGE",
    0x82: "EXTERNAL AUTHENTICATE",
    0x20: "VERIFY",
    0x5E: "CHANGE PIN",
    0x24: "PIN RESET",
    0xC0: "GET RESPONSE",
}


@dataclass(frozen=True)
class Apdu:
    """A short command APDU. ``le`` None = no Le field; 0 = "up to 256 bytes" (encoded 00)."""

    cla: int
    ins: int
    p1: int = 0
    p2: int = 0
    data: bytes = b""
    le: int | None = None

    def __post_init__(self) -> None:
        for name in ("cla", "ins", "p1", "p2"):
            v = getattr(self, name)
            if not 0 <= v <= 0xFF:
                raise ValueError(f"APDU {name} {v:#x} is not a byte")
        if len(self.data) > 255:
            raise ValueError(f"APDU data of {len(self.data)} bytes needs an extended APDU")
        if self.le is not None and not 0 <= self.le <= 256:
            raise ValueError(f"APDU Le {self.le} out of range")

    def to_bytes(self) -> bytes:
        out = bytes((self.cla, self.ins, self.p1, self.p2))
        if self.data:
            out += bytes((len(self.data),)) + self.data
        if self.le is not None:
            out += bytes((self.le & 0xFF,))
        return out

    def __bytes__(self) -> bytes:
        return self.to_bytes()

    @classmethod
    def parse(cls, raw: bytes) -> Apdu:
        """Parse a short command APDU (cases 1-4)."""
        if len(raw) < 4:
            raise ValueError(f"APDU of {len(raw)} bytes is shorter than its header")
        cla, ins, p1, p2 = raw[0], raw[1], raw[2], raw[3]
        body = raw[4:]
        if not body:
            return cls(cla, ins, p1, p2)
        if len(body) == 1:
            return cls(cla, ins, p1, p2, le=body[0] or 256)
        lc = body[0]
        if lc == 0:
            raise ValueError("extended APDUs are not supported")
        if len(body) == 1 + lc:
            return cls(cla, ins, p1, p2, body[1:])
        if len(body) == 2 + lc:
            return cls(cla, ins, p1, p2, body[1 : 1 + lc], le=body[-1] or 256)
        raise ValueError(f"APDU body of {len(body)} bytes does not match Lc {lc}")

    @property
    def name(self) -> str:
        return _NAMES.get(self.ins, f"INS {self.ins:02X}")


def describe(apdu: bytes) -> str:
    return _NAMES.get(apdu[1], f"INS {apdu[1]:02X}") if len(apdu) >= 2 else "APDU"


def sw_tries_left(sw: int) -> int | None:
    """x of ``63Cx``, else None."""
    return sw & 0x0F if sw & 0xFFF0 == 0x63C0 else None


def check_sw(sw: int, command: str = "") -> None:
    """Raise the exception for an error status word; return for ``9000``.

    ``command`` names the command for the message ("VERIFY", "EXTERNAL AUTHENTICATE", ...): it
    decides whether ``63Cx`` means a wrong PIN or a rejected cryptogram.
    """
    if sw == SW_OK:
        return
    tries = sw_tries_left(sw)
    if tries is not None:
        if command in ("EXTERNAL AUTHENTICATE", "PIN RESET"):
            raise AuthenticationFailed(tries, sw)
        if tries == 0:
            raise PinBlocked(sw)
        raise WrongPin(tries, sw)
    if sw == 0x6983:
        if command in ("EXTERNAL AUTHENTICATE", "PIN RESET"):
            raise AuthenticationFailed(0, sw)
        raise PinBlocked(sw)
    if sw == 0x6982:
        raise SecurityStatusNotSatisfied(sw, command)
    if sw == 0x6A82:
        raise FileNotFound(sw, command)
    if sw == 0x6A83:
        raise RecordNotFound(sw, command)
    if sw == 0x9302:
        raise BadMac(sw)
    if sw == 0x9303:
        raise ApplicationLocked(sw)
    raise CardStatusError(sw, command=command)
