"""exposure, sharpness, lighting_balance and color_cast on real faces."""

from __future__ import annotations

import pytest

from capture.checks import check_photo
from capture.checks.quality import PUPIL_L_MAX, PUPIL_SKIN_L_MAX, SKIN_CLIP_MAX
from capture.face import FaceAnalyzer
from tests.capture.checking import assert_defect
from tests.capture.photos import SAMPLE, Made

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    "defect",
    ["blur", "under_exposed", "over_exposed", "side_dark", "cast_blue", "cast_green", "cast_magenta"],
)
@pytest.mark.parametrize("face", SAMPLE)
def test_quality_defects_fail_their_check(
    defect: str, face: str, sample: dict[str, Made], made: dict[str, Made], analyzer: FaceAnalyzer
) -> None:
    assert_defect(defect, sample[face], made, analyzer)


@pytest.mark.parametrize("face", ["london-062-neutral", "london-082-neutral"])
def test_over_exposed_dark_skin_is_caught_by_the_pupils(
    face: str, made: dict[str, Made], analyzer: FaceAnalyzer
) -> None:
    # +1.5 EV on the darkest skins clips no skin and reads as a lighter skin; the pupils give it away
    m = made[face]
    ok = check_photo(m.jpeg(), m.profile, analyzer=analyzer, hair_cut=m.hair_cut).get("exposure")
    assert ok.passed, ok
    rep = assert_defect("over_exposed", m, made, analyzer)
    exp = rep.get("exposure")
    assert exp.value["clipped"] <= SKIN_CLIP_MAX and exp.value["skin_l"] < PUPIL_SKIN_L_MAX
    assert exp.value["pupil"] > PUPIL_L_MAX > ok.value["pupil"]
