"""Block ciphers for the card emulator, in pure Python (standard library only).

The emulator plays the card, so it must check cryptograms and MACs without the station's own
crypto code (``station.card.keys`` uses the ``cryptography`` package): two independent
implementations that agree are the test. Speed does not matter here (a few blocks per encode).

- DES / two-key 3DES (FIPS 46-3, EDE with K1 K2 K1), block 8 bytes.
- SM4 (GB/T 32907-2016), block 16 bytes.

``CardCipher`` is the interface the card logic uses (``encrypt(alg, key, block)``), so a test
may plug in another implementation. Algorithm bytes as in the SSSE FCI (card.md §2): 01 DES/3DES,
03 SM4 (02 SSF33 is not implemented).
"""

from __future__ import annotations

from typing import Protocol

__all__ = [
    "ALG_3DES",
    "ALG_SM4",
    "CardCipher",
    "StdlibCipher",
    "block_size",
    "des_decrypt_block",
    "des_encrypt_block",
    "sm4_encrypt_block",
    "tdes_encrypt_block",
]

ALG_3DES = 0x01
ALG_SM4 = 0x03

# --- DES --------------------------------------------------------------------------------------

# Permutation tables (1-based bit positions) and S-boxes of FIPS 46-3, as hex bytes.
_PC1 = tuple(
    bytes.fromhex(
        "39312921191109013a322a221a120a023b332b231b130b033c342c243f372f271f170f073e362e261e160e063d352d251d150d051c140c04"
    )
)
_PC2 = tuple(
    bytes.fromhex(
        "0e110b180105031c0f06150a17130c041a0810071b140d0229341f252f371e28332d21302c31273822352e2a32241d20"
    )
)
_SHIFTS = (1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1)
_IP = tuple(
    bytes.fromhex(
        "3a322a221a120a023c342c241c140c043e362e261e160e064038302820181008"
        "39312921191109013b332b231b130b033d352d251d150d053f372f271f170f07"
    )
)
_FP = tuple(
    bytes.fromhex(
        "280830103818402027072f0f37173f1f26062e0e36163e1e25052d0d35153d1d"
        "24042c0c34143c1c23032b0b33133b1b22022a0a32123a1a2101290931113919"
    )
)
_E = tuple(
    bytes.fromhex(
        "20010203040504050607080908090a0b0c0d0c0d0e0f101110111213141514151617181918191a1b1c1d1c1d1e1f2001"
    )
)
_P = tuple(bytes.fromhex("100714151d0c1c11010f171a05121f0a0208180e201b0309130d1e06160b0419"))
# Each S-box: 4 rows of 16 values, one hex digit per value.
_S = tuple(
    tuple(int(ch, 16) for ch in box)
    for box in (
        "e4d12fb83a6c59070f74e2d1a6cb953841e8d62bfc973a50fc8249175b3ea06d",
        "f18e6b34972dc05a3d47f28ec01a69b50e7ba4d158c6932fd8a13f42b67c05e9",
        "a09e63f51dc7b428d709346a285ecbf1d6498f30b12c5ae71ad069874fe3b52c",
        "7de3069a1285bc4fd8b56f03472c1ae9a690cb7df13e52843f06a1d8945bc72e",
        "2c417ab6853fd0e9eb2c47d150fa3986421bad78f9c5630eb8c71e2d6f09a453",
        "c1af92680d34e75baf427c9561de0b389ef528c3704a1db6432c95fabe17608d",
        "4b2ef08d3c975a61d0b7491ae35c2f8614bdc37eaf6805926bd814a7950fe23c",
        "d2846fb1a93e50c71fd8a374c56b0e927b419ce206adf35821e74a8dfc90356b",
    )
)


def _permute(value: int, table: tuple[int, ...], width: int) -> int:
    out = 0
    for pos in table:
        out = (out << 1) | ((value >> (width - pos)) & 1)
    return out


def _des_subkeys(key: bytes) -> list[int]:
    k = _permute(int.from_bytes(key, "big"), _PC1, 64)
    c, d = k >> 28, k & 0x0FFFFFFF
    subkeys = []
    for s in _SHIFTS:
        c = ((c << s) | (c >> (28 - s))) & 0x0FFFFFFF
        d = ((d << s) | (d >> (28 - s))) & 0x0FFFFFFF
        subkeys.append(_permute((c << 28) | d, _PC2, 56))
    return subkeys


def _feistel(r: int, subkey: int) -> int:
    x = _permute(r, _E, 32) ^ subkey
    out = 0
    for i in range(8):
        six = (x >> (42 - 6 * i)) & 0x3F
        row = ((six & 0x20) >> 4) | (six & 1)
        col = (six >> 1) & 0xF
        out = (out << 4) | _S[i][row * 16 + col]
    return _permute(out, _P, 32)


