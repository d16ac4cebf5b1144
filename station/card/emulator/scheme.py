"""The test-key scheme, card side (standard library only; see docs/card.md "Test key service").

- Diversification of a 16-byte key K with an 8-byte factor f:
  3DES: ``E(K, f) || E(K, ~f)``; SM4: ``SM4(K, f || ~f)``.
- Card key = diversify(diversify(master, city factor), card factor), where the city factor is
  the first six digits of the card identification code followed by ``F`` (8 bytes BCD) and the
  card factor is the last 8 historical bytes of the ATR.
- External-authentication cryptogram over an 8-byte challenge: 3DES ``E(K, challenge)``;
  SM4 the first 8 bytes of ``SM4(K, challenge || 00*8)``.
- PIN reset MAC: IV = challenge padded with zeros to the block; data padded ISO 9797-1 method 2
  (``80 00..``); 3DES: retail MAC (ISO 9797-1 algorithm 3, single DES CBC with the left key,
  last block 3DES); SM4: CBC-MAC. The MAC is the first 4 bytes.
"""

from __future__ import annotations

from station.card.emulator.ciphers import ALG_3DES, CardCipher, block_size

__all__ = ["card_factor", "card_key", "city_factor", "cryptogram", "diversify", "pin_mac"]


def _invert(b: bytes) -> bytes:
    return bytes(x ^ 0xFF for x in b)


def diversify(cipher: CardCipher, alg: int, key: bytes, factor: bytes) -> bytes:
    if len(factor) != 8:
        raise ValueError("a diversification factor is 8 bytes")
    if alg == ALG_3DES:
        return cipher.encrypt(alg, key, factor) + cipher.encrypt(alg, key, _invert(factor))
    return cipher.encrypt(alg, key, factor + _invert(factor))


def city_factor(card_id: str) -> bytes:
    return bytes.fromhex(card_id[:6].ljust(16, "F"))


def card_factor(atr_historical: bytes) -> bytes:
    return atr_historical[-8:].rjust(8, b"\x00")


def card_key(cipher: CardCipher, alg: int, master: bytes, card_id: str, atr_historical: bytes) -> bytes:
    city_key = diversify(cipher, alg, master, city_factor(card_id))
    return diversify(cipher, alg, city_key, card_factor(atr_historical))


def cryptogram(cipher: CardCipher, alg: int, key: bytes, challenge: bytes) -> bytes:
    if alg == ALG_3DES:
        return cipher.encrypt(alg, key, challenge[:8].ljust(8, b"\x00"))
    return cipher.encrypt(alg, key, challenge[:8].ljust(16, b"\x00"))[:8]


def pin_mac(cipher: CardCipher, alg: int, key: bytes, challenge: bytes, data: bytes) -> bytes:
    bs = block_size(alg)
    msg = data + b"\x80"
    msg += b"\x00" * (-len(msg) % bs)
    chain = challenge.ljust(bs, b"\x00")[:bs]
    if alg == ALG_3DES:
        left, right = key[:8], key[8:16]
        for i in range(0, len(msg), bs):
            chain = cipher.encrypt(
                alg, left, bytes(a ^ b for a, b in zip(chain, msg[i : i + bs], strict=True))
            )
        chain = cipher.encrypt(alg, left, cipher.decrypt_des(right, chain))
        return chain[:4]
    for i in range(0, len(msg), bs):
        chain = cipher.encrypt(alg, key, bytes(a ^ b for a, b in zip(chain, msg[i : i + bs], strict=True)))
    return chain[:4]
