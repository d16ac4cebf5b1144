"""ui.draft.DraftStore: the crash-recovery draft of the enrollment form holds plaintext personal
data, so it is owner-only from creation (and an earlier version's wider folder is tightened),
tied to the operator who wrote it, deleted when saved or discarded, purged unread after
DRAFT_MAX_AGE (and, by a store tied to operators, when tied to nobody; damaged ones too, but not
ones that merely cannot be read just then, which are neither overwritten nor cleared until a load
reads them), written without fsync except when durable, and never names the applicant in a file
name or a log line. Plain Python: no Qt needed. The window's use of
it (offered after the login, durable at close): test_draft_login.py."""

from __future__ import annotations

import errno
import json
import logging
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from ui.draft import DRAFT_MAX_AGE, DraftStore, DraftUnreadable

NAME = "王小明"
ID_NUMBER = "110105198503151230"
VALUES = {"form": {"name": NAME, "document_number": ID_NUMBER}, "applicant_id": None, "application_id": 7}
T0 = 1_800_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


class Desk:
    """Who is logged in at the station."""

    def __init__(self, operator: str) -> None:
        self.operator = operator


@pytest.fixture
def clock() -> Clock:
    return Clock()


def _store(data_dir: Path, clock: Clock, operator: Any = "li") -> DraftStore:
    return DraftStore(data_dir, operator=operator, clock=clock)


def _files(data_dir: Path) -> list[str]:
    folder = data_dir / "drafts"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _assert_nothing_personal(text: str) -> None:
    assert NAME not in text and ID_NUMBER not in text and ID_NUMBER[-6:] not in text


