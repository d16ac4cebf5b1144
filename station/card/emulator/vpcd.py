"""The vpcd wire protocol (card.md §7): the emulated card joins pcscd's vpcd reader driver.

The driver listens on TCP (localhost:35963 for "Virtual PCD 00 00"); the card connects. Each
message is a 2-byte big-endian length and a payload. A 1-byte payload is a control message:
``00`` power off, ``01`` power on, ``02`` reset, ``04`` get ATR (the only one answered);
anything longer is a command APDU, answered with the response APDU.

Standard library only. The answer goes out in one ``sendall`` with ``TCP_NODELAY``, and the card
acknowledges at once (``TCP_QUICKACK``): otherwise Nagle's algorithm and delayed ACKs add about
40 ms to every APDU.

Tearing: when the card raises ``CardVanished`` the connection is closed (vpcd reports the card
removed). With ``reinsert_after`` the same card, tearing disarmed, connects again after that
many seconds, as if the holder put it back.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time

from station.card.emulator.card import CardVanished, SsseCard

__all__ = ["DEFAULT_PORT", "VpcdCard", "read_message"]

DEFAULT_PORT = 35963
log = logging.getLogger("station.card.emulator")

CTRL_OFF, CTRL_ON, CTRL_RESET, CTRL_ATR = 0x00, 0x01, 0x02, 0x04


def _quickack(sock: socket.socket) -> None:
    opt = getattr(socket, "TCP_QUICKACK", None)
    if opt is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, opt, 1)


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        _quickack(sock)
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("vpcd closed the connection")
        buf += chunk
    return bytes(buf)


def read_message(sock: socket.socket) -> bytes:
    length = int.from_bytes(_recv_exact(sock, 2), "big")
    return _recv_exact(sock, length) if length else b""


class VpcdCard:
    """Present ``card`` to the vpcd driver at ``host:port`` until ``stop()``."""

    def __init__(
        self,
        card: SsseCard,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        *,
        reinsert_after: float | None = None,
        connect_timeout: float = 10.0,
    ) -> None:
        self.card = card
        self.host = host
        self.port = port
        self.reinsert_after = reinsert_after
        self.connect_timeout = connect_timeout
        self.insertions = 0
        self.connected = threading.Event()
        self._stop = threading.Event()
        self._present = threading.Event()
        self._present.set()
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    # --- lifecycle ------------------------------------------------------------------------------

    def start(self) -> VpcdCard:
        """Serve in a daemon thread; returns once the card is connected to the driver."""
        self._thread = threading.Thread(target=self.serve, name="vpcd-card", daemon=True)
        self._thread.start()
        if not self.connected.wait(self.connect_timeout):
            self.stop()
            raise ConnectionError(f"could not reach vpcd at {self.host}:{self.port}")
        return self

    @property
    def serving(self) -> bool:
        """Whether the serve thread runs."""
        return self._thread is not None and self._thread.is_alive()

    def stop(self) -> None:
        """Take the card out and end ``serve``."""
        self._stop.set()
        self._present.set()  # wake a loop waiting for insertion
        self._disconnect()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(5)

    def remove(self) -> None:
        """Pull the card out (it stays out until ``insert``)."""
        self._present.clear()
        self._disconnect()

    def insert(self, *, tear_after: int | None = None, wait: bool = True) -> None:
        """Put the card (back) in; ``tear_after`` arms tearing again, counted from now."""
        self.card.present = True
        self.card.apdu_count = 0
        self.card.tear_after = tear_after
        self.card.reset()
        self._present.set()
        if wait and not self.connected.wait(self.connect_timeout):
            raise ConnectionError(f"could not reach vpcd at {self.host}:{self.port}")

    def _disconnect(self) -> None:
        with self._lock:
            sock, self._sock = self._sock, None
        self.connected.clear()
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _connect(self) -> socket.socket | None:
        deadline = time.monotonic() + self.connect_timeout
        while not self._stop.is_set():
            try:
                sock = socket.create_connection((self.host, self.port), timeout=2)
            except OSError:
                if time.monotonic() > deadline:
                    return None
                time.sleep(0.05)
                continue
            sock.settimeout(None)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self._sock = sock
            self.insertions += 1
            self.connected.set()
            log.info("card inserted into vpcd at %s:%s", self.host, self.port)
            return sock
        return None

    # --- the protocol ---------------------------------------------------------------------------

    def serve(self) -> None:
        while not self._stop.is_set():
            self._present.wait()
            if self._stop.is_set():
                return
            sock = self._connect()
            if sock is None:
                return
            vanished = self._serve_connection(sock)
            self._disconnect()
            if vanished:
                self._present.clear()
                if self.reinsert_after is not None and not self._stop.wait(self.reinsert_after):
                    self.insert(wait=False)
            elif self._present.is_set():
                self._stop.wait(0.05)  # the driver went away: try again until stopped

    def _serve_connection(self, sock: socket.socket) -> bool:
        """Answer messages until the connection ends; True when the card vanished (tearing)."""
        try:
            while True:
                msg = read_message(sock)
                if len(msg) == 1:
                    if msg[0] == CTRL_ATR:
                        reply = self.card.atr
                    else:
                        if msg[0] in (CTRL_ON, CTRL_RESET):
                            self.card.reset()
                        continue
                else:
                    try:
                        reply = self.card.process(msg)
                    except CardVanished:
                        log.info("card vanished after %s APDUs", self.card.apdu_count)
                        return True
                sock.sendall(len(reply).to_bytes(2, "big") + reply)
        except (ConnectionError, OSError):
            return False
