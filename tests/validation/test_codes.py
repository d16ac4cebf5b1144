from __future__ import annotations

from station.validation import codes


def test_ethnicity_table() -> None:
    t = codes.ethnicities()
    assert t["01"] == "汉族"
    assert t["56"] == "基诺族"
    assert "97" in t and "98" in t
    assert len([c for c in t if int(c) <= 56]) == 56
    assert t.label("02") == "02 蒙古族"


def test_other_tables() -> None:
    assert set(codes.occupations()) == {"0", "1", "3", "4", "5", "6", "X", "Y", "W"}
    assert set(codes.sexes()) == {"0", "1", "2", "9"}
    assert codes.document_types()["01"] == "居民身份证"
    assert codes.number_rule("08") == "hmt_residence"
    assert codes.number_rule("09") == "foreign_permanent"
    assert codes.number_rule("zz") == ""
    assert codes.household_types()["21"] == "本地农业"


def test_nationality_table_is_complete_iso_3166() -> None:
    t = codes.nationalities()
    assert len(t) == 249
    assert t["CHN"] == "中国"
    assert t["USA"] == "美国"
    assert "HKG" in t and "MAC" in t and "TWN" in t
    assert all(len(c) == 3 and c.isupper() for c in t)
    assert all(t[c] for c in t)


def test_tables_do_not_need_iso_codes_at_run_time() -> None:
    import sys

    assert "gettext" not in {m.split(".")[0] for m in sys.modules if m.startswith("iso")}
    assert codes.table("nationality").extra["CHN"]["alpha_2"] == "CN"
