"""The expression classifier (capture.expression): the numpy port against TensorFlow.js, its model
files, and what it says of real faces."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from capture.checks import check_photo
from capture.checks.face import SMILE_PROB_MAX, check_mouth_closed
from capture.errors import AnalysisError
from capture.expression import EXPRESSIONS, ExpressionNet, _model_dir, face_input
from capture.face import FaceAnalyzer
from capture.imageio import load_rgb
from capture.types import Expression
from tests.capture.photos import Made

# Probabilities face-api.js 0.22.2 (TensorFlow.js 1.7, CPU backend) gives for the two inputs below,
# with the shipped weights (faceapi.nets.faceExpressionNet.predictExpressions on a 112x112x3
# float tensor), in EXPRESSIONS order.
TFJS_RANDOM = (0.09880705, 0.01637812, 0.71130115, 0.03016697, 0.07091679, 0.00161164, 0.07081825)
TFJS_GRADIENT = (0.12451897, 0.08349945, 0.76316869, 0.00741834, 0.00518728, 0.01108138, 0.00512595)


def _random_input() -> np.ndarray:
    return np.random.default_rng(2026).uniform(0, 255, (112, 112, 3)).astype(np.float32)


def _gradient_input() -> np.ndarray:
    y, x = np.mgrid[0:112, 0:112].astype(np.float32)
    return np.stack([x * 2.2, y * 2.2, (x + y) * 1.1], -1).astype(np.float32)


@pytest.fixture(scope="module")
def net() -> ExpressionNet:
    return ExpressionNet()


@pytest.mark.parametrize(("make", "want"), [(_random_input, TFJS_RANDOM), (_gradient_input, TFJS_GRADIENT)])
def test_numpy_port_equals_tensorflow_js(net: ExpressionNet, make: object, want: tuple[float, ...]) -> None:
    assert callable(make)
    p = net.probabilities(make())
    assert p.shape == (len(EXPRESSIONS),)
    np.testing.assert_allclose(p, want, atol=2e-6)


def test_face_input_pads_the_box_to_a_square(net: ExpressionNet) -> None:
    rgb = np.full((300, 400, 3), 200, np.uint8)
    pts = np.array([[100, 50, 0], [180, 250, 0]], np.float32)  # a box 80 wide, 200 high
    x = face_input(rgb, pts)
    assert x.shape == (112, 112, 3)
    # 80 of 200 columns are the face, centred: black bars of 60/200 of the width either side
    assert x[:, :10].max() == 0 and x[:, -10:].max() == 0
    assert abs(float(x[56, 56, 0]) - 200) < 1


def test_face_input_refuses_a_tiny_box() -> None:
    rgb = np.zeros((50, 50, 3), np.uint8)
    with pytest.raises(AnalysisError, match="too small"):
        face_input(rgb, np.array([[10, 10, 0], [14, 30, 0]], np.float32))


def test_wrong_input_shape_is_an_analysis_error(net: ExpressionNet) -> None:
    with pytest.raises(AnalysisError, match="112x112x3"):
        net.probabilities(np.zeros((64, 64, 3), np.float32))


def test_missing_model_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(AnalysisError, match="expression model missing"):
        ExpressionNet(tmp_path)


def test_truncated_model_is_one_clear_error(tmp_path: Path) -> None:
    for f in _model_dir().iterdir():
        shutil.copy(f, tmp_path / f.name)
    weights = tmp_path / "face_expression_model.bin"
    weights.write_bytes(weights.read_bytes()[:-1000])
    with pytest.raises(AnalysisError, match="corrupt"):
        ExpressionNet(tmp_path)


def test_check_fails_a_smile_the_classifier_is_sure_of(made: dict[str, Made], analyzer: FaceAnalyzer) -> None:
    """A neutral face's landmarks with a sure "happy" fail; the same at a low probability pass."""
    a = analyzer.analyze(load_rgb(made["london-004-neutral"].jpeg()))
    assert a.face is not None and a.expression is not None
    sure = Expression((0.02, SMILE_PROB_MAX + 0.01, 0.0, 0.0, 0.0, 0.0, 0.0))
    unsure = Expression((0.2, SMILE_PROB_MAX - 0.1, 0.0, 0.0, 0.0, 0.0, 0.0))
    failed = check_mouth_closed(a.face, sure)
    assert not failed.passed and failed.value["smile"] == pytest.approx(SMILE_PROB_MAX + 0.01, abs=1e-3)
    assert check_mouth_closed(a.face, unsure).passed
    assert check_mouth_closed(a.face, a.expression).passed


@pytest.mark.slow
def test_real_faces(made: dict[str, Made], analyzer: FaceAnalyzer) -> None:
    """Every neutral London face reads well under the threshold; the open and clear smiles
    over it (as files through check_photo, where the value is reported)."""
    for name, m in made.items():
        rep = check_photo(m.jpeg(), m.profile, analyzer=analyzer, hair_cut=m.hair_cut)
        smile = rep.get("mouth_closed").value["smile"]
        if "neutral" in name:
            assert smile < SMILE_PROB_MAX / 2, name
        elif name in ("london-001-smiling", "london-004-smiling", "london-008-smiling", "london-062-smiling"):
            assert smile > SMILE_PROB_MAX, name


def test_live_analyzer_skips_the_classifier(made: dict[str, Made]) -> None:
    with FaceAnalyzer(still=False) as live:
        a = live.analyze(load_rgb(made["london-004-neutral"].jpeg()))
    assert a.face is not None and a.expression is None


def test_a_face_the_classifier_cannot_take_leaves_the_landmark_checks(
    made: dict[str, Made], analyzer: FaceAnalyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The classifier is an extra opinion: its failure does not fail the analysis."""

    def refuse(*_args: object) -> Expression:
        raise AnalysisError("face too small for the expression model")

    monkeypatch.setattr(ExpressionNet, "classify", refuse)
    a = analyzer.analyze(load_rgb(made["london-004-neutral"].jpeg()))
    assert a.face is not None and a.expression is None
    assert check_mouth_closed(a.face, a.expression).passed


def test_expression_reads_by_name() -> None:
    e = Expression((0.1, 0.6, 0.05, 0.05, 0.1, 0.05, 0.05))
    assert e.happy == e["happy"] == 0.6 and e["neutral"] == 0.1
    assert EXPRESSIONS[1] == "happy"
