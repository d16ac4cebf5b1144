"""Drawing helpers shared by the forms: a :class:`Sheet` wraps one reportlab canvas, measures in
millimetres from the **top-left** corner of the page (like a ruler on paper), draws text through
the per-character font fallback, ruled cells that shrink or wrap their text to fit, the photo at
its true size, QR codes and check boxes.

Characters that no font has are collected while drawing; :meth:`Sheet.finish` refuses the whole
form with :class:`MissingGlyphsError` listing them, so nothing is ever printed with a box or a gap.
"""

from __future__ import annotations

import io
import itertools
import threading
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from PIL import Image, UnidentifiedImageError
from reportlab.graphics.barcode import qrencoder
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm as _mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from station.forms.errors import FormDataError, MissingGlyphsError
from station.forms.fonts import FontSet

__all__ = [
    "A4",
    "GREY",
    "LABEL_FILL",
    "Align",
    "PhotoSize",
    "Sheet",
    "photo_size",
    "render_lock",
]

Align = Literal["left", "center", "right"]

LABEL_FILL = colors.HexColor("#EFEFEF")
mm: float = float(_mm)  # points per millimetre
RULE = colors.black
FLOOR_SIZE = 3.5
GREY = colors.HexColor("#555555")

#: reportlab's TTFont keeps per-document state and is documented as not safe for two documents
#: built at the same time; forms are built one at a time (they take a few tens of ms).
render_lock = threading.RLock()


@dataclass(frozen=True)
class PhotoSize:
    width_px: int
    height_px: int
    dpi_x: float
    dpi_y: float

    @property
    def width_mm(self) -> float:
        return self.width_px / self.dpi_x * 25.4

    @property
    def height_mm(self) -> float:
        return self.height_px / self.dpi_y * 25.4


def photo_size(jpeg: bytes, default_dpi: float = 350.0) -> PhotoSize:
    """Pixel size and density of a JPEG (header only). A missing or silly density (JFIF 72/96
    from some cameras, or 1) counts as the profile's 350 dpi."""
    try:
        with Image.open(io.BytesIO(jpeg)) as im:
            if im.format != "JPEG":
                raise FormDataError(f"the photo is {im.format}, not a JPEG")
            w, h = im.size
            dpi = im.info.get("dpi") or (default_dpi, default_dpi)
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise FormDataError(f"the photo cannot be read: {exc}") from exc
    dx, dy = (float(dpi[0]), float(dpi[1]))
    if not (150 <= dx <= 1200 and 150 <= dy <= 1200):
        dx = dy = default_dpi
    return PhotoSize(w, h, dx, dy)


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _tokens(text: str) -> list[str]:
    """Break opportunities: every wide (CJK) character alone, Latin words with their trailing
    space; a transliterated name (阿卜杜热合曼·买买提艾力) breaks only after its middle dots."""
    if "·" in text:
        parts = text.split("·")
        return [p + "·" for p in parts[:-1]] + [parts[-1]]
    out: list[str] = []
    cur = ""
    for ch in text:
        if _is_wide(ch):
            if cur:
                out.append(cur)
                cur = ""
            out.append(ch)
        else:
            cur += ch
            if ch in " -/、，,":
                out.append(cur)
                cur = ""
    if cur:
        out.append(cur)
    return out


