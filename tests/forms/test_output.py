"""Saving a form: atomic through station.files.write_atomic, owner-only; a failure is a FormsError and
leaves neither half a PDF nor a temporary file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from station.forms import save_pdf
from station.forms.errors import FormsError
from station.forms.output import safe_name


def test_save_pdf_fsyncs_and_creates_the_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd))[1])
    target = tmp_path / "forms" / "application-1.pdf"
    assert save_pdf(b"%PDF-1.4 one", target) == target
    assert target.read_bytes() == b"%PDF-1.4 one" and synced
    if os.name == "posix":  # a form holds the applicant's name and ID number
        assert target.stat().st_mode & 0o077 == 0


def test_failed_save_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "application-1.pdf"
    save_pdf(b"%PDF-1.4 old", target)

    def full_disk(self: Path, dest: Path) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", full_disk)
    with pytest.raises(FormsError, match=r"cannot save the form to .*No space left on device"):
        save_pdf(b"%PDF-1.4 new", target)
    monkeypatch.undo()
    assert target.read_bytes() == b"%PDF-1.4 old"
    assert [p.name for p in tmp_path.iterdir()] == ["application-1.pdf"]


def test_safe_name() -> None:
    assert safe_name("../a b/c") == "a_b_c"
    assert safe_name("CON") == "CON_"
    assert safe_name("...") == "form"
