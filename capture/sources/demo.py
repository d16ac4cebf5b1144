"""The demo camera: a package-shipped portrait on a white backdrop, moving slightly, at 30 fps.

The portrait is matplotlib's ``mpl-data/sample_data/grace_hopper.jpg`` (US Navy photo, public
domain; matplotlib is a runtime dependency), retouched as described at ``_grade``. On ``open`` the
person is cut out once with
mediapipe's SelfieSegmentation (the model ships inside the wheel) and laid on a white 1280x720
backdrop, scaled so that the head fits a profile crop comfortably. Each frame then moves it a
little (a slow sway, a bob and a slight scale change) with one affine warp. The motion depends on
the frame index only, so frame N is the same picture in every run (tests rely on that)."""

from __future__ import annotations

import logging
import math
import time
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from capture.errors import CameraError
from capture.sources.base import RGB, Frame, make_frame

__all__ = ["DemoSource", "demo_portrait_path"]

log = logging.getLogger("station.capture")

BACKDROP = 250  # grey level of the white backdrop
# Where the portrait sits in a 1280x720 frame, in units of the frame height: the scale of the
# 512x600 source and the frame row of its top edge. The face is then ~260 px wide, so the
# 358x441 crop is taken at ~0.83x with room all round (checked by tests/ui/test_camera.py).
PORTRAIT_SCALE = 1.25 / 720
PORTRAIT_TOP = 60 / 720
# Motion amplitudes (px at 720 rows) and periods (s).
SWAY_PX, SWAY_PERIOD = 14.0, 5.0
BOB_PX, BOB_PERIOD = 5.0, 3.7
ZOOM, ZOOM_PERIOD = 0.015, 6.3


def demo_portrait_path() -> Path:
    try:
        import matplotlib
    except ImportError as exc:  # pragma: no cover - matplotlib is a runtime dependency
        raise CameraError("demo camera needs matplotlib (its sample portrait)") from exc
    path = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
    if not path.is_file():
        raise CameraError(f"demo portrait missing: {path}")
    return path


# Two changes make the 1944 studio portrait behave like an applicant in front of a white wall:
# - her white-topped naval cap would melt into the white backdrop (segmentation then loses the
#   top of the head and the crop cuts it), so everything above source row HAIR_ROW is painted as
#   short dark hair (with a little texture);
# - the print is warm and saturated (skin chroma ~39, clipped highlights ~5%), which the
#   exposure and colour-cast checks rightly reject, so chroma and lightness are scaled down.
# With these, make_photo on demo frames gives compliant photos (tests/ui/test_camera.py).
HAIR_ROW = 148
HAIR_RGB = (58, 48, 42)
HAIR_CX, HAIR_RX, HAIR_RY = 262, 116, 112  # the dome of hair over the head (source px)
GRADE_CHROMA = 0.65
GRADE_LIGHTNESS = 0.85


def _grade(rgb: RGB) -> RGB:
    h, w = rgb.shape[:2]
    out = rgb.astype(np.float32)
    rng = np.random.default_rng(7)
    noise = cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), 1.2) * 14
    rows = np.arange(h, dtype=np.float32)[:, None, None]
    t = np.clip((HAIR_ROW - rows) / 8, 0, 1)
    out = out * (1 - t) + (np.array(HAIR_RGB, np.float32) + noise[..., None]) * t
    lab = cv2.cvtColor(np.clip(out, 0, 255).astype(np.uint8), cv2.COLOR_RGB2LAB).astype(np.float32)
    lab[..., 1:] = 128 + (lab[..., 1:] - 128) * GRADE_CHROMA
    lab[..., 0] *= GRADE_LIGHTNESS
    graded: RGB = cv2.cvtColor(np.clip(lab, 0, 255).astype(np.uint8), cv2.COLOR_LAB2RGB)
    return graded


def _mask_file() -> Path:
    from resources import resource_path

    return resource_path("demo", "grace_hopper_mask.png")


