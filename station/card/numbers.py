"""Numbers on and about the card (card.md §4): the card number's check character and the ATR.

Card number: a letter, seven characters and a check character C9 = 11 - (sum(Ci * Wi) mod 11)
with W = 3 7 9 10 5 8 4 2, letters A=10 ... Z=35; 10 -> ``X``, 11 -> ``0``. Some numbers
issued in the field fail it: callers warn, they never refuse (``check_card_number``).

ATR: ``3B 6x 00 00`` + x historical bytes; historical bytes 8 and 9 (counted from 1) hold the
first four digits of the issuing area code in BCD.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from station.card.errors import CardContentError

__all__ = [
    "AtrInfo",
    "card_number_check_char",
    "card_number_is_valid",
    "make_card_number",
    "parse_atr",
]

_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _value(ch: str) -> int:
    if ch.isdigit():
        return int(ch)
    if ch in string.ascii_uppercase:
        return ord(ch) - ord("A") + 10
    raise CardContentError(f"card number character {ch!r} is neither a digit nor a capital letter")


def card_number_check_char(first8: str) -> str:
    """The check character for the first eight characters of a card number."""
    s = first8.strip().upper()
    if len(s) != 8:
        raise CardContentError(f"a card number has 8 characters before its check character, not {len(s)}")
    c9 = 11 - sum(_value(c) * w for c, w in zip(s, _WEIGHTS, strict=True)) % 11
    return "X" if c9 == 10 else "0" if c9 == 11 else str(c9)


def card_number_is_valid(number: str) -> bool:
    """Whether a 9-character card number's check character is right (warn, never refuse)."""
    s = number.strip().upper()
    if len(s) != 9:
        return False
    try:
        return card_number_check_char(s[:8]) == s[8]
    except CardContentError:
        return False


def make_card_number(letter: str, serial: int) -> str:
    """``letter`` + seven digits of ``serial`` + check character."""
    if len(letter) != 1 or letter.upper() not in string.ascii_uppercase:
        raise CardContentError(f"card number prefix {letter!r} must be one letter")
    if not 0 <= serial <= 9_999_999:
        raise CardContentError(f"card number serial {serial} needs more than seven digits")
    first8 = f"{letter.upper()}{serial:07d}"
    return first8 + card_number_check_char(first8)


@dataclass(frozen=True)
class AtrInfo:
    atr: bytes
    historical: bytes
    area_code_prefix: str  # first four digits of the issuing area code, '' when not BCD

    @property
    def hex(self) -> str:
        return self.atr.hex().upper()


def _historical_bytes(atr: bytes) -> bytes:
    """Walk the interface bytes (ISO 7816-3) to find the historical bytes."""
    if len(atr) < 2:
        raise CardContentError("ATR too short")
    k = atr[1] & 0x0F
    i = 1
    y = atr[1] >> 4
    protocols = 0
    while True:
        count = bin(y).count("1")
        has_td = bool(y & 0x8)
        i += count
        if i >= len(atr):
            raise CardContentError(f"ATR {atr.hex().upper()} is truncated")
        if not has_td:
            break
        y = atr[i] >> 4
        protocols |= 1 << (atr[i] & 0x0F)
    start = i + 1
    hist = atr[start : start + k]
    if len(hist) != k:
        raise CardContentError(f"ATR {atr.hex().upper()} lacks historical bytes")
    return bytes(hist)


def parse_atr(atr: bytes) -> AtrInfo:
    hist = _historical_bytes(atr)
    area = ""
    if len(hist) >= 9:
        digits = hist[7:9].hex().upper()
        area = digits if digits.isdigit() else ""
    return AtrInfo(atr=bytes(atr), historical=hist, area_code_prefix=area)
