"""The spec JPEG (photo.md §1): baseline, 350 dpi JFIF, RGB, 4:2:0, quality 70 then the KB window."""

from __future__ import annotations

import io
import struct
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image, JpegImagePlugin

from capture.encode import encode_jpeg, encode_quality, srgb_icc
from capture.profiles import Range, kb_window_bytes, load_profile

SOF_BASELINE = 0xC0
SOF_PROGRESSIVE = 0xC2


def _markers(data: bytes) -> list[tuple[int, bytes]]:
    """(marker, payload) up to the start of scan."""
    assert data[:2] == b"\xff\xd8"
    out = []
    i = 2
    while i < len(data):
        assert data[i] == 0xFF
        marker = data[i + 1]
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        out.append((marker, data[i + 4 : i + 2 + length]))
        if marker == 0xDA:
            break
        i += 2 + length
    return out


def _portrait() -> np.ndarray:
    """A detailed 358x441 picture (a real photo, resized) without the face models."""
    import skimage.data

    a = Image.fromarray(skimage.data.astronaut()).crop((100, 0, 400, 369)).resize((358, 441), Image.LANCZOS)
    return np.asarray(a)


def test_baseline_jfif_350dpi_rgb_420_at_quality_70() -> None:
    p = load_profile("mohrss")
    enc = encode_jpeg(_portrait(), p)
    assert enc.ok and enc.reason == ""
    assert enc.quality == 70
    markers = _markers(enc.data)
    app0 = next(payload for m, payload in markers if m == 0xE0)
    assert app0[:5] == b"JFIF\x00"
    units, xd, yd = struct.unpack(">BHH", app0[7:12])
    assert (units, xd, yd) == (1, 350, 350)  # dots per inch
    sofs = [m for m, _ in markers if 0xC0 <= m <= 0xCF and m not in (0xC4, 0xC8, 0xCC)]
    assert sofs == [SOF_BASELINE]
    assert not any(m == 0xE1 for m, _ in markers)  # no EXIF
    with Image.open(io.BytesIO(enc.data)) as im:
        assert im.mode == "RGB" and im.size == (358, 441)
        assert JpegImagePlugin.get_sampling(im) == 2  # 4:2:0
        assert im.info["dpi"] == (350, 350)
    lo, hi = kb_window_bytes(p)
    assert lo is not None and hi is not None and lo <= len(enc.data) <= hi


def test_quality_searched_up_into_the_beijing_window() -> None:
    p = load_profile("beijing")  # 60-80 KB: quality 70 is far too small
    enc = encode_jpeg(_portrait(), p)
    lo, hi = kb_window_bytes(p)
    assert enc.ok, enc.reason
    assert enc.quality > 70
    assert lo is not None and hi is not None and lo <= len(enc.data) <= hi
    # The lowest quality that reaches the window: one step less is below it.
    assert len(encode_quality(_portrait(), enc.quality - 1, 350)) < lo


def test_quality_searched_down_under_a_small_upper_bound() -> None:
    p = replace(load_profile("mohrss"), kb=Range(None, 12))
    enc = encode_jpeg(_portrait(), p)
    _, hi = kb_window_bytes(p)
    assert enc.ok and enc.quality < 70
    assert hi is not None and len(enc.data) <= hi
    assert len(encode_quality(_portrait(), enc.quality + 1, 350)) > hi  # the highest that fits


def test_never_padded_when_the_window_cannot_be_met() -> None:
    flat = np.full((441, 358, 3), (250, 250, 250), np.uint8)
    p = load_profile("mohrss")
    enc = encode_jpeg(flat, p)
    assert not enc.ok
    assert "below the window" in enc.reason and "never padded" in enc.reason
    assert "\n" not in enc.reason
    assert enc.data.endswith(b"\xff\xd9")
    assert enc.data == encode_quality(flat, enc.quality, 350)  # exactly the plain encode


def test_window_above_reason() -> None:
    noise = np.random.default_rng(1).integers(0, 256, (441, 358, 3), dtype=np.uint8)
    enc = encode_jpeg(noise, replace(load_profile("mohrss"), kb=Range(1, 2)))
    assert not enc.ok and "above the window" in enc.reason
    assert enc.quality <= 5  # the smallest file found, near the bottom of the scale


def test_optional_srgb_icc_profile() -> None:
    data = encode_quality(_portrait(), 70, 350, icc=True)
    with Image.open(io.BytesIO(data)) as im:
        assert im.info.get("icc_profile") == srgb_icc()
    from PIL import ImageCms

    desc = ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(srgb_icc())))
    assert "sRGB" in desc


def test_refuses_non_rgb_arrays() -> None:
    with pytest.raises(ValueError, match="RGB"):
        encode_jpeg(np.zeros((441, 358), np.uint8), load_profile())