def _person_mask(rgb: RGB) -> npt.NDArray[np.float32]:
    """SelfieSegmentation's mask of the retouched portrait. It is computed once and shipped as
    ``resources/demo/grace_hopper_mask.png`` (scripts/make_demo_mask.py), which saves a second of
    start-up; when the portrait is not the expected one, it is computed here."""
    mask_file = _mask_file()
    if mask_file.is_file():
        from PIL import Image

        with Image.open(mask_file) as im:
            shipped = np.asarray(im.convert("L"), dtype=np.float32) / 255.0
        if shipped.shape == rgb.shape[:2]:
            return shipped
    try:
        import mediapipe as mp

        with mp.solutions.selfie_segmentation.SelfieSegmentation(model_selection=0) as seg:
            mask: npt.NDArray[np.float32] = seg.process(rgb).segmentation_mask
    except Exception as exc:  # mediapipe raises plain RuntimeError/ValueError
        raise CameraError(f"demo camera: cannot cut out the portrait ({exc})") from exc
    return mask


def _cut_out(rgb: RGB) -> RGB:
    """The portrait composited on the white backdrop (person kept, background replaced)."""
    mask = _person_mask(rgb)
    # Sharpen the soft mask (drops the faint halo of the flag behind her), then feather it.
    hard = np.clip((mask.astype(np.float32) - 0.35) / 0.3, 0.0, 1.0)
    # Above HAIR_ROW the outline is a smooth dome of hair with a crisp edge (the cap's outline
    # and emblem made a ragged, half-transparent top that segmentation measured differently at
    # each scale).
    h, w = hard.shape
    dome = np.zeros((h, w), np.uint8)
    cv2.ellipse(dome, (HAIR_CX, HAIR_ROW), (HAIR_RX, HAIR_RY), 0, 180, 360, 255, -1, cv2.LINE_AA)
    hard[:HAIR_ROW] = dome[:HAIR_ROW].astype(np.float32) / 255.0
    alpha = cv2.GaussianBlur(hard, (3, 3), 0)[..., None]
    out = rgb.astype(np.float32) * alpha + BACKDROP * (1.0 - alpha)
    result: RGB = np.clip(out + 0.5, 0, 255).astype(np.uint8)
    return result


class DemoSource:
    """A moving portrait at ``fps`` (30 by default), ``size`` pixels (1280x720 by default).

    ``realtime=False`` returns frames as fast as they are asked for (benchmarks, tests)."""

    def __init__(
        self,
        size: tuple[int, int] = (1280, 720),
        fps: float = 30.0,
        *,
        realtime: bool = True,
        still: bool = False,
    ) -> None:
        self.size = size
        self.fps = fps
        self.realtime = realtime
        self.still = still  # no motion at all
        self.name = "demo camera"
        self._portrait: RGB | None = None
        self._count = 0
        self._t0 = 0.0

    def open(self) -> None:
        if self._portrait is None:
            from capture.sources.files import load_rgb

            self._portrait = _cut_out(_grade(load_rgb(demo_portrait_path())))
            log.info("demo camera ready: %dx%d at %s fps", *self.size, self.fps)
        self._count = 0
        self._t0 = time.monotonic()

    def render(self, index: int) -> RGB:
        """Frame ``index`` as a new RGB array."""
        if self._portrait is None:
            raise CameraError("demo camera: not open")
        w, h = self.size
        t = 0.0 if self.still else index / self.fps
        s = PORTRAIT_SCALE * h * (1.0 + ZOOM * math.sin(2 * math.pi * t / ZOOM_PERIOD))
        _ph, pw = self._portrait.shape[:2]
        k = h / 720.0
        tx = (w - pw * s) / 2 + k * SWAY_PX * math.sin(2 * math.pi * t / SWAY_PERIOD)
        ty = PORTRAIT_TOP * h + k * BOB_PX * math.sin(2 * math.pi * t / BOB_PERIOD)
        m = np.array([[s, 0.0, tx], [0.0, s, ty]], np.float32)
        out: RGB = cv2.warpAffine(
            self._portrait,
            m,
            (w, h),
            flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=(BACKDROP,) * 3,
        )
        return out

    def read(self) -> Frame:
        index = self._count
        if self.realtime:
            due = self._t0 + index / self.fps
            now = time.monotonic()
            if due > now:
                time.sleep(due - now)
            elif now - due > 1.0:  # fell far behind (suspended): restart the schedule
                self._t0 = now - index / self.fps
        frame = make_frame(self.render(index), index, self.name, copy=False)
        self._count += 1
        return frame

    def close(self) -> None:
        pass
