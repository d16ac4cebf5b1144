"""The one-folder build (station.spec, issue 7) run with an empty environment (``env -i``: no
``.venv``, no site-packages, no HOME, no LANG):

- the bundle is complete: every shared library a bundled file needs is bundled or is a system
  library PyInstaller never bundles; the models, resources and migrations are in; the excluded
  parts (QML/Quick, WebEngine, jax, ...) are out; the folder is at most 600 MB;
- ``station --version``;
- ``station photo check`` on a real portrait (exit 1, a full report, text and ``--json``);
- ``station photo make`` on a folder with two worker processes (spawned frozen workers);
- the window on the demo camera under Xvfb: the first analysed frame (ui/testhook.py), a
  screenshot of the screen, shutter -> review -> accept -> enroll -> print the application form
  to PDF (fonts embedded), a clean exit; run under strace, which shows it never opens a network
  connection (only local sockets; CUPS on the loopback interface is local).

The build is made once per session in a temporary folder (about 1.5-3 min on 2 cores), or taken
from ``STATION_FROZEN_DIR`` (e.g. ``dist/station`` after ``bash scripts/setup.sh build``)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.frozen import WindowProcess, build, bundle_size, frozen_executable, missing_libraries
from tests.support.services import need_executable, skip_or_fail
from tests.ui.conftest import APPLICANT

pytestmark = [pytest.mark.slow]

SIZE_LIMIT = 600 * 1024 * 1024
PORTRAIT = "london-001-neutral.jpg"


@pytest.fixture(scope="session")
def frozen_exe(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get("STATION_FROZEN_DIR")
    if given:
        try:
            return frozen_executable(Path(given))
        except FileNotFoundError as exc:
            pytest.fail(f"STATION_FROZEN_DIR={given}: {exc}", pytrace=False)
    if not sys.platform.startswith("linux"):
        pytest.skip("the frozen-build test runs on Linux (see docs/packaging.md for Windows)")
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        skip_or_fail("PyInstaller is not installed (requirements/build.txt)")
    root = tmp_path_factory.mktemp("frozen")
    log = root / "pyinstaller.log"
    try:
        return build(root / "dist", root / "work", log=log)
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def bundle(frozen_exe: Path) -> Path:
    return frozen_exe.parent


def run_clean(
    exe: Path, *args: str, timeout: float = 180, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """The frozen program with an empty environment, as ``env -i station ARGS``."""
    return subprocess.run(
        [str(exe), *args],
        env={},
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
        check=False,
    )


def test_bundle_is_complete_and_trimmed(bundle: Path) -> None:
    from PyInstaller.depend import dylib

    def is_system(lib: str) -> bool:
        return lib.startswith("ld-linux") or not dylib.include_library(lib)

    assert missing_libraries(bundle, is_system) == {}
    internal = bundle / "_internal"
    for rel in (
        "mediapipe/modules/face_landmark/face_landmark_with_attention.tflite",
        "mediapipe/modules/face_landmark/face_landmark_front_cpu.binarypb",
        "mediapipe/modules/selfie_segmentation/selfie_segmentation.tflite",
        "mediapipe/modules/pose_landmark/pose_landmark_full.tflite",
        "matplotlib/mpl-data/sample_data/grace_hopper.jpg",
        "resources/profiles/mohrss.json",
        "resources/i18n/station_zh_CN.qm",
        "resources/demo/grace_hopper_mask.png",
        "resources/models/face_expression/face_expression_model.bin",
        "resources/models/face_expression/LICENSE.txt",
        "station/db/migrations/env.py",
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/plugins/printsupport/libcupsprintersupport.so",
    ):
        assert (internal / rel).is_file(), rel
    for pattern in (
        "**/libQt6Quick.so*",
        "**/libQt6WebEngine*",
        "**/jax*",
        "**/libqgtk3.so",
        "**/tests/*.py",
    ):
        assert not list(internal.glob(pattern)), pattern
    assert bundle_size(bundle) <= SIZE_LIMIT


def test_version(frozen_exe: Path) -> None:
    from station import __version__

    r = run_clean(frozen_exe, "--version", timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"station {__version__}"


def test_photo_check_reports(frozen_exe: Path, faces_dir: Path) -> None:
    photo = faces_dir / PORTRAIT
    r = run_clean(frozen_exe, "photo", "check", str(photo))
    assert r.returncode == 1, r.stdout + r.stderr  # not a compliant spec photo: a report, no crash
    assert "NOT compliant" in r.stdout and "Traceback" not in r.stderr
    for check in ("image_size", "face_count", "head_pose", "eyes_open", "background_white"):
        assert re.search(rf"^\s+(ok|ERR|warn)\s+{check}\b", r.stdout, re.M), check

    r = run_clean(frozen_exe, "photo", "check", "--json", str(photo))
    assert r.returncode == 1, r.stderr
    report = json.loads(r.stdout)
    assert report["compliant"] is False
    checks = {c["id"]: c for c in report["checks"]}
    assert checks["face_count"]["value"] == 1  # the face models ran
    assert checks["eyes_open"]["passed"] and checks["image_size"]["passed"] is False


def test_photo_make_folder_with_worker_processes(frozen_exe: Path, faces_dir: Path, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    names = sorted(p.name for p in faces_dir.glob("london-00[12]-neutral.jpg"))
    if len(names) < 2:
        skip_or_fail(f"need london-001/002-neutral.jpg in {faces_dir}")
    for n in names:
        shutil.copy(faces_dir / n, src / n)
    out = tmp_path / "out"
    r = run_clean(frozen_exe, "photo", "make", str(src), "-o", str(out), "--workers", "2", timeout=300)
    assert "invalid choice" not in r.stderr, r.stderr[-2000:]  # a worker that ran the CLI instead
    summary = (out / "summary.csv").read_text(encoding="utf-8-sig")
    assert f"{len(names)} photos:" in r.stdout + r.stderr, r.stdout[-1000:] + r.stderr[-1000:]
    assert "unreadable" not in summary and ",error" not in summary, summary
    assert sorted(p.name for p in out.glob("*.jpg")) == names


def _inet_connections(strace_log: Path) -> list[str]:
    """connect() calls to an IPv4/IPv6 address other than the loopback interface."""
    bad = []
    for line in strace_log.read_text(errors="replace").splitlines():
        if "connect(" not in line or ("AF_INET" not in line):
            continue
        if 'inet_addr("127.' in line or '"::1"' in line:
            continue
        bad.append(line)
    return bad


@pytest.mark.xvfb
def test_window_on_demo_camera(frozen_exe: Path, xvfb_display: str, tmp_path: Path) -> None:
    need_executable("import", "imagemagick")
    strace = need_executable("strace", "strace")
    shots = Path(os.environ.get("STATION_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    data = tmp_path / "data"
    data.mkdir()
    trace = tmp_path / "strace.log"
    # Only the socket calls are stopped at (seccomp-bpf), so the window runs at its own speed.
    wrapper = [strace, "-f", "-qq", "--seccomp-bpf", "-e", "trace=connect,sendto,sendmsg", "-o", str(trace)]
    win = WindowProcess(
        [str(frozen_exe)],
        data,
        xvfb_display,
        tmp_path / "station.sock",
        env={},
        wrapper=wrapper,
        log=tmp_path / "station.log",
    )
    try:
        try:
            win.connect(90)
        except RuntimeError as exc:
            tail = win.log_tail()
            if "could not connect to display" in tail or ("xcb" in tail and "Could not load" in tail):
                skip_or_fail(f"Qt cannot use the X server: {tail[-400:]}")
            raise AssertionError(str(exc)) from None
        s = win.wait_state(lambda s: s["analysed"] > 0, 90, "the first analysed frame")
        assert s["first_analysis_s"] is not None
        assert s["camera"][0] == "ok", s["camera"]
        s = win.wait_state(
            lambda s: s["analysed"] >= 10 and s["status"]["database"][0] == "ok",
            60,
            "ten analysed frames and the database open",
        )
        # A new data folder has no operator accounts: the window offers to create the first
        # administrator (window-modal); answer it as the clerk would, then work logged in.
        win.wait_state(lambda s: s["modal"] == "first_admin_dialog", 60, "the first-administrator offer")
        reply = win.cmd(
            cmd="dialog",
            fields={
                "admin_username": "frozen",
                "admin_password": "frozen-secret",
                "admin_repeat": "frozen-secret",
            },
            button="ok",
        )
        assert reply["ok"], reply
        s = win.wait_state(lambda s: s["modal"] is None, 30, "the offer answered")
        assert s["status"]["operator"] == ["ok", "frozen (admin)"], s["status"]
        assert s["crashes"] == 0 and not s["dialogs"], s["dialogs"]
        shot = shots / "frozen-window.png"
        subprocess.run(
            ["import", "-window", "root", str(shot)],
            env={**os.environ, "DISPLAY": xvfb_display},
            check=True,
            capture_output=True,
        )
        from PIL import Image, ImageStat

        with Image.open(shot) as im:
            assert im.size == (1600, 1000)
            stddev = ImageStat.Stat(im.convert("L")).stddev[0]
        assert stddev > 20, f"the screen looks blank (stddev {stddev:.1f}): {shot}"

        # Shutter (or the demo's auto-capture) -> review -> accept -> enroll -> print to PDF.
        if win.cmd(cmd="state")["review"] is None:
            win.cmd(cmd="shutter")
        s = win.wait_state(lambda s: s["review"] is not None and not s["review_busy"], 90, "the review")
        assert s["review"]["compliant"], s["review"]
        assert win.cmd(cmd="accept")["ok"]
        s = win.wait_state(lambda s: s["accepted"] and s["page"] == 2, 30, "accepted")
        reply = win.cmd(cmd="call", name="fill", args=APPLICANT)
        assert reply["ok"] and reply["value"], reply
        win.cmd(cmd="call", name="save")
        win.wait_state(lambda s: bool(s.get("application_id") and s.get("photo_attached")), 60, "saved")
        pdf = tmp_path / "application-printed.pdf"
        win.cmd(cmd="call", name="print", args={"kind": "application", "to_file": str(pdf)})
        s = win.wait_state(lambda s: s["last_print"].get("state") in ("printed", "failed"), 90, "printing")
        assert s["last_print"]["state"] == "printed", s["last_print"]
        assert pdf.stat().st_size > 10_000
        assert s["crashes"] == 0 and not s["dialogs"], s["dialogs"]
    finally:
        code = win.quit()
    assert code == 0, win.log_tail()

    # The form was saved as a PDF first, with its Chinese font embedded (not a reader's font).
    saved = sorted((data / "forms").rglob("*.pdf"))
    assert saved, list(data.rglob("*"))
    pdffonts = shutil.which("pdffonts")
    if pdffonts is None:
        skip_or_fail("pdffonts not found: install the Debian package poppler-utils")
    else:
        listing = subprocess.run([pdffonts, str(saved[0])], capture_output=True, text=True, check=True).stdout
        header, _, *rows = listing.splitlines()
        emb = header.index(" emb ") + 1
        assert rows, listing
        assert all(row[emb : emb + 3] == "yes" for row in rows), listing  # every font embedded
    assert _inet_connections(trace) == []
