"""Speed and memory of the photo pipeline (issue 2 §5, figures b, c, d).

    .venv/bin/python bench/bench_photo.py [--runs N] [--photos N] [--json OUT]

(b) ``photo make`` on a 4000x3000 JPEG, warm (models loaded once, as in a folder worker: the
    source measured without Pose, the final file with it): median time, and its ratio to the
    floor measured in the same run, i.e. decoding that JPEG at full size plus encoding one
    358x441 JPEG. Target: ratio <= 1.5 (Pillow's draft mode decodes the big JPEG at 1/4 scale;
    see capture/pipeline.py).
(c) folder mode on 1600x1200 photos with all cores: photos per second, once the workers are up
    (and including their start-up), with the ratio to the one-process rate of the same run.
    Target: >= 15 photos/s.
(d) peak RSS: of a fresh process running ``station photo make`` on the 4000x3000 JPEG, and of
    the folder workers; ratio to the resident size of a fresh process that only loaded the face
    models. Target: <= 600 MB.

Test photos are built at run time from ../shared/faces (the London set; CC-BY 4.0), placed on
canvases of their own backdrop colour; nothing large is committed. Exits 1 when a target is
missed. Other load on the machine slows every figure; the ratios are more stable than the times.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
FACES = REPO.parent / "shared" / "faces"

TARGET_B_RATIO = 1.5
TARGET_C_RATE = 15.0
TARGET_D_MB = 600.0


def _canvas_jpeg(face_path: Path, size: tuple[int, int], scale: float, quality: int = 92) -> bytes:
    """The London photo resized by ``scale``, centred on a canvas of its backdrop, as a JPEG."""
    import numpy as np
    from PIL import Image

    im = Image.open(face_path).convert("RGB")
    im = im.resize((round(im.width * scale), round(im.height * scale)), Image.LANCZOS)
    backdrop = tuple(int(v) for v in np.asarray(im)[4, 4])
    canvas = Image.new("RGB", size, backdrop)
    canvas.paste(im, ((size[0] - im.width) // 2, max(0, (size[1] - im.height) // 2)))
    # Sensor-like noise so that the JPEG has the entropy (and decode cost) of a camera file.
    arr = np.asarray(canvas).astype(np.int16)
    noise = np.random.default_rng(0).normal(0, 2.0, arr.shape).astype(np.int16)
    canvas = Image.fromarray(np.clip(arr + noise, 0, 255).astype(np.uint8))
    buf = io.BytesIO()
    canvas.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def _median_ms(fn: Callable[[], object], runs: int) -> float:
    return _medians(fn, runs)[0]


def _medians(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time of this process (all threads), ms."""
    fn()  # warm
    wall, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def bench_b(runs: int) -> dict[str, float]:
    import numpy as np
    from PIL import Image

    from capture.encode import encode_quality
    from capture.face import FaceAnalyzer
    from capture.pipeline import make_photo
    from capture.profiles import load_profile

    big = _canvas_jpeg(FACES / "london-004-neutral.jpg", (4000, 3000), 2.2)
    small = np.zeros((441, 358, 3), np.uint8)

    def floor() -> None:
        with Image.open(io.BytesIO(big)) as im:
            rgb = np.asarray(im.convert("RGB"))
        small[:] = rgb[1000:1441, 1800:2158]
        encode_quality(small, 70, 350)

    profile = load_profile("mohrss")
    # As a folder worker (capture/batch.py) runs it: the source measured without Pose (the crop
    # does not use the shoulders), the final file with every model.
    with (
        FaceAnalyzer(still=True) as fa,
        FaceAnalyzer(still=True, with_pose=False, with_expression=False) as crop_fa,
    ):
        made = make_photo(big, profile, analyzer=fa, crop_analyzer=crop_fa)
        geometry_ok = all(
            made.report.get(i).passed for i in ("face_width", "head_top", "eye_center_x", "eye_line")
        )
        floor_ms, floor_cpu = _medians(floor, runs)
        make_ms, make_cpu = _medians(
            lambda: make_photo(big, profile, analyzer=fa, crop_analyzer=crop_fa), runs
        )
        one_ms = _median_ms(lambda: make_photo(big, profile, analyzer=fa), runs)
        whiten_ms = _median_ms(
            lambda: make_photo(big, profile, analyzer=fa, crop_analyzer=crop_fa, whiten=True), runs
        )
    return {
        "floor_ms": floor_ms,
        "make_ms": make_ms,
        "ratio": make_ms / floor_ms,
        "floor_cpu_ms": floor_cpu,
        "make_cpu_ms": make_cpu,
        "cpu_ratio": make_cpu / floor_cpu,
        "make_one_analyzer_ms": one_ms,
        "ratio_one_analyzer": one_ms / floor_ms,
        "make_whiten_ms": whiten_ms,
        "ratio_whiten": whiten_ms / floor_ms,
        "geometry_ok": float(geometry_ok),
    }


