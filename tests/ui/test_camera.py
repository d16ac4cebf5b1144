"""Camera sources: frames own their pixels, the demo is deterministic and paced, files and hot
folders, and failures become one CameraError."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from capture.errors import CameraError
from capture.sources import (
    CameraSource,
    DemoSource,
    DeviceSource,
    FailingSource,
    HotFolderSource,
    ImageSource,
    backend_for_platform,
    make_frame,
    open_source,
    parse_resolution,
)


def test_frame_owns_a_read_only_copy() -> None:
    buf = np.zeros((4, 5, 3), np.uint8)
    f = make_frame(buf, 7, "t")
    buf[:] = 255
    assert f.pixels.max() == 0 and not f.pixels.flags.writeable
    assert (f.width, f.height, f.index) == (5, 4, 7)
    with pytest.raises(CameraError):
        make_frame(np.zeros((4, 5), np.uint8), 0, "t")


@pytest.fixture(scope="module")
def demo() -> DemoSource:
    d = DemoSource(realtime=False)
    d.open()
    return d


def test_demo_is_deterministic_white_backed_and_moves(demo: DemoSource) -> None:
    assert isinstance(demo, CameraSource)
    a, b = demo.render(10), demo.render(10)
    assert np.array_equal(a, b) and a.shape == (720, 1280, 3)
    assert not np.array_equal(demo.render(0), demo.render(40))  # it moves
    corners = np.concatenate([a[:40, :40].reshape(-1, 3), a[:40, -40:].reshape(-1, 3)])
    assert corners.min() >= 240  # white backdrop
    centre = a[250:400, 560:720]
    assert centre.mean() < 200  # the face is there


def test_demo_paces_at_30_fps() -> None:
    d = DemoSource()
    d.open()
    t0 = time.monotonic()
    frames = [d.read() for _ in range(16)]
    elapsed = time.monotonic() - t0
    assert [f.index for f in frames] == list(range(16))
    assert 0.4 <= elapsed <= 1.0  # 15 periods of 33 ms


def test_image_source_and_folder(tmp_path: Path) -> None:
    Image.new("RGB", (64, 48), (10, 20, 30)).save(tmp_path / "a.png")
    Image.new("RGB", (64, 48), (200, 20, 30)).save(tmp_path / "b.jpg")
    src = ImageSource(tmp_path / "a.png", fps=100)
    src.open()
    f = src.read()
    assert f.pixels.shape == (48, 64, 3) and tuple(f.pixels[0, 0]) == (10, 20, 30)
    assert f.path and f.path.endswith("a.png")
    folder = ImageSource(tmp_path, fps=100)
    folder.open()
    assert folder.read().path.endswith("a.png")  # type: ignore[union-attr]
    with pytest.raises(CameraError):
        ImageSource(tmp_path / "missing.png").open()
    (tmp_path / "bad.jpg").write_bytes(b"not a jpeg")
    bad = ImageSource(tmp_path / "bad.jpg")
    bad.open()
    with pytest.raises(CameraError, match="cannot read"):
        bad.read()


def test_hot_folder_waits_until_the_file_stops_growing(tmp_path: Path) -> None:
    Image.new("RGB", (32, 32), "red").save(tmp_path / "old.jpg")
    src = HotFolderSource(tmp_path, fps=200, settle_s=0.15, placeholder=(64, 36))
    src.open()
    assert not src.read().still  # the file that was already there is not re-processed
    part = tmp_path / "new.jpg"
    Image.new("RGB", (40, 30), "blue").save(tmp_path / "tmp.jpg")
    data = (tmp_path / "tmp.jpg").read_bytes()
    (tmp_path / "tmp.jpg").unlink()
    src._seen.add("tmp.jpg")
    part.write_bytes(data[: len(data) // 2])  # the camera is still writing
    stills = []
    deadline = time.monotonic() + 0.1
    while time.monotonic() < deadline:
        stills += [f for f in [src.read()] if f.still]
    assert stills == []
    part.write_bytes(data)
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline and not stills:
        stills += [f for f in [src.read()] if f.still]
    assert len(stills) == 1 and stills[0].path == str(part)
    assert stills[0].pixels.shape == (30, 40, 3)
    nxt = src.read()
    assert not nxt.still and nxt.path == str(part)  # stays on screen, not re-sent


def test_failing_source_raises_camera_error() -> None:
    src = FailingSource(after=2, fps=1000)
    src.open()
    src.read()
    src.read()
    with pytest.raises(CameraError, match="stopped delivering"):
        src.read()
    with pytest.raises(CameraError, match="cannot open"):
        FailingSource(fail_open=True).open()


def test_missing_device_is_a_camera_error() -> None:
    with pytest.raises(CameraError, match="cannot open"):
        DeviceSource(97).open()


def test_backend_by_platform() -> None:
    import cv2

    assert backend_for_platform("win32") == cv2.CAP_DSHOW
    assert backend_for_platform("win32", prefer_msmf=True) == cv2.CAP_MSMF
    assert backend_for_platform("linux") == cv2.CAP_V4L2
    assert backend_for_platform(sys.platform) in (
        cv2.CAP_V4L2,
        cv2.CAP_DSHOW,
        cv2.CAP_AVFOUNDATION,
        cv2.CAP_ANY,
    )


def test_open_source_parses_the_setting(tmp_path: Path) -> None:
    assert isinstance(open_source("demo"), DemoSource)
    assert isinstance(open_source("0"), DeviceSource)
    assert isinstance(open_source(str(tmp_path)), HotFolderSource)
    assert isinstance(open_source("fail:3"), FailingSource)
    assert parse_resolution("1920x1080") == (1920, 1080)
    with pytest.raises(CameraError):
        parse_resolution("big")
    with pytest.raises(CameraError, match="unknown camera"):
        open_source("/no/such/thing")


@pytest.mark.slow
def test_demo_frames_make_compliant_photos(demo: DemoSource) -> None:
    """The demo exists to show green lights: its frames must go through the real pipeline."""
    from capture.pipeline import make_photo
    from capture.profiles import load_profile

    profile = load_profile()
    results = [make_photo(demo.render(i), profile) for i in (0, 45)]
    assert all(r.compliant for r in results), [
        [(c.id, c.value) for c in r.report.failing("error")] for r in results
    ]
