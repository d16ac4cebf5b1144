"""申领登记表 - the application form.

* :func:`application_pdf` - the individual form (A4 portrait): every field of enrollment.md §1
  in ruled cells with Chinese labels, the photo at its true size (26 x 32 mm), the agent section
  when an agent applies, the declaration with signature and date lines, the station and the
  operator, and the retrieval code (检索码) at the bottom right as text and as a QR code.
* :func:`unit_application_pdf` - the unit form (A4 landscape): the unit's details, its applicants
  in a table split over as many pages as needed, and on every page the unit's signature and stamp
  area and "第 n 页 共 m 页".
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.pagesizes import landscape

from station.forms import labels
from station.forms.data import ApplicationForm, UnitApplicationForm, UnitInfo
from station.forms.fonts import FontSet, default_fontset
from station.forms.layout import A4, GREY, LABEL_FILL, Sheet, photo_size, render_lock

__all__ = ["UNIT_ROWS_PER_PAGE", "application_pdf", "unit_application_pdf"]

Cell = tuple[float, str, bool, str]  # width mm, text, is-label, field name

LEFT = 15.0
WIDTH = 180.0
ROW = 8.0
GAP = 2.5


def _row(
    s: Sheet, y: float, cells: Sequence[Cell], *, h: float = ROW, x: float = LEFT, size: float = 10
) -> float:
    for w, text, is_label, field in cells:
        s.cell(x, y, w, h, text, size if not is_label else 9.5, label=is_label, field=field)
        x += w
    return y + h


def _section(s: Sheet, y: float, title: str, w: float = WIDTH, x: float = LEFT) -> float:
    s.rect(x, y, w, 6.5, fill=LABEL_FILL)
    s.text(x + 2, y + 4.7, title, 10, bold=True)
    return y + 6.5


def _title(s: Sheet, title: str, sub: str, y: float = 17.0) -> None:
    cx = s.width_mm / 2
    s.text(cx, y, title, 18, align="center", bold=True)
    s.text(cx, y + 7, sub, 11, align="center")


def application_pdf(form: ApplicationForm, fonts: FontSet | None = None) -> bytes:
    """The individual application form as PDF bytes."""
    fonts = fonts or default_fontset()
    a = form.applicant
    agent = bool(a.agent_name or a.agent_document_number)
    with render_lock:
        s = Sheet(
            fonts, title="社会保障卡申领登记表(个人)", subject=form.retrieval_code, when=form.printed_at
        )
        _title(s, "社会保障卡申领登记表", "(个人)")
        s.text(LEFT, 30.0, f"申领编号：{form.application_id}", 9, field="申领编号")
        s.text(LEFT + WIDTH, 30.0, f"填表日期：{s.when:%Y-%m-%d}", 9, align="right")

        # Five rows beside the photo column, then full-width rows.
        lw, v1, v2, pw = 26.0, 48.0, 44.0, 36.0
        w2 = (WIDTH - 2 * lw) / 2
        y = _section(s, 32.0, "申领人基本信息（必填）")
        top = y
        y = _row(
            s,
            y,
            [
                (lw, "姓名", True, ""),
                (v1, a.name, False, "姓名"),
                (lw, "性别", True, ""),
                (v2, labels.sex(a.sex), False, "性别"),
            ],
            size=12,
        )
        y = _row(
            s,
            y,
            [
                (lw, "姓名拼音", True, ""),
                (v1, a.name_pinyin, False, "姓名拼音"),
                (lw, "民族", True, ""),
                (v2, labels.ethnicity(a.ethnicity), False, "民族"),
            ],
        )
        y = _row(
            s,
            y,
            [
                (lw, "国籍", True, ""),
                (v1, labels.nationality(a.nationality), False, "国籍"),
                (lw, "出生日期", True, ""),
                (v2, labels.fmt_date(a.birth_date), False, "出生日期"),
            ],
        )
        y = _row(
            s,
            y,
            [
                (lw, "证件类型", True, ""),
                (v1, labels.document_type(a.document_type), False, "证件类型"),
                (lw, "卡类别", True, ""),
                (v2, labels.card_type(a.card_type), False, "卡类别"),
            ],
        )
        y = _row(
            s, y, [(lw, "证件号码", True, ""), (v1 + lw + v2, a.document_number, False, "证件号码")], size=12
        )
        px = LEFT + WIDTH - pw
        s.rect(px, top, pw, y - top)
        if form.photo_jpeg:
            ps = photo_size(form.photo_jpeg)
            s.photo(px + (pw - ps.width_mm) / 2, top + (y - top - ps.height_mm) / 2, form.photo_jpeg)
        else:
            s.photo_placeholder(px + (pw - 26) / 2, top + (y - top - 32) / 2, 26, 32, "照片 26×32 mm")

        y = _row(
            s,
            y,
            [
                (lw, "发证机关", True, ""),
                (w2, a.issuing_authority, False, "发证机关"),
                (lw, "证件有效期", True, ""),
                (w2, labels.validity(a.valid_from, a.valid_until), False, "证件有效期"),
            ],
        )
        y = _row(
            s,
            y,
            [
                (lw, "手机号码", True, ""),
                (w2, a.mobile, False, "手机号码"),
                (lw, "照片回执编号", True, ""),
                (w2, a.photo_receipt_number, False, "照片回执编号"),
            ],
        )
        occupation = labels.occupation(a.occupation)
        y = _row(s, y, [(lw, "职业", True, ""), (WIDTH - lw, occupation, False, "职业")])
        y = _row(s, y, [(lw, "常住地址", True, ""), (WIDTH - lw, a.address, False, "常住地址")], h=10)

        y = _section(s, y + GAP, "选填信息")
        household_type = labels.household_type(a.household_type)
        y = _row(
            s,
            y,
            [
                (lw, "户籍地", True, ""),
                (w2, a.household_place, False, "户籍地"),
                (lw, "户籍性质", True, ""),
                (w2, household_type, False, "户籍性质"),
            ],
        )
        y = _row(s, y, [(lw, "户籍地址", True, ""), (WIDTH - lw, a.household_address, False, "户籍地址")])
        y = _row(
            s,
            y,
            [
                (lw, "社保登记号", True, ""),
                (w2, a.social_security_number, False, "社保登记号"),
                (lw, "单位名称", True, ""),
                (w2, a.employer, False, "单位名称"),
            ],
        )

        if agent:
            y = _section(s, y + GAP, "代办人信息（代办时填写）")
            agent_doc = labels.document_type(a.agent_document_type) if a.agent_document_type else ""
            y = _row(
                s,
                y,
                [
                    (lw, "代办人姓名", True, ""),
                    (w2, a.agent_name, False, "代办人姓名"),
                    (lw, "代办人证件类型", True, ""),
                    (w2, agent_doc, False, "代办人证件类型"),
                ],
            )
            y = _row(
                s,
                y,
                [
                    (lw, "代办人证件号码", True, ""),
                    (w2, a.agent_document_number, False, "代办人证件号码"),
                    (lw, "代办人联系电话", True, ""),
                    (w2, a.agent_phone, False, "代办人联系电话"),
                ],
            )

        # Declaration and signatures.
        y = _section(s, y + GAP, "申领人声明")
        box_top = y
        decl = (
            "本人承诺以上所填信息真实、准确、完整，已核对无误；所附照片为本人近期正面免冠彩色照片。"
            "如因信息不实造成的后果由本人承担。"
        )
        s.text_in(LEFT, y, WIDTH, 10, decl, 9.5, max_lines=2)
        y += 9
        y = _signature(s, y, "申领人签名（正楷）")
        if agent:
            y = _signature(s, y, "代办人签名（正楷）")
        if form.unit is not None:
            y = _unit_stamp_line(s, y, form.unit)
        y += 2
        s.rect(LEFT, box_top, WIDTH, y - box_top)

        # Station and operator.
        y = _section(s, y + GAP, "受理信息")
        _row(
            s,
            y,
            [
                (22, "受理网点", True, ""),
                (70, _station_text(form), False, "受理网点"),
                (16, "经办人", True, ""),
                (24, form.station.operator, False, "经办人"),
                (18, "打印时间", True, ""),
                (30, f"{s.when:%Y-%m-%d %H:%M}", False, ""),
            ],
            size=9.5,
        )
        _footer_notes(s, form.retrieval_code)
        return s.finish()


def _station_text(form: ApplicationForm) -> str:
    st = form.station
    return f"{st.name}（{st.code}）" if st.name else st.code


def _signature(s: Sheet, y: float, who: str) -> float:
    base = y + 6.5
    s.text(LEFT + 4, base, f"{who}：", 10.5)
    x = LEFT + 4 + s.width(f"{who}：", 10.5)
    s.line(x + 1, base + 0.8, x + 60, base + 0.8, width=0.5)
    dx = LEFT + 120
    s.text(dx, base, "日期：", 10.5)
    s.line(dx + 11, base + 0.8, dx + 57, base + 0.8, width=0.5)
    for offset, unit in ((24, "年"), (37, "月"), (50, "日")):
        s.text(dx + offset, base, unit, 10.5)
    return y + 9


def _unit_stamp_line(s: Sheet, y: float, unit: UnitInfo) -> float:
    base = y + 6.5
    s.text(LEFT + 4, base, f"所在单位：{unit.name}", 10, field="单位名称")
    s.text(LEFT + 120, base, "单位经办人签字并盖章：", 10)
    return y + 9


def _footer_notes(s: Sheet, code: str) -> None:
    """Notes at the bottom left; the retrieval code box at the bottom right (网报社保卡申领表打印
    指南: the electronic photo is named after the code printed at the bottom right)."""
    box_w, box_h = 64.0, 32.0
    bx = LEFT + WIDTH - box_w
    by = 297.0 - 11.0 - box_h
    s.rect(bx, by, box_w, box_h, width=0.8)
    qr = 27.0
    s.qr(bx + 2.5, by + (box_h - qr) / 2, qr, code)
    tx = bx + qr + 4.5
    tw = bx + box_w - tx - 1
    s.text(tx, by + 6.5, "检索码", 9, bold=True)
    s.text_in(tx - 1.5, by + 8, tw + 1.5, 8, code, 12, bold=True, field="检索码", max_lines=2)
    s.text(tx, by + 21, "电子照片文件名：", 7, color=GREY)
    s.text_in(tx - 1.5, by + 22, tw + 1.5, 6, f"P-{code}.jpg", 7.5, field="检索码", max_lines=2)
    notes = [
        "注：",
        "1. 请申领人认真核对以上信息，如有错误请当场告知经办人更正。",
        "2. 本表须附居民身份证（或户口簿）复印件正反面；代办的，",
        "    另附代办人身份证复印件。",
        "3. 电子照片须与本表照片一致，以右下方检索码命名。",
        "4. 请用签字笔或圆珠笔正楷签名，不得使用连笔字或个性签名。",
    ]
    for i, note in enumerate(notes):
        s.text(LEFT, by + 4 + i * 5, note, 8.5)
    s.line(LEFT, 297.0 - 8.0, LEFT + WIDTH, 297.0 - 8.0, width=0.3)
    s.text(LEFT, 297.0 - 4.5, "社会保障卡照片采集与制卡工作站", 7, color=GREY)
    s.text(LEFT + WIDTH, 297.0 - 4.5, "第 1 页 共 1 页", 7, align="right", color=GREY)


# ---- unit version -----------------------------------------------------------------------------

UNIT_ROWS_PER_PAGE = 12
_UNIT_COLS: tuple[tuple[str, float], ...] = (
    ("序号", 10),
    ("姓名", 32),
    ("性别", 10),
    ("民族", 16),
    ("证件号码", 43),
    ("证件有效期", 33),
    ("手机号码", 25),
    ("职业", 14),
    ("照片回执编号", 40),
    ("卡类别", 17),
    ("检索码", 27),
)


def unit_application_pdf(form: UnitApplicationForm, fonts: FontSet | None = None) -> bytes:
    """The unit application form: all applicants, UNIT_ROWS_PER_PAGE to a landscape page."""
    fonts = fonts or default_fontset()
    rows = form.applicants
    pages = max(1, -(-len(rows) // UNIT_ROWS_PER_PAGE))
    with render_lock:
        s = Sheet(
            fonts,
            pagesize=landscape(A4),
            title="社会保障卡申领登记表(单位)",
            subject=form.unit.number,
            when=form.printed_at,
        )
        left, width = 15.0, 267.0
        for page in range(pages):
            if page:
                s.new_page()
            chunk = rows[page * UNIT_ROWS_PER_PAGE : (page + 1) * UNIT_ROWS_PER_PAGE]
            _title(s, "社会保障卡申领登记表", "(单位)", y=15)
            y = 26.0
            u = form.unit
            y = _row(
                s,
                y,
                [
                    (22, "单位编号", True, ""),
                    (35, u.number, False, "单位编号"),
                    (22, "单位名称", True, ""),
                    (88, u.name, False, "单位名称"),
                    (18, "联系人", True, ""),
                    (28, u.contact, False, "联系人"),
                    (22, "联系电话", True, ""),
                    (32, u.contact_phone, False, "联系电话"),
                ],
                h=8,
                x=left,
            )
            y += 3
            x = left
            for title, w in _UNIT_COLS:
                s.cell(x, y, w, 8, title, 9, label=True)
                x += w
            y += 8
            for i, item in enumerate(chunk, start=page * UNIT_ROWS_PER_PAGE + 1):
                a = item.applicant
                values = (
                    str(i),
                    a.name,
                    labels.sex(a.sex),
                    labels.ethnicity(a.ethnicity),
                    a.document_number,
                    labels.validity(a.valid_from, a.valid_until),
                    a.mobile,
                    a.occupation,
                    a.photo_receipt_number,
                    labels.card_type(a.card_type),
                    item.retrieval_code,
                )
                x = left
                for (title, w), v in zip(_UNIT_COLS, values, strict=True):
                    size = 10 if title in ("姓名", "证件号码") else 9
                    s.cell(
                        x,
                        y,
                        w,
                        9,
                        v,
                        size,
                        field=title,
                        max_lines=2,
                        align="center" if title in ("序号", "性别", "卡类别") else "left",
                    )
                    x += w
                y += 9
            for _ in range(UNIT_ROWS_PER_PAGE - len(chunk)):  # empty ruled rows keep the page shape
                x = left
                for _name, w in _UNIT_COLS:
                    s.rect(x, y, w, 9)
                    x += w
                y += 9
            # Signature, stamp, page number.
            y += 4
            s.text(
                left,
                y + 4,
                f"本页 {len(chunk)} 人，合计 {len(rows)} 人。"
                "以上人员信息已经本单位核对无误，电子照片以检索码命名（P-检索码.jpg）。",
                9,
            )
            s.text(left, y + 13, "单位经办人签字：", 10.5)
            s.line(left + 30, y + 13.8, left + 80, y + 13.8, width=0.5)
            s.text(left + 95, y + 13, "日期：          年       月       日", 10.5)
            sx, sw, sh = left + width - 58, 58.0, 26.0
            s.rect(sx, y, sw, sh, width=0.5, dash=(3, 2))
            s.text(sx + sw / 2, y + 5, "单位（盖章）", 9.5, align="center")
            s.text(
                left,
                210 - 6,
                f"受理网点：{form.station.name}（{form.station.code}）"
                f"  经办人：{form.station.operator}  打印时间：{s.when:%Y-%m-%d %H:%M}",
                7.5,
                field="受理网点",
            )
            s.text(left + width, 210 - 6, f"第 {page + 1} 页 共 {pages} 页", 7.5, align="right")
        return s.finish()
