"""Sources made of files: one image or a folder shown in turn, a studio hot folder, and a source
that fails on purpose for tests.

Files are decoded through Pillow with EXIF orientation applied; a file that cannot be read
raises :class:`CameraError` (image file source) or is skipped with a log line (hot folder: the
folder keeps being watched)."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from capture.errors import CameraError
from capture.sources.base import RGB, Frame, make_frame

__all__ = ["IMAGE_SUFFIXES", "FailingSource", "HotFolderSource", "ImageSource", "load_rgb"]

log = logging.getLogger("station.capture")

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".bmp"})
# Decompression-bomb guard for stills: a 60 MP DSLR is fine, a forged header is not.
MAX_PIXELS = 120_000_000


def load_rgb(path: Path) -> RGB:
    """Decode ``path`` to an own RGB uint8 array, EXIF orientation applied."""
    try:
        with Image.open(path) as im:
            if im.width * im.height > MAX_PIXELS:
                raise CameraError(f"{path.name}: image too large ({im.width}x{im.height})")
            upright = ImageOps.exif_transpose(im)
            return np.asarray(upright.convert("RGB")).copy()
    except CameraError:
        raise
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise CameraError(f"{path.name}: cannot read image ({exc})") from exc


class _Pacer:
    """Sleeps so that ``tick`` returns at most ``fps`` times a second, on a fixed schedule."""

    def __init__(self, fps: float) -> None:
        self.period = 1.0 / fps
        self.next = time.monotonic()

    def tick(self) -> None:
        now = time.monotonic()
        if self.next > now:
            time.sleep(self.next - now)
            self.next += self.period
        else:  # late: do not try to catch up with a burst
            self.next = now + self.period


class ImageSource:
    """One image file, or every image of a folder (sorted by name) shown ``seconds_each``."""

    def __init__(self, path: Path, *, fps: float = 10.0, seconds_each: float = 3.0) -> None:
        self.path = Path(path)
        self.name = f"file {self.path.name}"
        self.fps = fps
        self.seconds_each = seconds_each
        self._files: list[Path] = []
        self._images: dict[Path, RGB] = {}
        self._count = 0
        self._pacer = _Pacer(fps)
        self._started = 0.0

    def open(self) -> None:
        if self.path.is_dir():
            self._files = sorted(p for p in self.path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
            if not self._files:
                raise CameraError(f"folder {self.path} holds no images")
        elif self.path.is_file():
            self._files = [self.path]
        else:
            raise CameraError(f"{self.path}: no such file or folder")
        self._images.clear()
        self._count = 0
        self._started = time.monotonic()
        self._pacer = _Pacer(self.fps)

    def current_path(self) -> Path:
        if not self._files:
            raise CameraError(f"{self.name}: not open")
        k = int((time.monotonic() - self._started) / self.seconds_each) % len(self._files)
        return self._files[k]

    def read(self) -> Frame:
        self._pacer.tick()
        path = self.current_path()
        if path not in self._images:
            self._images = {path: load_rgb(path)}  # keep one decoded image
        frame = make_frame(self._images[path], self._count, self.name, path=str(path))
        self._count += 1
        return frame

    def close(self) -> None:
        self._images.clear()


class HotFolderSource:
    """Watches a folder a studio camera writes into (polling).

    A new file is taken once its size and modification time have not changed for
    ``settle_s``; it comes out once as a ``still`` frame (for the photo pipeline), and then
    stays on screen as the live picture until the next one. Files present when the folder is
    opened are not re-processed. Between files ``read`` re-sends the last picture at ``fps``."""

    def __init__(
        self,
        folder: Path,
        *,
        fps: float = 5.0,
        settle_s: float = 0.5,
        placeholder: tuple[int, int] = (1280, 720),
    ) -> None:
        self.folder = Path(folder)
        self.name = f"hot folder {self.folder}"
        self.fps = fps
        self.settle_s = settle_s
        self._placeholder = placeholder
        self._seen: set[str] = set()
        self._pending: dict[Path, tuple[int, float, float]] = {}  # size, mtime, first seen stable
        self._last: RGB | None = None
        self._last_path: str | None = None
        self._count = 0
        self._pacer = _Pacer(fps)

    def open(self) -> None:
        if not self.folder.is_dir():
            raise CameraError(f"hot folder {self.folder} does not exist")
        self._seen = {p.name for p in self.folder.iterdir()}
        self._pending.clear()
        self._count = 0
        self._pacer = _Pacer(self.fps)
        w, h = self._placeholder
        self._last = np.full((h, w, 3), 235, np.uint8)

    def _scan(self) -> Path | None:
        """The oldest new file that has stopped growing, if any."""
        now = time.monotonic()
        try:
            entries = sorted(self.folder.iterdir(), key=lambda p: p.name)
        except OSError as exc:
            raise CameraError(f"hot folder {self.folder}: {exc.strerror or exc}") from exc
        for p in entries:
            if p.name in self._seen or p.suffix.lower() not in IMAGE_SUFFIXES or p.name.startswith("."):
                continue
            try:
                st = p.stat()
            except OSError:
                continue  # vanished in between
            sig = (st.st_size, st.st_mtime)
            prev = self._pending.get(p)
            if prev is None or (prev[0], prev[1]) != sig or st.st_size == 0:
                self._pending[p] = (st.st_size, st.st_mtime, now)
                continue
            if now - prev[2] >= self.settle_s:
                del self._pending[p]
                self._seen.add(p.name)
                return p
        return None

    def read(self) -> Frame:
        self._pacer.tick()
        path = self._scan()
        if path is not None:
            try:
                self._last = load_rgb(path)
            except CameraError as exc:
                log.warning("hot folder: skipping %s: %s", path.name, exc)
            else:
                self._last_path = str(path)
                frame = make_frame(self._last, self._count, self.name, path=self._last_path, still=True)
                self._count += 1
                return frame
        assert self._last is not None, "read before open"
        frame = make_frame(self._last, self._count, self.name, path=self._last_path)
        self._count += 1
        return frame

    def close(self) -> None:
        self._pending.clear()


class FailingSource:
    """Gives ``after`` grey frames, then raises :class:`CameraError` like an unplugged camera.
    ``open`` fails too when ``fail_open`` is set. Used by the reconnect tests."""

    def __init__(
        self,
        after: int = 0,
        size: tuple[int, int] = (640, 360),
        *,
        fail_open: bool = False,
        fps: float = 30.0,
    ) -> None:
        self.after = after
        self.size = size
        self.fail_open = fail_open
        self.name = "test camera"
        self.fps = fps
        self.opened = 0
        self._count = 0
        self._pacer = _Pacer(fps)

    def open(self) -> None:
        self.opened += 1
        if self.fail_open:
            raise CameraError(f"{self.name}: cannot open; is it plugged in?")
        self._count = 0

    def read(self) -> Frame:
        self._pacer.tick()
        if self._count >= self.after:
            raise CameraError(f"{self.name}: stopped delivering frames (unplugged?)")
        w, h = self.size
        frame = make_frame(np.full((h, w, 3), 128, np.uint8), self._count, self.name, copy=False)
        self._count += 1
        return frame

    def close(self) -> None:
        pass
