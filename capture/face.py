"""Face analysis with mediapipe 0.10.21's legacy solutions (models ship inside the wheel; nothing
is downloaded at run time).

    with FaceAnalyzer() as fa:                 # still photos: FaceMesh static, Pose on
        analysis = fa.analyze(rgb)             # uint8 HxWx3 RGB -> FaceAnalysis
    live = FaceAnalyzer(still=False)           # live view: tracking mode, no Pose, no full mask

What it runs:

- FaceMesh with ``refine_landmarks=True`` (478 points, irises 468-477): eye centres, cheek points,
  chin, forehead, pose angles, eye and mouth openness, gaze.
- SelfieSegmentation: the soft person mask, the head top including hair, background and clothing
  statistics (``capture.background``).
- FaceDetection: how many faces there are (FaceMesh finds at most two on stills, one live).
- Pose ``model_complexity=1`` (0 and 2 would try to download): the shoulder line, stills only by
  default, and only when the person mask shows no shoulder line of its own (``pose_always``).
- ``capture.expression``'s classifier (numpy, weights in resources/): how sure it is of a smile,
  stills only by default.

Still mode (``still=True``) runs every model on each image independently and returns the person
mask at full resolution (whitening and the crop use it). Video mode (``still=False``) tracks the
face between frames, segments a 256 px wide 16:9 region around the face with the landscape model,
runs FaceDetection on every third frame and returns no full-size mask: that keeps a 1280x720 frame
within the live view's 12 ms budget (bench/bench_analysis.py).

Both modes measure the background and clothing inside the same window around the face (wider than
any crop of the profiles) at the same face scale (``capture.background.STATS_FACE_WIDTH``), so a
live frame and the final file give comparable figures.

One analyzer is not thread-safe (mediapipe graphs keep state): give each worker its own. Errors of
mediapipe and OpenCV come out as ``capture.errors.AnalysisError``.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import sys
import tempfile
import threading
from collections.abc import Iterator
from types import TracebackType
from typing import Any, BinaryIO

import cv2
import numpy as np
import numpy.typing as npt

from capture import landmarks as L  # noqa: N812
from capture.background import (
    background_stats,
    clothing_stats,
    shoulder_tilt,
    skin_lab,
    stats_scale,
    to_lab,
)
from capture.errors import AnalysisError
from capture.expression import ExpressionNet
from capture.types import FaceAnalysis, FaceGeometry, Point, Shoulders

__all__ = ["QUIET_ENV", "FaceAnalyzer", "quiet_native_stderr"]

FloatArray = npt.NDArray[np.float32]
U8Array = npt.NDArray[np.uint8]

# mediapipe's own defaults (0.5) for detection and tracking confidence.
MESH_MIN_DETECTION = 0.5
MESH_MIN_TRACKING = 0.5
# FaceDetection score for a face to count. The one real face scores 0.78-0.94 (24 London originals,
# 16 made 358x441 photos) and nothing else reaches the detector's 0.3 floor; a second face pasted
# at half size scores 0.61-0.87 (bench/accuracy.py "two_faces"; FaceMesh finds the rest).
DETECT_MIN_SCORE = 0.5
# Segmentation input: stills are segmented at most this long-side size (the model itself runs at
# 256x256, so larger inputs only cost conversion time); the mask is resized back up.
SEG_LONG_STILL = 768
POSE_LONG = 960  # Pose input long side (its model runs at 256x256)
DETECT_LONG_LIVE = 480  # live frames are counted on a copy this long (the model runs at 128x128)
# Live view: FaceDetection runs on every 3rd frame (a person stepping in is counted within 0.1 s
# at 30 fps); FaceMesh's own count is used on every frame.
DETECT_EVERY_LIVE = 3
SEG_WIDTH_LIVE = 256  # the landscape segmentation model's input width
# The statistics window around the face, in face widths from the eye midpoint: wider and taller
# than any crop of the profiles (358x441 at face width 179-255 spans 1.0 face widths either side,
# 1.3 above and 1.4 below the eyes at the smallest face), so it holds the crop's background, the
# whole head with its hair, and the top of the clothing.
WINDOW_HALF_WIDTH = 1.05
WINDOW_ABOVE = 1.7
WINDOW_BELOW = 1.45
# Head top cross-check (spec photo.md §2: the top of the head *including hair*). The segmented top
# must lie between these multiples of the face height (forehead landmark 10 to chin 152) above the
# forehead landmark; outside, segmentation is taken to have failed (merged with a dark background
# object, or lost light hair) and the landmark estimate is used. Calibrated on the 24 London photos:
# ratio 0.17-0.62 (median 0.31; the tall bun of london-001 is the 0.62).
HEAD_TOP_MIN_RATIO = 0.05
HEAD_TOP_MAX_RATIO = 1.0
# Landmark estimate of the head top: the median ratio above (hair of ordinary height).
HEAD_TOP_LANDMARK_RATIO = 0.31
MASK_ON = 0.5  # person-mask threshold

# --- mediapipe's native log lines ---------------------------------------------------------------
# mediapipe 0.10.21's C++ side (absl logging, TFLite) writes "INFO: Created TensorFlow Lite XNNPACK
# delegate", "WARNING: All log messages before absl::InitializeLog() ...", and W0000 lines from its
# graph threads straight to file descriptor 2 while the graphs start and on each graph's first
# ``process`` call. GLOG_minloglevel / TF_CPP_MIN_LOG_LEVEL in os.environ (set before the first
# import, tried) do not change any of them: absl logs to stderr before InitializeLog whatever they
# say, and TFLite's minimal logger reads no variable. So fd 2 is diverted into a temporary file
# around those moments only (model construction and each graph's first call), and what was
# written there is replayed on stderr except the lines matching ``_NATIVE_NOISE``: a C++ error
# (E/F severity) or anything any other thread wrote in the meantime still reaches the user.
# Set STATION_MEDIAPIPE_LOG=1 to see everything (a developer's switch).
QUIET_ENV = "STATION_MEDIAPIPE_LOG"
_NATIVE_NOISE = re.compile(
    rb"^(?:[IW]\d{4} \d\d:\d\d:\d+\.\d+\s+\d+ [\w.]+:\d+\] "  # absl INFO / WARNING lines
    rb"|INFO: Created TensorFlow Lite XNNPACK delegate"
    rb"|WARNING: All log messages before absl::InitializeLog\(\) is called)"
)
_quiet_lock = threading.Lock()
_quiet_depth = 0
_quiet_saved: tuple[int, BinaryIO] | None = None


def _divert_fd2() -> tuple[int, BinaryIO] | None:
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no fd 2 (a windowed app): nothing to quiet
        return None
    tmp = tempfile.TemporaryFile()  # noqa: SIM115 (closed by _restore_fd2)
    os.dup2(tmp.fileno(), 2)
    return saved, tmp


def _restore_fd2(state: tuple[int, BinaryIO]) -> None:
    saved, tmp = state
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.flush()
    os.dup2(saved, 2)
    os.close(saved)
    tmp.seek(0)
    data = tmp.read()
    tmp.close()
    kept = b"".join(line for line in data.splitlines(keepends=True) if not _NATIVE_NOISE.match(line))
    if kept:
        os.write(2, kept)


@contextlib.contextmanager
def quiet_native_stderr() -> Iterator[None]:
    """Divert fd 2 while mediapipe starts a graph or runs it the first time; replay what is not
    mediapipe's known start-up noise afterwards. Re-entrant and shared between threads (the first
    one in restores fd 2 when the last one leaves)."""
    global _quiet_depth, _quiet_saved
    if os.environ.get(QUIET_ENV):
        yield
        return
    with _quiet_lock:
        if _quiet_depth == 0:
            _quiet_saved = _divert_fd2()
        _quiet_depth += 1
    try:
        yield
    finally:
        with _quiet_lock:
            _quiet_depth -= 1
            if _quiet_depth == 0 and _quiet_saved is not None:
                state, _quiet_saved = _quiet_saved, None
                _restore_fd2(state)


def _check_frame(rgb: Any) -> U8Array:
    if not isinstance(rgb, np.ndarray) or rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3:
        raise AnalysisError("face analysis needs a uint8 HxWx3 RGB image")
    if rgb.shape[0] < 16 or rgb.shape[1] < 16:
        raise AnalysisError(f"image too small to analyse: {rgb.shape[1]}x{rgb.shape[0]}")
    return rgb if rgb.flags.c_contiguous else np.ascontiguousarray(rgb)


def _resize(img: npt.NDArray[Any], w: int, h: int, fast: bool) -> npt.NDArray[Any]:
    if img.shape[1] == w and img.shape[0] == h:
        return img
    shrink = w < img.shape[1]
    interp = cv2.INTER_AREA if shrink and not fast else cv2.INTER_LINEAR
    out: npt.NDArray[Any] = cv2.resize(img, (w, h), interpolation=interp)
    return out


_LM_BYTES = 17  # one serialised landmark: 0x0a 0x0f, then x, y, z each as tag + 4-byte float


def _landmarks_array(fl: Any) -> FloatArray:
    """A NormalizedLandmarkList as an n x 3 float32 array. Reads the serialised protobuf directly
    (10x faster than attribute access) when every landmark has exactly x, y and z set, which is
    FaceMesh's output; otherwise falls back to attribute access."""
    buf = fl.SerializeToString()
    n = len(fl.landmark)
    if len(buf) == _LM_BYTES * n:
        raw = np.frombuffer(buf, np.uint8).reshape(n, _LM_BYTES)
        if (raw[:, 2] == 0x0D).all() and (raw[:, 7] == 0x15).all() and (raw[:, 12] == 0x1D).all():
            cols = [3, 4, 5, 6, 8, 9, 10, 11, 13, 14, 15, 16]
            out: FloatArray = np.ascontiguousarray(raw[:, cols]).view("<f4").reshape(n, 3).astype(np.float32)
            return out
    return np.array([(p.x, p.y, p.z) for p in fl.landmark], dtype=np.float32)


