from __future__ import annotations

import pytest

from station.validation import (
    check_name,
    check_name_pinyin,
    gbk_length,
    non_gb2312_chars,
    non_gbk_chars,
    pinyin_matches,
    suggest_pinyin,
)


@pytest.mark.parametrize(
    ("name", "pinyin"),
    [
        ("单雄信", "SHAN XIONGXIN"),
        ("曾国藩", "ZENG GUOFAN"),
        ("区志坚", "OU ZHIJIAN"),
        ("仇英", "QIU YING"),
        ("解缙", "XIE JIN"),
        ("朴槿惠", "PIAO JINHUI"),
        ("查良镛", "ZHA LIANGYONG"),
        ("缪小明", "MIAO XIAOMING"),
        ("张三丰", "ZHANG SANFENG"),
        ("欧阳修", "OUYANG XIU"),
        ("诸葛亮", "ZHUGE LIANG"),
        ("长孙无忌", "ZHANGSUN WUJI"),
        ("尉迟恭", "YUCHI GONG"),
        ("万俟卨", "MOQI XIE"),
        ("吕布", "LV BU"),
        ("女娲"[:0] + "李女士", "LI NVSHI"),
        ("阿依古丽·买买提", "AYIGULI MAIMAITI"),
        ("John Smith", "JOHN SMITH"),
    ],
)
def test_default_pinyin(name: str, pinyin: str) -> None:
    assert suggest_pinyin(name).default == pinyin
    assert pinyin_matches(name, pinyin)


def test_surname_heteronym_offers_a_choice() -> None:
    s = suggest_pinyin("乐嘉")
    assert s.default == "YUE JIA"
    assert "LE JIA" in s.alternatives
    assert s.needs_choice
    [amb] = s.ambiguous_chars
    assert (amb.index, amb.char, amb.readings, amb.in_surname) == (0, "乐", ("YUE", "LE"), True)
    assert suggest_pinyin("翟天临").alternatives[0] == "DI TIANLIN"
    assert "GAI LI" in suggest_pinyin("盖丽").alternatives


def test_given_name_heteronym_offers_a_choice() -> None:
    s = suggest_pinyin("李长江")
    assert s.default == "LI CHANGJIANG"
    assert "LI ZHANGJIANG" in s.alternatives
    assert [(a.char, a.in_surname) for a in s.ambiguous_chars] == [("长", False)]
    s = suggest_pinyin("王乐乐")
    assert len(s.ambiguous_chars) == 2
    assert s.alternatives  # YUELE, LEYUE, YUEYUE ...


def test_single_reading_surname_needs_no_choice() -> None:
    assert not suggest_pinyin("单雄信").needs_choice
    assert not suggest_pinyin("张三").needs_choice  # common readings are not noise


def test_compound_surname_can_be_split() -> None:
    s = suggest_pinyin("东方明")
    assert s.default == "DONGFANG MING"
    assert "DONG FANGMING" in s.alternatives
    assert s.surname == "东方"


def test_rare_characters_kept_and_read() -> None:
    s = suggest_pinyin("𠮷祥")
    assert s.default == "JI XIANG"
    assert s.surname == "𠮷"  # one character, not a surrogate pair
    assert suggest_pinyin("刘䶮").default == "LIU YAN"


def test_pinyin_matches_variants() -> None:
    assert pinyin_matches("吕布", "LYU BU")
    assert pinyin_matches("吕布", "LU BU")
    assert pinyin_matches("张三丰", "ZHANG SAN FENG")
    assert pinyin_matches("张三丰", "ZHANGSANFENG")
    assert pinyin_matches("曾国藩", "CENG GUOFAN")  # any reading pypinyin knows
    assert not pinyin_matches("曾国藩", "WANG GUOFAN")
    assert not pinyin_matches("张三", "ZHANG")


def test_non_gbk_characters() -> None:
    # Outside GBK: need the card's name extension.
    assert non_gbk_chars("吉𠮷㵘䶮王") == ["𠮷", "㵘", "䶮"]
    # In GBK but not GB 2312: fine for the card, still worth a font check.
    assert non_gbk_chars("王堃犇昇喆") == []
    assert non_gb2312_chars("王堃犇昇喆") == ["堃", "犇", "昇", "喆"]
    assert non_gbk_chars("𠮷𠮷") == ["𠮷"]


def test_gbk_length() -> None:
    assert gbk_length("张三") == 4
    assert gbk_length("𠮷") == 2
    assert gbk_length("AB") == 2


def codes(issues):  # type: ignore[no-untyped-def]
    return [(i.level, i.code) for i in issues]


def test_check_name() -> None:
    assert check_name("name", "王堃") == []
    assert codes(check_name("name", "𠮷林")) == [("warning", "non_gbk")]
    assert "𠮷" in check_name("name", "𠮷林")[0].message
    assert codes(check_name("name", "")) == [("error", "required")]
    assert codes(check_name("name", "张\t三")) == [("error", "control_char")]
    assert codes(check_name("name", "张三2")) == [("error", "name_digits")]
    assert codes(check_name("name", "阿" * 16)) == [("warning", "name_extension")]
    assert codes(check_name("name", "阿" * 26)) == [("error", "too_long")]


def test_check_name_pinyin() -> None:
    assert check_name_pinyin("name_pinyin", "ZHANG SAN", name="张三") == []
    assert codes(check_name_pinyin("name_pinyin", "zhang san", name="张三")) == [("error", "pinyin_case")]
    assert codes(check_name_pinyin("name_pinyin", "ZHĀNG SAN", name="张三")) == [("error", "pinyin_format")]
    assert codes(check_name_pinyin("name_pinyin", "ZHANG  SAN", name="张三")) == [("error", "pinyin_format")]
    assert codes(check_name_pinyin("name_pinyin", "ZHANG3 SAN", name="张三")) == [("error", "pinyin_format")]
    found = check_name_pinyin("name_pinyin", "DAN XIONGXIN", name="单雄信")
    assert found == []  # 单 also reads DAN; a human chose it
    found = check_name_pinyin("name_pinyin", "LI SI", name="张三")
    assert codes(found) == [("warning", "pinyin_mismatch")]
    assert "ZHANG SAN" in found[0].message
    assert codes(check_name_pinyin("name_pinyin", "", name="张三")) == [("error", "required")]