def bench_c(n_photos: int) -> dict[str, float]:
    from capture.batch import make_folder
    from capture.profiles import load_profile

    faces = sorted(FACES.glob("london-*.jpg"))
    profile = load_profile("mohrss")
    with tempfile.TemporaryDirectory(prefix="bench-photo-") as tmp:
        src, out = Path(tmp) / "in", Path(tmp) / "out"
        src.mkdir()
        out.mkdir()
        inputs = []
        for i in range(n_photos):
            p = src / f"p{i:03d}.jpg"
            p.write_bytes(_canvas_jpeg(faces[i % len(faces)], (1600, 1200), 1200 / 1350))
            inputs.append(p)

        # One process, in-process models (the baseline), on a few photos.
        from capture.batch import _analyzers, make_one

        analyzers = _analyzers()
        k = min(8, n_photos)
        make_one(inputs[0], out / "warm.jpg", profile, False, analyzers)
        t0, c0 = time.perf_counter(), time.process_time()
        for p in inputs[:k]:
            make_one(p, out / p.name, profile, False, analyzers)
        serial_rate = k / (time.perf_counter() - t0)
        # CPU time of this process (all its threads) per photo: what other load cannot inflate much.
        cpu_ms = (time.process_time() - c0) / k * 1000

        workers = os.cpu_count() or 1
        stamps: list[float] = []
        t0 = time.perf_counter()
        with _ChildPeak() as peak:
            rows = make_folder(
                inputs,
                out,
                profile,
                workers=workers,
                progress=lambda d, n, r: stamps.append(time.perf_counter()),
            )
        total = time.perf_counter() - t0
    made = sum(r.status in ("compliant", "not_compliant") for r in rows)
    # Steady state: from the moment every worker has delivered its first photo.
    first = min(workers, len(stamps) - 1)
    steady = (len(stamps) - first) / max(1e-9, stamps[-1] - stamps[first - 1]) if first >= 1 else 0.0
    return {
        "workers": float(workers),
        "photos": float(n_photos),
        "made": float(made),
        "rate": steady,
        "rate_with_startup": n_photos / total,
        "serial_rate": serial_rate,
        "ratio": steady / serial_rate,
        "worker_peak_mb": peak.peak_kb / 1024,
        "cpu_ms_per_photo": cpu_ms,
        "cpu_bound_rate": (os.cpu_count() or 1) * 1000 / cpu_ms,
    }


_RSS_CHILD = r"""
import io, resource, sys
sys.path.insert(0, sys.argv[1])
mode = sys.argv[2]
if mode == "models":
    from capture.face import FaceAnalyzer
    fa = FaceAnalyzer(still=True)
    import numpy as np
    fa.analyze(np.full((480, 640, 3), 128, np.uint8))
else:
    from station.cli.main import main
    rc = main(["photo", "make", sys.argv[3], "-o", sys.argv[4]])
# VmHWM: this process image's own peak (ru_maxrss would carry the forking parent's peak).
print(next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM:")))
"""


