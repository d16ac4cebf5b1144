"""The crop solver (photo.md §2) on synthetic measurements, with Hypothesis properties, and on the
real faces."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from capture.crop import (
    DIRECTIONS,
    MARGIN_FACE_WIDTH,
    MAX_UPSCALE,
    CropPlan,
    identity_plan,
    plan_crop,
    render_crop,
    render_mask,
)
from capture.profiles import Profile, Range, list_profiles, load_profile
from capture.types import FaceAnalysis, FaceGeometry, Point

MOHRSS = load_profile("mohrss")
PROFILES = [load_profile(p) for p in list_profiles()]


def analysis(
    w: int = 1350,
    h: int = 1350,
    *,
    ex: float = 675,
    ey: float = 600,
    fw: float = 450,
    head_top: float = 250,
    chin: float | None = None,
    roll_dy: float = 0.0,
) -> FaceAnalysis:
    """A FaceAnalysis with a face of width ``fw`` whose eye midpoint is (ex, ey)."""
    ipd = fw * 0.45
    chin_y = ey + fw * 0.65 if chin is None else chin
    g = FaceGeometry(
        eye_left=Point(ex - ipd / 2, ey - roll_dy),
        eye_right=Point(ex + ipd / 2, ey + roll_dy),
        cheek_left=Point(ex - fw / 2, ey + fw * 0.15),
        cheek_right=Point(ex + fw / 2, ey + fw * 0.15),
        chin=Point(ex, chin_y),
        forehead=Point(ex, ey - fw * 0.35),
        head_top_y=head_top,
        head_top_source="segmentation",
        yaw=0.0,
        pitch=0.0,
        roll=0.0,
        eye_open_left=0.3,
        eye_open_right=0.3,
        mouth_open=0.0,
        box=(ex - fw / 2, min(head_top, ey - fw * 0.5), ex + fw / 2, chin_y),
    )
    return FaceAnalysis(width=w, height=h, face_count=1, face=g, background=None)


def output_geometry(a: FaceAnalysis, plan: CropPlan, p: Profile) -> dict[str, float]:
    """Measure the analysis through the plan's mapping, as the checks would on the output."""
    assert a.face is not None
    el, er = plan.to_output(a.face.eye_left), plan.to_output(a.face.eye_right)
    cl, cr = plan.to_output(a.face.cheek_left), plan.to_output(a.face.cheek_right)
    top = plan.to_output(Point(0, a.face.head_top_y))
    return {
        "face_width": math.dist((cl.x, cl.y), (cr.x, cr.y)),
        "head_top": top.y,
        "eye_center_x": (el.x + er.x) / 2,
        "eye_line": p.height - (el.y + er.y) / 2,
    }


def assert_compliant_geometry(
    a: FaceAnalysis, plan: CropPlan, p: Profile, decoded_scale: float = 1.0
) -> None:
    eps = 1e-6
    g = output_geometry(a, plan, p)
    assert p.face_width.lo - eps <= g["face_width"] <= p.face_width.hi + eps  # type: ignore[operator]
    assert p.eye_center_x.lo - eps <= g["eye_center_x"] <= p.eye_center_x.hi + eps  # type: ignore[operator]
    assert g["eye_line"] >= p.eye_line.lo - eps  # type: ignore[operator]
    if plan.hair_cut:
        assert g["head_top"] < p.head_top.lo  # type: ignore[operator]
    else:
        assert p.head_top.lo - eps <= g["head_top"] <= p.head_top.hi + eps  # type: ignore[operator]
    assert plan.inside_frame
    assert plan.scale * decoded_scale <= MAX_UPSCALE + eps
    assert plan.predicted is not None
    assert plan.predicted.face_width == pytest.approx(g["face_width"])
    assert plan.predicted.eye_line == pytest.approx(g["eye_line"])


# --- examples -------------------------------------------------------------------------------


