"""Published TEST master keys for the software key service and the card emulator.

These are NOT secrets and must never personalise a real card: they exist so that tests, the
training mode and the demo can write the emulated card. The values follow the GlobalPlatform
habit of counting test keys (``40 41 .. 4F``). The diversification that turns them into card
keys is described in docs/card.md ("Test key service") and implemented twice, independently:
``station.card.keys`` (with ``cryptography``) and ``station.card.emulator`` (standard library).

Standard library only: the emulator imports this module.
"""

from __future__ import annotations

__all__ = ["TEST_MASTER_KEYS", "USAGE_PIN", "USAGE_READ", "USAGE_UPDATE"]

USAGE_UPDATE = "UKSSSE"  # external authentication before writing EF05/EF06/EF08
USAGE_READ = "RKSSSE"  # external authentication before reading EF06 on 3.0 cards
USAGE_PIN = "PIN"  # MAC key of PIN unblock / reload (84 24)

TEST_MASTER_KEYS: dict[str, bytes] = {
    USAGE_UPDATE: bytes.fromhex("404142434445464748494A4B4C4D4E4F"),
    USAGE_READ: bytes.fromhex("505152535455565758595A5B5C5D5E5F"),
    USAGE_PIN: bytes.fromhex("606162636465666768696A6B6C6D6E6F"),
}
