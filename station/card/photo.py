"""The chip photo (EF08): a smaller re-encode of the card photo that fits the file (card.md §2:
a JPEG of at most about 4 KB), and finding where a JPEG ends inside a larger file."""

from __future__ import annotations

import io

from station.card.errors import CardContentError

__all__ = ["MAX_CHIP_PHOTO", "chip_photo", "jpeg_length"]

MAX_CHIP_PHOTO = 4096
# Width steps tried, largest first; the height keeps the card photo's 358:441 shape.
_WIDTHS = (179, 150, 128, 102, 90, 80)
_QUALITIES = (75, 65, 55, 45, 35)


def chip_photo(jpeg: bytes, max_bytes: int = MAX_CHIP_PHOTO) -> bytes:
    """Re-encode the card photo as a baseline JPEG of at most ``max_bytes``: the largest of a few
    smaller sizes at the best quality that fits; no metadata."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(jpeg)) as im:
            im.load()
            rgb = im.convert("RGB")
    except (UnidentifiedImageError, OSError) as exc:
        raise CardContentError(f"the card photo cannot be read: {exc}") from exc
    w0, h0 = rgb.size
    for width in _WIDTHS:
        w = min(width, w0)
        h = max(1, round(h0 * w / w0))
        small = rgb.resize((w, h), Image.Resampling.LANCZOS)
        for q in _QUALITIES:
            out = io.BytesIO()
            small.save(out, format="JPEG", quality=q, optimize=True)
            data = out.getvalue()
            if len(data) <= max_bytes:
                return data
    raise CardContentError(f"the card photo cannot be made smaller than {max_bytes} bytes")


def jpeg_length(data: bytes) -> int | None:
    """Bytes up to and including the JPEG's EOI marker, or None if ``data`` ends before it.

    Walks the marker segments by their lengths up to SOS, then scans the entropy-coded data,
    where ``FF`` is always followed by ``00`` or a restart marker except at EOI."""
    if data[:2] != b"\xff\xd8":
        return None
    i = 2
    n = len(data)
    while i + 2 <= n:
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == 0xD9:
            return i + 2
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            i += 2
            continue
        if i + 4 > n:
            return None
        seg = int.from_bytes(data[i + 2 : i + 4], "big")
        i += 2 + seg
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            while i + 1 < n:
                if data[i] == 0xFF and data[i + 1] not in (0x00,) and not 0xD0 <= data[i + 1] <= 0xD7:
                    break
                i += 1
            else:
                return None
    return None
