"""PC/SC through pyscard: THE ONLY module that imports pyscard.

- ``list_readers``: the readers pcscd knows, with card presence and ATR, as plain ``ReaderInfo``.
- ``connect``: an exclusive connection to a reader's card, as a ``PcscConnection`` (which is a
  ``station.card.transport.CardConnection``).
- ``choose_reader`` / ``matching_readers``: which reader the ``reader`` setting designates (one
  rule, for the card operations and for the window that shows what they will use).
- ``ReaderMonitor``: a thread that reports card insertion/removal and readers coming and going
  through a callback with plain ``ReaderEvent`` values (the window wraps it in a Qt signal).

Virtual readers (vsmartcard's "Virtual PCD ..") are ignored unless allowed: a production
station must not take a card from them (platform-notes.md). PC/SC error codes become the
exceptions of ``station.card.errors`` here; nothing from pyscard leaves this module.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

from smartcard import scard

from station.card.errors import (
    CardError,
    CardRemoved,
    CommunicationError,
    NoCard,
    NoReader,
    ReaderBusy,
    ReaderNotFound,
)

__all__ = [
    "VIRTUAL_READER_PREFIX",
    "PcscConnection",
    "ReaderEvent",
    "ReaderInfo",
    "ReaderMonitor",
    "choose_reader",
    "connect",
    "is_virtual",
    "list_readers",
    "matching_readers",
]

log = logging.getLogger("station.card")

VIRTUAL_READER_PREFIX = "Virtual PCD"
_PNP = "\\\\?PnP?\\Notification"

_E_NO_SERVICE = 0x8010001D
_E_SERVICE_STOPPED = 0x8010001E
_E_NO_READERS = 0x8010002E
_E_UNKNOWN_READER = 0x80100009
_E_READER_UNAVAILABLE = 0x80100017
_E_NO_SMARTCARD = 0x8010000C
_W_REMOVED_CARD = 0x80100069
_W_UNRESPONSIVE_CARD = 0x80100066
_W_UNPOWERED_CARD = 0x80100067
_E_SHARING_VIOLATION = 0x8010000B
_W_RESET_CARD = 0x80100068
_F_COMM_ERROR = 0x80100013
_E_NOT_TRANSACTED = 0x80100016
_E_TIMEOUT = 0x8010000A
_E_CANCELLED = 0x80100002
_E_INVALID_HANDLE = 0x80100003

# SCardStatus dwState: pcsc-lite reports bit flags (pcsclite.h SCARD_PRESENT = 0x0004); WinSCard
# reports one number, SCARD_ABSENT = 1 and SCARD_PRESENT (2) .. SCARD_SPECIFIC (6) for a card.
_SCARD_PRESENT = 0x0004
_WIN_SCARD_PRESENT_MIN = 2
_SERVICE_DOWN = "the PC/SC service (pcscd) is not running"


def _code(hresult: Any) -> int:
    return int(hresult) & 0xFFFFFFFF


def _message(hresult: int) -> str:
    try:
        return str(scard.SCardGetErrorMessage(hresult))
    except Exception:  # pragma: no cover - pyscard always has it
        return f"PC/SC error {hresult:08X}"


def _fail(hresult: int, reader: str = "", *, transmitting: bool = False) -> CardError:
    code = _code(hresult)
    if code in (_E_NO_SERVICE, _E_SERVICE_STOPPED):
        return NoReader(_SERVICE_DOWN)
    if code == _E_NO_READERS:
        return NoReader()
    if code in (_E_UNKNOWN_READER, _E_READER_UNAVAILABLE):
        return ReaderNotFound(reader) if reader else NoReader()
    if code in (_E_NO_SMARTCARD, _W_REMOVED_CARD):
        return CardRemoved() if transmitting else NoCard(reader)
    if code in (_W_UNRESPONSIVE_CARD, _W_UNPOWERED_CARD):
        return CommunicationError(f"the card in {reader or 'the reader'} does not answer (insert it again)")
    if code == _E_SHARING_VIOLATION:
        return ReaderBusy(reader)
    if code == _W_RESET_CARD:
        return CommunicationError("another program reset the card; start again")
    return CommunicationError(f"card reader error: {_message(code)}")


def is_virtual(name: str) -> bool:
    return name.startswith(VIRTUAL_READER_PREFIX)


@dataclass(frozen=True)
class ReaderInfo:
    name: str
    virtual: bool
    card_present: bool
    atr: bytes | None


@dataclass(frozen=True)
class ReaderEvent:
    kind: Literal["inserted", "removed", "reader_added", "reader_removed"]
    reader: str
    atr: bytes | None = None


@contextmanager
def _context() -> Iterator[Any]:
    hr, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if _code(hr) != 0:
        raise _fail(hr)
    try:
        yield ctx
    finally:
        scard.SCardReleaseContext(ctx)


def _readers(ctx: Any) -> list[str]:
    hr, names = scard.SCardListReaders(ctx, [])
    code = _code(hr)
    if code == _E_NO_READERS:
        return []
    if code != 0:
        raise _fail(hr)
    return [str(n) for n in names]


def _states(ctx: Any, names: list[str]) -> dict[str, tuple[int, bytes | None]]:
    if not names:
        return {}
    hr, states = scard.SCardGetStatusChange(ctx, 0, [(n, scard.SCARD_STATE_UNAWARE) for n in names])
    if _code(hr) not in (0, _E_TIMEOUT):
        raise _fail(hr)
    out: dict[str, tuple[int, bytes | None]] = {}
    for name, state, atr in states:
        out[str(name)] = (int(state), bytes(atr) if atr else None)
    return out


def list_readers(*, allow_virtual: bool = False) -> list[ReaderInfo]:
    """Readers with their card state; virtual ones only when allowed. [] when none."""
    with _context() as ctx:
        names = [n for n in _readers(ctx) if allow_virtual or not is_virtual(n)]
        states = _states(ctx, names)
    out = []
    for n in names:
        state, atr = states.get(n, (0, None))
        present = bool(state & scard.SCARD_STATE_PRESENT) and not state & scard.SCARD_STATE_MUTE
        out.append(ReaderInfo(n, is_virtual(n), present, atr if present else None))
    return out


def matching_readers(name: str | None, readers: Iterable[str], *, allow_virtual: bool = False) -> list[str]:
    """The readers that the reader setting ``name`` designates among ``readers`` (names, in
    order): the one rule of ``choose_reader``, for anyone who shows which reader the card
    operations will use (the window's card desk watches these).

    Virtual readers count only when ``allow_virtual``: switched off, they are not there (as in
    ``list_readers`` and ``ReaderMonitor``). Then, with no ``name``: every reader
    (``choose_reader`` takes the first holding a card). With a ``name``: the reader named exactly,
    else THE reader whose name contains ``name`` (any case); when several do, the setting is
    ambiguous and designates none (``choose_reader``: ReaderNotFound). So the result has at most
    one reader when ``name`` is set."""
    usable = [r for r in readers if allow_virtual or not is_virtual(r)]
    if not name:
        return usable
    if name in usable:
        return [name]
    part = [r for r in usable if name.lower() in r.lower()]
    return part if len(part) == 1 else []


def choose_reader(name: str | None = None, *, allow_virtual: bool = False) -> str:
    """The reader to use: the one ``matching_readers`` designates by ``name`` (exact, or a
    unique part of a name), else the first reader holding a card, else the first reader.
    Raises NoReader / ReaderNotFound."""
    readers = list_readers(allow_virtual=True)
    names = [r.name for r in readers]
    chosen = matching_readers(name, names, allow_virtual=allow_virtual)
    if name:
        if chosen:
            return chosen[0]
        virtual = [n for n in matching_readers(name, names, allow_virtual=True) if is_virtual(n)]
        if virtual:  # the setting names a virtual reader, which is switched off: say so
            raise NoReader(
                f"card reader {virtual[0]!r} is virtual; virtual readers are for tests and "
                "training only (setting allow_virtual_readers)"
            )
        raise ReaderNotFound(name)
    if not chosen:
        if readers:
            raise NoReader("no card reader found (only virtual readers, which are switched off)")
        raise NoReader()
    with_card = {r.name for r in readers if r.card_present}
    return next((n for n in chosen if n in with_card), chosen[0])


class PcscConnection:
    """An exclusive connection to the card in one reader (a ``CardConnection``)."""

    def __init__(self, reader: str, *, exclusive: bool = True) -> None:
        self.reader = reader
        hr, self._ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if _code(hr) != 0:
            raise _fail(hr, reader)
        share = scard.SCARD_SHARE_EXCLUSIVE if exclusive else scard.SCARD_SHARE_SHARED
        hr, self._card, self._protocol = scard.SCardConnect(
            self._ctx, reader, share, scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1
        )
        if _code(hr) != 0:
            scard.SCardReleaseContext(self._ctx)
            raise _fail(hr, reader)
        hr, _name, _state, _proto, atr = scard.SCardStatus(self._card)
        if _code(hr) != 0:
            self.close()
            raise _fail(hr, reader)
        self._atr = bytes(atr)
        self._closed = False
        log.info("connected to the card in %s (ATR %s)", reader, self._atr.hex().upper())

    @property
    def atr(self) -> bytes:
        return self._atr

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        if self._closed:
            raise CardRemoved("the card connection is closed")
        hr, response = scard.SCardTransmit(self._card, self._protocol, list(apdu))
        code = _code(hr)
        if code != 0:
            if code in (_F_COMM_ERROR, _E_NOT_TRANSACTED, _E_INVALID_HANDLE) and not self._card_present():
                raise CardRemoved()
            raise _fail(hr, self.reader, transmitting=True)
        if len(response) < 2:
            # vpcd (and some readers) answer nothing when the card has just gone.
            if self._wait_absent(0.5):
                raise CardRemoved()
            raise CommunicationError("the card answered without a status word")
        return bytes(response[:-2]), (response[-2] << 8) | response[-1]

    def _wait_absent(self, timeout: float) -> bool:
        end = time.monotonic() + timeout
        while True:
            if not self._card_present():
                return True
            if time.monotonic() >= end:
                return False
            time.sleep(0.02)

    def _card_present(self) -> bool:
        hr, _name, state, _proto, _atr = scard.SCardStatus(self._card)
        if _code(hr) != 0:
            return False
        if sys.platform == "win32":
            return int(state) >= _WIN_SCARD_PRESENT_MIN
        return bool(state & _SCARD_PRESENT)

    def close(self) -> None:
        if getattr(self, "_closed", False):
            return
        self._closed = True
        try:
            scard.SCardDisconnect(self._card, scard.SCARD_LEAVE_CARD)
        finally:
            scard.SCardReleaseContext(self._ctx)

    def __enter__(self) -> PcscConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def connect(
    reader: str | None = None, *, allow_virtual: bool = False, exclusive: bool = True
) -> PcscConnection:
    """Connect to the card in ``reader`` (or the reader ``choose_reader`` picks)."""
    name = choose_reader(reader, allow_virtual=allow_virtual)
    return PcscConnection(name, exclusive=exclusive)


class ReaderMonitor:
    """Reports card and reader changes to ``callback`` from its own thread until ``stop()``.

    The callback runs on the monitor thread: a window must hand the event to its own thread
    (a queued signal). Events for virtual readers are dropped unless allowed. The first scan
    reports the cards already present as ``inserted``.
    """

    def __init__(
        self,
        callback: Callable[[ReaderEvent], None],
        *,
        allow_virtual: bool = False,
        poll_ms: int = 500,
    ) -> None:
        self.callback = callback
        self.allow_virtual = allow_virtual
        self.poll_ms = poll_ms
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._ctx: Any = None
        self.error: CardError | None = None

    def start(self) -> ReaderMonitor:
        self._thread = threading.Thread(target=self._run, name="card-monitor", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        ctx = self._ctx
        if ctx is not None:
            scard.SCardCancel(ctx)
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(5)

    def _emit(self, event: ReaderEvent) -> None:
        if is_virtual(event.reader) and not self.allow_virtual:
            return
        try:
            self.callback(event)
        except Exception:
            log.exception("card monitor callback failed")

    def _run(self) -> None:
        try:
            with _context() as ctx:
                self._ctx = ctx
                self._loop(ctx)
        except CardError as exc:
            self.error = exc
            log.warning("card monitor stopped: %s", exc)
        finally:
            self._ctx = None

    def _loop(self, ctx: Any) -> None:
        known: dict[str, int] = {}  # reader -> last event state
        pnp_state = scard.SCARD_STATE_UNAWARE
        first = True
        while not self._stop.is_set():
            names = _readers(ctx)
            for gone in [n for n in known if n not in names]:
                if known.pop(gone) & scard.SCARD_STATE_PRESENT:
                    self._emit(ReaderEvent("removed", gone))
                self._emit(ReaderEvent("reader_removed", gone))
            for new in [n for n in names if n not in known]:
                known[new] = scard.SCARD_STATE_UNAWARE
                if not first:
                    self._emit(ReaderEvent("reader_added", new))
            first = False
            states = [(n, known[n]) for n in names] + [(_PNP, pnp_state)]
            hr, result = scard.SCardGetStatusChange(ctx, self.poll_ms, states)
            code = _code(hr)
            if code in (_E_TIMEOUT, _E_CANCELLED):
                continue
            if code == _E_UNKNOWN_READER:
                continue  # a reader vanished between listing and waiting
            if code != 0:
                raise _fail(hr)
            for raw_name, raw_state, atr in result:
                name = str(raw_name)
                state = int(raw_state) & ~scard.SCARD_STATE_CHANGED
                if name == _PNP:
                    pnp_state = state
                    continue
                if name not in known:
                    continue
                before = known[name]
                was = bool(before & scard.SCARD_STATE_PRESENT)
                now = bool(state & scard.SCARD_STATE_PRESENT)
                known[name] = state
                if now and not was:
                    self._emit(ReaderEvent("inserted", name, bytes(atr) if atr else None))
                elif was and not now:
                    self._emit(ReaderEvent("removed", name))
