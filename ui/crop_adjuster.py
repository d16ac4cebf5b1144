"""Drag and zoom the crop over the original frame, inside the spec bounds.

Shows the original picture with the crop rectangle; dragging moves it, the wheel (or +/-) zooms
it. Every move is clamped so that the predicted geometry (face width, head top, eye centre, eye
line, from the face measured on the original) stays inside the profile, and the rectangle stays
inside the picture. Releasing the mouse emits ``committed`` with the new (scale, x0, y0); the
window re-renders and re-checks the photo with it."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPen, QWheelEvent
from PySide6.QtWidgets import QWidget

from capture.profiles import Profile
from capture.types import FaceGeometry

__all__ = ["CropAdjuster", "CropBox", "clamp_crop"]


@dataclass(frozen=True)
class CropBox:
    scale: float  # output px per source px
    x0: float
    y0: float


def _ok(box: CropBox, face: FaceGeometry, profile: Profile, src_w: int, src_h: int) -> bool:
    s = box.scale
    w, h = profile.width / s, profile.height / s
    if box.x0 < -0.5 or box.y0 < -0.5 or box.x0 + w > src_w + 0.5 or box.y0 + h > src_h + 0.5:
        return False
    ex = (face.eye_mid.x - box.x0) * s
    el = profile.height - (face.eye_mid.y - box.y0) * s
    ht = (face.head_top_y - box.y0) * s
    fw = face.face_width * s
    head_ok = profile.head_top.contains(ht) or ht < (profile.head_top.lo or 0)  # a hair cut is allowed
    return (
        profile.face_width.contains(fw)
        and profile.eye_center_x.contains(ex)
        and profile.eye_line.contains(el)
        and head_ok
    )


def clamp_crop(
    old: CropBox, new: CropBox, face: FaceGeometry, profile: Profile, *, src_w: int, src_h: int
) -> CropBox:
    """``new`` if it keeps the geometry in bounds, else the furthest point toward it (bisection)."""
    if _ok(new, face, profile, src_w, src_h):
        return new
    lo, hi = 0.0, 1.0
    for _ in range(20):
        t = (lo + hi) / 2
        mid = CropBox(
            old.scale + (new.scale - old.scale) * t,
            old.x0 + (new.x0 - old.x0) * t,
            old.y0 + (new.y0 - old.y0) * t,
        )
        if _ok(mid, face, profile, src_w, src_h):
            lo = t
        else:
            hi = t
    return CropBox(
        old.scale + (new.scale - old.scale) * lo,
        old.x0 + (new.x0 - old.x0) * lo,
        old.y0 + (new.y0 - old.y0) * lo,
    )


class CropAdjuster(QWidget):
    """Signals:
    committed(object): a CropBox after a drag or zoom.
    """

    committed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(380, 380)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._image: QImage | None = None
        self._pixels: object = None
        self.box: CropBox | None = None
        self._face: FaceGeometry | None = None
        self._profile: Profile | None = None
        self._drag: QPointF | None = None

    def set_source(self, pixels: object, face: FaceGeometry | None, profile: Profile, box: CropBox) -> None:
        import numpy as np

        arr = np.ascontiguousarray(pixels)
        self._pixels = arr  # keep the buffer alive for the QImage
        self._image = QImage(
            arr.data, arr.shape[1], arr.shape[0], arr.strides[0], QImage.Format.Format_RGB888
        )
        self._face, self._profile, self.box = face, profile, box
        self.update()

    def _view(self) -> tuple[float, QPointF]:
        assert self._image is not None
        s = min(self.width() / self._image.width(), self.height() / self._image.height())
        off = QPointF(
            (self.width() - self._image.width() * s) / 2, (self.height() - self._image.height() * s) / 2
        )
        return s, off

    def move_by(self, dx: float, dy: float, zoom: float = 1.0) -> None:
        """Move the crop by (dx, dy) source px and zoom it by ``zoom`` (>1 = tighter)."""
        if self.box is None or self._face is None or self._profile is None or self._image is None:
            return
        p = self._profile
        old = self.box
        s = old.scale * zoom
        # Zoom about the crop centre.
        cx = old.x0 + p.width / old.scale / 2
        cy = old.y0 + p.height / old.scale / 2
        new = CropBox(s, cx - p.width / s / 2 + dx, cy - p.height / s / 2 + dy)
        self.box = clamp_crop(old, new, self._face, p, src_w=self._image.width(), src_h=self._image.height())
        self.update()

    def paintEvent(self, _e: object) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(40, 40, 40))
        if self._image is None or self.box is None or self._profile is None:
            p.end()
            return
        s, off = self._view()
        p.drawImage(QRectF(off.x(), off.y(), self._image.width() * s, self._image.height() * s), self._image)
        b = self.box
        w, h = self._profile.width / b.scale, self._profile.height / b.scale
        pen = QPen(QColor(40, 220, 90), 3)
        p.setPen(pen)
        p.drawRect(QRectF(off.x() + b.x0 * s, off.y() + b.y0 * s, w * s, h * s))
        p.end()

    def mousePressEvent(self, e: QMouseEvent) -> None:
        self._drag = e.position()

    def mouseMoveEvent(self, e: QMouseEvent) -> None:
        if self._drag is None or self._image is None:
            return
        s, _ = self._view()
        d = e.position() - self._drag
        self._drag = e.position()
        self.move_by(d.x() / s, d.y() / s)

    def mouseReleaseEvent(self, _e: QMouseEvent) -> None:
        if self._drag is not None and self.box is not None:
            self.committed.emit(self.box)
        self._drag = None

    def wheelEvent(self, e: QWheelEvent) -> None:
        self.move_by(0, 0, 1.02 if e.angleDelta().y() > 0 else 1 / 1.02)
        if self.box is not None:
            self.committed.emit(self.box)
