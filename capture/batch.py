"""Folder mode: make the profile's photo from every image in a folder, on all cores.

Each worker process builds its own face analyzers once (mediapipe graphs are not shareable) and
runs ``capture.pipeline.make_photo`` on one file at a time, so a folder gives exactly the answers
one-by-one calls give. A bad file becomes an ``error`` row and the batch goes on; a worker that
dies (a crash inside a native library) is replaced and the files it held are tried once more.

The caller gets one ``BatchRow`` per input file, in input order, and may pass ``progress`` to
show a bar; ``write_csv`` writes the summary (one row per file, UTF-8 with BOM for Excel).
"""

from __future__ import annotations

import csv
import io
import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from capture.errors import CaptureError, ImageInputError
from capture.imageio import write_atomic
from capture.profiles import Profile

if TYPE_CHECKING:
    from capture.face import FaceAnalyzer

__all__ = [
    "IMAGE_SUFFIXES",
    "BatchRow",
    "Status",
    "folder_images",
    "make_folder",
    "output_names",
    "write_csv",
]

IMAGE_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".jfif", ".jpe", ".png", ".tif", ".tiff", ".webp", ".bmp", ".gif"}
)
# A file is tried at most this many times when worker processes die under it.
MAX_ATTEMPTS = 2

Status = Literal["compliant", "not_compliant", "no_crop", "error"]


@dataclass(frozen=True)
class BatchRow:
    """One line of the summary."""

    file: str  # input file name
    status: Status
    output: str = ""  # output file name ("" when nothing was written)
    failing: str = ""  # failing error-level check ids, ";"-separated
    advice: str = ""  # failing advice-level check ids
    directions: str = ""  # crop directions, ";"-separated
    message: str = ""  # the error, or the crop's reasons and the encoder's note
    face_width: float | None = None
    head_top: float | None = None
    eye_center_x: float | None = None
    eye_line: float | None = None
    kb: float | None = None
    quality: int | None = None
    whitened: bool = False
    hair_cut: bool = False


def folder_images(folder: Path) -> list[Path]:
    """The image files of a folder (by suffix, not hidden, not recursive), sorted by name."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in IMAGE_SUFFIXES
    )


def output_names(inputs: Sequence[Path]) -> list[str]:
    """``<stem>.jpg`` for each input; inputs sharing a stem (a.png, a.jpg) keep their suffix."""
    stems: dict[str, int] = {}
    for p in inputs:
        stems[p.stem.lower()] = stems.get(p.stem.lower(), 0) + 1
    return [
        f"{p.stem}.jpg" if stems[p.stem.lower()] == 1 else f"{p.stem}_{p.suffix.lstrip('.').lower()}.jpg"
        for p in inputs
    ]


# --- the work on one file (runs in a worker, or in-process) --------------------------------

_worker_analyzers: tuple[FaceAnalyzer, FaceAnalyzer] | None = None


def _analyzers() -> tuple[FaceAnalyzer, FaceAnalyzer]:
    """This process's analyzers: (for the crop, without Pose; for the checks, with Pose)."""
    global _worker_analyzers
    if _worker_analyzers is None:
        from capture.face import FaceAnalyzer

        _worker_analyzers = (
            FaceAnalyzer(still=True, with_pose=False, with_expression=False),
            FaceAnalyzer(still=True),
        )
    return _worker_analyzers


def _init_worker() -> None:
    import cv2

    # One process per core already: OpenCV's own thread pool would only oversubscribe the cores.
    cv2.setNumThreads(1)
    _analyzers()


