"""Helpers for the one-folder build (station.spec): build it, run it with an empty environment,
and drive its window through the local test socket (``STATION_TEST_SOCKET``, ui/testhook.py).

Used by tests/packaging/test_frozen_build.py and bench/bench_packaging.py. No pytest here."""

from __future__ import annotations

import struct
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from tests.support.testhook import HookClient

__all__ = [
    "REPO",
    "WindowProcess",
    "build",
    "bundle_size",
    "clean_env",
    "elf_needed",
    "frozen_executable",
    "missing_libraries",
]

REPO = Path(__file__).resolve().parents[2]
EXE_NAME = "station.exe" if sys.platform == "win32" else "station"


def frozen_executable(dist: Path) -> Path:
    """``dist`` is a one-folder build (the folder holding the executable) or its parent."""
    for cand in (dist / EXE_NAME, dist / "station" / EXE_NAME):
        if cand.is_file():
            return cand
    raise FileNotFoundError(f"no {EXE_NAME} in {dist} or {dist / 'station'}")


def build(dist: Path, work: Path, *, python: str = sys.executable, log: Path | None = None) -> Path:
    """``pyinstaller --noconfirm --clean station.spec`` into ``dist``; returns the executable."""
    cmd = [python, "-m", "PyInstaller", "--noconfirm", "--clean", "--distpath", str(dist)]
    cmd += ["--workpath", str(work), str(REPO / "station.spec")]
    out = log.open("wb") if log else subprocess.DEVNULL
    try:
        proc = subprocess.run(cmd, cwd=REPO, stdout=out, stderr=subprocess.STDOUT, check=False)
    finally:
        if log:
            out.close()  # type: ignore[union-attr]
    if proc.returncode != 0:
        tail = log.read_text(errors="replace")[-3000:] if log else ""
        raise RuntimeError(f"PyInstaller failed with {proc.returncode}:\n{tail}")
    return frozen_executable(dist)


def clean_env(**extra: str) -> dict[str, str]:
    """What ``env -i`` leaves: nothing, plus ``extra`` (e.g. DISPLAY)."""
    return dict(extra)


def bundle_size(folder: Path) -> int:
    """Bytes of the regular files under ``folder`` (symlinks not followed)."""
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


# --- ELF: which shared libraries a file needs (DT_NEEDED), stdlib only -------------------------
def elf_needed(path: Path) -> list[str]:
    """The DT_NEEDED entries of a 64-bit little-endian ELF file; [] for anything else."""
    with path.open("rb") as fh:
        if fh.read(4) != b"\x7fELF":
            return []
        fh.seek(0)
        data = fh.read()
    if data[4] != 2 or data[5] != 1:  # ELFCLASS64, little-endian
        return []
    (e_shoff,) = struct.unpack_from("<Q", data, 0x28)
    e_shentsize, e_shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, e_shoff + i * e_shentsize) for i in range(e_shnum)]
    out: list[str] = []
    for sec in sections:
        if sec[1] != 6:  # SHT_DYNAMIC
            continue
        strtab_off = sections[sec[6]][4]
        off, size = sec[4], sec[5]
        for i in range(0, size, 16):
            tag, val = struct.unpack_from("<qQ", data, off + i)
            if tag == 0:  # DT_NULL
                break
            if tag == 1:  # DT_NEEDED
                start = strtab_off + val
                out.append(data[start : data.index(b"\0", start)].decode())
    return out


def missing_libraries(folder: Path, is_system: Callable[[str], bool]) -> dict[str, list[str]]:
    """Libraries that a bundled ELF file needs and that are neither in the bundle nor system
    libraries (``is_system``: PyInstaller's own rule for what it never bundles)."""
    present = {p.name for p in folder.rglob("*")}
    missing: dict[str, list[str]] = {}
    for f in folder.rglob("*"):
        if not f.is_file() or f.is_symlink() or not (".so" in f.name or f.name == EXE_NAME):
            continue
        for lib in elf_needed(f):
            if lib in present or is_system(lib):
                continue
            missing.setdefault(lib, []).append(str(f.relative_to(folder)))
    return missing


# --- The window as a subprocess, driven through the test socket -------------------------------
class WindowProcess(HookClient):
    """``station --data-dir DATA --camera demo`` on ``display`` (offscreen Qt when None) with the
    test socket on.

    ``argv`` is the command before the station's own arguments (the frozen executable, or
    ``[python, -m, station]``); ``env`` the whole environment (DISPLAY and the socket are added);
    ``wrapper`` goes in front (e.g. strace)."""

    def __init__(
        self,
        argv: Sequence[str],
        data: Path,
        display: str | None,
        sock_path: Path,
        *,
        env: dict[str, str] | None = None,
        wrapper: Iterable[str] = (),
        log: Path | None = None,
        cwd: Path | None = None,
        extra_args: Iterable[str] = (),
    ) -> None:
        self.log_path = log
        full_env = dict(env or {})
        full_env["STATION_TEST_SOCKET"] = str(sock_path)
        if display:
            full_env.update({"DISPLAY": display, "QT_QPA_PLATFORM": "xcb"})
        else:
            full_env["QT_QPA_PLATFORM"] = "offscreen"
        args = [*wrapper, *argv, "--data-dir", str(data), "--camera", "demo", "--operator", "frozen"]
        args += list(extra_args)
        self._log = log.open("wb") if log else None
        out = self._log if self._log else subprocess.DEVNULL
        self.t_launch = time.monotonic()
        proc = subprocess.Popen(args, env=full_env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        super().__init__(proc, sock_path)

    def first_frame(self, timeout: float = 60) -> tuple[float, float]:
        """Seconds from launch to the first analysed frame as seen from outside (polled every
        20 ms), and as the window measured it from its own start (ui.app.run)."""
        self.connect(timeout)
        s = self.wait_state(lambda s: s["analysed"] > 0, timeout, "the first analysed frame", poll=0.02)
        outside = time.monotonic() - self.t_launch
        if s["first_analysis_s"] is None:  # the counter moves before the signal is delivered
            s = self.wait_state(
                lambda s: s["first_analysis_s"] is not None, 10, "first_analysis_s", poll=0.02
            )
        return outside, float(s["first_analysis_s"])

    def log_tail(self, n: int = 3000) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")[-n:]

    def quit(self, timeout: float = 30) -> int:
        """Asks the window to close; kills it (by PID) if it does not. Returns the exit code."""
        try:
            if self.proc.poll() is None and self.sock is not None:
                self.cmd(cmd="quit")
            return self.proc.wait(timeout)
        except (OSError, RuntimeError, subprocess.TimeoutExpired):
            if self.proc.poll() is None:
                self.proc.kill()
            return self.proc.wait(10)
        finally:
            if self.sock is not None:
                self.sock.close()
                self.sock = None
            if self._log is not None:
                self._log.close()
                self._log = None
