"""Reading any photo a studio or a user may hand us, and writing files safely.

``load_image`` decodes a path or bytes into a plain 8-bit sRGB array, whatever the file holds:
EXIF orientation applied; CMYK (through its ICC profile when it has one), greyscale, palette and
alpha (composited on white, the photo background), 16-bit samples, TIFF, WebP. Before decoding it
checks the pixel count from the header, so a 30000 x 30000 "decompression bomb" fails at once
without allocating. Any unusable input (empty, truncated, corrupt, not an image) raises
``ImageInputError`` with a one-line message.

For large JPEGs the caller may pass ``min_size``: Pillow's draft mode then decodes at a reduced
scale (1/2, 1/4, 1/8) that still covers that size, which is several times faster than a full
decode (bench/bench_photo.py).

``write_atomic`` writes a temporary file in the destination folder, fsyncs it and renames it over
the destination, so a reader never sees a half-written photo; it refuses to write over an input.
"""

from __future__ import annotations

import io
import os
import tempfile
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageOps, UnidentifiedImageError

from capture.errors import ImageInputError

__all__ = ["MAX_PIXELS", "Decoded", "load_image", "load_rgb", "write_atomic"]

# Refuse images above this many pixels before decoding them. 100 MP covers medium-format
# cameras (the largest common sensors are 100-102 MP) while a full decode of that size still
# fits the memory target (3 bytes x 100 MP = 300 MB); anything larger is not a portrait.
MAX_PIXELS = 102_000_000

U8 = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class Decoded:
    rgb: U8  # HxWx3 uint8 sRGB, C-contiguous, own buffer
    full_size: tuple[int, int]  # width, height of the full-resolution image, after orientation
    scale: float  # decoded px per full-resolution px (< 1 when draft mode reduced it)
    format: str  # "JPEG", "PNG", "TIFF", "WEBP", ...
    mode: str  # the file's own mode, e.g. "RGB", "CMYK", "L", "I;16", "P", "RGBA"
    dpi: tuple[float, float] | None  # as written in the file, when it says


def _name(src: Path | str | bytes, name: str | None) -> str:
    if name:
        return name
    return "image data" if isinstance(src, (bytes, bytearray, memoryview)) else Path(str(src)).name


def _open(src: Path | str | bytes, label: str) -> Image.Image:
    if isinstance(src, (bytes, bytearray, memoryview)):
        data = bytes(src)
        if not data:
            raise ImageInputError(f"{label}: empty file")
        fp: io.BytesIO | Path = io.BytesIO(data)
    else:
        path = Path(src)
        try:
            size = path.stat().st_size
        except FileNotFoundError as exc:
            raise ImageInputError(f"{label}: no such file") from exc
        except OSError as exc:
            raise ImageInputError(f"{label}: cannot read ({exc.strerror or exc})") from exc
        if path.is_dir():
            raise ImageInputError(f"{label}: is a folder, not an image")
        if size == 0:
            raise ImageInputError(f"{label}: empty file")
        fp = path
    try:
        with warnings.catch_warnings():
            # Our own limit (MAX_PIXELS) replaces Pillow's warning.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(fp)
    except Image.DecompressionBombError as exc:
        raise ImageInputError(
            f"{label}: image too large (refused before decoding: over {MAX_PIXELS / 1e6:.0f} MP)"
        ) from exc
    except UnidentifiedImageError as exc:
        raise ImageInputError(f"{label}: not an image file (or a format this program cannot read)") from exc
    except OSError as exc:
        raise ImageInputError(f"{label}: cannot read ({exc.strerror or exc})") from exc
    except Exception as exc:  # Pillow plugins raise ValueError/SyntaxError/struct.error on junk
        raise ImageInputError(f"{label}: corrupt image ({exc})") from exc
    w, h = im.size
    if w <= 0 or h <= 0:
        raise ImageInputError(f"{label}: image has no pixels ({w}x{h})")
    if w * h > MAX_PIXELS:
        im.close()
        raise ImageInputError(
            f"{label}: image too large: {w}x{h} = {w * h / 1e6:.0f} MP (limit {MAX_PIXELS / 1e6:.0f} MP)"
        )
    return im


def _orientation(im: Image.Image) -> int:
    try:
        value = im.getexif().get(0x0112, 1)
    except Exception:  # a broken EXIF block must not make the photo unusable
        return 1
    return value if isinstance(value, int) else 1


def _to_srgb_with_icc(im: Image.Image) -> Image.Image | None:
    """Convert through the embedded ICC profile, when there is one that is not sRGB already."""
    icc = im.info.get("icc_profile")
    if not icc:
        return None
    try:
        from PIL import ImageCms

        src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        desc = (ImageCms.getProfileDescription(src) or "").lower()
        if im.mode == "RGB" and "srgb" in desc:
            return None
        dst = ImageCms.createProfile("sRGB")
        out = ImageCms.profileToProfile(im, src, dst, outputMode="RGB")
        return out if isinstance(out, Image.Image) else None
    except Exception:  # a broken or unsupported profile: fall back to the plain conversion
        return None