class Sheet:
    """One PDF being drawn. Coordinates are millimetres from the top-left corner of the page."""

    def __init__(
        self,
        fonts: FontSet,
        *,
        pagesize: tuple[float, float] = A4,
        title: str = "",
        subject: str = "",
        when: datetime | None = None,
    ):
        self.fonts = fonts
        self.buf = io.BytesIO()
        self.page_w, self.page_h = pagesize
        self.c = Canvas(
            self.buf,
            pagesize=pagesize,
            initialFontName=fonts.main,
            initialFontSize=10,
            pageCompression=1,
            invariant=1,  # no time stamp or random id: the same record gives the same bytes
        )
        self.c.setTitle(title)
        self.c.setSubject(subject)
        self.c.setCreator("sscard-station")
        self.c.setAuthor("社会保障卡照片采集与制卡工作站")
        self.missing: dict[str, list[str]] = {}
        self.when = when or datetime.now()

    # -- geometry -------------------------------------------------------------------------------
    @property
    def width_mm(self) -> float:
        return float(self.page_w) / mm

    @property
    def height_mm(self) -> float:
        return float(self.page_h / mm)

    def _y(self, top_mm: float) -> float:
        return float(self.page_h - top_mm * mm)

    # -- text -----------------------------------------------------------------------------------
    def width(self, text: str, size: float) -> float:
        """Text width in mm."""
        return float(self.fonts.width(text, size)) / mm

    def _note_missing(self, text: str, field: str) -> None:
        for ch in self.fonts.missing(text):
            self.missing.setdefault(ch, [])
            if field and field not in self.missing[ch]:
                self.missing[ch].append(field)

    def text(
        self,
        x: float,
        baseline: float,
        text: str,
        size: float = 10,
        *,
        align: Align = "left",
        bold: bool = False,
        field: str = "",
        color: colors.Color = colors.black,
    ) -> None:
        """One line of text, its baseline ``baseline`` mm from the top."""
        if not text:
            return
        self._note_missing(text, field)
        if align != "left":
            w = self.width(text, size)
            x = x - w if align == "right" else x - w / 2
        c = self.c
        c.saveState()
        c.setFillColor(color)
        t = c.beginText(x * mm, self._y(baseline))
        if bold:  # faux bold: fill and stroke the outlines (there is no bold CJK face to embed)
            c.setStrokeColor(color)
            c.setLineWidth(size * 0.035)
            t.setTextRenderMode(2)
        for font, run in self.fonts.runs(text):
            t.setFont(font, size)
            t.textOut(run)
        c.drawText(t)
        c.restoreState()

    def wrap(self, text: str, width: float, size: float) -> list[str]:
        """Greedy line breaking of ``text`` into lines at most ``width`` mm wide."""
        lines: list[str] = []
        cur = ""
        for tok in _tokens(text):
            if cur and self.width(cur + tok.rstrip(), size) > width:
                lines.append(cur.rstrip())
                cur = tok.lstrip()
            else:
                cur += tok
            while self.width(cur.rstrip(), size) > width and len(cur) > 1:  # one over-long word
                cut = len(cur) - 1
                while cut > 1 and self.width(cur[:cut], size) > width:
                    cut -= 1
                lines.append(cur[:cut])
                cur = cur[cut:]
        if cur.strip():
            lines.append(cur.rstrip())
        return lines

    def fit(
        self, text: str, width: float, height: float, size: float, max_lines: int
    ) -> tuple[list[str], float]:
        """The largest size at which ``text`` fits in ``width`` x ``height`` mm, on one line or
        wrapped over at most ``max_lines`` lines; returns the lines and the size."""
        s = size
        while True:
            if self.width(text, s) <= width:
                return [text], s
            # Wrap only between words: a code or number is never broken over two lines.
            if max_lines > 1 and max(self.width(t.strip(), s) for t in _tokens(text)) <= width:
                lines = self.wrap(text, width, s)
                if len(lines) <= max_lines and len(lines) * s * 1.2 * 0.3528 <= height:
                    return lines, s
            if s <= FLOOR_SIZE:  # nothing fits: the smallest size, still complete (never cut off)
                return (self.wrap(text, width, s) if max_lines > 1 else [text]), s
            s -= 0.5

    def text_in(  # noqa: PLR0917 - a box is x, y, w, h
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        text: str,
        size: float = 10,
        *,
        align: Align = "left",
        bold: bool = False,
        field: str = "",
        max_lines: int = 3,
        pad: float = 1.5,
        valign: Literal["middle", "top"] = "middle",
        color: colors.Color = colors.black,
    ) -> None:
        """Text fitted inside a box at the largest size that fits, on one line or wrapped over up
        to ``max_lines`` lines - never cut off."""
        if not text:
            return
        inner = w - 2 * pad
        lines, s = self.fit(text, inner, h, size, max_lines)
        lead = s * 1.2 * 0.3528  # mm per line
        block = lead * len(lines)
        top = y + (h - block) / 2 if valign == "middle" else y + pad
        for i, line in enumerate(lines):
            base = top + lead * i + lead * 0.5 + s * 0.3528 * 0.36
            tx = {"left": x + pad, "center": x + w / 2, "right": x + w - pad}[align]
            self.text(tx, base, line, s, align=align, bold=bold, field=field, color=color)

    # -- rules and boxes ------------------------------------------------------------------------
    def rect(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        *,
        fill: colors.Color | None = None,
        stroke: bool = True,
        width: float = 0.6,
        dash: tuple[float, ...] | None = None,
    ) -> None:
        c = self.c
        c.saveState()
        c.setLineWidth(width)
        c.setStrokeColor(RULE)
        if dash:
            c.setDash(*dash)
        if fill is not None:
            c.setFillColor(fill)
        c.rect(x * mm, self._y(y + h), w * mm, h * mm, stroke=1 if stroke else 0, fill=1 if fill else 0)
        c.restoreState()

    def line(
        self,
        x1: float,
        y1: float,
        x2: float,
        y2: float,
        *,
        width: float = 0.6,
        dash: tuple[float, ...] | None = None,
        color: colors.Color = RULE,
    ) -> None:
        c = self.c
        c.saveState()
        c.setLineWidth(width)
        c.setStrokeColor(color)
        if dash:
            c.setDash(*dash)
        c.line(x1 * mm, self._y(y1), x2 * mm, self._y(y2))
        c.restoreState()

    def cell(  # noqa: PLR0917 - a box is x, y, w, h
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        text: str = "",
        size: float = 10,
        *,
        label: bool = False,
        align: Align | None = None,
        field: str = "",
        bold: bool = False,
        max_lines: int = 3,
    ) -> None:
        """A ruled table cell; a label cell is shaded and centred."""
        self.rect(x, y, w, h, fill=LABEL_FILL if label else None)
        self.text_in(
            x,
            y,
            w,
            h,
            text,
            size,
            align=align or ("center" if label else "left"),
            field=field,
            bold=bold,
            max_lines=max_lines,
        )

    def checkbox(self, x: float, y: float, size: float = 3.2, checked: bool = False) -> None:
        """A square box, top-left at (x, y), ticked with a drawn check mark when ``checked``."""
        self.rect(x, y, size, size, width=0.5)
        if checked:
            c = self.c
            c.saveState()
            c.setLineWidth(0.9)
            p = c.beginPath()
            p.moveTo((x + size * 0.18) * mm, self._y(y + size * 0.55))
            p.lineTo((x + size * 0.42) * mm, self._y(y + size * 0.82))
            p.lineTo((x + size * 0.86) * mm, self._y(y + size * 0.16))
            c.drawPath(p, stroke=1, fill=0)
            c.restoreState()

    # -- pictures -------------------------------------------------------------------------------
    def photo(
        self,
        x: float,
        y: float,
        jpeg: bytes,
        *,
        width: float | None = None,
        frame: bool = False,
    ) -> tuple[float, float]:
        """Place a JPEG with its top-left at (x, y) mm. Without ``width`` at its true size
        (pixels / density: 358x441 at 350 dpi = 25.98 x 32.00 mm); with ``width`` scaled to it.
        The JPEG bytes are embedded as they are (no re-encoding). Returns (w, h) in mm."""
        ps = photo_size(jpeg)
        w = ps.width_mm if width is None else width
        h = ps.height_mm * (w / ps.width_mm)
        try:
            img = ImageReader(io.BytesIO(jpeg))
            self.c.drawImage(img, x * mm, self._y(y + h), w * mm, h * mm)
        except (OSError, ValueError) as exc:
            raise FormDataError(f"the photo cannot be placed: {exc}") from exc
        if frame:
            self.rect(x, y, w, h, width=0.3)
        return w, h

    def photo_placeholder(self, x: float, y: float, w: float, h: float, text: str) -> None:
        self.rect(x, y, w, h, width=0.4, dash=(2, 2))
        self.text_in(x, y, w, h, text, 8, align="center", color=GREY, max_lines=4)

    def qr(self, x: float, y: float, size: float, value: str) -> None:
        """A QR code (level M) of ``size`` mm, top-left at (x, y); leave ~1 mm of white around
        it. Drawn as one filled path straight onto the canvas (renderPDF would add an unembedded
        Helvetica font resource)."""
        code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
        code.addData(value)
        code.make()
        n = code.getModuleCount()
        box = size * mm / n
        x0, top = x * mm, self._y(y)
        c = self.c
        c.saveState()
        c.setFillColor(colors.black)
        path = c.beginPath()
        for r, row in enumerate(code.modules):
            col = 0
            for dark, run in itertools.groupby(bool(v) for v in row):
                count = len(list(run))
                if dark:
                    path.rect(x0 + col * box, top - (r + 1) * box, count * box, box * 1.02)
                col += count
        c.drawPath(path, stroke=0, fill=1)
        c.restoreState()

    # -- pages ----------------------------------------------------------------------------------
    def new_page(self) -> None:
        self.c.showPage()

    def finish(self) -> bytes:
        """The PDF bytes; refuses with MissingGlyphsError if any character had no font."""
        if self.missing:
            fields = [f for fs in self.missing.values() for f in fs]
            raise MissingGlyphsError(self.missing, fields, [f.label for f in self.fonts.faces])
        self.c.save()
        return self.buf.getvalue()
