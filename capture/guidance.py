"""Live guidance: from one frame's :class:`FaceAnalysis`, the profile, a crop mapping and the
scene checks, decide what the live view draws, which check lights are green, and the ONE prompt
to show. Also the auto-capture logic. Pure logic: no Qt, no drawing.

Geometry is always judged in output pixels of the 358 x 441 photo, through a
:class:`CropMapping` (output <-> frame). The live view passes the crop solver's plan for the frame
when one exists (so "all green" means the shutter would give a compliant crop), and otherwise the
fixed :func:`guide_mapping`, a centred crop of the frame where the applicant should sit.

Prompts speak to the applicant facing the camera: "向左" means "move to your left", which is
image-right in the un-mirrored camera picture. The mirrored preview changes only the display.

Prompt priority (first failing item wins; stable so the prompt does not flicker between two):
face found > one person > distance > left/right > up/down > turn > tilt up/down > roll > eyes >
mouth > gaze > background white > background even > light even > exposure > sharpness.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from capture.profiles import Profile
from capture.types import FaceAnalysis, Point

__all__ = [
    "PROMPTS",
    "AutoCapture",
    "AutoCaptureEvent",
    "CropMapping",
    "Guidance",
    "GuideMap",
    "Light",
    "Overlay",
    "Prompt",
    "build_guidance",
    "guide_mapping",
    "mapping_from_plan",
]

Lang = Literal["zh", "en"]
State = Literal["green", "red", "grey"]

# Fallback limits used only when the scene checks did not judge an item (e.g. before the
# analysis work's live checks run, or for direction words). Degrees and ratios as in FaceGeometry.
# The yaw/pitch/roll numbers are the live-view tolerance of 照相人员须知 "头部端正" (no official
# number): 8 degrees of turn or nod and 5 of roll are visible to a clerk at arm's length.
MAX_YAW_DEG = 8.0
MAX_PITCH_DEG = 10.0
MAX_ROLL_DEG = 5.0
MIN_EYE_OPEN = 0.18  # eyelid gap / eye width; a closed eye measures < 0.1
MAX_MOUTH_OPEN = 0.08  # inner-lip gap / mouth width; a closed mouth measures < 0.03
# Background whiteness meter: L* minus twice the chroma, 0..100 mapped to 0..1. The mark at
# WHITE_MARK is where the background_white check's lightness/chroma limits put a plain backdrop.
WHITE_MARK = 0.80
# Fixed guide: the crop sits in the middle of the frame, 80% of its height, its top at 10%.
GUIDE_HEIGHT = 0.80
GUIDE_TOP = 0.10


@dataclass(frozen=True)
class Prompt:
    key: str
    zh: str
    en: str

    def text(self, lang: Lang = "zh") -> str:
        return self.zh if lang == "zh" else self.en


PROMPTS: dict[str, Prompt] = {
    p.key: p
    for p in (
        Prompt("no_face", "请面对镜头", "Please face the camera"),
        Prompt("one_person", "画面中只能有一人", "Only one person in the picture"),
        Prompt("closer", "靠近一点", "Come a little closer"),
        Prompt("back", "后退一点", "Move back a little"),
        Prompt("left", "向左", "Move to your left"),
        Prompt("right", "向右", "Move to your right"),
        Prompt("up", "坐高一点", "Sit up a little higher"),
        Prompt("down", "坐低一点", "Sit a little lower"),
        Prompt("face_camera", "请正视镜头", "Look straight at the camera"),
        Prompt("chin_up", "抬头", "Raise your chin"),
        Prompt("chin_down", "低头", "Lower your chin"),
        Prompt("head_straight", "请摆正头部", "Hold your head straight"),
        Prompt("open_eyes", "请睁眼", "Please open your eyes"),
        Prompt("close_mouth", "请闭嘴", "Please close your mouth"),
        Prompt("background", "背景不够白", "Background is not white enough"),
        Prompt("background_even", "背景有阴影或杂物", "Shadow or objects on the background"),
        Prompt("light_even", "光线不均匀", "Light is uneven on the face"),
        Prompt("exposure", "光线太暗或太亮", "Too dark or too bright"),
        Prompt("hold_still", "请保持不动", "Hold still"),
        Prompt("higher_resolution", "请用更高的分辨率", "Use a higher camera resolution"),
        Prompt("show_shoulders", "请露出双肩", "Both shoulders must show"),
        Prompt("ready", "很好，请保持", "Good, hold still"),
    )
}

# The check lights, in display order: key, zh label, en label.
LIGHTS: tuple[tuple[str, str, str], ...] = (
    ("face", "人脸", "Face"),
    ("size", "大小", "Size"),
    ("position", "位置", "Position"),
    ("pose", "姿态", "Pose"),
    ("eyes", "睁眼", "Eyes"),
    ("mouth", "闭嘴", "Mouth"),
    ("background", "背景", "Background"),
    ("light", "光线", "Light"),
    ("sharp", "清晰", "Sharp"),
)
# Which scene-check ids feed which light.
LIGHT_CHECKS: dict[str, tuple[str, ...]] = {
    "face": ("face_count",),
    "pose": ("head_pose",),
    "eyes": ("eyes_open",),
    "mouth": ("mouth_closed",),
    "background": ("background_white", "background_uniform", "border"),
    "light": ("lighting_balance", "exposure", "color_cast"),
    "sharp": ("sharpness",),
}


class CropMapping(Protocol):
    """Output pixels <-> frame pixels: ``frame = origin + output / scale``."""

    @property
    def scale(self) -> float: ...  # output px per frame px

    @property
    def origin(self) -> tuple[float, float]: ...  # frame position of the output's top-left


@dataclass(frozen=True)
class GuideMap:
    scale: float
    origin: tuple[float, float]
    out_size: tuple[int, int] = (358, 441)

    def to_frame(self, x: float, y: float) -> tuple[float, float]:
        return self.origin[0] + x / self.scale, self.origin[1] + y / self.scale

    def to_output(self, x: float, y: float) -> tuple[float, float]:
        return (x - self.origin[0]) * self.scale, (y - self.origin[1]) * self.scale


def guide_mapping(frame_w: int, frame_h: int, profile: Profile) -> GuideMap:
    """The fixed guide: a profile-shaped crop centred in the frame."""
    crop_h = GUIDE_HEIGHT * frame_h
    scale = profile.height / crop_h
    crop_w = profile.width / scale
    return GuideMap(scale, ((frame_w - crop_w) / 2, GUIDE_TOP * frame_h), (profile.width, profile.height))


def mapping_from_plan(plan: Any, profile: Profile) -> GuideMap | None:
    """Adapt the crop solver's plan (whatever its field names) to a mapping; None if it has none.

    Accepts ``plan.scale`` with ``plan.origin``/``(plan.x0, plan.y0)``/``plan.left, plan.top``,
    or a ``plan.source_box``/``plan.box`` (x0, y0, x1, y1) in frame pixels."""
    if plan is None:
        return None
    size = (profile.width, profile.height)
    box = getattr(plan, "source_box", None) or getattr(plan, "box", None)
    if box is not None:
        x0, y0, x1, _ = (float(v) for v in box)
        return GuideMap(profile.width / (x1 - x0), (x0, y0), size)
    scale = getattr(plan, "scale", None)
    if scale is None:
        return None
    origin = getattr(plan, "origin", None)
    if origin is None:
        for a, b in (("x0", "y0"), ("left", "top"), ("offset_x", "offset_y")):
            if hasattr(plan, a) and hasattr(plan, b):
                origin = (getattr(plan, a), getattr(plan, b))
                break
    if origin is None:
        return None
    return GuideMap(float(scale), (float(origin[0]), float(origin[1])), size)


@dataclass(frozen=True)
class Light:
    key: str
    zh: str
    en: str
    state: State

    def label(self, lang: Lang = "zh") -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Overlay:
    """What to draw, in FRAME pixels (the live view maps frame -> widget)."""

    crop: tuple[float, float, float, float]  # x0, y0, x1, y1 of the photo
    head_region: tuple[float, float, float, float]  # the target oval's bounding box
    crown_band: tuple[float, float]  # y range where the top of the hair must be
    eye_line_limit: float  # y the eyes must be above
    centre_x: float  # the photo's centre line
    eye_window: tuple[float, float]  # x range for the mid-point of the eyes
    face_width_range: tuple[float, float]  # allowed face width in frame px (min, max)
    cheeks: tuple[Point, Point] | None  # measured cheek points
    eyes: tuple[Point, Point] | None
    eye_mid: Point | None
    head_top: float | None  # measured y of the top of the hair
    face_width_ok: bool
    crown_ok: bool
    eye_line_ok: bool
    eye_x_ok: bool
    fixed_guide: bool  # True when drawn from the fixed guide (no crop plan for this frame)


@dataclass(frozen=True)
class Guidance:
    overlay: Overlay
    lights: tuple[Light, ...]
    prompt: Prompt
    all_green: bool
    whiteness: float | None  # background meter 0..1
    whiteness_mark: float
    score: float  # higher is better, for picking the best frame of an auto-capture window
    measurements: Mapping[str, float | None] = field(default_factory=dict)  # output px

    def light(self, key: str) -> Light:
        return next(lt for lt in self.lights if lt.key == key)


def _checks_by_id(scene: Iterable[Any] | None) -> dict[str, bool]:
    out: dict[str, bool] = {}
    for c in scene or ():
        cid = getattr(c, "id", None)
        if cid is not None:
            out[str(cid)] = bool(getattr(c, "passed", False))
    return out


def _whiteness(analysis: FaceAnalysis | None) -> float | None:
    bg = analysis.background if analysis is not None else None
    if bg is None:
        return None
    return max(0.0, min(1.0, (bg.lightness - 2.0 * bg.chroma) / 100.0))


def build_guidance(
    analysis: FaceAnalysis | None,
    profile: Profile,
    mapping: GuideMap,
    scene: Iterable[Any] | None = None,
    *,
    directions: Iterable[str] = (),
    fixed_guide: bool = False,
) -> Guidance:
    """Everything the live view shows for one analysed frame.

    ``scene`` is the scene checks for this frame (objects with ``id`` and ``passed``);
    ``directions`` the crop solver's operator directions when no compliant crop exists; its
    ``left``/``right`` say where the head must move *in the picture*, so they are turned into
    the applicant's own left/right here (picture-left is the applicant's right)."""
    checks = _checks_by_id(scene)
    swap = {"left": "right", "right": "left"}
    directions = tuple(swap.get(d, d) for d in directions)
    w_out, h_out = profile.width, profile.height
    s = mapping.scale
    fx = mapping.to_frame
    x0, y0 = fx(0, 0)
    x1, y1 = fx(w_out, h_out)

    fw = profile.face_width
    fw_lo = fw.lo if fw.lo is not None else 0.4 * w_out
    fw_hi = fw.hi if fw.hi is not None else 0.75 * w_out
    ht_lo = profile.head_top.lo if profile.head_top.lo is not None else 0.0
    ht_hi = profile.head_top.hi if profile.head_top.hi is not None else 0.1 * h_out
    ex_lo = profile.eye_center_x.lo if profile.eye_center_x.lo is not None else 0.45 * w_out
    ex_hi = profile.eye_center_x.hi if profile.eye_center_x.hi is not None else 0.55 * w_out
    el_lo = profile.eye_line.lo if profile.eye_line.lo is not None else 0.47 * h_out

    # Target head oval: centred on the eye window, face-width mid-range wide (plus ears), from
    # the middle of the crown band down by the usual head height (1.45 face widths).
    fw_mid = (fw_lo + fw_hi) / 2
    cx_out = (ex_lo + ex_hi) / 2
    top_out = (ht_lo + ht_hi) / 2
    hx0, hy0 = fx(cx_out - 0.55 * fw_mid, top_out)
    hx1, hy1 = fx(cx_out + 0.55 * fw_mid, top_out + 1.45 * fw_mid)

    face = analysis.face if analysis is not None else None
    meas: dict[str, float | None] = {
        "face_width": None,
        "head_top": None,
        "eye_center_x": None,
        "eye_line": None,
    }
    fw_ok = crown_ok = el_ok = ex_ok = False
    if face is not None:
        meas["face_width"] = face.face_width * s
        _, ht = mapping.to_output(0, face.head_top_y)
        ex, ey = mapping.to_output(face.eye_mid.x, face.eye_mid.y)
        meas["head_top"], meas["eye_center_x"], meas["eye_line"] = ht, ex, h_out - ey
        fw_ok = fw.contains(face.face_width * s)
        crown_ok = profile.head_top.contains(ht)
        el_ok = profile.eye_line.contains(h_out - ey)
        ex_ok = profile.eye_center_x.contains(ex)

    overlay = Overlay(
        crop=(x0, y0, x1, y1),
        head_region=(hx0, hy0, hx1, hy1),
        crown_band=(fx(0, ht_lo)[1], fx(0, ht_hi)[1]),
        eye_line_limit=fx(0, h_out - el_lo)[1],
        centre_x=fx(w_out / 2, 0)[0],
        eye_window=(fx(ex_lo, 0)[0], fx(ex_hi, 0)[0]),
        face_width_range=(fw_lo / s, fw_hi / s),
        cheeks=(face.cheek_left, face.cheek_right) if face else None,
        eyes=(face.eye_left, face.eye_right) if face else None,
        eye_mid=face.eye_mid if face else None,
        head_top=face.head_top_y if face else None,
        face_width_ok=fw_ok,
        crown_ok=crown_ok,
        eye_line_ok=el_ok,
        eye_x_ok=ex_ok,
        fixed_guide=fixed_guide,
    )

    # --- the one prompt, in priority order -------------------------------------------------
    dirs = set(directions)
    face_count = analysis.face_count if analysis is not None else 0
    failing: list[str] = []
    if face is None or face_count == 0:
        failing.append("no_face")
    if face_count > 1 or (checks.get("face_count") is False and face_count != 1):
        failing.append("one_person")
    if face is not None:
        fwo = face.face_width * s
        if "closer" in dirs or (fw.lo is not None and fwo < fw.lo):
            failing.append("closer")
        if "back" in dirs or (fw.hi is not None and fwo > fw.hi):
            failing.append("back")
        ex = meas["eye_center_x"] or 0.0
        # image-left of the window = the applicant's right: they move to their left.
        if "left" in dirs or (profile.eye_center_x.lo is not None and ex < profile.eye_center_x.lo):
            failing.append("left")
        if "right" in dirs or (profile.eye_center_x.hi is not None and ex > profile.eye_center_x.hi):
            failing.append("right")
        if "up" in dirs or not el_ok:  # eyes too low in the photo
            failing.append("up")
        if "down" in dirs or (not crown_ok and (meas["head_top"] or 0.0) < ht_lo and el_ok):
            failing.append("down")
        for d in ("higher_resolution", "show_shoulders"):
            if d in dirs:
                failing.append(d)
        pose_ok = checks.get("head_pose")
        if pose_ok is None:
            pose_ok = (
                abs(face.yaw) <= MAX_YAW_DEG
                and abs(face.pitch) <= MAX_PITCH_DEG
                and abs(face.roll) <= MAX_ROLL_DEG
            )
        if not pose_ok:
            # Say which way, from the biggest deviation relative to its tolerance.
            dev = {
                "face_camera": abs(face.yaw) / MAX_YAW_DEG,
                "pitch": abs(face.pitch) / MAX_PITCH_DEG,
                "head_straight": abs(face.roll) / MAX_ROLL_DEG,
            }
            worst = max(dev, key=lambda k: dev[k])
            if worst == "pitch":
                failing.append("chin_down" if face.pitch > 0 else "chin_up")
            else:
                failing.append(worst)
        eyes_ok = checks.get("eyes_open")
        if eyes_ok is None:
            eyes_ok = min(face.eye_open_left, face.eye_open_right) >= MIN_EYE_OPEN
        if not eyes_ok:
            failing.append("open_eyes")
        mouth_ok = checks.get("mouth_closed")
        if mouth_ok is None:
            mouth_ok = face.mouth_open <= MAX_MOUTH_OPEN
        if not mouth_ok:
            failing.append("close_mouth")
        if checks.get("gaze") is False:
            failing.append("face_camera")
    white = _whiteness(analysis)
    if checks.get("background_white") is False or (
        "background_white" not in checks and white is not None and white < WHITE_MARK
    ):
        failing.append("background")
    if checks.get("background_uniform") is False or checks.get("border") is False:
        failing.append("background_even")
    if checks.get("lighting_balance") is False:
        failing.append("light_even")
    if checks.get("exposure") is False or checks.get("color_cast") is False:
        failing.append("exposure")
    if checks.get("sharpness") is False:
        failing.append("hold_still")

    # --- lights -----------------------------------------------------------------------------
    def light_state(key: str) -> State:
        if key == "face":
            return "green" if face is not None and face_count == 1 else "red"
        if face is None and key not in ("background", "light", "sharp"):
            return "grey"
        if key == "size":
            return "green" if fw_ok and not dirs & {"closer", "back", "higher_resolution"} else "red"
        if key == "position":
            ok = el_ok and ex_ok and not dirs & {"left", "right", "up", "down", "show_shoulders"}
            return "green" if ok else "red"
        if key == "pose":
            pose_keys = {"face_camera", "chin_up", "chin_down", "head_straight"}
            return "red" if pose_keys & set(failing) else "green"
        if key == "eyes":
            return "red" if "open_eyes" in failing else "green"
        if key == "mouth":
            return "red" if "close_mouth" in failing else "green"
        if key == "background":
            if white is None and not any(c in checks for c in LIGHT_CHECKS["background"]):
                return "grey"
            return "red" if {"background", "background_even"} & set(failing) else "green"
        ids = LIGHT_CHECKS[key]
        if not any(c in checks for c in ids):
            return "grey"
        return "green" if all(checks.get(c, True) for c in ids) else "red"

    lights = tuple(Light(k, zh, en, light_state(k)) for k, zh, en in LIGHTS)
    # Grey lights of scene checks that did not run do not block: only red does.
    all_green = not failing and all(lt.state != "red" for lt in lights) and face is not None
    prompt = PROMPTS[failing[0]] if failing else PROMPTS["ready"]
    return Guidance(
        overlay=overlay,
        lights=lights,
        prompt=prompt,
        all_green=all_green,
        whiteness=white,
        whiteness_mark=WHITE_MARK,
        score=_score(analysis, meas, profile) if face is not None else 0.0,
        measurements=meas,
    )


def _score(analysis: FaceAnalysis | None, meas: Mapping[str, float | None], profile: Profile) -> float:
    """0..1: how centred and frontal the face is and how open the eyes; the best frame of an
    auto-capture window is the one with the highest score."""
    face = analysis.face if analysis is not None else None
    if face is None:
        return 0.0
    ex = meas.get("eye_center_x") or 0.0
    centre = profile.width / 2
    pos = max(0.0, 1.0 - abs(ex - centre) / centre)
    pose = max(0.0, 1.0 - (abs(face.yaw) / 30 + abs(face.pitch) / 30 + abs(face.roll) / 20) / 3)
    eyes = min(1.0, min(face.eye_open_left, face.eye_open_right) / 0.3)
    mouth = max(0.0, 1.0 - face.mouth_open / 0.2)
    return 0.25 * pos + 0.35 * pose + 0.25 * eyes + 0.15 * mouth


@dataclass(frozen=True)
class AutoCaptureEvent:
    """What :meth:`AutoCapture.feed` says about the frame just fed."""

    kind: Literal["idle", "counting", "countdown", "fire", "cancel"]
    streak: int = 0
    remaining_s: float = 0.0  # during the countdown
    best: Any = None  # with "fire": the payload of the best-scoring frame of the window


class AutoCapture:
    """N consecutive all-green frames start a countdown; the countdown keeps running while the
    frames stay green and fires with the best-scoring frame of the whole window (the N frames
    and the countdown). A frame that is not green cancels. Times come from the frames, so it is
    deterministic under test. ``enabled=False`` makes it always idle."""

    def __init__(self, frames: int = 10, countdown_s: float = 1.5, *, enabled: bool = True) -> None:
        self.frames = max(1, frames)
        self.countdown_s = max(0.0, countdown_s)
        self.enabled = enabled
        self.reset()

    def reset(self) -> None:
        self._streak = 0
        self._best: tuple[float, Any] | None = None
        self._deadline: float | None = None

    def feed(self, all_green: bool, score: float, timestamp: float, payload: Any) -> AutoCaptureEvent:
        if not self.enabled:
            return AutoCaptureEvent("idle")
        if not all_green:
            was_counting = self._deadline is not None or self._streak > 0
            self.reset()
            return AutoCaptureEvent("cancel" if was_counting else "idle")
        self._streak += 1
        if self._best is None or score > self._best[0]:
            self._best = (score, payload)
        if self._deadline is None:
            if self._streak < self.frames:
                return AutoCaptureEvent("counting", self._streak)
            self._deadline = timestamp + self.countdown_s
        remaining = self._deadline - timestamp
        if remaining <= 1e-9:
            best = self._best[1]
            self.reset()
            return AutoCaptureEvent("fire", self.frames, 0.0, best)
        return AutoCaptureEvent("countdown", self._streak, remaining)
