"""数字相片采集回执 - the photo receipt the studio hands out.

The receipt number (text and QR) is what the applicant writes on the application form; the
receipt also carries a thumbnail of the photo, the name, the **masked** ID number
(:func:`station.domain.mask_id`), the date and the studio. Two layouts:

* ``card`` - 90 x 54 mm, a business-card sized slip (a page of that size: print on card stock or
  let the printer centre it on A4);
* ``a4`` - an A4 sheet: the receipt at the top with the photo at its true size, the notes for
  the applicant, and a studio stub below a cut line.
"""

from __future__ import annotations

from typing import Literal

from reportlab.lib.units import mm

from station.domain import mask_id
from station.forms.data import PhotoReceipt
from station.forms.fonts import FontSet, default_fontset
from station.forms.layout import A4, GREY, LABEL_FILL, Sheet, render_lock

__all__ = ["CARD_SIZE_MM", "Layout", "receipt_pdf"]

Layout = Literal["card", "a4"]
CARD_SIZE_MM = (90.0, 54.0)

NOTES = (
    "1. 请妥善保管本回执，申领社会保障卡时将回执编号填写在申领登记表上。",
    "2. 回执编号对应的数字相片已上传，可在任一受理网点使用；相片有效期以受理机构规定为准。",
    "3. 16周岁以下未成年人申领时可不填写照片回执编号。",
    "4. 如对相片有异议，请持本回执到原采集点重新采集。",
)


def receipt_pdf(receipt: PhotoReceipt, layout: Layout = "card", fonts: FontSet | None = None) -> bytes:
    fonts = fonts or default_fontset()
    if layout == "card":
        return _card(receipt, fonts)
    if layout == "a4":
        return _a4(receipt, fonts)
    raise ValueError(f"unknown receipt layout {layout!r}: card or a4")


def _card(r: PhotoReceipt, fonts: FontSet) -> bytes:
    w, h = CARD_SIZE_MM
    with render_lock:
        s = Sheet(
            fonts,
            pagesize=(w * mm, h * mm),
            title="社会保障卡数字相片采集回执",
            subject=r.receipt_number,
            when=r.printed_at,
        )
        s.rect(1.5, 1.5, w - 3, h - 3, width=0.8)
        s.text(w / 2, 7.5, "社会保障卡数字相片采集回执", 10.5, align="center", bold=True)
        s.line(4, 9.8, w - 4, 9.8, width=0.4)
        # Thumbnail at the left (18 mm wide keeps the 358:441 shape: 18 x 22.2 mm).
        if r.photo_jpeg:
            s.photo(4, 12, r.photo_jpeg, width=18, frame=True)
        else:
            s.photo_placeholder(4, 12, 18, 22.2, "无照片")
        x = 25.0
        rows = (
            ("姓名", r.name, "姓名"),
            ("证件号码", mask_id(r.document_number), "证件号码"),
            ("采集日期", r.taken_on.isoformat(), "采集日期"),
        )
        y = 12.0
        for label, value, field in rows:
            s.text(x, y + 3.2, f"{label}：", 7.5, color=GREY)
            s.text_in(x + 12.5, y, 56 - 12.5 - 20 + 5, 4.6, value, 8.5, field=field, pad=0.3, max_lines=1)
            y += 5.4
        # QR at the right.
        qr = 19.0
        s.qr(w - 4 - qr, 11.5, qr, r.receipt_number)
        # Receipt number in a ruled box.
        s.rect(4, 36.5, w - 8, 7.5, fill=LABEL_FILL, width=0.5)
        s.text(5.5, 41.6, "回执编号", 8, bold=True)
        s.text_in(
            19,
            36.5,
            w - 8 - 15,
            7.5,
            r.receipt_number,
            11,
            bold=True,
            field="回执编号",
            max_lines=1,
            align="center",
        )
        st = r.station
        s.text_in(3.5, 45, w - 7, 6, f"采集点：{st.name}（{st.code}）", 7, field="采集点", max_lines=1)
        return s.finish()


def _a4(r: PhotoReceipt, fonts: FontSet) -> bytes:
    left, width = 20.0, 170.0
    with render_lock:
        s = Sheet(
            fonts,
            pagesize=A4,
            title="社会保障卡数字相片采集回执",
            subject=r.receipt_number,
            when=r.printed_at,
        )
        cx = s.width_mm / 2
        s.text(cx, 22, "社会保障卡数字相片采集回执", 18, align="center", bold=True)
        s.text(cx, 29, "（申领人联）", 10.5, align="center")
        y = 36.0
        box_top = y
        lw, vw = 28.0, 100.0
        st = r.station
        rows = (
            ("回执编号", r.receipt_number, "回执编号", 14.0),
            ("姓名", r.name, "姓名", 13.0),
            ("证件号码", mask_id(r.document_number), "证件号码", 12.0),
            ("采集日期", r.taken_on.isoformat(), "采集日期", 11.0),
            ("采集点", f"{st.name}（{st.code}）", "采集点", 10.5),
            ("采集人员", st.operator, "采集人员", 10.5),
        )
        for label, value, field, size in rows:
            s.cell(left, y, lw, 11, label, 10, label=True)
            s.cell(left + lw, y, vw, 11, value, size, field=field, bold=label == "回执编号")
            y += 11
        pw = width - lw - vw
        s.rect(left + lw + vw, box_top, pw, y - box_top)
        if r.photo_jpeg:
            s.photo(left + lw + vw + (pw - 26) / 2, box_top + 4, r.photo_jpeg)
        else:
            s.photo_placeholder(left + lw + vw + (pw - 26) / 2, box_top + 4, 26, 32, "无照片")
        s.qr(left + lw + vw + (pw - 22) / 2, box_top + 40, 22, r.receipt_number)
        y += 6
        s.text(left, y + 4, "注意事项", 11, bold=True)
        y += 7
        for note in NOTES:
            s.text_in(left, y, width, 6.5, note, 10, max_lines=1, pad=0)
            y += 6.5
        y += 4
        s.text(left + width, y + 4, f"打印时间：{s.when:%Y-%m-%d %H:%M}", 8.5, align="right", color=GREY)
        # Cut line and the studio's stub.
        y += 16
        s.line(10, y, 200, y, width=0.5, dash=(3, 2), color=GREY)
        s.text(cx, y - 1.5, "（沿此线剪开）", 8, align="center", color=GREY)
        y += 10
        s.text(cx, y + 4, "数字相片采集回执（存根联）", 13, align="center", bold=True)
        y += 10
        stub = (
            ("回执编号", r.receipt_number, "回执编号"),
            ("姓名", r.name, "姓名"),
            ("证件号码", mask_id(r.document_number), "证件号码"),
            ("采集日期", r.taken_on.isoformat(), "采集日期"),
        )
        for i in range(0, len(stub), 2):
            x = left
            for label, value, field in stub[i : i + 2]:
                s.cell(x, y, 24, 10, label, 10, label=True)
                s.cell(x + 24, y, 61, 10, value, 11, field=field)
                x += 85
            y += 10
        y += 12
        s.text(left + 4, y, "申领人签名：", 10.5)
        s.line(left + 28, y + 0.8, left + 80, y + 0.8, width=0.5)
        s.text(left + 95, y, "采集人员签名：", 10.5)
        s.line(left + 123, y + 0.8, left + 165, y + 0.8, width=0.5)
        s.line(left, 297 - 10, left + width, 297 - 10, width=0.3)
        s.text(left, 297 - 6, "社会保障卡照片采集与制卡工作站", 7, color=GREY)
        return s.finish()
