"""Blank cards as a card factory initialises them (standard library only).

A blank card has the SSSE directory with EF05, EF06 and EF08. EF05 already holds what the
factory writes (01 card identification code, 03 spec version, 04 initialising institution);
every other element is blank (``cn`` elements ``FF``, ``an`` elements ``00``). The card keys are
the published test master keys diversified for this card (``scheme.card_key``).

Layouts differ in record order (so a reader that uses record numbers instead of tags fails):

- 1.0: EF06 without the name extension 4E;
- 2.0: 4E appended as the last EF06 record;
- 3.0: 4E right after the name, EF05 in another order, and EF06 readable only after external
  authentication with RKSSSE.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from station.card.emulator.card import KID_READ, KID_UPDATE, BinaryFile, CardState, KeyEntry, RecordFile
from station.card.emulator.ciphers import ALG_3DES, ALG_SM4, CardCipher, StdlibCipher
from station.card.emulator.scheme import card_key
from station.card.testkeys import TEST_MASTER_KEYS, USAGE_PIN, USAGE_READ, USAGE_UPDATE

__all__ = ["EF05_ELEMENTS", "EF06_ELEMENTS", "LAYOUTS", "PHOTO_FILE_SIZE", "Layout", "blank_card"]

FID_EF05, FID_EF06, FID_EF08 = 0xEF05, 0xEF06, 0xEF08
PHOTO_FILE_SIZE = 4096

# tag -> (format, bytes), card.md §2
EF05_ELEMENTS = {0x01: ("cn", 16), 0x02: ("an", 1), 0x03: ("an", 4), 0x04: ("cn", 12),
                 0x05: ("cn", 4), 0x06: ("cn", 4), 0x07: ("an", 9)}  # fmt: skip
EF06_ELEMENTS = {0x08: ("an", 18), 0x09: ("an", 30), 0x4E: ("an", 20), 0x0A: ("an", 1),
                 0x0B: ("cn", 1), 0x0C: ("cn", 3), 0x0D: ("cn", 4)}  # fmt: skip


@dataclass(frozen=True)
class Layout:
    version: bytes  # EF05 tag 03
    ef05: tuple[int, ...]  # tags in record order
    ef06: tuple[int, ...]
    ef06_read_key: int | None  # KID needed to read EF06


LAYOUTS: dict[str, Layout] = {
    "1.0": Layout(
        b"1.00", (0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07), (0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D), None
    ),
    "2.0": Layout(
        b"2.0\x00",
        (0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07),
        (0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x4E),
        None,
    ),
    "3.0": Layout(
        b"3.00",
        (0x01, 0x03, 0x02, 0x04, 0x07, 0x05, 0x06),
        (0x08, 0x09, 0x4E, 0x0A, 0x0B, 0x0C, 0x0D),
        KID_READ,
    ),
}


def _blank(fmt: str, size: int) -> bytes:
    return (b"\xff" if fmt == "cn" else b"\x00") * size


def _record(tag: int, value: bytes) -> bytearray:
    return bytearray(bytes((tag, len(value))) + value)


def blank_card(
    layout: str = "2.0",
    *,
    alg: int = ALG_3DES,
    city_code: str = "110000",
    serial: int | None = None,
    pin: str = "123456",
    master_keys: dict[str, bytes] | None = None,
    cipher: CardCipher | None = None,
    rng: Callable[[int], bytes] = os.urandom,
) -> CardState:
    """A freshly initialised, not yet personalised card."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown card layout {layout!r} (known: {', '.join(LAYOUTS)})")
    if alg not in (ALG_3DES, ALG_SM4):
        raise ValueError(f"algorithm {alg:02X} is not emulated")
    city = city_code.ljust(6, "0")[:6]
    if not city.isdigit():
        raise ValueError(f"city code {city_code!r} is not digits")
    spec = LAYOUTS[layout]
    cipher = cipher or StdlibCipher()
    masters = master_keys or TEST_MASTER_KEYS
    if serial is None:
        serial = int.from_bytes(rng(4), "big") % 100_000_000
    serial8 = f"{serial:08d}"
    auth8 = rng(4).hex().upper()
    card_id = city + "D156000005" + serial8 + auth8
    version_byte = {"1.0": 0x10, "2.0": 0x20, "3.0": 0x30}[layout]
    historical = bytes((0x00, 0x53, 0x53, 0x43, version_byte, alg, 0x00))
    historical += bytes.fromhex(city[:4]) + serial.to_bytes(4, "big")
    atr = bytes((0x3B, 0x60 | len(historical), 0x00, 0x00)) + historical

    preset = {
        0x01: bytes.fromhex(card_id),
        0x03: spec.version,
        0x04: bytes.fromhex("9156000002" + city + serial8),
    }
    ef05 = [_record(t, preset.get(t) or _blank(*EF05_ELEMENTS[t])) for t in spec.ef05]
    ef06 = [_record(t, _blank(*EF06_ELEMENTS[t])) for t in spec.ef06]
    files: dict[int, RecordFile | BinaryFile] = {
        FID_EF05: RecordFile(FID_EF05, 0x05, ef05),
        FID_EF06: RecordFile(FID_EF06, 0x06, ef06, read_key=spec.ef06_read_key),
        FID_EF08: BinaryFile(FID_EF08, 0x08, bytearray(PHOTO_FILE_SIZE)),
    }

    def key(usage: str) -> bytes:
        return card_key(cipher, alg, masters[usage], card_id, historical)

    return CardState(
        layout=layout,
        atr=atr,
        alg=alg,
        files=files,
        keys={KID_UPDATE: KeyEntry(key(USAGE_UPDATE)), KID_READ: KeyEntry(key(USAGE_READ))},
        reload_key=key(USAGE_PIN),
        pin=pin,
    )
