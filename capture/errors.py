"""The one exception tree of ``capture``.

    CaptureError
    ├── ImageInputError      unusable input: empty, truncated, corrupt, not an image, too large
    ├── ProfileError         unknown or invalid profile (the message lists the known ones)
    ├── AnalysisError        the face models could not run (missing model file, bad frame)
    └── CameraError          a camera could not be opened, or stopped delivering frames

Third-party errors (Pillow, OpenCV, mediapipe) are translated where they are caught, with
``raise ... from exc``, so callers only ever see these. Messages are one line, for the operator.
"""

from __future__ import annotations

__all__ = ["AnalysisError", "CameraError", "CaptureError", "ImageInputError", "ProfileError"]


class CaptureError(Exception):
    """Base of every error raised by ``capture``."""


class ImageInputError(CaptureError):
    """The input file or buffer is not a usable image."""


class ProfileError(CaptureError):
    """A profile is unknown or its data file is invalid."""


class AnalysisError(CaptureError):
    """Face analysis could not run."""


class CameraError(CaptureError):
    """A camera source failed to open or to deliver frames."""
