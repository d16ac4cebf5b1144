"""End to end: the real program as a subprocess on an Xvfb screen, with the demo camera and a
temporary data folder. Real key presses (xdotool) take the photo and accept it; the enrollment
is filled and saved and the application form printed to PDF through the local test socket
(``STATION_TEST_SOCKET``, ui/testhook.py). Screenshots of the whole screen (``import -window
root``) are saved in ``$STATION_SCREENSHOTS`` (default: the test's temporary folder)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support.services import need_executable, skip_or_fail
from tests.support.testhook import HookClient
from tests.ui.conftest import APPLICANT

pytestmark = [pytest.mark.xvfb, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]


class Station(HookClient):
    def __init__(self, proc: subprocess.Popen[bytes], sock_path: Path, display: str, shots: Path) -> None:
        super().__init__(proc, sock_path)
        self.display, self.shots = display, shots

    def wait_state(
        self, predicate: Any, timeout: float = 60, what: str = "", poll: float = 0.2
    ) -> dict[str, Any]:
        return super().wait_state(predicate, timeout, what, poll)

    def env(self) -> dict[str, str]:
        return {**os.environ, "DISPLAY": self.display}

    def key(self, key: str) -> None:
        """A real key press through the X server, to the station's window."""
        ids = subprocess.run(
            ["xdotool", "search", "--pid", str(self.proc.pid), "--onlyvisible", "--class", ""],
            capture_output=True,
            text=True,
            env=self.env(),
        ).stdout.split()
        if ids:
            subprocess.run(
                ["xdotool", "windowfocus", "--sync", ids[-1]],
                env=self.env(),
                check=False,
                capture_output=True,
            )
        subprocess.run(["xdotool", "key", "--clearmodifiers", key], env=self.env(), check=True)

    def screenshot(self, name: str) -> Path:
        path = self.shots / f"{name}.png"
        subprocess.run(
            ["import", "-window", "root", str(path)], env=self.env(), check=True, capture_output=True
        )
        return path


@pytest.fixture
def card_reader(pcscd: Any, tmp_path: Path) -> Any:
    """The private pcscd of tests/fixtures/pcscd.py with an emulated blank card presented by
    ``station card emulate`` (a subprocess, owned by PID)."""
    log = (tmp_path / "emulator.log").open("wb")
    emu = subprocess.Popen(
        [sys.executable, "-m", "station", "card", "emulate", "--port", str(pcscd.port)],
        cwd=REPO,
        env=pcscd.env,
        stdout=log,
        stderr=log,
    )
    try:
        pcscd.wait_reader_state(True, timeout=20)
        yield pcscd
    finally:
        if emu.poll() is None:
            os.kill(emu.pid, signal.SIGTERM)
            try:
                emu.wait(10)
            except subprocess.TimeoutExpired:
                os.kill(emu.pid, signal.SIGKILL)
                emu.wait(10)
        log.close()