def test_ordinary_portrait_is_centred_in_the_ranges_with_a_small_face() -> None:
    a = analysis()
    plan = plan_crop(a, MOHRSS)
    assert plan.ok and not plan.hair_cut and plan.reasons == () and plan.directions == ()
    assert_compliant_geometry(a, plan, MOHRSS)
    g = output_geometry(a, plan, MOHRSS)
    # The lower part of 179-255 (the shoulders show): 179 + 8 margin + 10 % of the 60 px left.
    assert g["face_width"] == pytest.approx(193)
    assert g["eye_center_x"] == pytest.approx(179)  # the middle of 162-196
    assert g["head_top"] == pytest.approx(14)  # the middle of 7-21


@pytest.mark.parametrize("p", PROFILES, ids=lambda p: p.id)
def test_every_profile_gets_a_crop(p: Profile) -> None:
    a = analysis()
    plan = plan_crop(a, p)
    assert plan.ok
    assert_compliant_geometry(a, plan, p)
    # the face width sits in the lower part of the range, with the margin to its lower end
    lo, hi = p.face_width.lo, p.face_width.hi
    assert lo is not None and hi is not None
    assert plan.predicted is not None
    assert lo + min(MARGIN_FACE_WIDTH, (hi - lo) / 4) <= plan.predicted.face_width <= (lo + hi) / 2


def test_tall_hair_is_cut_and_the_eye_line_wins() -> None:
    a = analysis(head_top=40)  # 560 px of head above the eyes for a 450 px face
    plan = plan_crop(a, MOHRSS)
    assert plan.ok and plan.hair_cut
    assert_compliant_geometry(a, plan, MOHRSS)
    g = output_geometry(a, plan, MOHRSS)
    assert g["head_top"] < 7
    # The least cut: the smallest face width the margins allow, the lowest eye line.
    assert g["face_width"] < 200
    assert 207 <= g["eye_line"] <= 215


def test_a_high_head_that_fits_is_not_cut() -> None:
    a = analysis(head_top=130)
    plan = plan_crop(a, MOHRSS)
    assert plan.ok and not plan.hair_cut
    assert_compliant_geometry(a, plan, MOHRSS)


def test_head_touching_the_top_edge() -> None:
    # Ordinary proportions but the hair runs off the top: its height is unknown.
    a = analysis(ey=230, head_top=0, chin=600)
    plan = plan_crop(a, MOHRSS)
    assert not plan.ok
    assert "down" in plan.directions
    assert any("top edge" in r for r in plan.reasons)
    # Even the measured part already forces a cut: then the cut is legitimate.
    b = analysis(ey=600, head_top=0)
    plan_b = plan_crop(b, MOHRSS)
    assert plan_b.ok and plan_b.hair_cut


def test_face_too_small_for_the_resolution() -> None:
    a = analysis(1920, 1080, ex=960, ey=500, fw=120, head_top=400)
    plan = plan_crop(a, MOHRSS)
    assert not plan.ok
    assert plan.directions[:1] == ("closer",) and "higher_resolution" in plan.directions
    assert "too small" in plan.reasons[0]
    # A small frame filled by the face: moving closer does not help, more pixels do.
    b = analysis(260, 320, ex=130, ey=150, fw=140, head_top=50, chin=250)
    plan_b = plan_crop(b, MOHRSS)
    assert not plan_b.ok and plan_b.directions[0] == "higher_resolution"
    assert "closer" not in plan_b.directions


def test_enlarging_a_little_is_allowed() -> None:
    a = analysis(640, 480, ex=320, ey=220, fw=170, head_top=90)
    plan = plan_crop(a, MOHRSS)
    assert plan.ok and 1.0 < plan.scale <= MAX_UPSCALE
    assert_compliant_geometry(a, plan, MOHRSS)


@pytest.mark.parametrize(("ex", "direction"), [(230, "right"), (1120, "left")])
def test_face_near_a_side_edge(ex: float, direction: str) -> None:
    a = analysis(ex=ex)
    plan = plan_crop(a, MOHRSS)
    assert not plan.ok
    assert direction in plan.directions
    assert not plan.inside_frame  # the plan shows where the crop would have to be


