"""Profiles are data files (spec photo.md §3), validated against resources/profiles/schema.json."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from capture.errors import ProfileError
from capture.profiles import (
    DEFAULT_PROFILE,
    Range,
    format_file_name,
    kb_window_bytes,
    list_profiles,
    load_profile,
    load_profile_file,
)
from resources import resource_path

BUILTIN = ("mohrss", "beijing", "unit-upload", "collection-tool", "hebei-web")


def _data(pid: str = "mohrss") -> dict[str, object]:
    data: dict[str, object] = json.loads(resource_path("profiles", f"{pid}.json").read_text(encoding="utf-8"))
    return data


def _write(folder: Path, data: dict[str, object], name: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name or data['id']}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_five_builtin_profiles_default_first() -> None:
    ids = list_profiles()
    assert ids[0] == DEFAULT_PROFILE == "mohrss"
    assert set(ids) == set(BUILTIN)


@pytest.mark.parametrize(
    ("pid", "face_width", "kb", "file_name"),
    [
        ("mohrss", (179, 255), (14, 40), "{id_number}.jpg"),
        ("beijing", (193, 221), (60, 80), "{name}{retrieval_code}.jpg"),
        ("unit-upload", (179, 255), (None, 100), "{id_number}.jpg"),
        ("collection-tool", (179, 255), (10, 120), "{id_number}.jpg"),
        ("hebei-web", (179, 255), (14, 40), "P-{retrieval_code}.jpg"),
    ],
)
def test_profile_values_follow_the_spec(
    pid: str, face_width: tuple[int, int], kb: tuple[int | None, int], file_name: str
) -> None:
    p = load_profile(pid)
    assert p.id == pid
    assert (p.width, p.height, p.dpi) == (358, 441, 350)
    assert p.face_width == Range(*face_width)
    assert p.head_top == Range(7, 21)
    assert p.eye_center_x == Range(162, 196)
    assert p.eye_line == Range(207, None)
    assert p.kb == Range(*kb)
    assert p.file_name == file_name
    assert p.quality_start == 70
    assert p.source and p.title


def test_unknown_profile_lists_the_known_ones() -> None:
    with pytest.raises(ProfileError) as err:
        load_profile("shanghai")
    msg = str(err.value)
    assert "\n" not in msg
    assert "shanghai" in msg
    for pid in BUILTIN:
        assert pid in msg


def test_user_folder_adds_a_profile_without_code(tmp_path: Path) -> None:
    data = _data("mohrss")
    data.update(id="shanghai", title="上海 — Shanghai", face_width={"min": 190, "max": 230})
    _write(tmp_path / "profiles", data)
    assert "shanghai" in list_profiles(tmp_path / "profiles")
    p = load_profile("shanghai", tmp_path / "profiles")
    assert p.face_width == Range(190, 230)
    # Unknown without the folder; the message then lists the user's ids too.
    with pytest.raises(ProfileError, match="shanghai"):
        load_profile("shanghai")
    with pytest.raises(ProfileError, match="shanghai"):
        load_profile("nowhere", tmp_path / "profiles")


def test_user_profile_replaces_a_builtin_one(tmp_path: Path) -> None:
    data = _data("mohrss")
    data["kb"] = {"min": 20, "max": 45}
    _write(tmp_path, data)
    assert load_profile("mohrss", tmp_path).kb == Range(20, 45)
    assert load_profile("mohrss").kb == Range(14, 40)


def test_missing_user_folder_is_fine(tmp_path: Path) -> None:
    assert load_profile("beijing", tmp_path / "absent").id == "beijing"


@pytest.mark.parametrize(
    ("change", "expect"),
    [
        (lambda d: d.pop("face_width"), "missing 'face_width'"),
        (lambda d: d.update(width="358"), "width: expected integer"),
        (lambda d: d.update(dpi=True), "dpi: expected integer"),
        (lambda d: d.update(kb={"min": 50, "max": 40}), "kb: min 50 is above max 40"),
        (lambda d: d.update(kb={"min": -1, "max": 40}), "kb.min: -1 is below 0"),
        (lambda d: d.update(colour="red"), "unknown field 'colour'"),
        (lambda d: d.update(file_name="photo.png"), "file_name"),
        (lambda d: d.update(head_top={"lo": 7}), "unknown field 'lo'"),
        (lambda d: d.update(file_name_regex="(["), "file_name_regex"),
    ],
)
def test_invalid_profiles_are_refused_with_the_reason(tmp_path: Path, change, expect: str) -> None:  # type: ignore[no-untyped-def]
    data = _data("mohrss")
    data["id"] = "broken"
    change(data)
    _write(tmp_path, data, "broken")
    with pytest.raises(ProfileError) as err:
        load_profile("broken", tmp_path)
    assert expect in str(err.value)
    assert "broken.json" in str(err.value)
    assert "\n" not in str(err.value)


def test_not_json_and_id_mismatch(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ProfileError, match="not JSON"):
        load_profile("bad", tmp_path)
    shutil.copy(resource_path("profiles", "beijing.json"), tmp_path / "other.json")
    with pytest.raises(ProfileError, match="differs from the file name"):
        load_profile_file(tmp_path / "other.json")


def test_kb_window_in_bytes() -> None:
    # [lo * 1024, hi * 1000]: inside under both readings of "KB".
    assert kb_window_bytes(load_profile("mohrss")) == (14 * 1024, 40 * 1000)
    assert kb_window_bytes(load_profile("beijing")) == (60 * 1024, 80 * 1000)
    assert kb_window_bytes(load_profile("unit-upload")) == (None, 100 * 1000)


def test_file_names_follow_the_naming_rule() -> None:
    assert (
        format_file_name(load_profile("mohrss"), id_number="11010519491231002X") == "11010519491231002X.jpg"
    )
    assert format_file_name(load_profile("hebei-web"), retrieval_code="A12345") == "P-A12345.jpg"
    assert format_file_name(load_profile("beijing"), name="张三", retrieval_code="00012") == "张三00012.jpg"
    with pytest.raises(ProfileError, match="does not match"):
        format_file_name(load_profile("unit-upload"), id_number="11010519491231002x")
    with pytest.raises(ProfileError, match="needs"):
        format_file_name(load_profile("hebei-web"))
