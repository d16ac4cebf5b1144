"""The :class:`Frame` value and the :class:`CameraSource` protocol, plus the factory that turns a
``--camera`` value into a source."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from capture.errors import CameraError

__all__ = ["RGB", "CameraSource", "Frame", "make_frame", "open_source", "parse_resolution"]

RGB = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class Frame:
    """One picture from a source.

    ``pixels`` is an RGB uint8 array (H x W x 3) that this frame owns: a copy, marked read-only,
    never a view of a buffer the source reuses. ``timestamp`` is ``time.monotonic()`` at capture;
    ``index`` counts frames from 0 per ``open``. ``path`` is set when the frame is a file;
    ``still`` marks a new full-resolution still (hot folder) that should go straight through the
    photo pipeline rather than wait for the shutter."""

    pixels: RGB = field(repr=False, compare=False)
    timestamp: float
    index: int
    source: str = ""
    path: str | None = None
    still: bool = False

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])


def make_frame(
    pixels: npt.NDArray[np.uint8],
    index: int,
    source: str,
    *,
    path: str | None = None,
    still: bool = False,
    copy: bool = True,
    timestamp: float | None = None,
) -> Frame:
    """Build a frame with its own read-only RGB copy of ``pixels``."""
    arr = np.array(pixels, dtype=np.uint8, copy=True) if copy else pixels
    if arr.ndim != 3 or arr.shape[2] != 3:
        raise CameraError(f"{source}: expected an RGB frame, got shape {arr.shape}")
    arr.setflags(write=False)
    ts = time.monotonic() if timestamp is None else timestamp
    return Frame(pixels=arr, timestamp=ts, index=index, source=source, path=path, still=still)


@runtime_checkable
class CameraSource(Protocol):
    """What the camera worker drives. ``read`` blocks until the next frame is due (a source paces
    itself at its ``fps``) and raises :class:`CameraError` when the camera is gone."""

    name: str
    fps: float

    def open(self) -> None: ...

    def read(self) -> Frame: ...

    def close(self) -> None: ...


def parse_resolution(text: str) -> tuple[int, int]:
    """``"1280x720"`` -> (1280, 720); CameraError on anything else."""
    try:
        w, h = (int(v) for v in text.lower().replace("×", "x").split("x"))
    except ValueError as exc:
        raise CameraError(f"bad camera resolution {text!r}: use WIDTHxHEIGHT, e.g. 1280x720") from exc
    if not (16 <= w <= 10000 and 16 <= h <= 10000):
        raise CameraError(f"bad camera resolution {text!r}")
    return w, h


def open_source(spec: str, resolution: str = "1280x720", *, fps: float = 30.0) -> CameraSource:
    """Turn a camera setting into a (not yet opened) source.

    ``demo`` -> the demo portrait; a number -> that OpenCV device; ``hot:DIR`` or ``watch:DIR``
    -> a hot folder; an existing folder -> a hot folder; an image file -> that file;
    ``fail:N`` -> a source that fails after N frames (tests)."""
    from capture.sources.demo import DemoSource
    from capture.sources.device import DeviceSource
    from capture.sources.files import FailingSource, HotFolderSource, ImageSource

    spec = (spec or "demo").strip()
    size = parse_resolution(resolution)
    if spec == "demo":
        return DemoSource(size=size, fps=fps)
    if spec.isdigit():
        return DeviceSource(int(spec), size=size)
    if spec.startswith("fail:"):
        return FailingSource(after=int(spec[5:] or 0), size=size)
    for prefix in ("hot:", "watch:"):
        if spec.startswith(prefix):
            return HotFolderSource(Path(spec[len(prefix) :]))
    if spec.startswith("folder:"):
        return ImageSource(Path(spec[7:]))
    path = Path(spec)
    if path.is_dir():
        return HotFolderSource(path)
    if path.is_file():
        return ImageSource(path)
    raise CameraError(f"unknown camera {spec!r}: use 'demo', a device number such as 0, a folder or an image")
