"""A unit's list of persons for a batch (A4 portrait, as many pages as needed).

ID numbers are masked (enrollment.md §6: a list shows no full ID numbers); the full numbers are
on the unit application form and in the batch's data file. Every page repeats the unit's header
and the column titles, and carries "第 n 页 共 m 页"; the last page has the totals, the contact's
signature and the unit's stamp area.
"""

from __future__ import annotations

from station.domain import mask_id
from station.forms import labels
from station.forms.data import UnitList
from station.forms.errors import FormDataError
from station.forms.fonts import FontSet, default_fontset
from station.forms.layout import GREY, Align, Sheet, render_lock

__all__ = ["ROWS_PER_PAGE", "unit_list_pdf"]

ROWS_PER_PAGE = 25
LEFT, WIDTH = 15.0, 180.0
_COLS: tuple[tuple[str, float, Align], ...] = (
    ("序号", 10, "center"),
    ("姓名", 34, "left"),
    ("性别", 10, "center"),
    ("证件号码", 38, "center"),
    ("检索码", 28, "center"),
    ("照片回执编号", 34, "center"),
    ("照片", 10, "center"),
    ("状态", 16, "center"),
)


def unit_list_pdf(data: UnitList, fonts: FontSet | None = None) -> bytes:
    if not data.rows:
        raise FormDataError(f"unit {data.unit.number} has nobody to list")
    fonts = fonts or default_fontset()
    rows = data.rows
    pages = -(-len(rows) // ROWS_PER_PAGE)
    with render_lock:
        s = Sheet(fonts, title="社会保障卡信息采集人员名单", subject=data.unit.number, when=data.printed_at)
        for page in range(pages):
            if page:
                s.new_page()
            cx = s.width_mm / 2
            s.text(cx, 17, "社会保障卡信息采集人员名单", 17, align="center", bold=True)
            u = data.unit
            y = 24.0
            for pairs in (
                (("单位编号", u.number, 25.0, 55.0), ("单位名称", u.name, 25.0, 75.0)),
                (("联系人", u.contact, 25.0, 55.0), ("联系电话", u.contact_phone, 25.0, 75.0)),
            ):
                x = LEFT
                for label, value, lw, vw in pairs:
                    s.cell(x, y, lw, 7.5, label, 9.5, label=True)
                    s.cell(x + lw, y, vw, 7.5, value, 10, field=label)
                    x += lw + vw
                y += 7.5
            s.text(LEFT, y + 5, f"批次：{data.batch}", 9, field="批次")
            s.text(
                LEFT + WIDTH,
                y + 5,
                f"共 {len(rows)} 人，有照片 {sum(r.has_photo for r in rows)} 人",
                9,
                align="right",
            )
            y += 7
            x = LEFT
            for title, w, _align in _COLS:
                s.cell(x, y, w, 8, title, 9.5, label=True)
                x += w
            y += 8
            chunk = rows[page * ROWS_PER_PAGE : (page + 1) * ROWS_PER_PAGE]
            for i, r in enumerate(chunk, start=page * ROWS_PER_PAGE + 1):
                values = (
                    str(i),
                    r.name,
                    labels.sex(r.sex),
                    mask_id(r.document_number),
                    r.retrieval_code,
                    r.photo_receipt_number,
                    "有" if r.has_photo else "无",
                    r.status,
                )
                x = LEFT
                for (title, w, align), v in zip(_COLS, values, strict=True):
                    s.cell(x, y, w, 8, v, 10 if title == "姓名" else 9, align=align, field=title, max_lines=2)
                    x += w
                y += 8
            if page == pages - 1:
                missing = sum(not r.has_photo for r in rows)
                y += 5
                s.text(LEFT, y, f"合计 {len(rows)} 人，其中无照片 {missing} 人。", 10)
                for note in data.notes:
                    y += 5.5
                    s.text(LEFT, y, note, 9, field="备注")
                y += 12
                s.text(LEFT + 2, y, "单位联系人签字：", 10.5)
                s.line(LEFT + 32, y + 0.8, LEFT + 80, y + 0.8, width=0.5)
                s.text(LEFT + 2, y + 10, "日期：          年       月       日", 10.5)
                s.rect(LEFT + WIDTH - 55, y - 8, 55, 26, width=0.5, dash=(3, 2))
                s.text(LEFT + WIDTH - 27.5, y - 3, "单位（盖章）", 9.5, align="center")
            st = data.station
            s.line(LEFT, 297 - 11, LEFT + WIDTH, 297 - 11, width=0.3)
            s.text(
                LEFT,
                297 - 6.5,
                f"打印：{st.name}（{st.code}）{st.operator}  {s.when:%Y-%m-%d %H:%M}",
                7.5,
                color=GREY,
                field="受理网点",
            )
            s.text(LEFT + WIDTH, 297 - 6.5, f"第 {page + 1} 页 共 {pages} 页", 7.5, align="right", color=GREY)
        return s.finish()
