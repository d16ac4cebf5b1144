"""File checks (spec photo.md §1): pixel size, JFIF density, colour mode, bytes.

They read the JPEG's own header with Pillow, without decoding the picture: the file is judged as
it will be uploaded, not as it looks after our decoding (a greyscale JPEG decoded to RGB is still
greyscale; a CMYK JPEG is still CMYK)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image, UnidentifiedImageError

from capture.checks._common import fmt, result
from capture.profiles import Profile, kb_window_bytes
from capture.report import CheckResult

__all__ = ["FileInfo", "check_color_mode", "check_file", "file_info", "greyness"]

# A colour picture stored as RGB whose channels never differ by more than this (8-bit levels,
# the 99th percentile of max-min over the pixels) is greyscale in disguise. JPEG 4:2:0 chroma noise
# on a greyscale image stays below 3 levels (greyscale versions of the test photos: 0); the 24
# London faces made compliant measure 37-72.
GREY_CHANNEL_SPREAD = 6.0
# The JFIF density must equal the profile's dpi (350, spec §1); a 1-dpi rounding in the header
# (some writers store 349.9 as 349) is tolerated.
DPI_TOLERANCE = 1.0


@dataclass(frozen=True)
class FileInfo:
    size: tuple[int, int]
    mode: str  # Pillow mode of the stored picture: RGB, L, CMYK, ...
    format: str
    dpi: tuple[float, float] | None  # None when the header has no density
    dpi_unit_ok: bool  # density is in dots per inch (JFIF unit 1)
    nbytes: int
    progressive: bool


def file_info(data: bytes) -> FileInfo | None:
    try:
        with Image.open(io.BytesIO(data)) as im:
            dpi = im.info.get("dpi")
            jfif_unit = im.info.get("jfif_unit")
            return FileInfo(
                size=(int(im.size[0]), int(im.size[1])),
                mode=str(im.mode),
                format=str(im.format or ""),
                dpi=(float(dpi[0]), float(dpi[1])) if dpi else None,
                dpi_unit_ok=jfif_unit in (None, 1),
                nbytes=len(data),
                progressive=bool(im.info.get("progressive") or im.info.get("progression")),
            )
    except (UnidentifiedImageError, OSError, ValueError):
        return None


def greyness(rgb: npt.NDArray[np.uint8]) -> float:
    """99th percentile of the per-pixel channel spread (max - min), in 8-bit levels."""
    x = rgb.reshape(-1, 3)
    if x.shape[0] > 200_000:
        x = x[:: x.shape[0] // 200_000 + 1]
    spread = x.max(axis=1).astype(np.int16) - x.min(axis=1).astype(np.int16)
    return float(np.percentile(spread, 99))


def check_color_mode(info: FileInfo | None, rgb: npt.NDArray[np.uint8] | None) -> CheckResult:
    expected = "24-bit RGB colour"
    if info is None:
        return result("color_mode", False, None, expected, "无法读取文件", "the file cannot be read")
    if info.mode != "RGB":
        return result(
            "color_mode",
            False,
            info.mode,
            expected,
            f"颜色模式为 {info.mode}，应为 24 位 RGB 彩色",
            f"colour mode is {info.mode}, must be 24-bit RGB colour",
        )
    if rgb is not None:
        g = greyness(rgb)
        if g < GREY_CHANNEL_SPREAD:
            return result(
                "color_mode",
                False,
                "RGB (greyscale)",
                expected,
                "照片为黑白（灰度）图像，应为彩色",
                f"the picture is greyscale stored as RGB (channel spread {g:.1f}), must be colour",
            )
    return result("color_mode", True, "RGB", expected, "24 位 RGB 彩色", "24-bit RGB colour")


def check_file(data: bytes, profile: Profile, rgb: npt.NDArray[np.uint8] | None) -> list[CheckResult]:
    """image_size, resolution_dpi, color_mode, file_size of the file bytes."""
    info = file_info(data)
    out: list[CheckResult] = []
    exp_size = f"{profile.width} x {profile.height} px"
    if info is None:
        out.append(result("image_size", False, None, exp_size, "无法读取文件", "the file cannot be read"))
    else:
        w, h = info.size
        ok = (w, h) == (profile.width, profile.height)
        out.append(
            result(
                "image_size",
                ok,
                f"{w}x{h}",
                exp_size,
                f"尺寸 {w}x{h} 像素" + ("" if ok else f"，应为 {profile.width}x{profile.height}"),
                f"size {w}x{h} px" + ("" if ok else f", must be {profile.width}x{profile.height}"),
            )
        )

    exp_dpi = f"{profile.dpi} dpi (JFIF)"
    if info is None or info.dpi is None:
        out.append(
            result(
                "resolution_dpi",
                False,
                None,
                exp_dpi,
                "文件头中没有分辨率（dpi）",
                "the file header records no resolution (dpi)",
            )
        )
    else:
        dx, dy = info.dpi
        ok = (
            info.dpi_unit_ok
            and abs(dx - profile.dpi) <= DPI_TOLERANCE
            and abs(dy - profile.dpi) <= DPI_TOLERANCE
        )
        val = f"{dx:g}x{dy:g}" if dx != dy else f"{dx:g}"
        unit = "" if info.dpi_unit_ok else " (not per inch)"
        out.append(
            result(
                "resolution_dpi",
                ok,
                val,
                exp_dpi,
                f"分辨率 {val} dpi" + ("" if ok else f"，应为 {profile.dpi} dpi"),
                f"resolution {val} dpi{unit}" + ("" if ok else f", must be {profile.dpi} dpi"),
            )
        )

    out.append(check_color_mode(info, rgb))

    lo, hi = kb_window_bytes(profile)
    n = len(data)
    ok = (lo is None or n >= lo) and (hi is None or n <= hi)
    exp = f"{profile.kb} KB ({lo or 0}-{hi if hi is not None else '∞'} bytes)"
    kb = fmt(n / 1024, 1)
    if ok:
        zh, en = f"文件大小 {kb} KB", f"file size {kb} KB"
    elif lo is not None and n < lo:
        zh, en = f"文件 {kb} KB 小于 {profile.kb} KB", f"file {kb} KB is below {profile.kb} KB"
    else:
        zh, en = f"文件 {kb} KB 大于 {profile.kb} KB", f"file {kb} KB is above {profile.kb} KB"
    out.append(result("file_size", ok, kb, exp, zh, en))
    return out