def make_one(
    src: Path,
    out: Path,
    profile: Profile,
    whiten: bool,
    analyzers: tuple[FaceAnalyzer, FaceAnalyzer] | None = None,
) -> BatchRow:
    """Make one photo and write it (only when a compliant crop exists); never raises."""
    from capture.pipeline import make_photo

    crop_fa, check_fa = analyzers or _analyzers()
    try:
        made = make_photo(src, profile, analyzer=check_fa, crop_analyzer=crop_fa, whiten=whiten)
        written = ""
        if made.made:
            write_atomic(out, made.jpeg, inputs=[src])
            written = out.name
    except ImageInputError as exc:
        return BatchRow(src.name, "error", message=str(exc))
    except (CaptureError, OSError) as exc:
        return BatchRow(src.name, "error", message=f"{src.name}: {exc}")
    except Exception as exc:  # keep going past anything one file can trigger
        return BatchRow(src.name, "error", message=f"{src.name}: unexpected {type(exc).__name__}: {exc}")
    rep = made.report
    m = rep.measurements
    status: Status = "no_crop" if not made.made else ("compliant" if rep.compliant else "not_compliant")
    return BatchRow(
        file=src.name,
        status=status,
        output=written,
        failing=";".join(c.id for c in rep.failing("error")),
        advice=";".join(c.id for c in rep.failing("advice")),
        directions=";".join(rep.directions),
        message=" | ".join(rep.notes),
        face_width=m.get("face_width"),
        head_top=m.get("head_top"),
        eye_center_x=m.get("eye_center_x"),
        eye_line=m.get("eye_line"),
        kb=round(len(made.jpeg) / 1024, 1),
        quality=made.quality,
        whitened=rep.whitened,
        hair_cut=rep.hair_cut,
    )


# --- the folder -----------------------------------------------------------------------------


def make_folder(
    inputs: Sequence[Path],
    out_dir: Path,
    profile: Profile,
    *,
    whiten: bool = False,
    workers: int | None = None,
    progress: Callable[[int, int, BatchRow], None] | None = None,
) -> list[BatchRow]:
    """Make every input into ``out_dir`` (see ``output_names``), on ``workers`` processes
    (default: all cores; 1 = in this process). Rows come back in input order."""
    names = output_names(inputs)
    jobs = [(src, out_dir / name) for src, name in zip(inputs, names, strict=True)]
    n = len(jobs)
    rows: list[BatchRow | None] = [None] * n
    done = 0

    def record(i: int, row: BatchRow) -> None:
        nonlocal done
        rows[i] = row
        done += 1
        if progress is not None:
            progress(done, n, row)

    workers = min(n, workers or os.cpu_count() or 1)
    if workers <= 1:
        for i, (src, out) in enumerate(jobs):
            record(i, make_one(src, out, profile, whiten))
    else:
        _run_pool(jobs, profile, whiten, workers, record)
    return [
        r if r is not None else BatchRow(jobs[i][0].name, "error", message="not processed")
        for i, r in enumerate(rows)
    ]


def _run_pool(
    jobs: list[tuple[Path, Path]],
    profile: Profile,
    whiten: bool,
    workers: int,
    record: Callable[[int, BatchRow], None],
) -> None:
    # "spawn": a fresh interpreter per worker, never a fork of a process holding model threads.
    ctx = multiprocessing.get_context("spawn")
    attempts = [0] * len(jobs)
    pending = list(range(len(jobs)))
    while pending:
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker) as pool:
            futures: dict[Future[BatchRow], int] = {}
            for i in pending:
                attempts[i] += 1
                futures[pool.submit(make_one, jobs[i][0], jobs[i][1], profile, whiten)] = i
            pending = []
            remaining = set(futures)
            broken = False
            while remaining:
                finished, remaining = wait(remaining, return_when=FIRST_COMPLETED)
                for fut in finished:
                    i = futures[fut]
                    try:
                        record(i, fut.result())
                    except BrokenProcessPool:
                        broken = True
                        if attempts[i] < MAX_ATTEMPTS:
                            pending.append(i)
                        else:
                            src = jobs[i][0]
                            record(
                                i,
                                BatchRow(src.name, "error", message=f"{src.name}: the worker crashed on it"),
                            )
            if broken:
                pending.sort()


def write_csv(rows: Iterable[BatchRow], path: Path, *, inputs: Iterable[Path] = ()) -> None:
    """The summary: one row per file, UTF-8 with BOM (Excel opens Chinese names correctly)."""
    buf = io.StringIO()
    names = [f.name for f in fields(BatchRow)]
    w = csv.DictWriter(buf, fieldnames=names, lineterminator="\r\n")
    w.writeheader()
    for row in rows:
        d = asdict(row)
        w.writerow({k: "" if v is None else v for k, v in d.items()})
    write_atomic(path, ("\ufeff" + buf.getvalue()).encode("utf-8"), inputs=inputs)
