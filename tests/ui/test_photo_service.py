"""ui.services.PhotoService hands ``make_photo`` two still analyzers: the full one for the checks
on the final file, and for the source photo one without Pose and the expression classifier
(the crop uses neither), as the folder workers do (capture.batch). Both are made on first use and
closed with the service. Fake analyzers and a fake ``make_photo``: no models are loaded."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar

import numpy as np
import pytest

import capture.face
import capture.pipeline
from ui.services import PhotoService


class FakeAnalyzer:
    made: ClassVar[list[FakeAnalyzer]] = []

    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs
        self.closed = False
        FakeAnalyzer.made.append(self)

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []

    def make_photo(image: Any, profile: Any, **kwargs: Any) -> Any:
        seen.append(kwargs)
        report = SimpleNamespace(whitened=False, compliant=True)
        return SimpleNamespace(jpeg=b"jpeg", report=report, plan=kwargs.get("plan"), analysis=None)

    monkeypatch.setattr(FakeAnalyzer, "made", [])
    monkeypatch.setattr(capture.face, "FaceAnalyzer", FakeAnalyzer)
    monkeypatch.setattr(capture.pipeline, "make_photo", make_photo)
    return seen


def test_the_source_photo_is_measured_without_pose_and_expression(calls: list[dict[str, Any]]) -> None:
    service = PhotoService()
    assert FakeAnalyzer.made == []  # nothing loaded before the first photo
    image = np.zeros((480, 640, 3), np.uint8)
    service.make(image, profile=None)  # type: ignore[arg-type]
    service.make(Path("still.jpg"), profile=None, source="file")  # type: ignore[arg-type]
    full, crop = calls[0]["analyzer"], calls[0]["crop_analyzer"]
    assert full.kwargs == {"still": True}  # the checks: Pose and the expression classifier
    assert crop.kwargs == {"still": True, "with_pose": False, "with_expression": False}
    assert calls[1]["analyzer"] is full and calls[1]["crop_analyzer"] is crop  # made once
    assert len(FakeAnalyzer.made) == 2
    service.close()
    assert full.closed and crop.closed
    service.close()  # twice: nothing more


def test_an_adjusted_crop_does_not_load_the_source_analyzer(calls: list[dict[str, Any]]) -> None:
    """The operator's crop without whitening: the source is not measured again."""
    service = PhotoService()
    image = np.zeros((480, 640, 3), np.uint8)
    service.make(image, profile=None, plan=object())  # type: ignore[arg-type]
    assert calls[0]["crop_analyzer"] is None and len(FakeAnalyzer.made) == 1
    service.make(image, profile=None, plan=object(), whiten=True)  # type: ignore[arg-type]
    assert calls[1]["crop_analyzer"].kwargs["with_expression"] is False
    service.close()
    assert all(a.closed for a in FakeAnalyzer.made)
