"""The live view: paints the newest camera frame with the guidance overlays, the one prompt, the
check lights, the background-whiteness meter and the auto-capture countdown.

Everything geometric comes from :class:`capture.guidance.Overlay` (frame pixels, already the
profile through the crop mapping); this widget only maps frame -> widget, optionally mirrored.
Text is never mirrored."""

from __future__ import annotations

import time

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QPen, QTransform
from PySide6.QtWidgets import QSizePolicy, QWidget

from capture.guidance import Guidance
from capture.sources import Frame

__all__ = ["LiveView"]

GREEN = QColor(40, 200, 90)
RED = QColor(235, 60, 50)
AMBER = QColor(245, 170, 30)
GREY = QColor(150, 150, 150)
GUIDE = QColor(255, 255, 255, 200)
STATE_COLOURS = {"green": GREEN, "red": RED, "grey": GREY}


def frame_to_qimage(frame: Frame) -> QImage:
    """A QImage over the frame's own (read-only, immutable) pixels; keep ``frame`` alive while
    the image is used."""
    px = frame.pixels
    return QImage(px.data, px.shape[1], px.shape[0], px.strides[0], QImage.Format.Format_RGB888)


class LiveView(QWidget):
    """No signals. Call :meth:`show_frame` for each frame and :meth:`set_guidance` for each
    analysis result; :meth:`set_message` shows a camera problem instead of the picture."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(480, 300)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # Space works once the view has focus
        self.mirrored = True
        self.lang = "zh"
        self._frame: Frame | None = None
        self._image: QImage | None = None
        self._guidance: Guidance | None = None
        self._guidance_index = -1
        self._message = ""
        self._countdown: float | None = None
        self._flash_until = 0.0
        self.frames_shown = 0
        self.last_painted_index = -1
        self.last_overlay_index = -1

    def sizeHint(self) -> QSize:
        return QSize(1024, 576)

    # -- inputs ------------------------------------------------------------------------------
    def show_frame(self, frame: Frame) -> None:
        image = frame_to_qimage(frame)
        self._image = image  # drop the old image before the frame whose pixels it used
        self._frame = frame
        self._message = ""
        self.update()

    def set_guidance(self, guidance: Guidance | None, frame_index: int = -1) -> None:
        self._guidance = guidance
        self._guidance_index = frame_index
        self.update()

    def set_message(self, text: str) -> None:
        self._message = text
        self.update()

    def set_countdown(self, remaining_s: float | None) -> None:
        self._countdown = remaining_s
        self.update()

    def flash(self) -> None:
        self._flash_until = time.monotonic() + 0.15
        self.update()

    def set_mirrored(self, on: bool) -> None:
        self.mirrored = on
        self.update()

    @property
    def frame(self) -> Frame | None:
        return self._frame

    # -- geometry ----------------------------------------------------------------------------
    def bands(self) -> tuple[float, float]:
        """Heights of the prompt band (top) and the check-light strip (bottom): the picture is
        fitted between them, so neither ever covers the photo area."""
        top = max(48.0, self.height() * 0.1)
        bottom = max(34.0, self.height() * 0.06)
        return top, bottom

    def image_rect(self) -> QRectF:
        top, bottom = self.bands()
        avail_h = max(10.0, self.height() - top - bottom)
        if self._frame is None:
            return QRectF(0, top, self.width(), avail_h)
        fw, fh = self._frame.width, self._frame.height
        s = min(self.width() / fw, avail_h / fh)
        w, h = fw * s, fh * s
        return QRectF((self.width() - w) / 2, top + (avail_h - h) / 2, w, h)

    def frame_transform(self) -> QTransform:
        r = self.image_rect()
        if self._frame is None:
            return QTransform()
        s = r.width() / self._frame.width
        t = QTransform()
        if self.mirrored:
            t.translate(r.right(), r.top())
            t.scale(-s, s)
        else:
            t.translate(r.left(), r.top())
            t.scale(s, s)
        return t

    # -- painting ----------------------------------------------------------------------------
    def paintEvent(self, _event: object) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(30, 32, 36))
        if self._image is None or self._frame is None:
            self._paint_centre_text(
                p, self._message or ("正在打开摄像头…" if self.lang == "zh" else "Opening the camera…")
            )
            p.end()
            return
        p.save()
        p.setTransform(self.frame_transform())
        p.drawImage(QRectF(0, 0, self._frame.width, self._frame.height), self._image)
        g = self._guidance
        if g is not None:
            self._paint_overlay(p, g)
            self.last_overlay_index = self._guidance_index
        p.restore()
        self.last_painted_index = self._frame.index
        self.frames_shown += 1
        if g is not None:
            self._paint_prompt(p, g)
            self._paint_lights(p, g)
            self._paint_meter(p, g)
        if self._countdown is not None:
            self._paint_countdown(p, self._countdown)
        if self._message:
            self._paint_centre_text(p, self._message)
        if time.monotonic() < self._flash_until:
            p.fillRect(self.image_rect(), QColor(255, 255, 255, 180))
        p.end()

    def _pen(self, colour: QColor, width: float = 2.0, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
        pen = QPen(colour, width, style)
        pen.setCosmetic(True)
        return pen

    def _paint_overlay(self, p: QPainter, g: Guidance) -> None:
        o = g.overlay
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        x0, y0, x1, y1 = o.crop
        # The photo frame; outside it a light veil so the eye goes to the crop.
        veil = QPainterPath()
        veil.addRect(QRectF(0, 0, self._frame.width, self._frame.height))  # type: ignore[union-attr]
        inner = QPainterPath()
        inner.addRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        p.fillPath(veil.subtracted(inner), QColor(0, 0, 0, 90))
        p.setPen(self._pen(GUIDE, 2, Qt.PenStyle.DashLine if o.fixed_guide else Qt.PenStyle.SolidLine))
        p.drawRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        # Crown band: where the top of the hair must be.
        c0, c1 = o.crown_band
        band = QColor(GREEN if o.crown_ok else AMBER)
        band.setAlpha(70)
        p.fillRect(QRectF(x0, c0, x1 - x0, c1 - c0), band)
        # Target head region.
        hx0, hy0, hx1, hy1 = o.head_region
        geometry_ok = o.face_width_ok and o.crown_ok and o.eye_line_ok and o.eye_x_ok
        p.setPen(self._pen(GREEN if geometry_ok else GUIDE, 2.5, Qt.PenStyle.DashLine))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(QRectF(hx0, hy0, hx1 - hx0, hy1 - hy0))
        # Centre line.
        p.setPen(self._pen(GUIDE, 1, Qt.PenStyle.DotLine))
        p.drawLine(QPointF(o.centre_x, y0), QPointF(o.centre_x, y1))
        # Eye-line limit: the eyes must be above it.
        p.setPen(self._pen(GREEN if o.eye_line_ok else RED, 2))
        p.drawLine(QPointF(x0, o.eye_line_limit), QPointF(x1, o.eye_line_limit))
        # Eye-centre window, at the eyes' height (or on the limit line when no face).
        ey = o.eye_mid.y if o.eye_mid is not None else o.eye_line_limit - 20
        w0, w1 = o.eye_window
        p.setPen(self._pen(GREEN if o.eye_x_ok else RED, 2))
        p.drawRect(QRectF(w0, ey - 14, w1 - w0, 28))
        if o.eyes is not None and o.eye_mid is not None:
            p.setPen(self._pen(QColor(90, 200, 255), 2))
            for e in o.eyes:
                p.drawEllipse(QPointF(e.x, e.y), 5, 5)
            p.drawLine(QPointF(o.eyes[0].x, o.eyes[0].y), QPointF(o.eyes[1].x, o.eyes[1].y))
            p.setBrush(QColor(90, 200, 255))
            p.drawEllipse(QPointF(o.eye_mid.x, o.eye_mid.y), 3, 3)
            p.setBrush(Qt.BrushStyle.NoBrush)
        # Face-width markers at the cheek points, and the allowed width around the face centre.
        if o.cheeks is not None:
            colour = GREEN if o.face_width_ok else RED
            p.setPen(self._pen(colour, 3))
            for c in o.cheeks:
                p.drawLine(QPointF(c.x, c.y - 28), QPointF(c.x, c.y + 28))
            mid = (o.cheeks[0].x + o.cheeks[1].x) / 2
            cy = (o.cheeks[0].y + o.cheeks[1].y) / 2
            p.drawLine(QPointF(o.cheeks[0].x, cy), QPointF(o.cheeks[1].x, cy))
            lo, hi = o.face_width_range
            p.setPen(self._pen(GUIDE, 1.5))
            for half in (lo / 2, hi / 2):
                for sx in (-1, 1):
                    x = mid + sx * half
                    p.drawLine(QPointF(x, cy - 12), QPointF(x, cy + 12))
        if o.head_top is not None:
            p.setPen(self._pen(GREEN if o.crown_ok else AMBER, 2))
            p.drawLine(QPointF(o.centre_x - 40, o.head_top), QPointF(o.centre_x + 40, o.head_top))

    def _paint_prompt(self, p: QPainter, g: Guidance) -> None:
        top, _ = self.bands()
        text = g.prompt.text("zh" if self.lang == "zh" else "en")
        font = QFont(self.font())
        font.setPixelSize(max(22, int(top * 0.62)))
        font.setBold(True)
        p.setFont(font)
        band = QRectF(0, 0, self.width(), top)
        p.fillRect(band, QColor(46, 160, 80) if g.all_green else QColor(20, 20, 20))
        p.setPen(QColor("white") if g.all_green else QColor(255, 214, 70))
        p.drawText(band, Qt.AlignmentFlag.AlignCenter, text)

    def _paint_lights(self, p: QPainter, g: Guidance) -> None:
        _, h = self.bands()
        font = QFont(self.font())
        font.setPixelSize(max(13, int(h * 0.5)))
        p.setFont(font)
        strip = QRectF(0, self.height() - h, self.width(), h)
        p.fillRect(strip, QColor(20, 20, 20))
        n = len(g.lights)
        cell = strip.width() / n
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for i, lt in enumerate(g.lights):
            cx = strip.left() + cell * i
            dot = font.pixelSize() * 0.9
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(STATE_COLOURS[lt.state])
            p.drawEllipse(QRectF(cx + cell * 0.08, strip.center().y() - dot / 2, dot, dot))
            p.setPen(QColor("white"))
            p.drawText(
                QRectF(cx + cell * 0.08 + dot * 1.3, strip.top(), cell - dot * 1.4, h),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                lt.label("zh" if self.lang == "zh" else "en"),
            )
        p.setBrush(Qt.BrushStyle.NoBrush)

    def _paint_meter(self, p: QPainter, g: Guidance) -> None:
        r = self.image_rect()
        w = max(14.0, r.width() * 0.018)
        top = r.top() + r.height() * 0.2
        h = r.height() * 0.55
        box = QRectF(r.right() - w * 2.2, top, w, h)
        p.fillRect(box.adjusted(-3, -3, 3, 3), QColor(0, 0, 0, 150))
        value = g.whiteness
        if value is not None:
            fill_h = h * value
            colour = GREEN if value >= g.whiteness_mark else AMBER
            p.fillRect(QRectF(box.left(), box.bottom() - fill_h, w, fill_h), colour)
        mark_y = box.bottom() - h * g.whiteness_mark
        p.setPen(self._pen(QColor("white"), 2))
        p.drawLine(QPointF(box.left() - 5, mark_y), QPointF(box.right() + 5, mark_y))
        font = QFont(self.font())
        font.setPixelSize(max(11, int(w * 0.8)))
        p.setFont(font)
        label = "背景" if self.lang == "zh" else "BG"
        p.drawText(
            QRectF(box.left() - w, box.bottom() + 4, w * 3, w * 1.5), Qt.AlignmentFlag.AlignHCenter, label
        )

    def _paint_countdown(self, p: QPainter, remaining: float) -> None:
        """A round badge at the top left of the picture (never over the face)."""
        r = self.image_rect()
        d = max(60.0, r.height() * 0.16)
        badge = QRectF(r.left() + d * 0.25, r.top() + d * 0.25, d, d)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(30, 136, 229, 230))
        p.drawEllipse(badge)
        p.setBrush(Qt.BrushStyle.NoBrush)
        font = QFont(self.font())
        font.setPixelSize(int(d * 0.6))
        font.setBold(True)
        p.setFont(font)
        p.setPen(QColor("white"))
        p.drawText(badge, Qt.AlignmentFlag.AlignCenter, str(max(1, int(remaining + 0.999))))

    def _paint_centre_text(self, p: QPainter, text: str) -> None:
        font = QFont(self.font())
        font.setPixelSize(max(18, self.height() // 18))
        p.setFont(font)
        box = QRectF(self.rect()).adjusted(40, 40, -40, -40)
        p.fillRect(
            QRectF(box.left(), box.center().y() - font.pixelSize() * 2, box.width(), font.pixelSize() * 4),
            QColor(0, 0, 0, 170),
        )
        p.setPen(QColor(255, 214, 70))
        p.drawText(box, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text)
