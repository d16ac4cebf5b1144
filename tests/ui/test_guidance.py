"""Guidance: geometry judged through the crop mapping, one prompt in a stable order, lights, and
the auto-capture window."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest

from capture.guidance import (
    PROMPTS,
    AutoCapture,
    build_guidance,
    guide_mapping,
    mapping_from_plan,
)
from capture.profiles import Profile, Range
from capture.types import BackgroundStats, FaceAnalysis, FaceGeometry, Point

PROFILE = Profile(
    id="mohrss",
    title="t",
    width=358,
    height=441,
    dpi=350,
    face_width=Range(179, 255),
    head_top=Range(7, 21),
    eye_center_x=Range(162, 196),
    eye_line=Range(207, None),
    kb=Range(14, 40),
    file_name="{id_number}.jpg",
)
MAP = guide_mapping(1280, 720, PROFILE)  # crop 576 px high: scale 441/576


def out_to_frame(x: float, y: float) -> Point:
    fx, fy = MAP.to_frame(x, y)
    return Point(fx, fy)


def analysis(
    face_w_out: float = 217,
    eye_x_out: float = 179,
    eye_y_out: float = 200,
    top_out: float = 14,
    **face_changes: float,
) -> FaceAnalysis:
    half = face_w_out / 2
    eye_mid = out_to_frame(eye_x_out, eye_y_out)
    d = 30 / MAP.scale
    geo = FaceGeometry(
        eye_left=Point(eye_mid.x - d, eye_mid.y),
        eye_right=Point(eye_mid.x + d, eye_mid.y),
        cheek_left=out_to_frame(eye_x_out - half, eye_y_out + 30),
        cheek_right=out_to_frame(eye_x_out + half, eye_y_out + 30),
        chin=out_to_frame(eye_x_out, eye_y_out + 150),
        forehead=out_to_frame(eye_x_out, top_out + 40),
        head_top_y=out_to_frame(0, top_out).y,
        head_top_source="segmentation",
        yaw=0.0,
        pitch=0.0,
        roll=0.0,
        eye_open_left=0.3,
        eye_open_right=0.3,
        mouth_open=0.01,
        box=(0, 0, 1, 1),
    )
    geo = dataclasses.replace(geo, **face_changes)
    bg = BackgroundStats(lightness=96, chroma=2, lightness_spread=3, gradient=1, shadow=0, coverage=0.5)
    return FaceAnalysis(width=1280, height=720, face_count=1, face=geo, background=bg)


def test_centred_face_is_all_green_and_ready() -> None:
    g = build_guidance(analysis(), PROFILE, MAP)
    assert g.all_green, g.prompt
    assert g.prompt is PROMPTS["ready"]
    assert g.measurements["face_width"] == pytest.approx(217, abs=0.5)
    assert g.measurements["eye_line"] == pytest.approx(241, abs=0.5)
    assert g.overlay.face_width_ok and g.overlay.eye_x_ok and g.overlay.crown_ok
    assert {lt.key for lt in g.lights if lt.state == "green"} >= {"face", "size", "position", "pose"}
    x0, y0, x1, y1 = g.overlay.crop
    assert (y1 - y0) == pytest.approx(576) and (x0 + x1) / 2 == pytest.approx(640)
    # Overlays are the profile through the mapping.
    assert g.overlay.eye_line_limit == pytest.approx(MAP.to_frame(0, 441 - 207)[1])
    assert g.overlay.crown_band == pytest.approx((MAP.to_frame(0, 7)[1], MAP.to_frame(0, 21)[1]))


@pytest.mark.parametrize(
    ("kwargs", "prompt"),
    [
        ({"face_w_out": 150}, "closer"),
        ({"face_w_out": 300}, "back"),
        ({"eye_x_out": 140}, "left"),
        ({"eye_x_out": 220}, "right"),
        ({"eye_y_out": 260}, "up"),
        ({"yaw": 20.0}, "face_camera"),
        ({"pitch": 20.0}, "chin_down"),
        ({"pitch": -20.0}, "chin_up"),
        ({"roll": 12.0}, "head_straight"),
        ({"eye_open_left": 0.05}, "open_eyes"),
        ({"mouth_open": 0.3}, "close_mouth"),
    ],
)
def test_one_prompt_per_fault(kwargs: dict[str, float], prompt: str) -> None:
    g = build_guidance(analysis(**kwargs), PROFILE, MAP)
    assert not g.all_green
    assert g.prompt.key == prompt
    assert g.prompt.text("zh") and g.prompt.text("en")


def test_priority_is_stable() -> None:
    # Too far AND eyes closed AND mouth open: distance first.
    g = build_guidance(analysis(face_w_out=150, eye_open_left=0.0, mouth_open=0.4), PROFILE, MAP)
    assert g.prompt.key == "closer"
    g = build_guidance(analysis(eye_open_left=0.0, mouth_open=0.4), PROFILE, MAP)
    assert g.prompt.key == "open_eyes"


def test_no_face_and_scene_checks() -> None:
    g = build_guidance(None, PROFILE, MAP)
    assert g.prompt.key == "no_face" and not g.all_green
    assert g.light("face").state == "red" and g.light("size").state == "grey"
    scene = [
        SimpleNamespace(id="background_white", passed=False),
        SimpleNamespace(id="lighting_balance", passed=True),
    ]
    g = build_guidance(analysis(), PROFILE, MAP, scene)
    assert g.prompt.key == "background" and g.light("background").state == "red"
    assert g.light("light").state == "green"
    g = build_guidance(analysis(), PROFILE, MAP, [SimpleNamespace(id="lighting_balance", passed=False)])
    assert g.prompt.text("zh") == "光线不均匀"


def test_plan_directions_and_mapping_adapter() -> None:
    g = build_guidance(analysis(), PROFILE, MAP, directions=("higher_resolution",))
    assert g.prompt.key == "higher_resolution"
    # The solver's "left" is picture-left: the applicant moves to their right.
    assert build_guidance(analysis(), PROFILE, MAP, directions=("left",)).prompt.key == "right"
    plan = SimpleNamespace(source_box=(100.0, 50.0, 458.0, 491.0))
    m = mapping_from_plan(plan, PROFILE)
    assert m is not None and m.scale == pytest.approx(1.0) and m.origin == (100.0, 50.0)
    m2 = mapping_from_plan(SimpleNamespace(scale=0.5, x0=10, y0=20), PROFILE)
    assert m2 is not None and m2.to_frame(358, 441) == (10 + 716, 20 + 882)
    assert mapping_from_plan(None, PROFILE) is None


def test_auto_capture_keeps_the_best_frame_of_the_window() -> None:
    ac = AutoCapture(frames=3, countdown_s=0.1)
    t = 0.0
    kinds = []
    scores = [0.5, 0.9, 0.6, 0.7, 0.4, 0.8]
    for i, s in enumerate(scores):
        ev = ac.feed(True, s, t, f"frame{i}")
        kinds.append(ev.kind)
        t += 1 / 30
        if ev.kind == "fire":
            assert ev.best == "frame1"
            break
    assert kinds[:2] == ["counting", "counting"] and kinds[2] == "countdown" and kinds[-1] == "fire"
    # A red frame cancels the countdown.
    ac.feed(True, 1, 0, "a")
    ac.feed(True, 1, 0.03, "b")
    assert ac.feed(True, 1, 0.06, "c").kind == "countdown"
    assert ac.feed(False, 0, 0.09, "d").kind == "cancel"
    assert ac.feed(True, 1, 0.12, "e").kind == "counting"
    assert AutoCapture(enabled=False).feed(True, 1, 0, "x").kind == "idle"
