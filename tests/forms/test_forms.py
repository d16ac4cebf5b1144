"""The forms' content: the text extracted from each PDF equals the record's values (rare
characters and a long transliterated name included), every font is embedded, the photo is placed
at its true size, and characters no font has refuse the form with their list."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pdfplumber
import pytest

from station.domain import mask_id
from station.forms import (
    MissingGlyphsError,
    application_pdf,
    confirmation_pdf,
    receipt_pdf,
    unit_application_pdf,
    unit_list_pdf,
)
from station.forms.confirmation import INSTRUCTIONS
from station.forms.fonts import FONT_CHAIN, FontSet, find_fonts
from tests.forms import samples
from tests.forms.conftest import flat, pdf_fonts, pdf_text

pytestmark = pytest.mark.usefixtures("poppler")

NAMES = [*samples.RARE_NAMES, samples.LONG_NAME]
MM = 72 / 25.4


def _all_forms() -> dict[str, bytes]:
    return {
        "application": application_pdf(samples.application("吉𠮷", agent=True)),
        "confirmation": confirmation_pdf(samples.confirmation("王㵘")),
        "receipt-card": receipt_pdf(samples.receipt("李䶮"), "card"),
        "receipt-a4": receipt_pdf(samples.receipt(samples.LONG_NAME), "a4"),
        "unit-application": unit_application_pdf(samples.unit_application(15)),
        "unit-list": unit_list_pdf(samples.unit_list(30)),
    }


@pytest.fixture(scope="module")
def forms() -> dict[str, bytes]:
    return _all_forms()


@pytest.mark.parametrize("name", NAMES)
def test_application_text_equals_record(name: str, tmp_path: Path) -> None:
    form = samples.application(name)
    a = form.applicant
    text = flat(pdf_text(application_pdf(form), tmp_path))
    expected = {
        "姓名": a.name,
        "姓名拼音": a.name_pinyin,
        "性别": "男",
        "民族": "汉族",
        "国籍": "中国(CHN)",
        "证件类型": "居民身份证",
        "证件号码": a.document_number,
        "发证机关": a.issuing_authority,
        "证件有效期": "2015-03-01 至 长期",
        "手机号码": a.mobile,
        "常住地址": a.address,
        "职业": "1 专业技术人员",
        "照片回执编号": a.photo_receipt_number,
        "卡类别": "城镇居民",
        "出生日期": "1990-03-07",
        "户籍地址": a.household_address,
        "户籍性质": "11 本地非农",
        "社保登记号": a.social_security_number,
        "单位名称": a.employer,
        "检索码": form.retrieval_code,
        "受理网点": samples.STATION.name,
        "经办人": samples.STATION.operator,
    }
    for label, value in expected.items():
        assert label in text
        assert value in text, f"{label}: {value!r} not in the PDF text"
    assert "签名" in text and "日期" in text
    assert "代办人" not in text.replace("代办人身份证复印件", "")  # no agent section without an agent


def test_application_agent_section(tmp_path: Path) -> None:
    form = samples.application("张三", agent=True)
    text = flat(pdf_text(application_pdf(form), tmp_path))
    for value in ("代办人信息", "张堃", samples.AGENT_ID, "13912345678", "代办人签名"):
        assert value in text


def test_retrieval_code_bottom_right_text_and_qr(forms: dict[str, bytes]) -> None:
    with pdfplumber.open(io.BytesIO(forms["application"])) as pdf:
        page = pdf.pages[0]
        words = [w for w in page.extract_words() if samples.CODE in w["text"]]
        assert words, "retrieval code not found as text"
        code = max(words, key=lambda w: w["top"])
        assert code["x0"] > page.width * 0.6 and code["top"] > page.height * 0.8
        # The QR code: a block of dark modules left of the code text, in the same box.
        rects = [r for r in page.rects if r["x0"] > page.width * 0.55 and r["top"] > page.height * 0.8]
        assert len(rects) > 100  # modules drawn as filled rectangles


def test_confirmation_form(forms: dict[str, bytes], tmp_path: Path) -> None:
    form = samples.confirmation("王㵘")
    text = flat(pdf_text(forms["confirmation"], tmp_path))
    for item in form.items:
        assert item.item in text
        assert item.reference in text and item.collected in text
    assert text.count("---") == sum(i.mark == "√" for i in form.items) + INSTRUCTIONS[0].count("---")
    for mark in ("√ 一致", "× 不一致", "无 缺失"):
        assert mark in text
    assert "有无二代身份证照片" in text
    for line in INSTRUCTIONS:
        assert line in text
    assert "不能写连笔字及个性签名" in text and "正楷" in text
    assert form.document_number in text


@pytest.mark.parametrize("layout", ["card", "a4"])
def test_receipt_masks_the_id_number(layout: str, tmp_path: Path) -> None:
    r = samples.receipt("李䶮")
    text = flat(pdf_text(receipt_pdf(r, layout), tmp_path))  # type: ignore[arg-type]
    assert r.receipt_number in text
    assert r.name in text
    assert mask_id(r.document_number) in text
    assert r.document_number not in text
    assert "2024-05-06" in text
    assert samples.STATION.name in text


def test_receipt_card_size() -> None:
    with pdfplumber.open(io.BytesIO(receipt_pdf(samples.receipt(), "card"))) as pdf:
        page = pdf.pages[0]
        assert page.width / MM == pytest.approx(90, abs=0.1)
        assert page.height / MM == pytest.approx(54, abs=0.1)


def test_unit_application_pages(forms: dict[str, bytes], tmp_path: Path) -> None:
    data = samples.unit_application(15)
    text = flat(pdf_text(forms["unit-application"], tmp_path))
    with pdfplumber.open(io.BytesIO(forms["unit-application"])) as pdf:
        assert len(pdf.pages) == 2
    for u in data.applicants:
        assert u.applicant.name in text
        assert u.applicant.document_number in text
        assert u.retrieval_code in text
    for value in (data.unit.number, data.unit.name, data.unit.contact, data.unit.contact_phone):
        assert value in text
    assert text.count("单位（盖章）") == 2
    assert "第 1 页 共 2 页" in text and "第 2 页 共 2 页" in text


def test_unit_list_masks_numbers(forms: dict[str, bytes], tmp_path: Path) -> None:
    data = samples.unit_list(30)
    text = flat(pdf_text(forms["unit-list"], tmp_path))
    for row in data.rows:
        assert row.name in text
        assert mask_id(row.document_number) in text
        assert row.document_number not in text
        assert row.retrieval_code in text
    assert "第 2 页 共 2 页" in text


@pytest.mark.parametrize(
    "kind", ["application", "confirmation", "receipt-card", "receipt-a4", "unit-application", "unit-list"]
)
def test_every_font_embedded(kind: str, forms: dict[str, bytes], tmp_path: Path) -> None:
    fonts = pdf_fonts(forms[kind], tmp_path)
    assert fonts, "no fonts?"
    assert all(emb == "yes" for _name, emb in fonts), fonts
    assert not any("STSong" in name or "Helvetica" in name for name, _ in fonts)


@pytest.mark.parametrize("kind", ["application", "confirmation", "receipt-a4"])
def test_photo_true_size(kind: str, forms: dict[str, bytes]) -> None:
    with pdfplumber.open(io.BytesIO(forms[kind])) as pdf:
        images = pdf.pages[0].images
        assert len(images) == 1
        img = images[0]
        assert (img["x1"] - img["x0"]) / MM == pytest.approx(26.0, abs=0.2)
        assert (img["bottom"] - img["top"]) / MM == pytest.approx(32.0, abs=0.2)
        assert (img["srcsize"]) == (358, 441)


def test_pdf_sizes_small(forms: dict[str, bytes]) -> None:
    for kind, pdf in forms.items():
        assert len(pdf) <= 300_000, f"{kind}: {len(pdf)} bytes"


def test_missing_glyph_refuses_with_the_list() -> None:
    main_only = FontSet(find_fonts([s for s in FONT_CHAIN if s.key == "wqy-zenhei"]))
    with pytest.raises(MissingGlyphsError) as err:
        application_pdf(samples.application("吉𠮷"), fonts=main_only)
    assert err.value.chars == ("𠮷",)
    assert "姓名" in err.value.fields
    assert "U+20BB7" in str(err.value) and "\n" not in str(err.value)


def test_character_no_font_has() -> None:
    unknown = "\U00031350"  # CJK Extension H (Unicode 15): none of the fonts has it
    with pytest.raises(MissingGlyphsError) as err:
        application_pdf(samples.application("王" + unknown + "明"))
    assert err.value.chars == (unknown,)
    assert re.search(r"U\+31350", str(err.value))


def test_fallback_is_per_character() -> None:
    from station.forms import default_fontset

    fs = default_fontset()
    runs = fs.runs("吉𠮷李䶮")
    assert [r for _f, r in runs] == ["吉", "𠮷", "李䶮"] or [r for _f, r in runs] == ["吉", "𠮷", "李", "䶮"]
    assert runs[0][0] == fs.main and runs[1][0] != fs.main
