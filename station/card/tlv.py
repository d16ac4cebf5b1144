"""TLV building and parsing.

Two flavours are needed (card.md §1-2):

- *simple* TLV: one tag byte, one length byte, the value. Every SSSE record is one of these.
- BER-TLV (ISO 7816-4 / X.690): multi-byte tags (``9F0C``), constructed tags (``6F``, ``A5``)
  and long lengths (``81 xx``, ``82 xx xx``). The FCI returned by SELECT is one of these.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from station.card.errors import CommunicationError

__all__ = ["Tlv", "ber_encode", "ber_find", "ber_parse", "simple_encode", "simple_parse", "simple_parse_one"]


@dataclass(frozen=True)
class Tlv:
    tag: int
    value: bytes

    @property
    def constructed(self) -> bool:
        first = self.tag
        while first > 0xFF:
            first >>= 8
        return bool(first & 0x20)

    def children(self) -> list[Tlv]:
        return ber_parse(self.value) if self.constructed else []


# --- simple TLV (records) ---------------------------------------------------------------------


def simple_encode(tag: int, value: bytes) -> bytes:
    if not 0 <= tag <= 0xFF:
        raise ValueError(f"simple TLV tag {tag:#x} is not one byte")
    if len(value) > 0xFF:
        raise ValueError(f"simple TLV value of {len(value)} bytes is longer than 255")
    return bytes((tag, len(value))) + value


def simple_parse_one(data: bytes) -> Tlv:
    """The single TLV of a record; trailing padding (``00``/``FF``) after it is ignored."""
    if len(data) < 2:
        raise CommunicationError(f"record of {len(data)} bytes is too short for a TLV")
    tag, length = data[0], data[1]
    if len(data) < 2 + length:
        raise CommunicationError(f"record TLV {tag:02X} says {length} bytes but has {len(data) - 2}")
    return Tlv(tag, bytes(data[2 : 2 + length]))


def simple_parse(data: bytes) -> list[Tlv]:
    out: list[Tlv] = []
    i = 0
    while i < len(data):
        if data[i] in (0x00, 0xFF):  # padding between or after objects
            i += 1
            continue
        if i + 2 > len(data):
            raise CommunicationError("truncated simple TLV")
        tag, length = data[i], data[i + 1]
        if i + 2 + length > len(data):
            raise CommunicationError(f"simple TLV {tag:02X} runs past the end of the data")
        out.append(Tlv(tag, bytes(data[i + 2 : i + 2 + length])))
        i += 2 + length
    return out


# --- BER-TLV ----------------------------------------------------------------------------------


def _read_tag(data: bytes, i: int) -> tuple[int, int]:
    if i >= len(data):
        raise CommunicationError("truncated BER-TLV tag")
    tag = data[i]
    i += 1
    if tag & 0x1F == 0x1F:  # subsequent tag bytes follow
        while True:
            if i >= len(data):
                raise CommunicationError("truncated BER-TLV tag")
            b = data[i]
            tag = (tag << 8) | b
            i += 1
            if not b & 0x80:
                break
    return tag, i


def _read_length(data: bytes, i: int) -> tuple[int, int]:
    if i >= len(data):
        raise CommunicationError("truncated BER-TLV length")
    first = data[i]
    i += 1
    if first < 0x80:
        return first, i
    n = first & 0x7F
    if n == 0 or n > 3 or i + n > len(data):
        raise CommunicationError(f"unsupported BER-TLV length byte {first:02X}")
    return int.from_bytes(data[i : i + n], "big"), i + n


def ber_parse(data: bytes) -> list[Tlv]:
    out: list[Tlv] = []
    i = 0
    while i < len(data):
        if data[i] in (0x00, 0xFF):
            i += 1
            continue
        tag, i = _read_tag(data, i)
        length, i = _read_length(data, i)
        if i + length > len(data):
            raise CommunicationError(f"BER-TLV {tag:X} runs past the end of the data")
        out.append(Tlv(tag, bytes(data[i : i + length])))
        i += length
    return out


def _walk(items: list[Tlv]) -> Iterator[Tlv]:
    for t in items:
        yield t
        if t.constructed:
            yield from _walk(t.children())


def ber_find(data: bytes | list[Tlv], tag: int) -> bytes | None:
    """The value of the first ``tag`` anywhere in the tree, depth first."""
    items = ber_parse(data) if isinstance(data, bytes | bytearray) else data
    for t in _walk(items):
        if t.tag == tag:
            return t.value
    return None


def _encode_length(n: int) -> bytes:
    if n < 0x80:
        return bytes((n,))
    if n <= 0xFF:
        return bytes((0x81, n))
    if n <= 0xFFFF:
        return bytes((0x82,)) + n.to_bytes(2, "big")
    raise ValueError(f"BER-TLV value of {n} bytes is too long")


def ber_encode(tag: int, value: bytes) -> bytes:
    tag_bytes = tag.to_bytes(max(1, (tag.bit_length() + 7) // 8), "big")
    return tag_bytes + _encode_length(len(value)) + value
