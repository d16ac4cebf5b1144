"""信息确认表 / 二次采集比对表 - the six-item confirmation form (A4 portrait).

For each of the six items (公民身份号码, 姓名, 性别, 民族, 出生日期, 照片): the reference value
(population database or earlier record), the value collected here, the mark √ / × / 无 and a
fill-in cell. A √ item's fill-in cell is printed as ``---`` (nothing to fill in); × and 无 leave it
empty for the applicant to fill in from the ID card or 户口簿 (二次采集篇, question 5). Also the
"has a 2nd-generation ID card photo" yes/no boxes, the collected photo, the seed's instructions
(signing pen or ballpoint, block letters, no cursive or artistic signature), signature and date.
"""

from __future__ import annotations

from station.forms.data import ConfirmationForm
from station.forms.fonts import FontSet, default_fontset
from station.forms.layout import GREY, LABEL_FILL, Sheet, photo_size, render_lock

__all__ = ["FILLED", "INSTRUCTIONS", "confirmation_pdf"]

FILLED = "---"
LEFT, WIDTH = 15.0, 180.0

#: 二次采集篇, question 5 (《居民户口薄》 in the seed is the 户口簿).
INSTRUCTIONS = (
    "1. 凡标记为“√”的，其填写栏已用“---”填充，不需要填写。",
    "2. 凡标记为“×”的，在填写栏内依据本人《居民身份证》或《居民户口簿》相应信息如实填写。",
    "3. 凡标记为“无”的，在填写栏内依据本人《居民身份证》或《居民户口簿》相应信息如实填写。",
    "4. 填表人须用签字笔或圆珠笔正楷工整填写并签字确认，不能写连笔字及个性签名。",
)

_MARK_TEXT = {"√": "√ 一致", "×": "× 不一致", "无": "无 缺失"}


def confirmation_pdf(form: ConfirmationForm, fonts: FontSet | None = None) -> bytes:
    fonts = fonts or default_fontset()
    with render_lock:
        s = Sheet(fonts, title="社会保障个人信息确认表", subject=form.document_number, when=form.printed_at)
        cx = s.width_mm / 2
        s.text(cx, 18, "社会保障个人信息确认表", 18, align="center", bold=True)
        s.text(cx, 25.5, "（二次采集比对表）", 11, align="center")

        # Who: name, number, codes - and the collected photo on the right.
        y, lw, vw, pw = 31.0, 26.0, 118.0, 36.0
        rows = (
            ("姓名", form.name, "姓名", 12.0),
            ("公民身份号码", form.document_number, "公民身份号码", 12.0),
            ("检索码", form.retrieval_code, "检索码", 10.0),
            ("申领编号", form.application_id, "申领编号", 10.0),
        )
        top = y
        for label, value, field, size in rows:
            s.cell(LEFT, y, lw, 10, label, 9.5, label=True)
            s.cell(LEFT + lw, y, vw, 10, value, size, field=field)
            y += 10
        # 有无二代身份证照片
        s.cell(LEFT, y, lw + 30, 10, "有无二代身份证照片", 9.5, label=True)
        s.rect(LEFT + lw + 30, y, vw - 30, 10)
        bx = LEFT + lw + 36
        for word, flag in (("有", True), ("无", False)):
            s.checkbox(bx, y + 3.4, 3.4, checked=form.has_id_card_photo is flag)
            s.text(bx + 5, y + 6.6, word, 10.5)
            bx += 22
        y += 10
        px = LEFT + lw + vw
        s.rect(px, top, WIDTH - lw - vw, y - top)
        if form.photo_jpeg:
            ps = photo_size(form.photo_jpeg)
            s.photo(px + (pw - ps.width_mm) / 2, top + 2.5, form.photo_jpeg)
            s.text(px + pw / 2, y - 2.5, "本次采集照片", 7.5, align="center", color=GREY)
        else:
            s.photo_placeholder(px + (pw - 26) / 2, top + 4, 26, 32, "未采集照片")

        # The six items.
        y += 5
        cols = (
            ("比对项目", 28.0),
            ("标记", 20.0),
            ("参考信息（人口库）", 44.0),
            ("本次采集信息", 44.0),
            ("填写栏（依据身份证或户口簿填写）", 44.0),
        )
        x = LEFT
        for title, w in cols:
            s.cell(x, y, w, 11, title, 9.5, label=True, max_lines=2)
            x += w
        y += 11
        for item in form.items:
            h = 14.0
            fill = FILLED if item.mark == "√" else ""
            values = (item.item, _MARK_TEXT.get(item.mark, item.mark), item.reference, item.collected, fill)
            x = LEFT
            for (title, w), value in zip(cols, values, strict=True):
                if title == "比对项目":
                    s.cell(x, y, w, h, value, 10.5, label=True, bold=True)
                elif title == "标记":
                    s.rect(x, y, w, h)
                    s.text_in(x, y, w, h, value, 10.5, align="center", bold=item.mark != "√", field="标记")
                else:
                    s.rect(x, y, w, h)
                    size = 10.5 if value != FILLED else 12
                    s.text_in(
                        x,
                        y,
                        w,
                        h,
                        value,
                        size,
                        align="center" if value == FILLED else "left",
                        field=f"{item.item}（{title}）",
                        max_lines=2,
                    )
                x += w
            y += h

        # Instructions, signature.
        y += 5
        s.rect(LEFT, y, WIDTH, 7, fill=LABEL_FILL)
        s.text(LEFT + 2, y + 5, "填写说明", 10, bold=True)
        y += 7
        box_top = y
        y += 2
        for line in INSTRUCTIONS:
            s.text_in(LEFT, y, WIDTH, 6, line, 9.5, max_lines=1)
            y += 6
        y += 2
        s.rect(LEFT, box_top, WIDTH, y - box_top)

        y += 12
        s.text(LEFT + 4, y, "填表人签字（正楷）：", 11)
        s.line(LEFT + 42, y + 0.8, LEFT + 100, y + 0.8, width=0.5)
        s.text(LEFT + 112, y, "日期：", 11)
        s.line(LEFT + 124, y + 0.8, LEFT + 176, y + 0.8, width=0.5)
        for offset, unit in ((137, "年"), (151, "月"), (165, "日")):
            s.text(LEFT + offset, y, unit, 11)
        y += 12
        s.text(LEFT + 4, y, "经办人审核：", 11)
        s.line(LEFT + 28, y + 0.8, LEFT + 100, y + 0.8, width=0.5)
        s.text(LEFT + 112, y, "单位（盖章）：", 11)

        st = form.station
        s.line(LEFT, 297 - 13, LEFT + WIDTH, 297 - 13, width=0.3)
        s.text(
            LEFT, 297 - 8.5, f"采集网点：{st.name}（{st.code}）  经办人：{st.operator}", 8, field="采集网点"
        )
        s.text(LEFT + WIDTH, 297 - 8.5, f"打印时间：{s.when:%Y-%m-%d %H:%M}", 8, align="right")
        s.text(LEFT, 297 - 4.5, "社会保障卡照片采集与制卡工作站", 7, color=GREY)
        return s.finish()
