"""The write journal file: durable saves go through station.files.write_atomic with fsync, step
saves are a plain rename; neither leaves a temporary file behind, even when the write fails."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from station.card.journal import Journal, JournalEntry


def _entry(done: list[str] | None = None) -> JournalEntry:
    return JournalEntry(
        card_id="110100D15600000501000001",
        atr="3B6D000080",
        application_id=7,
        plan_digest="ab" * 32,
        card_number="A00000011",
        card_type="3",
        issue_date="2025-03-01",
        expiry_date="2035-03-01",
        set_initial_pin=True,
        done=done or [],
    )


@pytest.mark.parametrize("durable", [True, False])
def test_save_and_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, durable: bool) -> None:
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd))[1])
    journal = Journal(tmp_path / "card-journal")
    journal.save(_entry(), durable=True)
    synced.clear()
    journal.save(_entry(["EF05/07"]), durable=durable)
    assert bool(synced) is durable
    loaded = journal.load("110100d15600000501000001")
    assert loaded is not None and loaded.done == ["EF05/07"]
    assert [p.name for p in (tmp_path / "card-journal").iterdir()] == ["110100D15600000501000001.json"]


@pytest.mark.parametrize("durable", [True, False])
def test_failed_save_keeps_the_last_entry_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, durable: bool
) -> None:
    journal = Journal(tmp_path)
    journal.save(_entry(["EF05/07"]), durable=True)

    def full_disk(self: Path, target: Path) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", full_disk)
    with pytest.raises(OSError, match="No space"):
        journal.save(_entry(["EF05/07", "EF06/08"]), durable=durable)
    monkeypatch.undo()
    loaded = journal.load("110100D15600000501000001")
    assert loaded is not None and loaded.done == ["EF05/07"]
    assert [p.name for p in tmp_path.iterdir()] == ["110100D15600000501000001.json"]