class FaceAnalyzer:
    """Runs the face models on one image or live frame at a time. A context manager."""

    def __init__(
        self,
        *,
        still: bool = True,
        with_pose: bool | None = None,
        pose_always: bool = False,
        with_expression: bool | None = None,
    ) -> None:
        """``with_pose``: load Pose (default: on stills). Pose then runs only when the person mask
        shows no shoulder line (``FaceAnalysis.shoulder_tilt`` is None), the only case where
        ``shoulders_level`` uses it; ``pose_always=True`` runs it on every image.
        ``with_expression``: run the expression classifier on the face (default: on stills; ~7 ms,
        outside the live view's budget)."""
        self.still = still
        self.with_pose = still if with_pose is None else with_pose
        self.pose_always = pose_always
        self._expr = ExpressionNet() if (still if with_expression is None else with_expression) else None
        try:
            with quiet_native_stderr():
                self._start_graphs(still)
        except Exception as exc:  # mediapipe raises RuntimeError/ValueError/FileNotFoundError
            raise AnalysisError(f"cannot start the face models: {exc}") from exc
        self._closed = False
        self._frame = 0  # live frames analysed (the detector runs on every DETECT_EVERY_LIVE-th)
        self._n_det = 0
        self._warm: set[int] = set()  # graphs (by id) that have run once: no more start-up logs

    def _start_graphs(self, still: bool) -> None:
        import mediapipe as mp

        sol = mp.solutions
        self._mesh = sol.face_mesh.FaceMesh(
            static_image_mode=still,
            max_num_faces=2 if still else 1,
            refine_landmarks=True,
            min_detection_confidence=MESH_MIN_DETECTION,
            min_tracking_confidence=MESH_MIN_TRACKING,
        )
        # General model (256x256) for stills, which are often portrait; the landscape model
        # (144x256, half the time) on a 16:9 region of the live frame.
        self._seg = sol.selfie_segmentation.SelfieSegmentation(model_selection=0 if still else 1)
        # Full-range detector on stills (small pasted or background faces), short-range live.
        self._det = sol.face_detection.FaceDetection(
            model_selection=1 if still else 0, min_detection_confidence=0.3
        )
        self._pose = (
            sol.pose.Pose(static_image_mode=True, model_complexity=1, enable_segmentation=False)
            if self.with_pose
            else None
        )
        # The graphs open their calculators on their own threads, which log as they do: wait for
        # them here, while the native log is diverted (mediapipe 0.10.21's CalculatorGraph).
        for g in (self._mesh, self._seg, self._det, self._pose):
            graph = getattr(g, "_graph", None)
            if graph is not None and hasattr(graph, "wait_until_idle"):
                graph.wait_until_idle()

    def _process(self, graph: Any, img: U8Array) -> Any:
        """``graph.process(img)``; the first call of each graph with its native log diverted."""
        if id(graph) in self._warm:
            return graph.process(img)
        with quiet_native_stderr():
            out = graph.process(img)
        self._warm.add(id(graph))
        return out

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for g in (self._mesh, self._seg, self._det, self._pose):
            if g is not None:
                # closing twice or a half-built graph: nothing to report
                with contextlib.suppress(Exception):
                    g.close()

    def __enter__(self) -> FaceAnalyzer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- analysis --------------------------------------------------------------------------
    def analyze(self, rgb: npt.NDArray[np.uint8]) -> FaceAnalysis:
        """Measure one uint8 HxWx3 RGB image (coordinates in its pixels)."""
        if self._closed:
            raise AnalysisError("the face analyzer is closed")
        rgb = _check_frame(rgb)
        h, w = rgb.shape[:2]
        try:
            return self._analyze(rgb, w, h)
        except AnalysisError:
            raise
        except Exception as exc:  # mediapipe/OpenCV failures on a bad frame
            raise AnalysisError(f"face analysis failed: {exc}") from exc

    def _analyze(self, rgb: U8Array, w: int, h: int) -> FaceAnalysis:
        faces = self._mesh_faces(rgb, w, h)
        main = max(faces, key=lambda p: abs(float(p[L.CHEEK_R, 0] - p[L.CHEEK_L, 0]))) if faces else None
        face_w = None if main is None else float(np.hypot(*(main[L.CHEEK_R, :2] - main[L.CHEEK_L, :2])))

        # The statistics look at the window a crop would take around the face (the whole picture
        # when it is the output already), at the stats scale: same figures for a frame and a file.
        x0, y0, x1, y1 = stats_window(w, h, main, face_w)
        ww, wh = x1 - x0, y1 - y0
        s = stats_scale(ww, wh, face_w)
        sw, sh = max(1, round(ww * s)), max(1, round(wh * s))
        small = _resize(rgb[y0:y1, x0:x1], sw, sh, fast=not self.still)
        kx, ky = sw / ww, sh / wh

        # Person mask: `mask_hi` (with its scale and offset) for the head top, `mask_small` for
        # the statistics.
        if self.still:
            seg_s = min(1.0, SEG_LONG_STILL / max(w, h))
            seg_img = _resize(rgb, max(1, round(w * seg_s)), max(1, round(h * seg_s)), fast=False)
            mask_hi = self._segment(seg_img)
            mask_scale = seg_img.shape[1] / w
            mx0, my0 = round(x0 * mask_scale), round(y0 * mask_scale)
            mx1, my1 = max(mx0 + 1, round(x1 * mask_scale)), max(my0 + 1, round(y1 * mask_scale))
            mask_small = _resize(mask_hi[my0:my1, mx0:mx1], sw, sh, fast=False)
            mask_off = (0.0, 0.0)
            person_mask: FloatArray | None = np.clip(_resize(mask_hi, w, h, fast=True), 0.0, 1.0)
            det_img = rgb
        else:
            # The landscape model (144x256, the fastest) on a 16:9 region around the window.
            lx0, ly0, lx1, ly1 = landscape_region(w, h, (x0, y0, x1, y1))
            ls = SEG_WIDTH_LIVE / (lx1 - lx0)
            seg_h = max(1, round((ly1 - ly0) * ls))
            seg_img = _resize(rgb[ly0:ly1, lx0:lx1], SEG_WIDTH_LIVE, seg_h, fast=True)
            mask_hi = self._segment(seg_img)
            mask_scale = ls
            mask_off = (float(lx0), float(ly0))
            mx0, my0 = round((x0 - lx0) * ls), round((y0 - ly0) * ls)
            mx1, my1 = max(mx0 + 1, round((x1 - lx0) * ls)), max(my0 + 1, round((y1 - ly0) * ls))
            mask_small = _resize(mask_hi[my0:my1, mx0:mx1], sw, sh, fast=True)
            person_mask = None
            det_img = None
            if self._frame % DETECT_EVERY_LIVE == 0:
                ds = min(1.0, DETECT_LONG_LIVE / max(w, h))
                det_img = _resize(rgb, max(1, round(w * ds)), max(1, round(h * ds)), fast=True)
        self._frame += 1

        face_count = self._count_faces(det_img, len(faces))

        lab = to_lab(small)
        geom = None
        chin_y_s = face_h_s = cx_s = None
        if main is not None:
            geom = self._geometry(main, mask_hi, mask_scale, mask_off)
            chin_y_s = (geom.chin.y - y0) * ky
            face_h_s = max(1.0, (geom.chin.y - geom.forehead.y) * ky)
            cx_s = (geom.eye_mid.x - x0) * kx
        fw_s = None if face_w is None else face_w * kx
        bg = background_stats(lab, mask_small, face_center_x=cx_s, chin_y=chin_y_s, face_width=fw_s)
        clothing = None
        tilt = None
        if chin_y_s is not None and face_h_s is not None and cx_s is not None and fw_s is not None:
            tilt = shoulder_tilt(mask_small, center_x=cx_s, chin_y=chin_y_s, face_width=fw_s)
            assert main is not None
            pts = (main[:, :2] - np.array([x0, y0], np.float32)) * np.array([kx, ky], np.float32)
            clothing = clothing_stats(
                lab, mask_small, chin_y=chin_y_s, face_height=face_h_s, background=bg, skin=skin_lab(lab, pts)
            )

        # Pose (the costliest model: 35-130 ms on a 358x441 file, 2-core machine) only as the
        # fallback of the mask's shoulder line; see check_shoulders_level.
        need_pose = self._pose is not None and (self.pose_always or tilt is None)
        shoulders = self._shoulders(rgb, w, h) if need_pose else None
        expression = None
        if self._expr is not None and main is not None:
            # An extra opinion: a face the classifier cannot take (a box of a few pixels) leaves
            # mouth_closed to the landmarks instead of failing the whole analysis.
            with contextlib.suppress(AnalysisError):
                expression = self._expr.classify(rgb, main)
        return FaceAnalysis(
            width=w,
            height=h,
            face_count=face_count,
            face=geom,
            background=bg,
            shoulders=shoulders,
            person_mask=person_mask,
            clothing=clothing,
            shoulder_tilt=tilt,
            stats_scale=kx,
            expression=expression,
        )

    def _mesh_faces(self, rgb: U8Array, w: int, h: int) -> list[FloatArray]:
        res = self._process(self._mesh, rgb)
        out: list[FloatArray] = []
        for fl in res.multi_face_landmarks or ():
            a = _landmarks_array(fl)
            if a.shape[0] < 478:  # refine_landmarks is on, so this would be a model mismatch
                raise AnalysisError(f"FaceMesh returned {a.shape[0]} landmarks, expected 478")
            a[:, 0] *= w
            a[:, 1] *= h
            a[:, 2] *= w
            out.append(a)
        return out

    def _segment(self, img: U8Array) -> FloatArray:
        res = self._process(self._seg, img)
        m = res.segmentation_mask
        if m is None:
            raise AnalysisError("segmentation returned no mask")
        return np.asarray(m, dtype=np.float32)

    def _count_faces(self, img: U8Array | None, n_mesh: int) -> int:
        """Faces found by the detector (or its last count, when ``img`` is None) and FaceMesh."""
        if img is not None:
            res = self._process(self._det, img)
            self._n_det = sum(1 for d in (res.detections or ()) if d.score and d.score[0] >= DETECT_MIN_SCORE)
        return max(self._n_det, n_mesh)

    def _shoulders(self, rgb: U8Array, w: int, h: int) -> Shoulders | None:
        assert self._pose is not None
        s = min(1.0, POSE_LONG / max(w, h))
        img = _resize(rgb, max(1, round(w * s)), max(1, round(h * s)), fast=False)
        res = self._process(self._pose, img)
        if res.pose_landmarks is None:
            return None
        lm = res.pose_landmarks.landmark
        # Pose 11 = subject's left shoulder (image right), 12 = subject's right (image left).
        right, left = lm[11], lm[12]
        return Shoulders(
            left=Point(float(left.x) * w, float(left.y) * h),
            right=Point(float(right.x) * w, float(right.y) * h),
            visibility=float(min(left.visibility, right.visibility)),
        )

    def _geometry(
        self, p: FloatArray, mask: FloatArray, mask_scale: float, mask_off: tuple[float, float]
    ) -> FaceGeometry:
        def pt(i: int) -> Point:
            return Point(float(p[i, 0]), float(p[i, 1]))

        yaw, pitch, roll = L.head_angles(p)
        gx, gy = L.gaze_offsets(p)
        forehead, chin = pt(L.FOREHEAD), pt(L.CHIN)
        top_y, source, clipped = head_top(p, mask, mask_scale, mask_off)
        return FaceGeometry(
            eye_left=pt(L.IRIS_L),
            eye_right=pt(L.IRIS_R),
            cheek_left=pt(L.CHEEK_L),
            cheek_right=pt(L.CHEEK_R),
            chin=chin,
            forehead=forehead,
            head_top_y=top_y,
            head_top_source=source,
            yaw=yaw,
            pitch=pitch,
            roll=roll,
            eye_open_left=L.eye_openness(p, L.EYE_L),
            eye_open_right=L.eye_openness(p, L.EYE_R),
            mouth_open=L.mouth_openness(p),
            box=(
                float(p[:, 0].min()),
                float(p[:, 1].min()),
                float(p[:, 0].max()),
                float(p[:, 1].max()),
            ),
            head_top_clipped=clipped,
            gaze_x=gx,
            gaze_y=gy,
            landmarks=p.copy(),
        )


