"""The in-process fake of ``CardConnection``: the emulated card without pcscd, for fast tests
and the demo. A torn card (``CardVanished``) becomes ``CardRemoved``, as through a reader."""

from __future__ import annotations

from station.card.emulator.card import CardVanished, SsseCard
from station.card.errors import CardRemoved, NoCard

__all__ = ["EmulatorConnection"]


class EmulatorConnection:
    """``station.card.transport.CardConnection`` over an ``SsseCard`` in this process."""

    def __init__(self, card: SsseCard, reader: str = "Emulator 00 00") -> None:
        if not card.present:
            raise NoCard(reader)
        self.card = card
        self.reader = reader
        self._atr = card.reset()
        self.closed = False

    @property
    def atr(self) -> bytes:
        return self._atr

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        if self.closed:
            raise CardRemoved("the card connection is closed")
        try:
            response = self.card.process(apdu)
        except CardVanished as exc:
            raise CardRemoved() from exc
        return response[:-2], int.from_bytes(response[-2:], "big")

    def close(self) -> None:
        self.closed = True
