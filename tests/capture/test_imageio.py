"""Every kind of input a studio hands over, and the bad ones (exit 2 material)."""

from __future__ import annotations

import io
import struct
import time
import tracemalloc
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from capture.errors import ImageInputError
from capture.imageio import MAX_PIXELS, load_image, load_rgb, write_atomic


@pytest.fixture(scope="module")
def photo() -> np.ndarray:
    """A real, asymmetric photo (so that orientation mistakes show)."""
    import skimage.data

    return np.ascontiguousarray(skimage.data.astronaut()[:, :400])  # 512 x 400, not square


def _jpeg(rgb: np.ndarray, **kw: object) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "JPEG", quality=92, **kw)
    return buf.getvalue()


def _close(a: np.ndarray, b: np.ndarray, tol: float = 6.0) -> bool:
    return a.shape == b.shape and float(np.abs(a.astype(float) - b.astype(float)).mean()) < tol


def png_header(w: int, h: int) -> bytes:
    """A valid PNG signature and IHDR claiming w x h, with a token IDAT."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))


# --- unusable input -------------------------------------------------------------------------


def _refused(src: Path | bytes, expect: str) -> str:
    with pytest.raises(ImageInputError) as err:
        load_image(src)
    msg = str(err.value)
    assert "\n" not in msg
    assert expect in msg
    return msg


def test_zero_byte_file(tmp_path: Path) -> None:
    f = tmp_path / "empty.jpg"
    f.write_bytes(b"")
    assert _refused(f, "empty file").startswith("empty.jpg")
    _refused(b"", "empty")


def test_text_renamed_jpg(tmp_path: Path) -> None:
    f = tmp_path / "notes.jpg"
    f.write_text("这不是照片 — not a photo\n" * 20, encoding="utf-8")
    _refused(f, "not an image")


def test_truncated_jpeg(tmp_path: Path, photo: np.ndarray) -> None:
    data = _jpeg(photo)
    f = tmp_path / "cut.jpg"
    f.write_bytes(data[: len(data) // 2])
    _refused(f, "truncated")


def test_corrupt_jpeg_body(tmp_path: Path, photo: np.ndarray) -> None:
    data = bytearray(_jpeg(photo))
    data[200:] = b"\x00" * (len(data) - 200)
    f = tmp_path / "zeros.jpg"
    f.write_bytes(bytes(data))
    with pytest.raises(ImageInputError):
        load_image(f)


def test_decompression_bomb_fails_fast_without_allocating(tmp_path: Path) -> None:
    f = tmp_path / "bomb.png"
    f.write_bytes(png_header(30000, 30000))
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        _refused(f, "too large")
        elapsed = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 0.5
    assert peak < 5_000_000  # a decode would need 2.7 GB


def test_just_over_our_own_limit_is_refused_before_decoding(tmp_path: Path) -> None:
    side = int((MAX_PIXELS + 10_000_000) ** 0.5)  # under Pillow's hard limit, over ours
    f = tmp_path / "big.png"
    f.write_bytes(png_header(side, side))
    _refused(f, "limit")


def test_missing_file_and_folder(tmp_path: Path) -> None:
    _refused(tmp_path / "absent.jpg", "no such file")
    _refused(tmp_path, "folder")


# --- inputs that must work ------------------------------------------------------------------


def test_exif_rotated_photo_is_turned_upright(tmp_path: Path, photo: np.ndarray) -> None:
    # Stored sideways with orientation 6 ("rotate 90 CW to view"), as phones do.
    stored = np.ascontiguousarray(np.rot90(photo, k=1))
    exif = Image.Exif()
    exif[0x0112] = 6
    f = tmp_path / "phone.jpg"
    Image.fromarray(stored).save(f, "JPEG", quality=95, exif=exif)
    dec = load_image(f)
    assert dec.rgb.shape == photo.shape
    assert dec.full_size == (photo.shape[1], photo.shape[0])
    assert _close(dec.rgb, photo)


def test_cmyk_jpeg(tmp_path: Path, photo: np.ndarray) -> None:
    f = tmp_path / "print.jpg"
    Image.fromarray(photo).convert("CMYK").save(f, "JPEG", quality=95)
    dec = load_image(f)
    assert dec.mode == "CMYK" and dec.rgb.dtype == np.uint8 and dec.rgb.shape == photo.shape
    assert _close(dec.rgb, photo, 12)


def test_cmyk_with_icc_profile_converts_through_it(tmp_path: Path, photo: np.ndarray) -> None:
    from PIL import ImageCms

    srgb = ImageCms.createProfile("sRGB")
    # A CMYK file carrying an (sRGB) profile is still converted without failing.
    im = Image.fromarray(photo).convert("CMYK")
    f = tmp_path / "icc.jpg"
    im.save(f, "JPEG", quality=95, icc_profile=ImageCms.ImageCmsProfile(srgb).tobytes())
    assert load_image(f).rgb.shape == photo.shape


def test_16bit_greyscale_png(tmp_path: Path, photo: np.ndarray) -> None:
    grey = np.asarray(Image.fromarray(photo).convert("L")).astype(np.uint16) * 257
    f = tmp_path / "g16.png"
    Image.fromarray(grey).save(f)
    dec = load_image(f)
    assert dec.mode.startswith("I")
    assert dec.rgb.shape == photo.shape and dec.rgb.dtype == np.uint8
    assert _close(dec.rgb[..., 0], (grey // 257).astype(np.uint8), 1)  # scaled, not clipped to white


def test_16bit_rgb_png(tmp_path: Path, photo: np.ndarray) -> None:
    import cv2

    rgb16 = photo.astype(np.uint16) * 257
    f = tmp_path / "rgb16.png"
    cv2.imwrite(str(f), cv2.cvtColor(rgb16, cv2.COLOR_RGB2BGR))
    assert _close(load_rgb(f), photo, 1)


@pytest.mark.parametrize("mode", ["L", "P", "RGBA", "LA"])
def test_greyscale_palette_and_alpha_png(tmp_path: Path, photo: np.ndarray, mode: str) -> None:
    im = Image.fromarray(photo).convert(mode)
    f = tmp_path / f"x-{mode}.png"
    im.save(f)
    rgb = load_rgb(f)
    assert rgb.shape == photo.shape and rgb.dtype == np.uint8


def test_palette_png_with_a_transparent_index(tmp_path: Path, photo: np.ndarray) -> None:
    im = Image.fromarray(photo).convert("P", palette=Image.Palette.ADAPTIVE, colors=64)
    idx = np.asarray(im).copy()
    idx[:40] = 0
    im = Image.fromarray(idx, "P")
    im.putpalette(Image.fromarray(photo).convert("P", palette=Image.Palette.ADAPTIVE, colors=64).getpalette())
    f = tmp_path / "pal.png"
    im.save(f, transparency=0)
    rgb = load_rgb(f)
    assert (rgb[:40] == 255).all()


def test_transparent_pixels_become_white(tmp_path: Path, photo: np.ndarray) -> None:
    rgba = np.dstack([photo, np.full(photo.shape[:2], 255, np.uint8)])
    rgba[:50, :, 3] = 0
    f = tmp_path / "cutout.png"
    Image.fromarray(rgba, "RGBA").save(f)
    rgb = load_rgb(f)
    assert (rgb[:50] == 255).all()
    assert _close(rgb[60:], photo[60:], 1)


@pytest.mark.parametrize("fmt", ["TIFF", "WEBP", "BMP"])
def test_tiff_webp_bmp(tmp_path: Path, photo: np.ndarray, fmt: str) -> None:
    f = tmp_path / f"x.{fmt.lower()}"
    Image.fromarray(photo).save(f, fmt, **({"quality": 95} if fmt == "WEBP" else {}))
    dec = load_image(f)
    assert dec.format == fmt
    assert _close(dec.rgb, photo, 4)


def test_16bit_tiff(tmp_path: Path, photo: np.ndarray) -> None:
    import tifffile

    f = tmp_path / "x16.tif"
    tifffile.imwrite(f, photo.astype(np.uint16) * 257, photometric="rgb")
    assert _close(load_rgb(f), photo, 1)


def test_bytes_input_and_dpi(photo: np.ndarray) -> None:
    dec = load_image(_jpeg(photo, dpi=(350, 350)))
    assert dec.format == "JPEG" and dec.dpi == (350, 350)
    assert _close(dec.rgb, photo)


def test_draft_mode_decodes_large_jpegs_reduced(photo: np.ndarray) -> None:
    big = np.asarray(Image.fromarray(photo).resize((3200, 4096)))
    data = _jpeg(big)
    dec = load_image(data, min_size=(720, 720))
    assert dec.scale == 0.25 and dec.rgb.shape == (1024, 800, 3)
    assert dec.full_size == (3200, 4096)
    full = load_image(data)
    assert full.scale == 1.0 and full.rgb.shape == (4096, 3200, 3)
    # Never below the requested size.
    assert load_image(data, min_size=(1000, 1000)).scale == 0.5


# --- writing --------------------------------------------------------------------------------


def test_write_atomic(tmp_path: Path) -> None:
    out = tmp_path / "a.jpg"
    write_atomic(out, b"first")
    write_atomic(out, b"second")
    assert out.read_bytes() == b"second"
    assert [p.name for p in tmp_path.iterdir()] == ["a.jpg"]  # no temp files left


def test_write_atomic_never_over_the_input(tmp_path: Path) -> None:
    src = tmp_path / "in.jpg"
    src.write_bytes(b"original")
    with pytest.raises(ImageInputError, match="over the input"):
        write_atomic(src, b"new", inputs=[src])
    with pytest.raises(ImageInputError):
        write_atomic(tmp_path / "sub" / ".." / "in.jpg", b"new", inputs=[src])
    assert src.read_bytes() == b"original"


def test_write_atomic_failure_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        write_atomic(tmp_path / "missing-folder" / "a.jpg", b"x")
    assert list(tmp_path.iterdir()) == []


def test_draft_mode_with_exif_orientation(photo: np.ndarray) -> None:
    upright = np.asarray(Image.fromarray(photo).resize((3000, 4000)))
    stored = np.ascontiguousarray(np.rot90(upright, k=1))  # 4000 wide as stored
    exif = Image.Exif()
    exif[0x0112] = 6
    buf = io.BytesIO()
    Image.fromarray(stored).save(buf, "JPEG", quality=90, exif=exif)
    dec = load_image(buf.getvalue(), min_size=(600, 800))
    assert dec.full_size == (3000, 4000)
    assert dec.scale == 0.25 and dec.rgb.shape == (1000, 750, 3)
    small = np.asarray(Image.fromarray(upright).resize((750, 1000)))
    assert _close(dec.rgb, small, 8)
