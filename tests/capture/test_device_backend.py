"""The webcam's capture API on Windows: DirectShow first, Media Foundation when DirectShow
cannot open the camera (and the other way round), with a fake ``cv2.VideoCapture``: no camera
and no Windows needed."""

from __future__ import annotations

import sys
from typing import ClassVar

import cv2
import pytest

from capture.errors import CameraError
from capture.sources.device import DeviceSource, fallback_backends


class FakeCapture:
    opens_with: ClassVar[set[int]] = set()
    tried: ClassVar[list[int]] = []

    def __init__(self, index: int, backend: int) -> None:
        self.backend = backend
        FakeCapture.tried.append(backend)

    def isOpened(self) -> bool:
        return self.backend in FakeCapture.opens_with

    def release(self) -> None:
        pass

    def set(self, prop: int, value: float) -> bool:
        return True

    def get(self, prop: int) -> float:
        return 30.0 if prop == cv2.CAP_PROP_FPS else 0.0


@pytest.fixture
def fake_cv2(monkeypatch: pytest.MonkeyPatch) -> type[FakeCapture]:
    FakeCapture.tried = []
    monkeypatch.setattr(cv2, "VideoCapture", FakeCapture)
    monkeypatch.setattr(sys, "platform", "win32")
    return FakeCapture


def test_fallback_backends_by_platform() -> None:
    assert fallback_backends(cv2.CAP_DSHOW, "win32") == [cv2.CAP_MSMF]
    assert fallback_backends(cv2.CAP_MSMF, "win32") == [cv2.CAP_DSHOW]
    assert fallback_backends(cv2.CAP_V4L2, "linux") == []
    assert fallback_backends(cv2.CAP_DSHOW, "linux") == []


def test_directshow_first(fake_cv2: type[FakeCapture]) -> None:
    fake_cv2.opens_with = {cv2.CAP_DSHOW, cv2.CAP_MSMF}
    src = DeviceSource(0, backend=cv2.CAP_DSHOW)
    src.open()
    assert fake_cv2.tried == [cv2.CAP_DSHOW] and src.backend == cv2.CAP_DSHOW
    src.close()


def test_media_foundation_when_directshow_fails(fake_cv2: type[FakeCapture]) -> None:
    fake_cv2.opens_with = {cv2.CAP_MSMF}
    src = DeviceSource(0, backend=cv2.CAP_DSHOW)
    src.open()
    assert fake_cv2.tried == [cv2.CAP_DSHOW, cv2.CAP_MSMF] and src.backend == cv2.CAP_MSMF
    src.close()


def test_neither_opens(fake_cv2: type[FakeCapture]) -> None:
    fake_cv2.opens_with = set()
    with pytest.raises(CameraError, match="cannot open"):
        DeviceSource(3, backend=cv2.CAP_DSHOW).open()
    assert fake_cv2.tried == [cv2.CAP_DSHOW, cv2.CAP_MSMF]
