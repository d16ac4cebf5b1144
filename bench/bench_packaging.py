"""The one-folder build's figures (issue 7 §3), each against the `.venv` run measured in the same
run:

    .venv/bin/python bench/bench_packaging.py [--frozen dist/station] [--runs 5] [--json OUT]

1. folder size of the build (target <= 600 MB), with its biggest parts;
2. start-up to the first analysed frame: ``station --data-dir TMP --camera demo`` on an Xvfb
   screen (started here, owned by PID; offscreen Qt when Xvfb is missing), from launch until the
   test socket (ui/testhook.py) reports the first analysed frame, polled every 20 ms; also the
   window's own figure (from ``ui.app.run``). Frozen: the executable with an empty environment
   (``env -i``); venv: ``.venv/bin/python -m station`` with the same empty environment. Runs
   alternate between the two; one warm-up run each is reported apart (first run: font caches).
   Target: frozen median <= 1.5 x venv median;
3. ``station --version`` wall time, frozen vs venv (no target; the floor of any command).

Without ``--frozen`` it uses ``dist/station`` when present, else builds into a temporary folder
(and reports the build time). Exits 1 when a target is missed. 2-core machine: other load slows
every figure.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.packaging.frozen import WindowProcess, build, bundle_size, frozen_executable  # noqa: E402

SIZE_TARGET_MB = 600.0
STARTUP_RATIO_TARGET = 1.5
MB = 1024 * 1024


def biggest_parts(folder: Path, n: int = 12) -> list[tuple[str, float]]:
    internal = folder / "_internal"
    parts = []
    for p in internal.iterdir():
        size = bundle_size(p) if p.is_dir() else (p.lstat().st_size if not p.is_symlink() else 0)
        parts.append((p.name, size / MB))
    return sorted(parts, key=lambda x: -x[1])[:n]


def start_xvfb() -> tuple[subprocess.Popen[bytes] | None, str | None]:
    exe = shutil.which("Xvfb")
    if exe is None:
        return None, None
    for n in range(150, 250):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            break
    proc = subprocess.Popen(
        [exe, f":{n}", "-screen", "0", "1600x1000x24", "-nolisten", "tcp", "-noreset"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{n}").exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            proc.wait(5)
            return None, None
        time.sleep(0.05)
    return proc, f":{n}"


def version_time(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.monotonic()
        subprocess.run([*argv, "--version"], env={}, capture_output=True, check=True)
        times.append(time.monotonic() - t0)
    return statistics.median(times)


def first_frame(argv: list[str], display: str | None) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        win = WindowProcess(argv, data, display, Path(tmp) / "s.sock", env={}, log=Path(tmp) / "log")
        try:
            return win.first_frame(120)
        finally:
            win.quit()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--frozen", type=Path, help="the one-folder build (default: dist/station, else build)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    result: dict[str, Any] = {"runs": args.runs}
    tmp_build: tempfile.TemporaryDirectory[str] | None = None
    folder = args.frozen or (REPO / "dist" / "station")
    try:
        if args.frozen is None and not (folder / "station").is_file():
            tmp_build = tempfile.TemporaryDirectory(prefix="station-build-")
            t0 = time.monotonic()
            exe = build(Path(tmp_build.name) / "dist", Path(tmp_build.name) / "work")
            result["build_s"] = round(time.monotonic() - t0, 1)
        else:
            exe = frozen_executable(folder)
        folder = exe.parent
        size_mb = bundle_size(folder) / MB
        result["frozen_dir"] = str(folder)
        result["size_mb"] = round(size_mb, 1)
        result["biggest_mb"] = [(name, round(mb, 1)) for name, mb in biggest_parts(folder)]
        print(f"1. folder size: {size_mb:.0f} MB (target <= {SIZE_TARGET_MB:.0f} MB)")
        for name, mb in result["biggest_mb"]:
            print(f"     {mb:7.1f} MB  {name}")

        frozen_argv = [str(exe)]
        venv_argv = [str(REPO / ".venv" / "bin" / "python"), "-m", "station"]
        if not Path(venv_argv[0]).exists():
            venv_argv = [sys.executable, "-m", "station"]

        xvfb, display = start_xvfb()
        result["display"] = "xvfb" if display else "offscreen"
        try:
            warm = {"frozen": first_frame(frozen_argv, display), "venv": first_frame(venv_argv, display)}
            samples: dict[str, list[tuple[float, float]]] = {"frozen": [], "venv": []}
            for i in range(args.runs):
                order = ("frozen", "venv") if i % 2 == 0 else ("venv", "frozen")
                for kind in order:
                    samples[kind].append(first_frame(frozen_argv if kind == "frozen" else venv_argv, display))
        finally:
            if xvfb is not None:
                xvfb.terminate()
                try:
                    xvfb.wait(5)
                except subprocess.TimeoutExpired:
                    xvfb.kill()
                    xvfb.wait(5)
        start: dict[str, Any] = {}
        for kind in ("frozen", "venv"):
            launch = [s[0] for s in samples[kind]]
            window = [s[1] for s in samples[kind]]
            start[kind] = {
                "first_run_launch_s": round(warm[kind][0], 2),
                "launch_median_s": round(statistics.median(launch), 2),
                "launch_min_s": round(min(launch), 2),
                "launch_max_s": round(max(launch), 2),
                "window_median_s": round(statistics.median(window), 2),
            }
        ratio = start["frozen"]["launch_median_s"] / start["venv"]["launch_median_s"]
        start["ratio"] = round(ratio, 2)
        result["startup"] = start
        print(
            f"2. start-up to the first analysed frame ({result['display']}, {args.runs} runs each, medians):"
        )
        for kind in ("frozen", "venv"):
            s = start[kind]
            print(
                f"     {kind:6s} from launch {s['launch_median_s']:.2f} s "
                f"(min {s['launch_min_s']:.2f}, max {s['launch_max_s']:.2f};"
                f" first run {s['first_run_launch_s']:.2f}),"
                f" from ui.app.run {s['window_median_s']:.2f} s"
            )
        print(f"     ratio frozen/venv {ratio:.2f} (target <= {STARTUP_RATIO_TARGET})")

        vf = version_time(frozen_argv, args.runs)
        vv = version_time(venv_argv, args.runs)
        result["version_s"] = {"frozen": round(vf, 3), "venv": round(vv, 3), "ratio": round(vf / vv, 2)}
        print(f"3. station --version: frozen {vf:.2f} s, venv {vv:.2f} s (ratio {vf / vv:.2f})")
    finally:
        if tmp_build is not None:
            tmp_build.cleanup()

    ok = result["size_mb"] <= SIZE_TARGET_MB and result["startup"]["ratio"] <= STARTUP_RATIO_TARGET
    result["targets_met"] = ok
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