def test_face_too_low_chin_or_shoulders_missing() -> None:
    a = analysis(ey=1000, head_top=650, chin=1290)
    plan = plan_crop(a, MOHRSS)
    assert not plan.ok
    assert "up" in plan.directions and "show_shoulders" in plan.directions
    c = analysis(ey=1000, head_top=650, chin=1349)
    assert any("chin" in r for r in plan_crop(c, MOHRSS).reasons)


def test_face_too_large_for_the_frame() -> None:
    a = analysis(800, 800, ex=400, ey=380, fw=700, head_top=20, chin=799)
    plan = plan_crop(a, MOHRSS)
    assert not plan.ok and "back" in plan.directions


def test_no_face_gives_a_centred_best_effort() -> None:
    a = FaceAnalysis(width=1000, height=800, face_count=0, face=None, background=None)
    plan = plan_crop(a, MOHRSS)
    assert not plan.ok and plan.reasons == ("no face found",) and plan.predicted is None
    assert plan.inside_frame
    x0, y0, x1, y1 = plan.source_rect
    assert (y0, y1) == pytest.approx((0, 800))
    assert (x0 + x1) / 2 == pytest.approx(500)


def test_photo_at_the_profile_size_is_not_recropped() -> None:
    a = analysis(358, 441, ex=150, ey=300, fw=100, head_top=100)  # badly placed, still kept
    plan = plan_crop(a, MOHRSS)
    assert plan.identity and plan.ok and plan.scale == 1.0 and (plan.x0, plan.y0) == (0, 0)
    rgb = np.random.default_rng(0).integers(0, 256, (441, 358, 3), dtype=np.uint8)
    assert np.array_equal(render_crop(rgb, plan, MOHRSS), rgb)
    assert plan == identity_plan(358, 441)


def test_decoded_scale_moves_the_enlargement_limit() -> None:
    # Analysed on a 1/4 draft: 100 px here is 400 px in the file, no enlargement needed.
    a = analysis(1000, 750, ex=500, ey=330, fw=100, head_top=230)
    assert not plan_crop(a, MOHRSS).ok
    plan = plan_crop(a, MOHRSS, decoded_scale=0.25)
    assert plan.ok and plan.scale > 1.0
    assert_compliant_geometry(a, plan, MOHRSS, decoded_scale=0.25)
    full = plan.mapped(4.0, 0, 0, 4000, 3000)
    assert full.scale == pytest.approx(plan.scale / 4)
    assert full.source_rect == pytest.approx(tuple(v * 4 for v in plan.source_rect))
    # a plan made on a region at (100, 50) of a half-size copy
    moved = plan.mapped(2.0, 100, 50, 4000, 3000)
    p = Point(600.0, 300.0)
    q = moved.to_output(Point((p.x + 100) * 2, (p.y + 50) * 2))
    assert (q.x, q.y) == pytest.approx((plan.to_output(p).x, plan.to_output(p).y))


def test_point_mapping_and_guides() -> None:
    a = analysis()
    plan = plan_crop(a, MOHRSS)
    p = Point(700.0, 650.0)
    back = plan.to_source(plan.to_output(p))
    assert (back.x, back.y) == pytest.approx((p.x, p.y))
    g = plan.guides(MOHRSS)
    assert g.rect == plan.source_rect
    assert plan.to_output(Point(0, g.head_top_band[0])).y == pytest.approx(7)
    assert plan.to_output(Point(0, g.eye_line_max_y)).y == pytest.approx(441 - 207)
    assert plan.to_output(Point(g.eye_x_band[1], 0)).x == pytest.approx(196)
    assert g.face_width_band[0] * plan.scale == pytest.approx(179)


