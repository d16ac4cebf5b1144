"""The key service: who computes cryptograms and MACs for the card (card.md §5).

The station never holds card keys and never stores one in its database. Writing EF05/EF06/EF08
needs external authentication: the station asks the card for a challenge, passes it with the
card's data (``CardContext``: ATR, card identification code, algorithm) to a ``KeyService``
and sends back the cryptogram it returns. PIN unblock/reload needs a MAC the same way.

Implementations, by the ``key_service`` setting:

- ``"test"``: ``TestKeyService``, the published test master keys (``station.card.testkeys``)
  diversified per card, 3DES or SM4 through ``cryptography``. For tests and the training mode
  only: used by default only when virtual readers are allowed (``allow_virtual_readers``).
- ``"psam"`` (a PSAM in a second reader) and ``"hsm"`` (a provincial HSM service): interfaces
  only; they raise ``KeyServiceNotConfigured`` with a clear message.
- anything else / nothing: ``NoKeyService``, which raises ``KeyServiceNotConfigured``.

The diversification and cryptogram scheme of the test key is in docs/card.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from station.card.errors import KeyServiceError, KeyServiceNotConfigured
from station.card.numbers import parse_atr
from station.card.testkeys import TEST_MASTER_KEYS, USAGE_PIN, USAGE_READ, USAGE_UPDATE

__all__ = [
    "ALG_3DES",
    "ALG_SM4",
    "ALG_SSF33",
    "USAGE_PIN",
    "USAGE_READ",
    "USAGE_UPDATE",
    "CardContext",
    "HsmKeyService",
    "KeyService",
    "NoKeyService",
    "PsamKeyService",
    "TestKeyService",
    "key_service_from_settings",
]

ALG_3DES = 0x01
ALG_SSF33 = 0x02
ALG_SM4 = 0x03
_ALG_NAMES = {ALG_3DES: "3DES", ALG_SSF33: "SSF33", ALG_SM4: "SM4"}


@dataclass(frozen=True)
class CardContext:
    """What a key service may know about the card in the reader (never a key)."""

    atr: bytes
    card_id: str  # EF05 tag 01, hex digits
    algorithm: int  # FCI tag 86: 01 3DES, 02 SSF33, 03 SM4

    @property
    def city_code(self) -> str:
        return self.card_id[:6]

    @property
    def area_code_prefix(self) -> str:
        return parse_atr(self.atr).area_code_prefix

    @property
    def historical(self) -> bytes:
        return parse_atr(self.atr).historical


@runtime_checkable
class KeyService(Protocol):
    """Computes what the card asks for; raises KeyServiceError (or NotConfigured)."""

    name: str

    def cryptogram(self, card: CardContext, usage: str, challenge: bytes) -> bytes:
        """The 8-byte EXTERNAL AUTHENTICATE cryptogram for ``challenge`` with key ``usage``."""
        ...

    def pin_mac(self, card: CardContext, challenge: bytes, data: bytes) -> bytes:
        """The 4-byte MAC of a PIN unblock/reload command (``data`` = header + PIN block)."""
        ...


class NoKeyService:
    name = "none"

    def cryptogram(self, card: CardContext, usage: str, challenge: bytes) -> bytes:
        raise KeyServiceNotConfigured()

    def pin_mac(self, card: CardContext, challenge: bytes, data: bytes) -> bytes:
        raise KeyServiceNotConfigured()


class PsamKeyService(NoKeyService):
    """A PSAM in a second reader: the interface is here, the driver is not (yet)."""

    name = "psam"

    def cryptogram(self, card: CardContext, usage: str, challenge: bytes) -> bytes:
        raise KeyServiceNotConfigured("PSAM key service")

    def pin_mac(self, card: CardContext, challenge: bytes, data: bytes) -> bytes:
        raise KeyServiceNotConfigured("PSAM key service")


class HsmKeyService(NoKeyService):
    """A provincial HSM service: the interface is here, the client is not (yet)."""

    name = "hsm"

    def cryptogram(self, card: CardContext, usage: str, challenge: bytes) -> bytes:
        raise KeyServiceNotConfigured("HSM key service")

    def pin_mac(self, card: CardContext, challenge: bytes, data: bytes) -> bytes:
        raise KeyServiceNotConfigured("HSM key service")


# --- the software test key --------------------------------------------------------------------


def _encrypt(alg: int, key: bytes, block: bytes) -> bytes:
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    if alg == ALG_3DES:
        k = key + key[:8] if len(key) == 16 else key * 3 if len(key) == 8 else key
        enc = Cipher(TripleDES(k), modes.ECB()).encryptor()
    elif alg == ALG_SM4:
        enc = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()
    else:
        raise KeyServiceError(f"the test key service cannot use algorithm {_ALG_NAMES.get(alg, hex(alg))}")
    return enc.update(block) + enc.finalize()


def _invert(b: bytes) -> bytes:
    return bytes(x ^ 0xFF for x in b)


def _diversify(alg: int, key: bytes, factor: bytes) -> bytes:
    if alg == ALG_3DES:
        return _encrypt(alg, key, factor) + _encrypt(alg, key, _invert(factor))
    return _encrypt(alg, key, factor + _invert(factor))


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


class TestKeyService:
    """Published test keys, diversified per card (docs/card.md). Tests and training only."""

    __test__ = False  # not a pytest class
    name = "test"

    def __init__(self, master_keys: dict[str, bytes] | None = None) -> None:
        self._masters = dict(master_keys or TEST_MASTER_KEYS)

    def card_key(self, card: CardContext, usage: str) -> bytes:
        try:
            master = self._masters[usage]
        except KeyError:
            raise KeyServiceError(f"the test key service has no {usage} key") from None
        if len(card.card_id) < 6 or not card.card_id[:6].isdigit():
            raise KeyServiceError("the card identification code has no city code to diversify with")
        city = bytes.fromhex(card.card_id[:6].ljust(16, "F"))
        card_factor = card.historical[-8:].rjust(8, b"\x00")
        return _diversify(card.algorithm, _diversify(card.algorithm, master, city), card_factor)

    def cryptogram(self, card: CardContext, usage: str, challenge: bytes) -> bytes:
        key = self.card_key(card, usage)
        if card.algorithm == ALG_3DES:
            return _encrypt(ALG_3DES, key, challenge[:8].ljust(8, b"\x00"))
        return _encrypt(card.algorithm, key, challenge[:8].ljust(16, b"\x00"))[:8]

    def pin_mac(self, card: CardContext, challenge: bytes, data: bytes) -> bytes:
        key = self.card_key(card, USAGE_PIN)
        bs = 8 if card.algorithm == ALG_3DES else 16
        msg = data + b"\x80" + b"\x00" * (-(len(data) + 1) % bs)
        chain = challenge.ljust(bs, b"\x00")[:bs]
        if card.algorithm == ALG_3DES:
            # ISO 9797-1 MAC algorithm 3 (retail MAC): single DES CBC with the left key, then
            # the last block through 3DES (E(KL, D(KR, .))).
            left = key[:8]
            for i in range(0, len(msg) - bs, bs):
                chain = _encrypt(ALG_3DES, left, _xor(chain, msg[i : i + bs]))
            return _encrypt(ALG_3DES, key, _xor(chain, msg[-bs:]))[:4]
        for i in range(0, len(msg), bs):
            chain = _encrypt(card.algorithm, key, _xor(chain, msg[i : i + bs]))
        return chain[:4]


def key_service_from_settings(settings: Any) -> KeyService:
    """The key service the settings ask for (see the module docstring)."""
    kind = str(getattr(settings, "key_service", "") or "").strip().lower()
    if not kind:
        kind = "test" if getattr(settings, "allow_virtual_readers", False) else "none"
    if kind == "test":
        return TestKeyService()
    if kind == "psam":
        return PsamKeyService()
    if kind == "hsm":
        return HsmKeyService()
    return NoKeyService()
