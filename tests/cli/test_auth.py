"""``--password-stdin``: standard input is read once per invocation and kept on the Context,
not in a module global, so two invocations in one process each read their own input."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest

from station.cli import auth
from station.cli.context import Context
from station.cli.main import main
from station.config import Settings
from station.errors import InputError


def _ctx(tmp_path: Path) -> Context:
    args = argparse.Namespace(password_stdin=True)
    return Context(args=args, data_dir=tmp_path, settings=Settings(), db_url="sqlite://", operator="t")


def test_each_context_reads_its_own_stdin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("first\nsecond\n"))
    one = _ctx(tmp_path)
    assert auth.read_password(one, "p: ") == "first"
    monkeypatch.setattr("sys.stdin", io.StringIO("third\n"))
    two = _ctx(tmp_path)
    assert auth.read_password(two, "p: ") == "third"
    assert auth.read_password(one, "p: ") == "second"  # one's lines stay with one
    with pytest.raises(InputError, match="no \\(more\\) password lines"):
        auth.read_password(two, "p: ")
    assert not hasattr(auth, "_stdin_lines")


def test_two_invocations_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("STATION_DB", raising=False)
    data = ["--data-dir", str(tmp_path / "data")]
    monkeypatch.setattr("sys.stdin", io.StringIO("Admin-pass-2025\n"))
    assert (
        main([*data, "--operator", "boss", "user", "add", "boss", "--role", "admin", "--password-stdin"]) == 0
    )
    # the admin's password, then the new user's
    monkeypatch.setattr("sys.stdin", io.StringIO("Admin-pass-2025\nClerk-pass-2025\n"))
    assert main([*data, "--operator", "boss", "user", "add", "clerk", "--password-stdin"]) == 0, (
        capsys.readouterr().err
    )
    out = capsys.readouterr().out
    assert "user boss added (admin)" in out and "user clerk added (operator)" in out