def test_render_maps_source_points_to_output_points() -> None:
    h, w = 1200, 1000
    yy, xx = np.mgrid[0:h, 0:w]
    src = np.stack([xx % 256, yy % 256, (xx // 256) * 16 + (yy // 256)], axis=-1).astype(np.uint8)
    # a bright dot, big enough to survive the area average
    src[595:606, 495:506] = (255, 0, 255)
    a = analysis(w, h, ex=500, ey=560, fw=400, head_top=280)
    plan = plan_crop(a, MOHRSS)
    assert plan.ok
    out = render_crop(src, plan, MOHRSS)
    assert out.shape == (441, 358, 3) and out.dtype == np.uint8 and out.flags.c_contiguous
    q = plan.to_output(Point(500.5, 600.5))
    ys, xs = np.nonzero((out[..., 0] > 200) & (out[..., 1] < 60) & (out[..., 2] > 200))
    assert abs(xs.mean() - q.x) < 1.0 and abs(ys.mean() - q.y) < 1.0
    mask = np.zeros((h, w), np.float32)
    mask[600:, :] = 1.0
    m = render_mask(mask, plan, MOHRSS)
    assert m.shape == (441, 358) and m.dtype == np.float32
    edge = plan.to_output(Point(0, 600)).y
    assert m[int(edge) + 3, 100] > 0.95 and m[int(edge) - 3, 100] < 0.05


def test_best_effort_render_of_a_plan_outside_the_frame_is_white_outside() -> None:
    a = analysis(ex=230)
    plan = plan_crop(a, MOHRSS)
    assert not plan.ok
    src = np.full((1350, 1350, 3), 90, np.uint8)
    out = render_crop(src, plan, MOHRSS)
    left = plan.to_output(Point(0, 0)).x
    assert left > 5
    assert (out[:, : int(left) - 2] == 255).all()
    assert (out[:, int(left) + 2 :] == 90).all()


# --- properties -----------------------------------------------------------------------------


@st.composite
def scenes(draw: st.DrawFn) -> tuple[FaceAnalysis, Profile, float]:
    w = draw(st.integers(200, 4000))
    h = draw(st.integers(200, 4000))
    fw = draw(st.floats(20, 1.2 * min(w, h)))
    ex = draw(st.floats(0, w))
    ey = draw(st.floats(0, h))
    above = draw(st.floats(0.2, 1.6)) * fw  # eye line to head top
    head_top = max(0.0, ey - above)
    chin = min(float(h), ey + draw(st.floats(0.4, 0.9)) * fw)
    roll_dy = draw(st.floats(-0.05, 0.05)) * fw
    p = draw(st.sampled_from(PROFILES))
    decoded_scale = draw(st.sampled_from([1.0, 1.0, 0.5, 0.25, 0.125]))
    return (
        analysis(w, h, ex=ex, ey=ey, fw=fw, head_top=head_top, chin=chin, roll_dy=roll_dy),
        p,
        decoded_scale,
    )


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenes())
def test_whenever_a_crop_is_returned_the_geometry_holds(scene: tuple[FaceAnalysis, Profile, float]) -> None:
    a, p, k = scene
    assume((a.width, a.height) != (p.width, p.height))
    plan = plan_crop(a, p, decoded_scale=k)
    assert set(plan.directions) <= set(DIRECTIONS)
    if plan.ok:
        assert_compliant_geometry(a, plan, p, decoded_scale=k)
        assert plan.reasons == () and plan.directions == ()
    else:
        assert plan.reasons, "a refused crop always says why"
        assert all("\n" not in r for r in plan.reasons)
        assert plan.scale > 0 and math.isfinite(plan.x0) and math.isfinite(plan.y0)


@settings(max_examples=200, deadline=None)
@given(st.floats(300, 600), st.floats(-60, 60), st.floats(-60, 60))
def test_a_well_framed_face_always_gets_a_crop(fw: float, dx: float, dy: float) -> None:
    """A head-and-shoulders framing in a large frame is always croppable."""
    a = analysis(2000, 2400, ex=1000 + dx, ey=1000 + dy, fw=fw, head_top=1000 + dy - 0.9 * fw)
    plan = plan_crop(a, MOHRSS)
    assert plan.ok
    assert_compliant_geometry(a, plan, MOHRSS)


def test_profile_without_upper_limits() -> None:
    p = replace(MOHRSS, face_width=Range(179, None), eye_line=Range(207, None), head_top=Range(7, None))
    a = analysis()
    plan = plan_crop(a, p)
    assert plan.ok
