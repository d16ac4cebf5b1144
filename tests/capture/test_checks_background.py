"""background_white, background_uniform and border on real faces."""

from __future__ import annotations

import numpy as np
import pytest

from capture.checks import check_photo
from capture.checks.background import check_border
from capture.face import FaceAnalyzer
from tests.capture.checking import assert_defect
from tests.capture.photos import SAMPLE, Made, load

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    "defect",
    ["tint_blue", "tint_grey", "bg_gradient", "bg_shadow", "bg_texture", "bg_object", "border", "margin"],
)
@pytest.mark.parametrize("face", SAMPLE)
def test_background_defects_fail_their_check(
    defect: str, face: str, sample: dict[str, Made], made: dict[str, Made], analyzer: FaceAnalyzer
) -> None:
    assert_defect(defect, sample[face], made, analyzer)


def test_london_grey_backdrop_is_not_white(faces_dir, analyzer: FaceAnalyzer) -> None:  # type: ignore[no-untyped-def]
    """The originals' light-grey backdrop (faces/README.md) fails background_white."""
    from capture.checks import check_scene
    from capture.profiles import load_profile

    for name in ("london-002-neutral", "london-043-neutral"):
        rgb = load(faces_dir / f"{name}.jpg")
        a = analyzer.analyze(rgb)
        res = {r.id: r for r in check_scene(rgb, a, load_profile("mohrss"))}
        assert not res["background_white"].passed
        assert res["background_white"].value["lightness"] < 90


def test_no_border_on_plain_pictures() -> None:
    flat = np.full((441, 358, 3), 255, np.uint8)
    assert check_border(flat).passed
    flat[-150:, 60:-60] = (30, 40, 70)  # a dark top at the bottom: not a frame
    assert check_border(flat).passed


def test_border_value_names_the_sides(sample: dict[str, Made], analyzer: FaceAnalyzer) -> None:
    from tests.capture.photos import t_border

    m = sample["london-004-neutral"]
    rep = check_photo(m.jpeg(t_border(m, 4)), m.profile, analyzer=analyzer)
    c = rep.get("border")
    assert not c.passed
    # top, left and right step onto white; the bottom one may sit on the dark top
    assert all(c.value[side] >= 0.8 for side in ("top", "left", "right")), c.value