def test_round_trip_owner_only_from_creation(
    data_dir: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    def no_chmod(*_a: Any, **_k: Any) -> None:
        raise AssertionError("permissions changed after creation")

    monkeypatch.setattr(os, "chmod", no_chmod)
    monkeypatch.setattr(os, "fchmod", no_chmod)
    store = _store(data_dir, clock)
    store.save(VALUES)
    monkeypatch.undo()
    assert store.load() == VALUES
    assert _mode(store.path) == 0o600 and _mode(store.folder) == 0o700
    [name] = _files(data_dir)
    assert name.startswith("enroll-") and name.endswith(".json")
    _assert_nothing_personal(name)
    saved = json.loads(store.path.read_text(encoding="utf-8"))
    assert saved["operator"] == "li" and saved["saved_at"] == T0
    _assert_nothing_personal(caplog.text)


def test_another_operator_is_not_offered_the_draft_nor_overwrites_it(data_dir: Path, clock: Clock) -> None:
    desk = Desk("li")
    store = _store(data_dir, clock, operator=lambda: desk.operator)
    store.save(VALUES)
    desk.operator = "zhao"  # another operator logs in
    assert store.load() is None
    store.save({"form": {"name": "赵六"}})
    store.clear()  # zhao's saved or discarded: li's draft stays
    assert len(_files(data_dir)) == 1
    # At the next start li logs in again and gets the draft back.
    again = _store(data_dir, clock, operator="li")
    assert again.load() == VALUES
    assert _store(data_dir, clock, operator="zhao").load() is None


def test_saved_or_discarded_deletes_the_draft(data_dir: Path, clock: Clock) -> None:
    store = _store(data_dir, clock)
    store.save(VALUES)
    store.clear()
    assert store.load() is None and _files(data_dir) == []
    store.clear()  # nothing there: nothing happens


@pytest.mark.skipif(os.name != "posix", reason="permission bits are access control on POSIX only")
def test_a_wider_drafts_folder_of_an_earlier_version_is_tightened(
    data_dir: Path, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    folder = data_dir / "drafts"
    folder.mkdir()
    folder.chmod(0o755)  # made with the default mode by a version before drafts were owner-only
    store = _store(data_dir, clock)
    assert _mode(folder) == 0o700
    store.save(VALUES)
    assert _mode(folder) == 0o700 and _mode(store.path) == 0o600
    assert "owner-only" in caplog.text


def test_the_autosave_skips_fsync_and_a_durable_save_does_not(
    data_dir: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The autosave runs on the GUI thread every pause in typing: no fsync of the file nor of
    the folder (a crash keeps what was written; only a power cut may lose the last seconds).
    The window's close saves durably."""
    synced: list[int] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    store = _store(data_dir, clock)
    store.save(VALUES)
    assert synced == [] and store.load() == VALUES
    store.save(VALUES, durable=True)
    assert len(synced) == (2 if os.name == "posix" else 1)  # the file, then the folder


def test_expired_drafts_are_purged_at_start_without_being_offered(
    data_dir: Path, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    _store(data_dir, clock, operator="li").save(VALUES)
    clock.now += 3600
    _store(data_dir, clock, operator="zhao").save(VALUES)
    clock.now = T0 + DRAFT_MAX_AGE.total_seconds() + 1  # li's is a day old, zhao's 23 h
    store = _store(data_dir, clock, operator="li")  # the start: li's goes before anything is offered
    assert len(_files(data_dir)) == 1
    assert store.load() is None
    assert _store(data_dir, clock, operator="zhao").load() == VALUES
    clock.now += 3600  # the next start, by whoever: zhao's is a day old now
    assert _store(data_dir, clock, operator="li").purge_expired() == 0  # gone when it was built
    assert _files(data_dir) == []
    _assert_nothing_personal(caplog.text)


def test_a_draft_that_expires_while_running_is_not_offered(data_dir: Path, clock: Clock) -> None:
    store = _store(data_dir, clock)
    store.save(VALUES)
    clock.now += DRAFT_MAX_AGE.total_seconds() + 1
    assert store.load() is None and _files(data_dir) == []


def test_interrupted_writes_and_damaged_drafts_go_at_start(
    data_dir: Path, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    store = _store(data_dir, clock)
    store.save(VALUES)
    leftover = store.folder / f".{store.path.name}.0badc0de.tmp"  # a power cut mid-write
    leftover.write_text(json.dumps(VALUES, ensure_ascii=False), encoding="utf-8")
    os.utime(leftover, (T0 - 120, T0 - 120))
    fresh = store.folder / f".{store.path.name}.00c0ffee.tmp"  # another window writing right now
    fresh.write_text("{", encoding="utf-8")
    os.utime(fresh, (T0, T0))
    damaged = store.folder / "enroll-0000000000000000.json"
    damaged.write_text(f'{{"name": "{NAME}", "document_number": "{ID_NUMBER}"', encoding="utf-8")
    again = _store(data_dir, clock)
    assert _files(data_dir) == sorted([fresh.name, store.path.name])
    assert again.load() == VALUES
    _assert_nothing_personal(caplog.text)


@pytest.mark.parametrize(
    "error", [PermissionError(errno.EACCES, "locked"), OSError(errno.EIO, "I/O error")], ids=["locked", "EIO"]
)
def test_a_draft_that_cannot_be_read_just_now_is_not_deleted(
    data_dir: Path,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    error: OSError,
) -> None:
    """An antivirus scan holding the file, an I/O error: the draft may be good, so the start
    leaves it (and the next start, able to read it, offers it). Only damaged content goes."""
    caplog.set_level(logging.DEBUG)
    store = _store(data_dir, clock)
    store.save(VALUES)
    real_read_text = Path.read_text

    def read_text(self: Path, *args: Any, **kwargs: Any) -> str:
        if self.suffix == ".json":
            raise error
        return real_read_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", read_text)
    _store(data_dir, clock)  # the start: the draft cannot be read now
    monkeypatch.undo()
    assert _files(data_dir) == [store.path.name]
    assert type(error).__name__ in caplog.text and "left as it is" in caplog.text
    _assert_nothing_personal(caplog.text)
    assert _store(data_dir, clock).load() == VALUES


@pytest.mark.parametrize(
    "error", [PermissionError(errno.EACCES, "locked"), OSError(errno.EIO, "I/O error")], ids=["locked", "EIO"]
)
@pytest.mark.parametrize("seen_at_start", [True, False], ids=["at-start", "at-load"])
def test_a_draft_unread_is_neither_overwritten_nor_cleared_until_a_load_reads_it(
    *,
    data_dir: Path,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    error: OSError,
    seen_at_start: bool,
) -> None:
    """The start keeps a draft it cannot read just now; ``load`` says so (DraftUnreadable, not
    None: "no draft"), and until a load reads it the autosave of another form does not write
    over it and a save or discard of that form does not delete it. Once read, all is as usual."""
    caplog.set_level(logging.DEBUG)
    _store(data_dir, clock).save(VALUES)
    real_read_text = Path.read_text
    locked = [True]

    def read_text(self: Path, *args: Any, **kwargs: Any) -> str:
        if locked[0] and self.suffix == ".json":
            raise error
        return real_read_text(self, *args, **kwargs)

    if seen_at_start:
        monkeypatch.setattr(Path, "read_text", read_text)
    store = _store(data_dir, clock)  # the start
    monkeypatch.setattr(Path, "read_text", read_text)
    [name] = _files(data_dir)
    stored = store.path.read_bytes()
    with pytest.raises(DraftUnreadable):
        store.load()
    other = {"form": {"name": "赵六"}, "applicant_id": 3, "application_id": None}
    store.save(other)  # the autosave of the form typed meanwhile
    store.save(other, durable=True)  # the close
    store.clear()  # that form saved or discarded
    assert _files(data_dir) == [name] and store.path.read_bytes() == stored
    assert type(error).__name__ in caplog.text and "not autosaved" in caplog.text
    _assert_nothing_personal(caplog.text)
    assert "赵六" not in caplog.text

    locked[0] = False  # the antivirus scan is over
    assert store.load() == VALUES
    store.save(other)
    assert store.load() == other
    store.clear()
    assert _files(data_dir) == []


@pytest.mark.parametrize("content", [b"[1, 2]", b"\xff\xfe{", b'{"format": 1,'], ids=["list", "utf8", "json"])
def test_a_damaged_draft_is_deleted_at_start(data_dir: Path, clock: Clock, content: bytes) -> None:
    store = _store(data_dir, clock)
    store.save(VALUES)
    store.path.write_bytes(content)
    _store(data_dir, clock)
    assert _files(data_dir) == []


def test_a_failed_autosave_is_logged_without_personal_data(
    data_dir: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    store = _store(data_dir, clock)
    store.save(VALUES)

    def full(fd: int, data: Any) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full)
    with caplog.at_level(logging.WARNING, logger="station.ui"):
        store.save({"form": {"name": NAME + "改", "document_number": ID_NUMBER}})  # no exception
    monkeypatch.undo()
    assert "cannot autosave the draft" in caplog.text and "No space left" in caplog.text
    _assert_nothing_personal(caplog.text)
    assert store.load() == VALUES  # the last good draft is still there
    assert len(_files(data_dir)) == 1  # and no temporary file


def test_without_an_operator_the_draft_is_tied_to_nobody(data_dir: Path, clock: Clock) -> None:
    legacy = data_dir / "drafts" / "enroll.json"  # written before drafts recorded their operator
    legacy.parent.mkdir()
    legacy.write_text(json.dumps(VALUES, ensure_ascii=False), encoding="utf-8")
    os.utime(legacy, (T0 - 60, T0 - 60))  # its age: the file's time
    untied = DraftStore(data_dir, clock=clock)
    assert untied.load() == VALUES
    untied.save({"form": {"name": "x"}})
    assert untied.path == legacy and untied.load() == {"form": {"name": "x"}}
    untied.clear()
    assert _files(data_dir) == []


@pytest.mark.parametrize("written", ["before the format", "by an untied store"])
def test_a_store_tied_to_operators_deletes_the_untied_draft_unread_at_start(
    data_dir: Path, clock: Clock, caplog: pytest.LogCaptureFixture, written: str
) -> None:
    """The shared enroll.json of earlier versions could be anyone's: the window's store (tied to
    the operator) deletes it when built, before anyone is offered anything."""
    caplog.set_level(logging.DEBUG)
    li = _store(data_dir, clock, operator="li")
    li.save(VALUES)
    legacy = data_dir / "drafts" / "enroll.json"
    if written == "by an untied store":
        DraftStore(data_dir, clock=clock).save(VALUES)
    else:
        legacy.write_text(json.dumps(VALUES, ensure_ascii=False), encoding="utf-8")
        os.utime(legacy, (T0 - 60, T0 - 60))
    zhao = _store(data_dir, clock, operator=lambda: "zhao")  # the next start
    assert not legacy.exists() and _files(data_dir) == [li.path.name]
    assert zhao.load() is None
    assert _store(data_dir, clock, operator="li").load() == VALUES  # li's own draft stays
    assert "not tied to an operator" in caplog.text
    _assert_nothing_personal(caplog.text)
