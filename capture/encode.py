"""The spec JPEG (photo.md §1): baseline JPEG through Pillow, JFIF density at the profile's dpi
(350), plain 24-bit sRGB, 4:2:0 chroma subsampling, inside the profile's file-size window.

The encoder starts at the profile's ``quality_start`` (70, §1) and, when that file falls outside
``kb_window_bytes(profile)``, binary-searches the quality. It never pads a file to reach the lower
end: a padded file would carry bytes that are not picture. When no quality lands in the window
(e.g. a very plain picture cannot reach Beijing's 60 KB even at quality 100), it returns the
closest attempt with ``ok=False`` and the reason, which the ``file_size`` check then reports."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from PIL import Image

from capture.profiles import Profile, kb_window_bytes

__all__ = ["QUALITY_MAX", "QUALITY_MIN", "Encoded", "encode_jpeg", "encode_quality", "srgb_icc"]

# Pillow's useful quality range. Above 95 the quantisation tables are near 1 and files grow
# without visible gain (Pillow docs), but Beijing's 60-80 KB window may need it, so allow 100.
QUALITY_MIN = 1
QUALITY_MAX = 100
SUBSAMPLING_420 = 2  # Pillow's code for 4:2:0


@dataclass(frozen=True)
class Encoded:
    data: bytes  # the JPEG file
    quality: int  # the quality it was written with
    ok: bool  # inside the profile's file-size window
    reason: str = ""  # why not, one line, empty when ok


@lru_cache(maxsize=1)
def srgb_icc() -> bytes:
    """An sRGB ICC profile (from LittleCMS through Pillow), for callers who want it embedded."""
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    data: bytes = profile.tobytes()
    return data


def _as_image(rgb: npt.NDArray[np.uint8] | Image.Image) -> Image.Image:
    if isinstance(rgb, Image.Image):
        return rgb if rgb.mode == "RGB" else rgb.convert("RGB")
    arr = np.asarray(rgb)
    if arr.dtype != np.uint8 or arr.ndim != 3 or arr.shape[2] != 3:
        raise ValueError(f"expected an HxWx3 uint8 RGB array, got {arr.dtype} {arr.shape}")
    return Image.fromarray(np.ascontiguousarray(arr), "RGB")


def encode_quality(
    rgb: npt.NDArray[np.uint8] | Image.Image, quality: int, dpi: int = 350, *, icc: bool = False
) -> bytes:
    """One baseline JPEG at this quality: JFIF density ``dpi``, 4:2:0, no EXIF."""
    im = _as_image(rgb)
    buf = io.BytesIO()
    extra = {"icc_profile": srgb_icc()} if icc else {}
    im.save(
        buf,
        "JPEG",
        quality=int(quality),
        dpi=(dpi, dpi),
        subsampling=SUBSAMPLING_420,
        progressive=False,
        optimize=False,
        **extra,
    )
    return buf.getvalue()


def _kb(n: int) -> str:
    return f"{n / 1024:.1f} KB"


def encode_jpeg(rgb: npt.NDArray[np.uint8] | Image.Image, profile: Profile, *, icc: bool = False) -> Encoded:
    """The spec JPEG for ``profile``: quality ``profile.quality_start`` when that lands inside the
    size window, otherwise the quality found by binary search (the highest quality under the upper
    bound, or the lowest one over the lower bound). Never padded."""
    im = _as_image(rgb)
    lo, hi = kb_window_bytes(profile)
    cache: dict[int, bytes] = {}

    def enc(q: int) -> bytes:
        if q not in cache:
            cache[q] = encode_quality(im, q, profile.dpi, icc=icc)
        return cache[q]

    def inside(n: int) -> bool:
        return (lo is None or n >= lo) and (hi is None or n <= hi)

    q0 = max(QUALITY_MIN, min(QUALITY_MAX, profile.quality_start))
    first = enc(q0)
    if inside(len(first)):
        return Encoded(first, q0, True)

    if hi is not None and len(first) > hi:
        # Too big: the highest quality whose file is <= hi, searched below q0.
        best = _search(enc, QUALITY_MIN, q0 - 1, lambda n: n <= hi, want_highest=True)
    else:
        # Too small: the lowest quality whose file is >= lo, searched above q0 (keeps the
        # file as close to quality_start as the window allows).
        assert lo is not None
        best = _search(enc, q0 + 1, QUALITY_MAX, lambda n: n >= lo, want_highest=False)
    if best is not None and inside(len(enc(best))):
        return Encoded(enc(best), best, True)

    # No quality lands in the window: return the attempt closest to it, with the reason.
    def distance(q: int) -> int:
        n = len(cache[q])
        return (lo - n if lo is not None and n < lo else 0) + (n - hi if hi is not None and n > hi else 0)

    q_best = min(cache, key=lambda q: (distance(q), abs(q - q0)))
    data = cache[q_best]
    window = f"{profile.kb} KB ({lo or 0}-{hi if hi is not None else 'any'} bytes)"
    if lo is not None and len(data) < lo:
        reason = (
            f"file size {_kb(len(data))} at quality {q_best} is below the window {window}: the picture "
            "has too little detail to fill it, and files are never padded"
        )
    else:
        reason = f"file size {_kb(len(data))} at quality {q_best} is above the window {window}"
    return Encoded(data, q_best, False, reason)


def _search(
    enc: Callable[[int], bytes],
    q_lo: int,
    q_hi: int,
    good: Callable[[int], bool],
    *,
    want_highest: bool,
) -> int | None:
    """Binary search over qualities for the boundary of ``good(size)``; file size grows with
    quality (nearly monotonically), so ``good`` holds on one side of the boundary."""
    found: int | None = None
    a, b = q_lo, q_hi
    while a <= b:
        m = (a + b) // 2
        if good(len(enc(m))):
            found = m
            if want_highest:
                a = m + 1
            else:
                b = m - 1
        elif want_highest:
            b = m - 1
        else:
            a = m + 1
    return found