def _des(block: bytes, subkeys: list[int]) -> bytes:
    if len(block) != 8:
        raise ValueError("DES block must be 8 bytes")
    v = _permute(int.from_bytes(block, "big"), _IP, 64)
    left, right = v >> 32, v & 0xFFFFFFFF
    for k in subkeys:
        left, right = right, left ^ _feistel(right, k)
    return _permute((right << 32) | left, _FP, 64).to_bytes(8, "big")


def des_encrypt_block(key: bytes, block: bytes) -> bytes:
    return _des(block, _des_subkeys(key))


def des_decrypt_block(key: bytes, block: bytes) -> bytes:
    return _des(block, _des_subkeys(key)[::-1])


def tdes_encrypt_block(key: bytes, block: bytes) -> bytes:
    """Two-key (16-byte) or three-key (24-byte) 3DES EDE."""
    k1, k2 = key[:8], key[8:16]
    k3 = key[16:24] if len(key) == 24 else k1
    return des_encrypt_block(k3, des_decrypt_block(k2, des_encrypt_block(k1, block)))


# --- SM4 --------------------------------------------------------------------------------------

_SBOX = bytes.fromhex(
    "d690e9fecce13db716b614c228fb2c052b679a762abe04c3aa441326498606999c4250f491ef987a33540b43edcfac62"
    "e4b31ca9c908e89580df94fa758f3fa64707a7fcf37317ba83593c19e6854fa8686b81b27164da8bf8eb0f4b70569d35"
    "1e240e5e6358d1a225227c3b01217887d40046579fd327524c3602e7a0c4c89eeabf8ad240c738b5a3f7f2cef96115a1"
    "e0ae5da49b341a55ad933230f58cb1e31df6e22e8266ca60c02923ab0d534e6fd5db3745defd8e2f03ff6a726d6c5b51"
    "8d1baf92bbddbc7f11d95c411f105ad80ac13188a5cd7bbd2d74d012b8e5b4b08969974a0c96777e65b9f109c56ec684"
    "18f07dec3adc4d2079ee5f3ed7cb3948"
)
_FK = (0xA3B1BAC6, 0x56AA3350, 0x677D9197, 0xB27022DC)
_CK = tuple(int.from_bytes(bytes(((4 * i + j) * 7) & 0xFF for j in range(4)), "big") for i in range(32))


def _rotl(x: int, n: int) -> int:
    return ((x << n) | (x >> (32 - n))) & 0xFFFFFFFF


def _tau(x: int) -> int:
    return int.from_bytes(bytes(_SBOX[b] for b in x.to_bytes(4, "big")), "big")


def _sm4_round_keys(key: bytes) -> list[int]:
    if len(key) != 16:
        raise ValueError("SM4 key must be 16 bytes")
    k = [int.from_bytes(key[4 * i : 4 * i + 4], "big") ^ _FK[i] for i in range(4)]
    rk = []
    for i in range(32):
        t = _tau(k[i + 1] ^ k[i + 2] ^ k[i + 3] ^ _CK[i])
        k.append(k[i] ^ t ^ _rotl(t, 13) ^ _rotl(t, 23))
        rk.append(k[-1])
    return rk


def sm4_encrypt_block(key: bytes, block: bytes) -> bytes:
    if len(block) != 16:
        raise ValueError("SM4 block must be 16 bytes")
    x = [int.from_bytes(block[4 * i : 4 * i + 4], "big") for i in range(4)]
    for rk in _sm4_round_keys(key):
        t = _tau(x[-3] ^ x[-2] ^ x[-1] ^ rk)
        x.append(x[-4] ^ t ^ _rotl(t, 2) ^ _rotl(t, 10) ^ _rotl(t, 18) ^ _rotl(t, 24))
    return b"".join(v.to_bytes(4, "big") for v in reversed(x[-4:]))


# --- the interface the card logic uses --------------------------------------------------------


def block_size(alg: int) -> int:
    if alg == ALG_3DES:
        return 8
    if alg == ALG_SM4:
        return 16
    raise ValueError(f"algorithm {alg:02X} is not supported by the emulator")


class CardCipher(Protocol):
    def encrypt(self, alg: int, key: bytes, block: bytes) -> bytes: ...

    def decrypt_des(self, key: bytes, block: bytes) -> bytes:
        """Single-DES decryption (the retail MAC's last step)."""
        ...


class StdlibCipher:
    """The default ``CardCipher``: the pure-Python code above."""

    def encrypt(self, alg: int, key: bytes, block: bytes) -> bytes:
        if alg == ALG_3DES:
            if len(key) == 8:
                return des_encrypt_block(key, block)
            return tdes_encrypt_block(key, block)
        if alg == ALG_SM4:
            return sm4_encrypt_block(key, block)
        raise ValueError(f"algorithm {alg:02X} is not supported by the emulator")

    def decrypt_des(self, key: bytes, block: bytes) -> bytes:
        return des_decrypt_block(key, block)
