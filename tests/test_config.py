"""Settings: typed values from a hand-edited file, round trip, unknown keys, versions, saving."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from station.config import SETTINGS_VERSION, Settings
from station.errors import ConfigError


def _write(data_dir: Path, values: dict[str, Any]) -> None:
    (data_dir / "settings.json").write_text(json.dumps(values, ensure_ascii=False), encoding="utf-8")


def test_defaults_without_a_file(data_dir: Path) -> None:
    assert Settings.load(data_dir) == Settings()


def test_round_trip_keeps_values_and_unknown_keys(data_dir: Path) -> None:
    _write(data_dir, {"version": 1, "station_name": "东城网点", "future_option": {"a": [1, 2]}})
    s = Settings.load(data_dir)
    assert s.station_name == "东城网点" and s.extra == {"future_option": {"a": [1, 2]}}
    s.auto_capture_frames = 7
    s.auto_capture_countdown_s = 2.5
    s.mirror_preview = False
    s.save(data_dir)
    saved = json.loads((data_dir / "settings.json").read_text(encoding="utf-8"))
    assert saved["future_option"] == {"a": [1, 2]} and "extra" not in saved
    again = Settings.load(data_dir)
    assert again == s
    assert type(again.auto_capture_frames) is int and type(again.auto_capture_countdown_s) is float


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("auto_capture_frames", "10", 10),
        ("auto_capture_frames", " 12 ", 12),
        ("auto_capture_frames", 8.0, 8),
        ("auto_capture_countdown_s", 2, 2.0),
        ("auto_capture_countdown_s", "0.5", 0.5),
        ("mirror_preview", "false", False),
        ("allow_virtual_readers", "True", True),
        ("camera", 0, "0"),
        ("station_code", "000002", "000002"),
    ],
)
def test_values_that_convert_without_loss_are_converted(
    data_dir: Path, key: str, value: object, expected: object
) -> None:
    _write(data_dir, {key: value})
    got = getattr(Settings.load(data_dir), key)
    assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize(
    ("key", "value", "needs"),
    [
        ("auto_capture_frames", "ten", "an integer"),
        ("auto_capture_frames", 2.5, "an integer"),
        ("auto_capture_frames", True, "an integer"),
        ("auto_capture_frames", None, "an integer"),
        ("keep_originals_days", [30], "an integer"),
        ("auto_capture_countdown_s", "soon", "a number"),
        ("auto_capture_countdown_s", "nan", "a number"),
        ("mirror_preview", "yes", "true or false"),
        ("mirror_preview", 1, "true or false"),
        ("station_code", {"code": 1}, "a text"),
        ("reader", 1.5, "a text"),
        ("reader", False, "a text"),
    ],
)
def test_wrong_types_are_one_line_config_errors_naming_key_and_type(
    data_dir: Path, key: str, value: object, needs: str
) -> None:
    _write(data_dir, {key: value})
    with pytest.raises(ConfigError) as info:
        Settings.load(data_dir)
    message = str(info.value)
    assert f"'{key}'" in message and f"must be {needs}" in message
    assert "\n" not in message


def test_newer_version_is_refused(data_dir: Path) -> None:
    _write(data_dir, {"version": SETTINGS_VERSION + 1})
    with pytest.raises(ConfigError, match="newer"):
        Settings.load(data_dir)


def test_unreadable_or_non_object_file(data_dir: Path) -> None:
    (data_dir / "settings.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot read settings"):
        Settings.load(data_dir)
    _write(data_dir, [1, 2])  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="not a JSON object"):
        Settings.load(data_dir)


def _save_refused(folder: Path) -> str:
    """Save into ``folder``; the ConfigError's message ('' if the save went through)."""
    try:
        Settings(station_name="x").save(folder)
    except ConfigError as exc:
        return str(exc)
    return ""


def test_save_to_a_read_only_folder_is_a_config_error(data_dir: Path) -> None:
    _write(data_dir, {"station_name": "before"})
    data_dir.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
    try:
        if os.geteuid() != 0:
            message = _save_refused(data_dir)
        else:  # root writes anywhere: try as nobody in a child process
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child
                code = 1
                try:
                    os.close(read_end)
                    os.setgroups([])
                    os.setgid(65534)
                    os.setuid(65534)
                    os.write(write_end, _save_refused(data_dir).encode("utf-8"))
                    code = 0
                finally:
                    os._exit(code)
            os.close(write_end)
            with os.fdopen(read_end, "rb") as fh:
                message = fh.read().decode("utf-8")
            _, status = os.waitpid(pid, 0)
            assert os.waitstatus_to_exitcode(status) == 0, "the save raised something other than ConfigError"
    finally:
        data_dir.chmod(0o755)
    assert message.startswith("cannot save settings") and "\n" not in message
    assert Settings.load(data_dir).station_name == "before"
    assert [p.name for p in data_dir.iterdir()] == ["settings.json"]


@pytest.mark.skipif(os.name != "posix", reason="permission bits are POSIX")
def test_data_folder_is_owner_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The database, photos, forms and drafts live there: a folder made here is 0700, and the
    default folder left wider by an earlier version is tightened; a folder named by the user
    keeps the mode they gave it."""
    from station import config

    monkeypatch.delenv("STATION_DATA_DIR", raising=False)
    made = config.resolve_data_dir(str(tmp_path / "new" / "data"))
    assert stat.S_IMODE(made.stat().st_mode) & 0o077 == 0

    shared = tmp_path / "shared"
    shared.mkdir(mode=0o750)
    shared.chmod(0o750)
    assert stat.S_IMODE(config.resolve_data_dir(str(shared)).stat().st_mode) == 0o750

    default = tmp_path / "default"
    default.mkdir()
    default.chmod(0o755)
    monkeypatch.setattr(config.platformdirs, "user_data_dir", lambda *a, **k: str(default))
    assert config.resolve_data_dir() == default
    assert stat.S_IMODE(default.stat().st_mode) == 0o700
