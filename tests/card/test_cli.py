"""``station card ...`` as real subprocesses against the private pcscd, with the card presented
by ``station card emulate`` (also a subprocess) or from the test: every failure is one line on
stderr and a non-zero exit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from station.card.emulator import SsseCard, blank_card
from tests.card.conftest import Presenter, Station
from tests.fixtures.pcscd import PcscdService

pytestmark = pytest.mark.pcscd

REPO = Path(__file__).resolve().parents[2]


class Cli:
    def __init__(self, pcscd: PcscdService, station: Station) -> None:
        self.pcscd = pcscd
        self.station = station
        self.settings(allow_virtual_readers=True, key_service="test")

    def settings(self, **values: object) -> None:
        (self.station.data_dir / "settings.json").write_text(json.dumps(values), encoding="utf-8")

    def env(self) -> dict[str, str]:
        env = {**self.pcscd.env, "STATION_DATA_DIR": str(self.station.data_dir), "PYTHONPATH": str(REPO)}
        env.pop("STATION_DB", None)
        return env

    def __call__(
        self, *args: str, stdin: str = "", env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "station", "--operator", "clerk", "card", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=env or self.env(),
            cwd=REPO,
            timeout=120,
        )

    def emulate(self, *args: str) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [sys.executable, "-m", "station", "card", "emulate", "--port", str(self.pcscd.port), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=self.env(),
            cwd=REPO,
        )
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert "presented" in line, line + proc.stdout.read()
        self.pcscd.wait_reader_state(True)
        return proc


@pytest.fixture
def cli(pcscd: PcscdService, station: Station) -> Iterator[Cli]:
    c = Cli(pcscd, station)
    yield c
    pcscd.wait_reader_state(False)


def _stop(proc: subprocess.Popen[str], pcscd: PcscdService) -> None:
    if proc.poll() is None:
        proc.terminate()  # the emulator this test started
        proc.wait(10)
    if proc.stdout is not None:
        proc.stdout.close()
    pcscd.wait_reader_state(False)


def _one_line_error(out: subprocess.CompletedProcess[str], code: int, text: str) -> None:
    assert out.returncode == code, (out.returncode, out.stdout, out.stderr)
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and text in lines[0], out.stderr


def test_encode_read_and_pins_through_the_command_line(cli: Cli, station: Station, tmp_path: Path) -> None:
    app_id = station.new_application(31)
    state = tmp_path / "card.json"
    emu = cli.emulate("--layout", "2.0", "--card", str(state))
    try:
        out = cli("readers")
        assert out.returncode == 0 and "Virtual PCD 00 00\tcard 3B" in out.stdout, out.stdout
        blank = json.loads(cli("read", "--json").stdout)
        assert blank["blank"] is True and blank["spec_version"] == "2.0"

        out = cli("encode", str(app_id))
        assert out.returncode == 0, out.stderr
        assert "encoded and verified" in out.stdout

        photo = tmp_path / "chip.jpg"
        out = cli("read", "--json", "--photo", str(photo))
        assert out.returncode == 0, out.stderr
        got = json.loads(out.stdout)
        data = station.applicant_data(app_id)
        assert got["name"] == data.name and got["social_security_number"] == data.document_number
        assert got["card_number_valid"] is True
        assert photo.read_bytes()[:2] == b"\xff\xd8" and got["photo_bytes"] == photo.stat().st_size

        text = cli("read").stdout
        assert data.document_number not in text and "********" in text  # masked on screen

        assert cli("pin", "verify", stdin="123456\n").returncode == 0
        _one_line_error(cli("pin", "verify", stdin="000000\n"), 2, "wrong PIN: 2 tries left")
        _one_line_error(cli("pin", "verify", stdin="000000\n"), 2, "wrong PIN: 1 try left")
        _one_line_error(cli("pin", "verify", stdin="000000\n"), 1, "PIN is blocked")
        _one_line_error(cli("pin", "verify", stdin="123456\n"), 1, "PIN is blocked")
        assert "0 PIN tries left" in cli("pin", "tries").stdout
        out = cli("pin", "reset")
        assert out.returncode == 0 and "initial PIN" in out.stdout, out.stderr
        out = cli("pin", "change", stdin="123456\n8642\n")
        assert out.returncode == 0, out.stderr
        assert cli("pin", "verify", stdin="8642\n").returncode == 0
        _one_line_error(cli("pin", "verify", stdin="12\n"), 2, "4 to 12 digits")
        # no operator accounts, so no password is asked: with --password-stdin the first line
        # is still the password line (dropped), the new PIN the one after it
        out = cli("pin", "reset", "--new", "--password-stdin", stdin="Clerk-pass-2025\n975310\n")
        assert out.returncode == 0 and "new PIN" in out.stdout, out.stderr
        assert cli("pin", "verify", stdin="975310\n").returncode == 0
        _one_line_error(cli("pin", "verify", "--password-stdin", stdin="975310\n"), 2, "--password-stdin")

        # the same card for another application is refused
        other = station.new_application(32)
        _one_line_error(cli("encode", str(other)), 3, f"recorded for application {app_id}")
    finally:
        _stop(emu, cli.pcscd)
    # the card kept its state in the file: the PIN was never written anywhere else
    for p in station.data_dir.rglob("*"):
        if p.is_file() and p.suffix in (".json", ".log", ".txt"):
            text = p.read_text(errors="replace")
            assert "8642" not in text and "975310" not in text and "Clerk-pass-2025" not in text, p


def test_card_removed_mid_write_then_resume(cli: Cli, station: Station, tmp_path: Path) -> None:
    app_id = station.new_application(33)
    state = tmp_path / "card.json"
    emu = cli.emulate("--layout", "3.0", "--card", str(state), "--tear-after", "40")
    try:
        _one_line_error(cli("encode", str(app_id)), 3, "card was removed")
        assert emu.wait(10) == 0  # torn away for good: the emulator ends
    finally:
        _stop(emu, cli.pcscd)
    journal = list((station.data_dir / "card-journal").glob("*.json"))
    assert len(journal) == 1
    emu = cli.emulate("--card", str(state))  # the same card, back in the reader
    try:
        out = cli("encode", str(app_id))
        assert out.returncode == 0, out.stderr
        assert "(resumed)" in out.stdout
        got = json.loads(cli("read", "--json").stdout)
        assert got["social_security_number"] == station.applicant_data(app_id).document_number
    finally:
        _stop(emu, cli.pcscd)
    assert list((station.data_dir / "card-journal").glob("*.json")) == []


def test_device_errors_are_one_line(cli: Cli, station: Station, presenter: Presenter, tmp_path: Path) -> None:
    app_id = station.new_application(34)
    # no pcscd at all
    env = {**cli.env(), "PCSCLITE_CSOCK_NAME": str(tmp_path / "nothing.comm")}
    _one_line_error(cli("read", env=env), 3, "pcscd) is not running")
    # readers, but no card in them
    _one_line_error(cli("read"), 3, "no card in the reader")
    # a card, but virtual readers are off
    presenter.present(SsseCard(blank_card("2.0")))
    cli.settings(allow_virtual_readers=False)
    _one_line_error(cli("read"), 3, "only virtual readers")
    _one_line_error(cli("read", "--reader", "Virtual PCD 00 00"), 3, "virtual readers are for tests")
    # no key service configured
    cli.settings(allow_virtual_readers=True, key_service="none")
    _one_line_error(cli("encode", str(app_id)), 3, "key service is not configured")
    cli.settings(allow_virtual_readers=True, key_service="psam")
    _one_line_error(cli("encode", str(app_id)), 3, "PSAM key service is not configured")
    # an unknown reader name
    cli.settings(allow_virtual_readers=True, key_service="test")
    _one_line_error(cli("read", "--reader", "Acme 1"), 3, "'Acme 1' is not connected")


def test_wrong_card_is_one_line(cli: Cli, presenter: Presenter) -> None:
    from tests.card.test_pcscd import _BankCard

    presenter.present(_BankCard())
    _one_line_error(cli("read"), 3, "not a social security card")


def test_emulate_without_pcscd_is_one_line(cli: Cli, tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "station", "card", "emulate", "--port", "1", "--wait", "0.5"],
        capture_output=True,
        text=True,
        env={**cli.env(), "PATH": os.environ.get("PATH", "")},
        cwd=REPO,
        timeout=120,
    )
    _one_line_error(out, 3, "no vpcd reader driver listening")


def test_encode_and_pin_reset_as_a_logged_in_operator(cli: Cli, station: Station) -> None:
    """Once operator accounts exist, the commands that record (encode, pin reset) need the
    operator's password (the first line of stdin; a new PIN follows it); reading does not."""
    from station.records import audit, operators

    with station.db.session() as s:
        operators.add_operator(s, "clerk", "Clerk-pass-2025", by="setup")
    app_id = station.new_application(35)
    emu = cli.emulate("--layout", "2.0")
    try:
        _one_line_error(
            cli("encode", str(app_id), "--password-stdin", stdin="Wrong-pass-2025\n"),
            2,
            "wrong user name or password",
        )
        assert json.loads(cli("read", "--json").stdout)["blank"] is True  # nothing written
        out = cli("encode", str(app_id), "--password-stdin", stdin="Clerk-pass-2025\n")
        assert out.returncode == 0, out.stderr
        out = cli("pin", "reset", "--new", "--password-stdin", stdin="Clerk-pass-2025\n975310\n")
        assert out.returncode == 0 and "new PIN" in out.stdout, out.stderr
        assert cli("pin", "verify", stdin="975310\n").returncode == 0
    finally:
        _stop(emu, cli.pcscd)
    with station.db.session(readonly=True) as s:
        events = audit.recent(s, 50)
    card_events = [e for e in events if e.action.startswith("card.")]
    assert {e.action for e in card_events} == {"card.encoded", "card.pin_reset"}
    assert all(e.operator == "clerk" for e in card_events)
    failed = [e for e in events if e.action == "user.login_failed"]
    assert len(failed) == 1 and failed[0].operator == "clerk"
    text = repr(events)
    assert "975310" not in text and "Clerk-pass-2025" not in text and "Wrong-pass-2025" not in text
