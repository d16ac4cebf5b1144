"""station.files: atomic replacement of a file. A failure anywhere (no space, a refused rename, a
read-only folder) leaves the old file as it was and no temporary file behind; the callers map the
OSError to their own error."""

from __future__ import annotations

import errno
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from station.config import Settings
from station.errors import ConfigError
from station.files import fsync_dir, fsync_tree, write_atomic, write_text_atomic


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _full_disk(monkeypatch: pytest.MonkeyPatch, after: int = 0) -> None:
    """``os.write`` takes ``after`` bytes, then the disk is full."""
    real_write = os.write
    left = [after]

    def write(fd: int, data: Any) -> int:
        if left[0] <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        n = real_write(fd, bytes(data[: left[0]]))
        left[0] -= n
        return n

    monkeypatch.setattr(os, "write", write)


def test_writes_a_new_file_and_replaces_an_old_one(tmp_path: Path) -> None:
    target = tmp_path / "a.json"
    write_atomic(target, b"one")
    assert target.read_bytes() == b"one"
    write_text_atomic(target, "二\n")
    assert target.read_bytes() == "二\n".encode()  # UTF-8, no newline translation
    assert _names(tmp_path) == ["a.json"]


def test_partial_writes_are_continued(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_write = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real_write(fd, bytes(data[:3])))
    write_atomic(tmp_path / "a", b"0123456789")
    assert (tmp_path / "a").read_bytes() == b"0123456789"


def test_mode_is_set_at_creation_not_afterwards(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_chmod(*_a: Any, **_k: Any) -> None:
        raise AssertionError("chmod after creation")

    monkeypatch.setattr(os, "chmod", no_chmod)
    monkeypatch.setattr(os, "fchmod", no_chmod)
    seen: list[int] = []
    real_replace = os.replace

    def replace(src: Any, dst: Any) -> None:
        seen.append(_mode(Path(src)))  # the temporary file, before it becomes the target
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    write_atomic(tmp_path / "private", b"x", mode=0o600)
    assert seen == [0o600] and _mode(tmp_path / "private") == 0o600
    umask = os.umask(0o022)
    os.umask(umask)
    write_atomic(tmp_path / "public", b"x")
    assert _mode(tmp_path / "public") == 0o666 & ~umask


def test_fsync_of_file_and_folder_unless_told_not_to(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    write_atomic(tmp_path / "a", b"1")
    assert len(synced) == 2  # the file, then the folder (the rename)
    synced.clear()
    write_atomic(tmp_path / "a", b"2", fsync=False)
    assert synced == [] and (tmp_path / "a").read_bytes() == b"2"


@pytest.mark.parametrize("failure", ["replace", "disk full", "disk full midway"])
def test_failure_keeps_the_old_file_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    target = tmp_path / "settings.json"
    target.write_text("old", encoding="utf-8")
    if failure == "replace":

        def refuse(src: Any, dst: Any) -> None:
            raise PermissionError(errno.EACCES, "refused", str(dst))

        monkeypatch.setattr(os, "replace", refuse)
    else:
        _full_disk(monkeypatch, after=0 if failure == "disk full" else 4)
    with pytest.raises(OSError) as caught:
        write_atomic(target, b"new content, long enough to fill the disk")
    monkeypatch.undo()
    if failure != "replace":
        assert caught.value.errno == errno.ENOSPC
    assert target.read_text(encoding="utf-8") == "old"
    assert _names(tmp_path) == ["settings.json"]


def test_an_interrupt_also_removes_the_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "a", b"x")
    monkeypatch.undo()
    assert _names(tmp_path) == []


def _as_nobody(fn: Callable[[], str]) -> str:
    """``fn()`` in this process, or as user nobody in a child when this is root (root writes
    anywhere). Its result, or the name of the exception it raised."""

    def run() -> str:
        try:
            return fn()
        except Exception as exc:
            return type(exc).__name__

    if os.geteuid() != 0:
        return run()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 1
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            os.write(write_end, run().encode("utf-8"))
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as fh:
        out = fh.read().decode("utf-8")
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return out


def test_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "a.json").write_text("old", encoding="utf-8")
    (folder / "a.json").chmod(0o666)  # the file itself would be writable: the folder is not
    folder.chmod(0o555)
    try:

        def write() -> str:
            write_atomic(folder / "a.json", b"new")
            return "written"

        outcome = _as_nobody(write)
    finally:
        folder.chmod(0o755)
    assert outcome == "PermissionError"
    assert (folder / "a.json").read_text(encoding="utf-8") == "old"
    assert _names(folder) == ["a.json"]


def test_fsync_helpers_tolerate_what_cannot_be_synced(tmp_path: Path) -> None:
    (tmp_path / "batch" / "photos").mkdir(parents=True)
    (tmp_path / "batch" / "photos" / "a.jpg").write_bytes(b"\xff\xd8")
    (tmp_path / "batch" / "data.csv").write_text("x", encoding="utf-8")
    fsync_tree(tmp_path / "batch")
    fsync_dir(tmp_path / "missing")  # nothing to open: nothing to do


# -- the callers keep their own error mapping ----------------------------------------------------
def test_settings_on_a_full_disk_is_one_line_config_error(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Settings(station_name="before").save(data_dir)
    assert _mode(data_dir / "settings.json") == 0o600  # may hold a database password
    _full_disk(monkeypatch)
    with pytest.raises(ConfigError) as caught:
        Settings(station_name="after").save(data_dir)
    monkeypatch.undo()
    assert str(caught.value) == f"cannot save settings in {data_dir}: No space left on device"
    assert Settings.load(data_dir).station_name == "before"
    assert _names(data_dir) == ["settings.json"]


def test_emulator_card_file_survives_a_failed_save(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from station.card.emulator import blank_card

    path = tmp_path / "card.json"
    card = blank_card("3.0")
    card.save(path)
    before = path.read_bytes()
    card.pin = "999999"
    _full_disk(monkeypatch)
    with pytest.raises(OSError, match="No space"):
        card.save(path)
    monkeypatch.undo()
    assert path.read_bytes() == before and _names(tmp_path) == ["card.json"]
    card.save(path)
    assert json.loads(path.read_text(encoding="utf-8"))["pin"] == "999999"