def landscape_region(w: int, h: int, window: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """A 16:9 region of the image centred on ``window`` and holding it (clipped to the image)."""
    x0, y0, x1, y1 = window
    rw = max(x1 - x0, round((y1 - y0) * 16 / 9))
    cx = (x0 + x1) / 2
    lx0 = max(0, min(w - rw, round(cx - rw / 2))) if rw < w else 0
    lx1 = min(w, lx0 + rw)
    return lx0, y0, lx1, y1


def stats_window(w: int, h: int, p: FloatArray | None, face_w: float | None) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) of the statistics window, inside the image."""
    if p is None or face_w is None or face_w <= 1:
        return 0, 0, w, h
    cx = float(p[L.IRIS_L, 0] + p[L.IRIS_R, 0]) / 2
    cy = float(p[L.IRIS_L, 1] + p[L.IRIS_R, 1]) / 2
    x0 = max(0, math.floor(cx - WINDOW_HALF_WIDTH * face_w))
    x1 = min(w, math.ceil(cx + WINDOW_HALF_WIDTH * face_w))
    y0 = max(0, math.floor(cy - WINDOW_ABOVE * face_w))
    y1 = min(h, math.ceil(cy + WINDOW_BELOW * face_w))
    if x1 - x0 < 16 or y1 - y0 < 16:
        return 0, 0, w, h
    return x0, y0, x1, y1


def segmented_top(p: FloatArray, mask: FloatArray, mask_scale: float) -> tuple[float, bool] | None:
    """Top of the person mask above the face (in mask px), and whether it touches the image's top
    edge. Scans the columns between the cheek points upwards from the forehead landmark while the
    mask stays on; a 3-column median drops single-column spikes (a stray hair). None when the
    forehead itself is not inside the mask."""
    mh, mw = mask.shape
    x0 = max(0, math.floor(p[L.CHEEK_L, 0] * mask_scale))
    x1 = min(mw - 1, math.ceil(p[L.CHEEK_R, 0] * mask_scale))
    fy = round(p[L.FOREHEAD, 1] * mask_scale)
    if x1 - x0 < 3 or fy <= 0 or fy >= mh:
        return None
    band = mask[: fy + 1, x0 : x1 + 1] >= MASK_ON
    on_at_forehead = band[fy]
    if on_at_forehead.mean() < 0.5:
        return None
    # Per column: index of the last "off" pixel above the forehead; top = that + 1.
    off = ~band
    rev = off[::-1]
    first_off_from_bottom = np.where(rev.any(axis=0), rev.argmax(axis=0), fy + 1)
    tops = (fy - first_off_from_bottom + 1).astype(np.float32)
    tops = tops[on_at_forehead]
    if tops.size >= 3:
        tops = np.median(np.stack([tops[:-2], tops[1:-1], tops[2:]]), axis=0)
    col = int(np.argmin(tops))
    top = float(tops[col])
    clipped = top <= 0.5
    if not clipped:
        # Sub-pixel: where the mask crosses MASK_ON between the off pixel and the on pixel.
        xs = np.nonzero(on_at_forehead)[0]
        x = x0 + int(xs[min(col + 1, xs.size - 1)] if xs.size >= 3 else xs[col])
        yi = int(top)
        a, b = float(mask[yi - 1, x]), float(mask[yi, x])
        if b > a:
            top = (yi - 1) + (MASK_ON - a) / (b - a)
    return top, clipped


def head_top(
    p: FloatArray, mask: FloatArray, mask_scale: float, mask_off: tuple[float, float] = (0.0, 0.0)
) -> tuple[float, str, bool]:
    """(head_top_y in analysed px, source, clipped): segmentation cross-checked with landmarks.

    ``mask`` covers the analysed image from ``mask_off`` (analysed px) at ``mask_scale``. The
    hair is clipped only when the mask reaches the top of the *image*; reaching the top of a
    window that starts lower means the window was too small, and the landmarks are used."""
    fy = float(p[L.FOREHEAD, 1])
    face_h = max(1.0, float(p[L.CHIN, 1]) - fy)
    q = p.copy()
    q[:, 0] -= mask_off[0]
    q[:, 1] -= mask_off[1]
    seg = segmented_top(q, mask, mask_scale)
    if seg is not None and seg[1] and mask_off[1] > 0:
        seg = None
    if seg is not None:
        top_m, clipped = seg
        top = top_m / mask_scale + mask_off[1]
        ratio = (fy - top) / face_h
        if clipped and ratio >= HEAD_TOP_MIN_RATIO:
            return 0.0, "segmentation", True
        if HEAD_TOP_MIN_RATIO <= ratio <= HEAD_TOP_MAX_RATIO:
            return top, "segmentation", False
    est = fy - HEAD_TOP_LANDMARK_RATIO * face_h
    return max(0.0, est), "landmarks", est <= 0.0