def _child_rss_mb(*args: str) -> float:
    env = {**os.environ, "STATION_DATA_DIR": tempfile.mkdtemp(prefix="bench-data-")}
    out = subprocess.run(
        [sys.executable, "-c", _RSS_CHILD, str(REPO), *args],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return int(out.stdout.strip().splitlines()[-1]) / 1024  # VmHWM is in kB


def bench_d() -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="bench-rss-") as tmp:
        big = Path(tmp) / "big.jpg"
        big.write_bytes(_canvas_jpeg(FACES / "london-004-neutral.jpg", (4000, 3000), 2.2))
        models = _child_rss_mb("models")
        make = _child_rss_mb("make", str(big), str(Path(tmp) / "out.jpg"))
    return {"models_mb": models, "make_mb": make, "ratio": make / models}


class _ChildPeak:
    """Polls the peak resident size (VmHWM) of this process's children, e.g. folder workers."""

    def __init__(self) -> None:
        import threading

        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> _ChildPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        me = str(os.getpid())
        while not self._stop.wait(0.1):
            for proc in Path("/proc").iterdir():
                if not proc.name.isdigit():
                    continue
                try:
                    status = (proc / "status").read_text()
                except OSError:
                    continue
                fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
                if fields.get("PPid", "").strip() == me and "VmHWM" in fields:
                    self.peak_kb = max(self.peak_kb, int(fields["VmHWM"].split()[0]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=15, help="timed runs for (b)")
    ap.add_argument("--photos", type=int, default=96, help="photos for (c)")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args(argv)
    if not FACES.is_dir():
        print(f"bench_photo: {FACES} is missing (the shared test portraits)", file=sys.stderr)
        return 2
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f} at start")

    b = bench_b(args.runs)
    print(
        f"(b) photo make, 4000x3000 JPEG: {b['make_ms']:.0f} ms; floor (full decode + one 358x441 encode) "
        f"{b['floor_ms']:.0f} ms; ratio {b['ratio']:.2f} (target <= {TARGET_B_RATIO}); "
        f"CPU time {b['make_cpu_ms']:.0f} vs {b['floor_cpu_ms']:.0f} ms, ratio {b['cpu_ratio']:.2f}; "
        f"with whitening {b['make_whiten_ms']:.0f} ms, ratio {b['ratio_whiten']:.2f}; "
        f"one analyzer with Pose for both {b['make_one_analyzer_ms']:.0f} ms, "
        f"ratio {b['ratio_one_analyzer']:.2f}"
    )
    c = bench_c(args.photos)
    print(
        f"(c) folder, {c['photos']:.0f} photos 1600x1200, {c['workers']:.0f} workers: "
        f"{c['rate']:.1f} photos/s (target >= {TARGET_C_RATE}); "
        f"{c['rate_with_startup']:.1f}/s including worker start-up; "
        f"one process {c['serial_rate']:.1f}/s, ratio {c['ratio']:.2f}; made {c['made']:.0f}; "
        f"CPU {c['cpu_ms_per_photo']:.0f} ms/photo, i.e. {c['cpu_bound_rate']:.1f}/s on idle cores"
    )
    d = bench_d()
    d["folder_worker_mb"] = c["worker_peak_mb"]
    print(
        f"(d) peak RSS: photo make 4000x3000 {d['make_mb']:.0f} MB (target <= {TARGET_D_MB:.0f}); "
        f"folder worker {d['folder_worker_mb']:.0f} MB; baseline (models loaded) {d['models_mb']:.0f} MB, "
        f"ratio {d['ratio']:.2f}"
    )
    missed = []
    if b["ratio"] > TARGET_B_RATIO:
        missed.append("b")
    if c["rate"] < TARGET_C_RATE:
        missed.append("c")
    if max(d["make_mb"], d["folder_worker_mb"]) > TARGET_D_MB:
        missed.append("d")
    if args.json:
        args.json.write_text(json.dumps({"b": b, "c": c, "d": d, "load": load, "missed": missed}, indent=2))
    if missed:
        print(f"targets missed: {', '.join(missed)}")
        return 1
    print("all targets met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
