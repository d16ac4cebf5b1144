from __future__ import annotations

from datetime import date

from station.compare import AGREE, DIFFER, MISSING, ReferenceData, compare
from tests.validation.helpers import BASE, make_id, record


def marks(c):  # type: ignore[no-untyped-def]
    return {i.item: i.mark for i in c.items}


def ref(**kw) -> ReferenceData:  # type: ignore[no-untyped-def]
    base = {
        "document_number": BASE["document_number"],
        "name": "张伟",
        "sex": "1",
        "ethnicity": "01",
        "birth_date": date(1985, 6, 15),
        "has_photo": True,
    }
    return ReferenceData(**{**base, **kw})


def test_all_agree() -> None:
    c = compare(record(), ref(), has_photo=True)
    assert [i.item for i in c.items] == ["id_number", "name", "sex", "ethnicity", "birth_date", "photo"]
    assert [i.label for i in c.items] == ["公民身份号码", "姓名", "性别", "民族", "出生日期", "照片"]
    assert c.all_agree
    assert all(i.fill_in == "---" for i in c.items)
    assert c.item("sex").reference == "男" and c.item("ethnicity").collected == "汉族"
    assert c.has_id_card_photo is True


def test_differences_and_missing() -> None:
    c = compare(record(), ref(name="张玮", ethnicity="", birth_date=None, sex="2"), has_photo=False)
    assert marks(c) == {
        "id_number": AGREE,
        "name": DIFFER,
        "sex": DIFFER,
        "ethnicity": MISSING,
        "birth_date": MISSING,
        "photo": MISSING,
    }
    assert c.item("name").fill_in == ""
    assert [i.item for i in c.to_fill_in] == ["name", "sex", "ethnicity", "birth_date", "photo"]


def test_no_reference_record() -> None:
    c = compare(record(), None, has_photo=True)
    assert not c.reference_found
    assert marks(c) == dict.fromkeys(("id_number", "name", "sex", "ethnicity", "birth_date"), MISSING) | {
        "photo": AGREE
    }
    assert c.has_id_card_photo is None


def test_reference_words_and_old_numbers() -> None:
    n18 = make_id(birth=date(1949, 12, 31), area="110105", seq=2)
    n15 = n18[:6] + n18[8:17]
    c = compare(
        record(document_number=n18, birth_date="1949-12-31", sex="2"),
        ref(document_number=n15, sex="女", ethnicity="汉", birth_date=date(1949, 12, 31)),
        has_photo=True,
    )
    assert c.item("id_number").mark == AGREE
    assert c.item("sex").mark == AGREE
    assert c.item("ethnicity").mark == AGREE
    assert c.item("ethnicity").reference == "汉族"


def test_rare_character_names_compare_exactly() -> None:
    c = compare(record(name="𠮷祥", name_pinyin="JI XIANG"), ref(name="吉祥"), has_photo=True)
    assert c.item("name").mark == DIFFER
    c = compare(record(name="𠮷祥", name_pinyin="JI XIANG"), ref(name="𠮷祥"), has_photo=True)
    assert c.item("name").mark == AGREE
    assert c.item("name").collected == "𠮷祥"


def test_lower_case_x_in_reference() -> None:
    c = compare(
        record(document_number="11010519491231002X", birth_date="1949-12-31", sex="2"),
        ref(document_number="11010519491231002x"),
        has_photo=True,
    )
    assert c.item("id_number").mark == AGREE
