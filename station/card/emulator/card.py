"""An emulated social security card: the SSSE file system and its commands (card.md §2-3).

Standard library only. ``CardState`` is what a card remembers (files, keys, PIN, try
counters; saved as JSON so a card "re-inserted" into another process is the same card);
``SsseCard`` is the chip: it answers command APDUs (``process``) and loses its volatile state
(selected file, security status, challenge) on reset.

Tearing: with ``tear_after=N`` the card answers N APDUs and then vanishes: the next APDU raises
``CardVanished``; if that APDU is a write, the first half of its data reaches the file first
(``tear_partial``), as when a card is pulled out mid-write.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from station.card.emulator.ciphers import CardCipher, StdlibCipher
from station.card.emulator.scheme import cryptogram, pin_mac
from station.files import write_text_atomic

__all__ = [
    "AID_SSSE",
    "BinaryFile",
    "CardState",
    "CardVanished",
    "KeyEntry",
    "RecordFile",
    "SsseCard",
]

AID_SSSE = bytes.fromhex("7378312E73682EC9E7BBE1B1A3D5CF")
FID_MF = 0x3F00
KID_UPDATE = 0x04
KID_READ = 0x05


class CardVanished(Exception):
    """The card left the reader (tearing)."""


@dataclass
class RecordFile:
    fid: int
    sfi: int
    records: list[bytearray]  # each a whole fixed-length simple TLV
    read_key: int | None = None  # KID whose external authentication allows reading; None = free
    write_key: int | None = KID_UPDATE

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "record",
            "sfi": self.sfi,
            "records": [r.hex().upper() for r in self.records],
            "read_key": self.read_key,
            "write_key": self.write_key,
        }


@dataclass
class BinaryFile:
    fid: int
    sfi: int
    data: bytearray
    read_key: int | None = None
    write_key: int | None = KID_UPDATE

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "binary",
            "sfi": self.sfi,
            "data": self.data.hex().upper(),
            "read_key": self.read_key,
            "write_key": self.write_key,
        }


@dataclass
class KeyEntry:
    key: bytes
    tries_left: int = 5
    max_tries: int = 5


@dataclass
class CardState:
    """Everything the card keeps without power."""

    layout: str
    atr: bytes
    alg: int
    files: dict[int, RecordFile | BinaryFile]
    keys: dict[int, KeyEntry]  # KID -> external authentication key
    reload_key: bytes  # MAC key of PIN unblock / reload
    pin: str
    pin_tries_left: int = 3
    pin_max_tries: int = 3
    version: int = 1

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "layout": self.layout,
            "atr": self.atr.hex().upper(),
            "alg": self.alg,
            "files": {f"{fid:04X}": f.to_json() for fid, f in self.files.items()},
            "keys": {
                f"{kid:02X}": {
                    "key": k.key.hex().upper(),
                    "tries_left": k.tries_left,
                    "max_tries": k.max_tries,
                }
                for kid, k in self.keys.items()
            },
            "reload_key": self.reload_key.hex().upper(),
            "pin": self.pin,
            "pin_tries_left": self.pin_tries_left,
            "pin_max_tries": self.pin_max_tries,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> CardState:
        files: dict[int, RecordFile | BinaryFile] = {}
        for fid_hex, f in raw["files"].items():
            fid = int(fid_hex, 16)
            if f["kind"] == "record":
                files[fid] = RecordFile(
                    fid, f["sfi"], [bytearray.fromhex(r) for r in f["records"]], f["read_key"], f["write_key"]
                )
            else:
                files[fid] = BinaryFile(
                    fid, f["sfi"], bytearray.fromhex(f["data"]), f["read_key"], f["write_key"]
                )
        keys = {
            int(kid, 16): KeyEntry(bytes.fromhex(k["key"]), k["tries_left"], k["max_tries"])
            for kid, k in raw["keys"].items()
        }
        return cls(
            layout=raw["layout"],
            atr=bytes.fromhex(raw["atr"]),
            alg=raw["alg"],
            files=files,
            keys=keys,
            reload_key=bytes.fromhex(raw["reload_key"]),
            pin=raw["pin"],
            pin_tries_left=raw["pin_tries_left"],
            pin_max_tries=raw["pin_max_tries"],
            version=raw.get("version", 1),
        )

    def save(self, path: str | os.PathLike[str]) -> None:
        write_text_atomic(path, json.dumps(self.to_json(), indent=1))

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> CardState:
        with Path(path).open(encoding="utf-8") as fh:
            return cls.from_json(json.load(fh))

    def record_value(self, fid: int, tag: int) -> bytes | None:
        """The value of record ``tag`` in file ``fid`` (for tests and the demo)."""
        f = self.files.get(fid)
        if isinstance(f, RecordFile):
            for r in f.records:
                if r[0] == tag:
                    return bytes(r[2 : 2 + r[1]])
        return None


def _sw(sw: int, data: bytes = b"") -> bytes:
    return data + sw.to_bytes(2, "big")


def _bcd_pin(data: bytes) -> str | None:
    digits = data.hex().upper().rstrip("F")
    if not 4 <= len(digits) <= 12 or not digits.isdigit():
        return None
    return digits


@dataclass
class _Volatile:
    df: int = FID_MF  # FID_MF or 0 for SSSE (selected by name)
    ef: int | None = None
    authenticated: set[int] = field(default_factory=set)
    challenge: bytes | None = None
    pending: bytes = b""  # response waiting for GET RESPONSE


class SsseCard:
    """The chip. ``process(apdu) -> response`` (data + status word)."""

    SSSE = 0  # the DF id used for the SSSE directory in ``_Volatile.df``

    def __init__(
        self,
        state: CardState,
        *,
        cipher: CardCipher | None = None,
        rng: Callable[[int], bytes] = os.urandom,
        tear_after: int | None = None,
        tear_partial: bool = True,
        on_change: Callable[[CardState], None] | None = None,
    ) -> None:
        self.state = state
        self.cipher: CardCipher = cipher or StdlibCipher()
        self.rng = rng
        self.tear_after = tear_after
        self.tear_partial = tear_partial
        self.on_change = on_change  # called after every change to the persistent state
        self.apdu_count = 0
        self.present = True
        self.commands: list[bytes] = []  # headers (CLA INS P1 P2) of the APDUs answered
        self._v = _Volatile()

    # --- power ----------------------------------------------------------------------------------

    @property
    def atr(self) -> bytes:
        return self.state.atr

    def reset(self) -> bytes:
        self._v = _Volatile()
        return self.state.atr

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change(self.state)

    # --- dispatch -------------------------------------------------------------------------------

    def process(self, apdu: bytes) -> bytes:
        if not self.present:
            raise CardVanished("the card is gone")
        if self.tear_after is not None and self.apdu_count >= self.tear_after:
            self.present = False
            if self.tear_partial:
                self._partial_write(apdu)
            raise CardVanished(f"card torn away after {self.apdu_count} APDUs")
        self.apdu_count += 1
        self.commands.append(apdu[:4])
        if len(apdu) < 4:
            return _sw(0x6700)
        challenge, self._v.challenge = self._v.challenge, None
        try:
            cla, ins, p1, p2, data, le = self._parse(apdu)
        except ValueError:
            return _sw(0x6700)
        if ins != 0xC0:
            self._v.pending = b""
        handler = self._HANDLERS.get(ins)
        if handler is None:
            return _sw(0x6D00)
        if cla != self._CLA.get(ins, 0x00):
            return _sw(0x6E00)
        return handler(self, p1, p2, data, le, challenge)

    _CLA: ClassVar[dict[int, int]] = {0x5E: 0x80, 0x24: 0x84}

    @staticmethod
    def _parse(apdu: bytes) -> tuple[int, int, int, int, bytes, int | None]:
        cla, ins, p1, p2 = apdu[:4]
        body = apdu[4:]
        if not body:
            return cla, ins, p1, p2, b"", None
        if len(body) == 1:
            return cla, ins, p1, p2, b"", body[0] or 256
        lc = body[0]
        if lc and len(body) == 1 + lc:
            return cla, ins, p1, p2, bytes(body[1:]), None
        if lc and len(body) == 2 + lc:
            return cla, ins, p1, p2, bytes(body[1 : 1 + lc]), body[-1] or 256
        raise ValueError("bad APDU length")

    def _partial_write(self, apdu: bytes) -> None:
        try:
            _cla, ins, p1, p2, data, _le = self._parse(apdu)
        except ValueError:
            return
        half = data[: len(data) // 2]
        f = self._current_ef()
        if ins == 0xD6 and isinstance(f, BinaryFile) and not p1 & 0x80:
            off = (p1 << 8) | p2
            if off + len(half) <= len(f.data):
                f.data[off : off + len(half)] = half
            self._changed()
        elif ins == 0xDC and isinstance(f, RecordFile) and p2 & 0x07 == 0x04 and 1 <= p1 <= len(f.records):
            rec = f.records[p1 - 1]
            if len(data) == len(rec) and data[0] == rec[0]:
                rec[: len(half)] = half
                self._changed()

    def _respond(self, data: bytes, le: int | None) -> bytes:
        """Answer with data now (Le given) or through 61xx + GET RESPONSE (no Le)."""
        if le is None and data:
            self._v.pending = data
            return _sw(0x6100 | (len(data) & 0xFF))
        if le is not None and le < len(data):
            return _sw(0x6C00 | (len(data) & 0xFF))
        return _sw(0x9000, data)

    # --- files ----------------------------------------------------------------------------------

    def _current_ef(self) -> RecordFile | BinaryFile | None:
        if self._v.df != self.SSSE or self._v.ef is None:
            return None
        return self.state.files.get(self._v.ef)

    def _by_sfi(self, sfi: int) -> RecordFile | BinaryFile | None:
        if self._v.df != self.SSSE:
            return None
        for fid, f in self.state.files.items():
            if f.sfi == sfi:
                self._v.ef = fid
                return f
        return None

    def _fci(self) -> bytes:
        name = bytes((0x84, len(AID_SSSE))) + AID_SSSE
        prop = bytes((0x88, 0x01, 0x01)) + bytes((0x9F, 0x0C, 0x03)) + self.state.atr[-3:]
        prop += bytes((0x86, 0x01, self.state.alg))
        a5 = bytes((0xA5, len(prop))) + prop
        body = name + a5
        return bytes((0x6F, len(body))) + body

    def _fcp(self, fid: int, f: RecordFile | BinaryFile) -> bytes:
        if isinstance(f, BinaryFile):
            size, desc = len(f.data), b"\x01"
        else:
            size, desc = (
                sum(len(r) for r in f.records),
                bytes((0x04, 0x00, max(len(r) for r in f.records), len(f.records))),
            )
        body = bytes((0x80, 0x02)) + size.to_bytes(2, "big")
        body += bytes((0x82, len(desc))) + desc + bytes((0x83, 0x02)) + fid.to_bytes(2, "big")
        body += bytes((0x88, 0x01, f.sfi))
        return bytes((0x62, len(body))) + body

    def _select(self, p1: int, p2: int, data: bytes, le: int | None, _ch: bytes | None) -> bytes:
        v = self._v
        if p1 == 0x04:
            if data != AID_SSSE:
                return _sw(0x6A82)
            if v.df != self.SSSE:
                v.authenticated = set()
            v.df, v.ef = self.SSSE, None
            return self._respond(self._fci(), le) if p2 & 0x0C != 0x0C else _sw(0x9000)
        if p1 in (0x00, 0x02) and len(data) == 2:
            fid = int.from_bytes(data, "big")
            if fid == FID_MF:
                v.df, v.ef, v.authenticated = FID_MF, None, set()
                return _sw(0x9000)
            f = self.state.files.get(fid) if v.df == self.SSSE else None
            if f is None:
                return _sw(0x6A82)
            v.ef = fid
            return self._respond(self._fcp(fid, f), le) if p2 & 0x0C != 0x0C else _sw(0x9000)
        return _sw(0x6A86)

    def _can(self, key: int | None) -> bool:
        return key is None or key in self._v.authenticated

    def _read_record(self, p1: int, p2: int, _data: bytes, le: int | None, _ch: bytes | None) -> bytes:
        sfi = p2 >> 3
        f = self._by_sfi(sfi) if sfi else self._current_ef()
        if f is None:
            return _sw(0x6A82 if sfi else 0x6986)
        if not isinstance(f, RecordFile):
            return _sw(0x6981)
        if not self._can(f.read_key):
            return _sw(0x6982)
        mode = p2 & 0x07
        if mode == 0x04:
            if not 1 <= p1 <= len(f.records):
                return _sw(0x6A83)
            rec = f.records[p1 - 1]
        elif mode == 0x00:
            found = [r for r in f.records if r[0] == p1]
            if not found:
                return _sw(0x6A83)
            rec = found[0]
        else:
            return _sw(0x6A86)
        data = bytes(rec)
        if le is not None and le != 256 and le != len(data):
            return _sw(0x6C00 | len(data))
        return _sw(0x9000, data)

    def _update_record(self, p1: int, p2: int, data: bytes, _le: int | None, _ch: bytes | None) -> bytes:
        sfi = p2 >> 3
        f = self._by_sfi(sfi) if sfi else self._current_ef()
        if f is None:
            return _sw(0x6A82 if sfi else 0x6986)
        if not isinstance(f, RecordFile):
            return _sw(0x6981)
        if not self._can(f.write_key):
            return _sw(0x6982)
        mode = p2 & 0x07
        if mode == 0x04 and 1 <= p1 <= len(f.records):
            rec = f.records[p1 - 1]
        elif mode == 0x00:
            found = [r for r in f.records if r[0] == p1]
            if not found:
                return _sw(0x6A83)
            rec = found[0]
        else:
            return _sw(0x6A83)
        if len(data) != len(rec):
            return _sw(0x6700)
        if data[0] != rec[0] or data[1] != len(data) - 2:
            return _sw(0x6A80)
        rec[:] = data
        self._changed()
        return _sw(0x9000)

    def _binary_target(self, p1: int, p2: int) -> tuple[BinaryFile | RecordFile | None, int]:
        if p1 & 0x80:
            return self._by_sfi(p1 & 0x1F), p2
        return self._current_ef(), (p1 << 8) | p2

    def _read_binary(self, p1: int, p2: int, _data: bytes, le: int | None, _ch: bytes | None) -> bytes:
        f, off = self._binary_target(p1, p2)
        if f is None:
            return _sw(0x6986)
        if not isinstance(f, BinaryFile):
            return _sw(0x6981)
        if not self._can(f.read_key):
            return _sw(0x6982)
        if off >= len(f.data):
            return _sw(0x6B00)
        n = 256 if le is None else le
        chunk = bytes(f.data[off : off + n])
        return _sw(0x9000 if len(chunk) == n else 0x6282, chunk)

    def _update_binary(self, p1: int, p2: int, data: bytes, _le: int | None, _ch: bytes | None) -> bytes:
        f, off = self._binary_target(p1, p2)
        if f is None:
            return _sw(0x6986)
        if not isinstance(f, BinaryFile):
            return _sw(0x6981)
        if not self._can(f.write_key):
            return _sw(0x6982)
        if not data:
            return _sw(0x6700)
        if off + len(data) > len(f.data):
            return _sw(0x6B00)
        f.data[off : off + len(data)] = data
        self._changed()
        return _sw(0x9000)

    # --- security -------------------------------------------------------------------------------

    def _get_challenge(self, _p1: int, _p2: int, _data: bytes, le: int | None, _ch: bytes | None) -> bytes:
        if le not in (4, 8, 16):
            return _sw(0x6700)
        ch = self.rng(le)
        self._v.challenge = ch
        return _sw(0x9000, ch)

    def _external_auth(self, _p1: int, p2: int, data: bytes, _le: int | None, ch: bytes | None) -> bytes:
        entry = self.state.keys.get(p2)
        if entry is None:
            return _sw(0x6A88)
        if entry.tries_left == 0:
            return _sw(0x6983)
        if ch is None:
            return _sw(0x6985)
        if len(data) < 8:
            return _sw(0x6700)
        if data[:8] == cryptogram(self.cipher, self.state.alg, entry.key, ch):
            entry.tries_left = entry.max_tries
            self._v.authenticated.add(p2)
            self._changed()
            return _sw(0x9000)
        entry.tries_left -= 1
        self._changed()
        return _sw(0x63C0 | entry.tries_left)

    def _verify(self, p1: int, p2: int, data: bytes, _le: int | None, _ch: bytes | None) -> bytes:
        if p1 != 0 or p2 != 0:
            return _sw(0x6A86)
        st = self.state
        if st.pin_tries_left == 0:
            return _sw(0x6983)
        if not data:
            return _sw(0x63C0 | st.pin_tries_left)
        pin = _bcd_pin(data)
        if pin is None:
            return _sw(0x6A80)
        return self._check_pin(pin)

    def _check_pin(self, pin: str) -> bytes:
        st = self.state
        if pin == st.pin:
            st.pin_tries_left = st.pin_max_tries
            self._changed()
            return _sw(0x9000)
        st.pin_tries_left -= 1
        self._changed()
        return _sw(0x63C0 | st.pin_tries_left)

    def _change_pin(self, p1: int, _p2: int, data: bytes, _le: int | None, _ch: bytes | None) -> bytes:
        if p1 != 0x01:
            return _sw(0x6A86)
        st = self.state
        if st.pin_tries_left == 0:
            return _sw(0x6983)
        if 0xFF not in data:
            return _sw(0x6A80)
        sep = data.index(0xFF)
        old, new = _bcd_pin(data[:sep]), _bcd_pin(data[sep + 1 :])
        if old is None or new is None:
            return _sw(0x6A80)
        answer = self._check_pin(old)
        if answer[-2:] != b"\x90\x00":
            return answer
        st.pin = new
        self._changed()
        return _sw(0x9000)

    def _pin_reset(self, p1: int, p2: int, data: bytes, _le: int | None, ch: bytes | None) -> bytes:
        if p1 != 0 or p2 not in (0, 1):
            return _sw(0x6A86)
        if ch is None:
            return _sw(0x6985)
        if len(data) < 4 + (2 if p2 else 0):
            return _sw(0x6700)
        body, mac = data[:-4], data[-4:]
        header = bytes((0x84, 0x24, p1, p2, len(data)))
        if mac != pin_mac(self.cipher, self.state.alg, self.state.reload_key, ch, header + body):
            return _sw(0x9302)
        st = self.state
        if p2 == 1:
            pin = _bcd_pin(body)
            if pin is None:
                return _sw(0x6A80)
            st.pin = pin
        st.pin_tries_left = st.pin_max_tries
        self._changed()
        return _sw(0x9000)

    def _get_response(self, _p1: int, _p2: int, _data: bytes, le: int | None, _ch: bytes | None) -> bytes:
        pending = self._v.pending
        if not pending:
            return _sw(0x6985)
        n = 256 if le is None else le
        chunk, rest = pending[:n], pending[n:]
        self._v.pending = rest
        if rest:
            return _sw(0x6100 | (len(rest) & 0xFF), chunk)
        return _sw(0x9000, chunk)

    _HANDLERS: ClassVar[dict[int, Callable[[SsseCard, int, int, bytes, int | None, bytes | None], bytes]]] = {
        0xA4: _select,
        0xB2: _read_record,
        0xDC: _update_record,
        0xB0: _read_binary,
        0xD6: _update_binary,
        0x84: _get_challenge,
        0x82: _external_auth,
        0x20: _verify,
        0x5E: _change_pin,
        0x24: _pin_reset,
        0xC0: _get_response,
    }
