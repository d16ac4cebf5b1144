from __future__ import annotations

from pathlib import Path

import pytest

from capture.errors import ProfileError
from capture.profiles import load_profile
from station.transfer.naming import photo_file_name, safe_join, sanitize_file_name, unique_name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("../../etc/passwd", "_.._etc_passwd"),
        ("..", "_"),
        (".", "_"),
        ("", "_"),
        ("..\\..\\Windows\\system32", "_.._Windows_system32"),
        ("/etc/shadow", "_etc_shadow"),
        ("CON", "_CON"),
        ("nul.jpg", "_nul.jpg"),
        ("COM1.csv", "_COM1.csv"),
        ("张三\t丁", "张三_丁"),
        ("张三\n", "张三_"),
        ('a:b*c?"<>|.jpg', "a_b_c_____.jpg"),
        (" .hidden ", "hidden"),
        ("𠮷祥00012.jpg", "𠮷祥00012.jpg"),
        ("第一中学高一(1)班", "第一中学高一(1)班"),
        ("name\u202egpj.exe", "name_gpj.exe"),  # right-to-left override
    ],
)
def test_sanitize(text: str, expected: str) -> None:
    assert sanitize_file_name(text) == expected
    assert "/" not in expected and "\\" not in expected


def test_truncation_keeps_whole_characters_and_extension() -> None:
    long = "𠮷" * 100 + ".jpg"
    out = sanitize_file_name(long)
    assert out.endswith(".jpg")
    assert len(out.encode("utf-8")) <= 200
    out.encode("utf-8").decode("utf-8")  # no broken sequence


def test_unique_name() -> None:
    assert unique_name("a.jpg", []) == "a.jpg"
    assert unique_name("a.jpg", ["A.JPG"]) == "a-2.jpg"
    assert unique_name("a.jpg", ["a.jpg", "a-2.jpg"]) == "a-3.jpg"


def test_safe_join_stays_inside(tmp_path: Path) -> None:
    p = safe_join(tmp_path, "../../etc/passwd")
    assert p.parent == tmp_path
    assert p.name == "_.._etc_passwd"


def test_photo_file_names_by_profile() -> None:
    values = {"id_number": "11010519491231002X", "name": "张三", "retrieval_code": "00012"}
    assert photo_file_name(load_profile("mohrss"), **values) == "11010519491231002X.jpg"
    assert photo_file_name(load_profile("beijing"), **values) == "张三00012.jpg"
    assert photo_file_name(load_profile("hebei-web"), **values) == "P-00012.jpg"
    evil = {**values, "name": "../../etc/x"}
    assert photo_file_name(load_profile("beijing"), **evil) == "_.._etc_x00012.jpg"
    with pytest.raises(ProfileError):  # a passport number cannot follow an ID-number rule
        photo_file_name(load_profile("mohrss"), **{**values, "id_number": "E12345678"})
