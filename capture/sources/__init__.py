"""Camera sources: where live frames and studio stills come from.

Every source follows the small :class:`CameraSource` protocol (``open``, ``read`` -> :class:`Frame`,
``close``) so the window's camera worker never knows which one it drives:

- :class:`DeviceSource`: a webcam through OpenCV ``VideoCapture`` (DirectShow or MSMF on
  Windows, V4L2 on Linux).
- :class:`ImageSource`: one image file, or a folder of images shown one after another.
- :class:`HotFolderSource`: a studio DSLR writes files into a watched folder; each new file,
  once it has stopped growing, comes out as a *still* frame for the photo pipeline.
- :class:`DemoSource`: a package-shipped portrait (matplotlib's ``grace_hopper.jpg``) cut out,
  placed on a white backdrop and moved slightly, at 30 fps, so the program runs without a webcam.
- :class:`FailingSource`: delivers a few frames and then fails, for tests of the reconnect path.

Failures are :class:`capture.errors.CameraError` with one line for the operator.
"""

from __future__ import annotations

from capture.sources.base import CameraSource, Frame, make_frame, open_source, parse_resolution
from capture.sources.demo import DemoSource
from capture.sources.device import DeviceSource, backend_for_platform
from capture.sources.files import FailingSource, HotFolderSource, ImageSource

__all__ = [
    "CameraSource",
    "DemoSource",
    "DeviceSource",
    "FailingSource",
    "Frame",
    "HotFolderSource",
    "ImageSource",
    "backend_for_platform",
    "make_frame",
    "open_source",
    "parse_resolution",
]
