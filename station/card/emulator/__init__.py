"""An emulator of the social security card, standard library only (card.md §7).

- ``card``: the chip (``SsseCard``) and what it remembers (``CardState``, JSON-saveable).
- ``factory.blank_card``: a blank card in the 1.0, 2.0 or 3.0 layout, keys from the published
  test master keys.
- ``ciphers``: DES/3DES and SM4 in pure Python, behind the ``CardCipher`` interface. The crypto
  is pluggable (``SsseCard(cipher=...)``), but the default needs nothing outside the standard
  library, and being a second, independent implementation it cross-checks the station's
  ``cryptography``-based key service.
- ``vpcd.VpcdCard``: presents the card to a running pcscd through the vpcd driver (TCP).
- ``connection.EmulatorConnection``: the same card in-process, as a ``CardConnection``.
"""

from station.card.emulator.card import AID_SSSE, CardState, CardVanished, SsseCard
from station.card.emulator.connection import EmulatorConnection
from station.card.emulator.factory import LAYOUTS, PHOTO_FILE_SIZE, blank_card
from station.card.emulator.vpcd import DEFAULT_PORT, VpcdCard

__all__ = [
    "AID_SSSE",
    "DEFAULT_PORT",
    "LAYOUTS",
    "PHOTO_FILE_SIZE",
    "CardState",
    "CardVanished",
    "EmulatorConnection",
    "SsseCard",
    "VpcdCard",
    "blank_card",
]