@pytest.fixture
def station(xvfb_display: str, tmp_path: Path, request: pytest.FixtureRequest) -> Any:
    need_executable("xdotool", "xdotool")
    need_executable("import", "imagemagick")
    shots = Path(os.environ.get("STATION_SCREENSHOTS") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    data = tmp_path / "data"
    data.mkdir()
    sock = tmp_path / "station.sock"
    env = {
        **os.environ,
        "DISPLAY": xvfb_display,
        "QT_QPA_PLATFORM": "xcb",
        "STATION_TEST_SOCKET": str(sock),
        "CI": os.environ.get("CI", ""),
    }
    if "card_reader" in request.fixturenames:
        reader = request.getfixturevalue("card_reader")
        # Training settings: the virtual reader and the published test keys.
        settings = {"reader": reader.reader, "allow_virtual_readers": True}
        (data / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
        env["PCSCLITE_CSOCK_NAME"] = str(reader.socket)
    env.pop("WAYLAND_DISPLAY", None)
    log = (tmp_path / "station.stderr").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "station",
            "--data-dir",
            str(data),
            "--camera",
            "demo",
            "--operator",
            "e2e",
            "--lang",
            "zh_CN",
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=log,
    )
    st = Station(proc, sock, xvfb_display, shots)
    try:
        st.connect(30)
    except AssertionError:
        proc.kill()
        proc.wait(10)
        log.close()
        err = (tmp_path / "station.stderr").read_text(errors="replace")[-3000:]
        if "could not connect to display" in err or ("xcb" in err and "Could not load" in err):
            skip_or_fail(f"Qt cannot use the X server: {err[-400:]}")
        raise AssertionError(f"station did not start:\n{err}") from None
    try:
        _create_first_admin(st)
        yield st
    finally:
        if proc.poll() is None:
            try:
                st.cmd(cmd="quit")
                proc.wait(20)
            except Exception:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(10)
        if st.sock is not None:
            st.sock.close()
        log.close()
    st.exit_code = proc.returncode  # type: ignore[attr-defined]
    st.stderr = (tmp_path / "station.stderr").read_text(errors="replace")  # type: ignore[attr-defined]


def _create_first_admin(st: Station) -> None:
    """A new data folder has no operator accounts: the window offers to create the first
    administrator; answer it as the clerk would (user name, password twice, OK)."""
    st.wait_state(lambda s: s["modal"] == "first_admin_dialog", 30, "the first-administrator offer")
    reply = st.cmd(
        cmd="dialog",
        fields={"admin_username": "e2e", "admin_password": "e2e-secret", "admin_repeat": "e2e-secret"},
        button="ok",
    )
    assert reply["ok"], reply
    s = st.wait_state(lambda s: s["modal"] is None, 20, "the offer answered")
    assert s["status"]["operator"] == ["ok", "e2e (admin)"], s["status"]


@pytest.mark.pcscd
def test_capture_accept_enroll_print_encode(card_reader: Any, station: Station, tmp_path: Path) -> None:
    st = station
    # Live: the first analysed frame within 3 s of start, then all lights green on the demo.
    s = st.wait_state(lambda s: s["analysed"] > 0, 30, "the first analysed frame")
    assert s["first_analysis_s"] is not None and s["first_analysis_s"] <= 3.0, s["first_analysis_s"]
    assert s["shutter_enabled"], s["shutter_reason"]
    s = st.wait_state(lambda s: s["all_green"] and s["status"]["database"][0] == "ok", 30, "all green")
    assert s["prompt"] == "ready" and s["status"]["database"][0] == "ok", s
    # Turn auto-capture off through the real UI? Keep it: a Space press takes the photo now.
    st.screenshot("1-live")
    st.key("space")
    s = st.wait_state(lambda s: s["review"] is not None and not s["review_busy"], 60, "the review")
    assert s["page"] == 1
    assert s["review"]["compliant"], s["review"]
    st.screenshot("2-review")
    st.key("Return")
    s = st.wait_state(lambda s: s["accepted"] and s["page"] == 2, 20, "accepted")
    # Enrollment: fill (as typed values), save, photo attached, six-item comparison.
    reply = st.cmd(cmd="call", name="fill", args=APPLICANT)
    assert reply["ok"] and reply["value"], reply
    st.cmd(cmd="call", name="save")
    s = st.wait_state(lambda s: s.get("application_id") and s.get("photo_attached"), 30, "saved")
    assert s["retrieval_code"]
    assert s["comparison_rows"] == 6, s
    st.screenshot("3-enrolled")
    # Print the application form to a PDF through the window's QtPdf print path.
    pdf = tmp_path / "application-printed.pdf"
    st.cmd(cmd="call", name="print", args={"kind": "application", "to_file": str(pdf)})
    s = st.wait_state(lambda s: s["last_print"].get("state") in ("printed", "failed"), 60, "printing")
    assert s["last_print"]["state"] == "printed", s["last_print"]
    assert pdf.stat().st_size > 10_000
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        assert "Pages:" in info
    assert s["crashes"] == 0 and not s["dialogs"], s["dialogs"]
    # Encode the card on the emulator behind the real pcscd.
    card = s["card"]
    assert card["available"], card["reason"]
    st.cmd(cmd="call", name="submit")
    st.wait_state(lambda s: s["app_status"] == "submitted", 20, "submitted")
    st.cmd(cmd="call", name="encode")
    s = st.wait_state(lambda s: s["card"]["result"].get("state") in ("encoded", "failed"), 60, "the card")
    assert s["card"]["result"]["state"] == "encoded", s["card"]["result"]
    assert s["card"]["result"]["card_number"]
    assert s["crashes"] == 0 and not s["dialogs"], s["dialogs"]
    st.screenshot("4-encoded")


def test_station_exits_cleanly(station: Station) -> None:
    station.wait_state(lambda s: s["analysed"] > 0, 30, "the first analysed frame")
    station.cmd(cmd="quit")
    assert station.proc.wait(30) == 0
