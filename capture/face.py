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
  default.

Still mode (``still=True``) runs every model on each image independently and returns the person
mask at full resolution (whitening and the crop use it). Video mode (``still=False``) tracks the
face between frames, segments a small copy of the frame (the stats scale of
``capture.background``) and returns no full-size mask: that keeps a 1280x720 frame within the live
view's budget (bench/bench_analysis.py).

One analyzer is not thread-safe (mediapipe graphs keep state): give each worker its own. Errors of
mediapipe and OpenCV come out as ``capture.errors.AnalysisError``.
"""

from __future__ import annotations

import contextlib
import math
from types import TracebackType
from typing import Any

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
from capture.types import FaceAnalysis, FaceGeometry, Point, Shoulders

__all__ = ["FaceAnalyzer"]

FloatArray = npt.NDArray[np.float32]
U8Array = npt.NDArray[np.uint8]

# mediapipe's own defaults (0.5) for detection and tracking confidence.
MESH_MIN_DETECTION = 0.5
MESH_MIN_TRACKING = 0.5
# FaceDetection score for a face to count. Calibrated on the 24 London photos, the astronaut and
# grace_hopper, and on made 358x441 photos: the one real face scores >= 0.89, nothing else scores
# above 0.3; a second face pasted at half size scores >= 0.8 (tests/capture/test_checks_face.py).
DETECT_MIN_SCORE = 0.6
# Segmentation input: stills are segmented at most this long-side size (the model itself runs at
# 256x256, so larger inputs only cost conversion time); the mask is resized back up.
SEG_LONG_STILL = 768
POSE_LONG = 960  # Pose input long side (its model runs at 256x256)
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


class FaceAnalyzer:
    """Runs the face models on one image or live frame at a time. A context manager."""

    def __init__(self, *, still: bool = True, with_pose: bool | None = None) -> None:
        self.still = still
        self.with_pose = still if with_pose is None else with_pose
        try:
            import mediapipe as mp

            sol = mp.solutions
            self._mesh = sol.face_mesh.FaceMesh(
                static_image_mode=still,
                max_num_faces=2 if still else 1,
                refine_landmarks=True,
                min_detection_confidence=MESH_MIN_DETECTION,
                min_tracking_confidence=MESH_MIN_TRACKING,
            )
            # General model (256x256) for stills, which are often portrait; landscape model
            # (144x256) for camera frames.
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
        except Exception as exc:  # mediapipe raises RuntimeError/ValueError/FileNotFoundError
            raise AnalysisError(f"cannot start the face models: {exc}") from exc
        self._closed = False

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

        s = stats_scale(w, h, face_w)
        sw, sh = max(1, round(w * s)), max(1, round(h * s))
        small = _resize(rgb, sw, sh, fast=not self.still)

        # Person mask: `mask_hi` for the head top, `mask_small` for the statistics.
        if self.still:
            seg_s = min(1.0, SEG_LONG_STILL / max(w, h))
            seg_img = _resize(rgb, max(1, round(w * seg_s)), max(1, round(h * seg_s)), fast=False)
            mask_hi = self._segment(seg_img)
            mask_small = _resize(mask_hi, sw, sh, fast=False)
            mask_scale = seg_img.shape[1] / w
            person_mask: FloatArray | None = np.clip(_resize(mask_hi, w, h, fast=True), 0.0, 1.0)
        else:
            mask_small = self._segment(small)
            mask_hi = mask_small
            mask_scale = sw / w
            person_mask = None

        face_count = self._count_faces(rgb if self.still else small, len(faces))

        lab = to_lab(small)
        geom = None
        chin_y_s = face_h_s = cx_s = None
        if main is not None:
            geom = self._geometry(main, mask_hi, mask_scale)
            chin_y_s = geom.chin.y * (sh / h)
            face_h_s = max(1.0, (geom.chin.y - geom.forehead.y) * (sh / h))
            cx_s = geom.eye_mid.x * (sw / w)
        bg = background_stats(
            lab,
            mask_small,
            face_center_x=cx_s,
            chin_y=chin_y_s,
            face_width=None if face_w is None else face_w * (sw / w),
        )
        clothing = None
        tilt = None
        if chin_y_s is not None and face_h_s is not None and cx_s is not None and face_w is not None:
            tilt = shoulder_tilt(mask_small, center_x=cx_s, chin_y=chin_y_s, face_width=face_w * (sw / w))
            assert main is not None
            pts = main[:, :2] * np.array([sw / w, sh / h], np.float32)
            clothing = clothing_stats(
                lab, mask_small, chin_y=chin_y_s, face_height=face_h_s, background=bg, skin=skin_lab(lab, pts)
            )

        shoulders = self._shoulders(rgb, w, h) if self._pose is not None else None
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
            stats_scale=sw / w,
        )

    def _mesh_faces(self, rgb: U8Array, w: int, h: int) -> list[FloatArray]:
        res = self._mesh.process(rgb)
        out: list[FloatArray] = []
        for fl in res.multi_face_landmarks or ():
            a = np.array([(p.x, p.y, p.z) for p in fl.landmark], dtype=np.float32)
            if a.shape[0] < 478:  # refine_landmarks is on, so this would be a model mismatch
                raise AnalysisError(f"FaceMesh returned {a.shape[0]} landmarks, expected 478")
            a[:, 0] *= w
            a[:, 1] *= h
            a[:, 2] *= w
            out.append(a)
        return out

    def _segment(self, img: U8Array) -> FloatArray:
        res = self._seg.process(img)
        m = res.segmentation_mask
        if m is None:
            raise AnalysisError("segmentation returned no mask")
        return np.asarray(m, dtype=np.float32)

    def _count_faces(self, img: U8Array, n_mesh: int) -> int:
        res = self._det.process(img)
        n_det = sum(1 for d in (res.detections or ()) if d.score and d.score[0] >= DETECT_MIN_SCORE)
        return max(n_det, n_mesh)

    def _shoulders(self, rgb: U8Array, w: int, h: int) -> Shoulders | None:
        assert self._pose is not None
        s = min(1.0, POSE_LONG / max(w, h))
        img = _resize(rgb, max(1, round(w * s)), max(1, round(h * s)), fast=False)
        res = self._pose.process(img)
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

    def _geometry(self, p: FloatArray, mask: FloatArray, mask_scale: float) -> FaceGeometry:
        def pt(i: int) -> Point:
            return Point(float(p[i, 0]), float(p[i, 1]))

        yaw, pitch, roll = L.head_angles(p)
        gx, gy = L.gaze_offsets(p)
        forehead, chin = pt(L.FOREHEAD), pt(L.CHIN)
        top_y, source, clipped = head_top(p, mask, mask_scale)
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


def head_top(p: FloatArray, mask: FloatArray, mask_scale: float) -> tuple[float, str, bool]:
    """(head_top_y in analysed px, source, clipped): segmentation cross-checked with landmarks."""
    fy = float(p[L.FOREHEAD, 1])
    face_h = max(1.0, float(p[L.CHIN, 1]) - fy)
    seg = segmented_top(p, mask, mask_scale)
    if seg is not None:
        top_m, clipped = seg
        top = top_m / mask_scale
        ratio = (fy - top) / face_h
        if clipped and ratio >= HEAD_TOP_MIN_RATIO:
            return 0.0, "segmentation", True
        if HEAD_TOP_MIN_RATIO <= ratio <= HEAD_TOP_MAX_RATIO:
            return top, "segmentation", False
    est = fy - HEAD_TOP_LANDMARK_RATIO * face_h
    return max(0.0, est), "landmarks", est <= 0.0
