"""Data element encodings of card.md §1.

- ``cn``: BCD, left aligned, right padded with ``F``. The card identification code also holds
  the hex digit ``D`` (``D156000005``), so hex digits are accepted, not only 0-9.
- ``an``: bytes, left aligned, right padded with ``00``. Chinese text is GBK; characters GBK
  lacks are written in GB18030 (a superset of GBK, so one decoder reads both).
- ``b``: binary, as is.
"""

from __future__ import annotations

from station.card.errors import CardContentError

__all__ = [
    "decode_an",
    "decode_cn",
    "encode_an",
    "encode_cn",
    "encode_text",
    "split_text",
]

_HEX = "0123456789ABCDEF"


def encode_cn(digits: str, size: int) -> bytes:
    """``digits`` as BCD in ``size`` bytes, right padded with F."""
    s = digits.strip().upper()
    if any(c not in _HEX for c in s):
        raise CardContentError(f"{digits!r} is not a numeric (cn) value")
    if len(s) > 2 * size:
        raise CardContentError(f"{digits!r} does not fit in {size} bytes")
    return bytes.fromhex(s.ljust(2 * size, "F"))


def decode_cn(data: bytes) -> str:
    """BCD digits with the F padding removed; an all-``FF``/``00`` element is blank ('')."""
    if not data or all(b == 0xFF for b in data) or all(b == 0 for b in data):
        return ""
    return data.hex().upper().rstrip("F")


def encode_text(text: str) -> bytes:
    """GBK, or GB18030 when GBK lacks a character (card.md §1 [U])."""
    try:
        return text.encode("gbk")
    except UnicodeEncodeError:
        return text.encode("gb18030")


def encode_an(text: str, size: int) -> bytes:
    raw = encode_text(text)
    if len(raw) > size:
        raise CardContentError(f"text of {len(raw)} bytes does not fit in {size} bytes")
    return raw.ljust(size, b"\x00")


def decode_an(data: bytes) -> str:
    """Text with the ``00`` padding removed (``FF`` padding too: blank cards hold FF)."""
    raw = data.rstrip(b"\x00").rstrip(b"\xff").rstrip(b"\x00")
    if not raw:
        return ""
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise CardContentError(f"text on the card is neither GBK nor GB18030: {raw.hex().upper()}") from exc


def split_text(text: str, first: int, second: int) -> tuple[bytes, bytes]:
    """Encode ``text`` and split it at a character boundary: at most ``first`` bytes, then the
    rest in at most ``second`` bytes (name tag 09 + extension 4E, card.md §2)."""
    head = bytearray()
    tail = bytearray()
    for ch in text:
        enc = encode_text(ch)
        if not tail and len(head) + len(enc) <= first:
            head += enc
        else:
            tail += enc
    if len(tail) > second:
        raise CardContentError(
            f"the name needs {len(head) + len(tail)} bytes; the card holds {first} + {second}"
        )
    return bytes(head), bytes(tail)