def _high_bit_to_u8(im: Image.Image) -> U8:
    """Greyscale 16-bit (I;16*, I) or float (F) to 8-bit RGB, scaling rather than clipping."""
    a = np.asarray(im)
    if a.dtype.kind == "f":
        hi = float(np.nanmax(a)) if a.size else 1.0
        scale = 255.0 / hi if hi > 1.0 else 255.0
        g = np.clip(np.nan_to_num(a) * scale, 0, 255)
    else:
        a = a.astype(np.int64)
        g = a / 257.0 if a.size and a.max() > 255 else a
        g = np.clip(g, 0, 255)
    g8 = np.round(g).astype(np.uint8)
    return np.ascontiguousarray(np.stack([g8, g8, g8], axis=-1))


def _to_rgb(im: Image.Image) -> U8:
    mode = im.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        return _high_bit_to_u8(im)
    if mode == "CMYK" or (mode == "RGB" and "icc_profile" in im.info):
        converted = _to_srgb_with_icc(im)
        if converted is not None:
            return np.ascontiguousarray(np.asarray(converted, dtype=np.uint8))
    if mode in ("RGBA", "LA", "PA", "RGBa", "La") or (mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        im = Image.alpha_composite(white, rgba)
    elif mode == "L" and "transparency" in im.info:
        im = im.convert("RGBA")
        white = Image.new("RGBA", im.size, (255, 255, 255, 255))
        im = Image.alpha_composite(white, im)
    if im.mode != "RGB":
        im = im.convert("RGB")
    return np.ascontiguousarray(np.asarray(im, dtype=np.uint8))


def load_image(
    src: Path | str | bytes,
    *,
    min_size: tuple[int, int] | None = None,
    name: str | None = None,
) -> Decoded:
    """Decode a file or bytes into 8-bit sRGB (see the module docstring).

    ``min_size`` (width, height, in the oriented image) lets JPEG draft mode decode at a reduced
    scale that still covers it. ``name`` is used in error messages instead of the file name."""
    label = _name(src, name)
    im = opened = _open(src, label)
    try:
        fmt = im.format or "unknown"
        mode = im.mode
        dpi_info = im.info.get("dpi")
        dpi = (
            (float(dpi_info[0]), float(dpi_info[1]))
            if isinstance(dpi_info, tuple) and len(dpi_info) == 2
            else None
        )
        orientation = _orientation(im)
        full_w, full_h = im.size
        if orientation in (5, 6, 7, 8):
            full_w, full_h = full_h, full_w
        scale = 1.0
        if min_size is not None and fmt == "JPEG" and mode in ("RGB", "L", "CMYK", "YCbCr"):
            want_w, want_h = min_size
            if orientation in (5, 6, 7, 8):
                want_w, want_h = want_h, want_w
            before = im.size
            im.draft(im.mode, (max(1, want_w), max(1, want_h)))
            if im.size != before:
                scale = im.size[0] / before[0]
        if getattr(im, "n_frames", 1) > 1:
            im.seek(0)  # multi-page TIFF, animated WebP/GIF: the first image
        im.load()
        if orientation != 1:
            im = ImageOps.exif_transpose(im)
        rgb = _to_rgb(im)
    except ImageInputError:
        raise
    except MemoryError as exc:
        raise ImageInputError(f"{label}: not enough memory to decode the image") from exc
    except OSError as exc:
        msg = str(exc)
        what = "truncated image" if "truncated" in msg.lower() else f"corrupt image ({msg})"
        raise ImageInputError(f"{label}: {what}") from exc
    except Exception as exc:  # decoder plugins raise assorted errors on damaged data
        raise ImageInputError(f"{label}: corrupt image ({exc})") from exc
    finally:
        im.close()
        opened.close()
    if rgb.shape[0] < 1 or rgb.shape[1] < 1:
        raise ImageInputError(f"{label}: image has no pixels")
    return Decoded(rgb=rgb, full_size=(full_w, full_h), scale=scale, format=fmt, mode=mode, dpi=dpi)


def load_rgb(src: Path | str | bytes) -> U8:
    """The full-resolution 8-bit sRGB pixels of a file or bytes."""
    return load_image(src).rgb


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return False


def write_atomic(path: Path, data: bytes, *, inputs: Iterable[Path] = ()) -> None:
    """Write ``data`` to ``path`` atomically: temp file in the same folder, fsync, rename.

    Refuses (ImageInputError) when ``path`` is one of ``inputs``: the source photo is never
    overwritten. OSError (full disk, permissions) propagates after the temp file is removed."""
    path = Path(path)
    for given in inputs:
        src = Path(given)
        if _same_file(path, src) or path.resolve() == src.resolve():
            raise ImageInputError(f"{path}: refusing to write over the input photo")
    folder = path.parent if str(path.parent) else Path()
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if hasattr(os, "O_DIRECTORY"):
        # Make the rename itself durable (POSIX); not available on Windows.
        try:
            dfd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            return
        try:
            os.fsync(dfd)
        except OSError:
            pass
        finally:
            os.close(dfd)
