"""``station photo``: judge and make spec photos from files, through the one pipeline
(``capture.pipeline``) that the window and folder import use too.

    station photo check IMAGE [--profile P] [--json]
    station photo make SRC -o OUT.jpg [--profile P] [--whiten-background] [--json]
    station photo make DIR -o OUTDIR [--profile P] [--whiten-background] [--workers N]
                       [--csv FILE] [--json]
    station photo profiles [--json]

Exit codes: 0 compliant (folder: every photo); 1 judged or made but not compliant (folder: any
photo not compliant, without a crop, or unreadable); 2 unusable input or a usage error, with one
line on stderr. Outputs are written atomically and never over an input. Profiles: the built-in
ones and ``<data dir>/profiles/*.json``; the default is the ``profile`` setting.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from station.cli.auth import reads
from station.cli.context import Context
from station.errors import InputError

if TYPE_CHECKING:
    from capture.batch import BatchRow
    from capture.profiles import Profile
    from capture.report import ComplianceReport

__all__ = ["register"]

SUMMARY_CSV = "summary.csv"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this group's parsers to sub."""
    p = sub.add_parser("photo", help="check or make spec photos (358x441, 350 dpi)")
    psub = p.add_subparsers(dest="photo_command", metavar="ACTION", required=True)

    check = psub.add_parser("check", help="check one photo as it is")
    check.add_argument("image", type=Path, metavar="IMAGE")
    _common(check)
    reads(check)  # no records
    check.set_defaults(handler=_check)

    make = psub.add_parser("make", help="make the spec photo from a photo, or from every photo in a folder")
    make.add_argument("src", type=Path, metavar="SRC", help="an image file, or a folder of them")
    make.add_argument(
        "-o", "--output", type=Path, required=True, metavar="OUT", help="output .jpg (or folder for a folder)"
    )
    make.add_argument(
        "--whiten-background", action="store_true", help="replace the background with white (recorded)"
    )
    make.add_argument("--workers", type=int, help="folder mode: worker processes (default: all cores)")
    make.add_argument("--csv", type=Path, help=f"folder mode: summary file (default: OUTDIR/{SUMMARY_CSV})")
    _common(make)
    reads(make)
    make.set_defaults(handler=_make)

    prof = psub.add_parser("profiles", help="list the photo profiles")
    prof.add_argument("--json", action="store_true", help="print JSON")
    reads(prof)
    prof.set_defaults(handler=_profiles)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--profile", help="photo profile id (default: the 'profile' setting)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")


def _user_profiles(ctx: Context) -> Path:
    return ctx.data_dir / "profiles"


def _profile(ctx: Context) -> Profile:
    from capture.profiles import load_profile

    return load_profile(ctx.args.profile or ctx.settings.profile, user_dir=_user_profiles(ctx))


# --- output ---------------------------------------------------------------------------------


def _print_report(report: ComplianceReport, *, title: str, out: IO[str] = sys.stdout) -> None:
    verdict = "合格 compliant" if report.compliant else "不合格 NOT compliant"
    print(f"{title}: {verdict} (profile {report.profile})", file=out)
    for c in report.checks:
        mark = "ok " if c.passed else ("ERR" if c.level == "error" else "adv")
        value = "-" if c.value is None else c.value
        line = f"  {mark} {c.id:<19} {value!s:>10}  expected {c.expected}"
        if not c.passed:
            line += f"  {c.message_zh} / {c.message_en}"
        print(line, file=out)
    m = report.measurements
    geo = ", ".join(
        f"{k} {m[k]:g}"
        for k in ("face_width", "head_top", "eye_center_x", "eye_line")
        if m.get(k) is not None
    )
    if geo:
        print(f"  geometry (output px): {geo}", file=out)
    if report.whitened:
        print("  background whitened", file=out)
    if report.hair_cut:
        print("  top of the hair cut (the eye line rule wins)", file=out)
    if report.directions:
        print(f"  directions: {', '.join(report.directions)}", file=out)
    for note in report.notes:
        print(f"  note: {note}", file=out)


def _dump(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False, default=str))


# --- commands -------------------------------------------------------------------------------


def _check(ctx: Context) -> int:
    from capture.pipeline import check_file

    profile = _profile(ctx)
    image: Path = ctx.args.image
    report = check_file(image, profile)
    if ctx.json:
        _dump({**report.to_json(), "file": str(image)})
    else:
        _print_report(report, title=image.name)
    return 0 if report.compliant else 1


def _make(ctx: Context) -> int:
    src: Path = ctx.args.src
    out: Path = ctx.args.output
    if src.is_dir():
        return _make_folder(ctx, src, out)
    if not src.exists():
        raise InputError(f"{src}: no such file or folder")
    return _make_file(ctx, src, out)


def _make_file(ctx: Context, src: Path, out: Path) -> int:
    from capture.imageio import write_atomic
    from capture.pipeline import make_photo

    if ctx.args.workers is not None or ctx.args.csv is not None:
        raise InputError("--workers and --csv are for folder mode (SRC a folder)")
    if out.is_dir():
        out = out / f"{src.stem}.jpg"
    elif out.suffix.lower() not in (".jpg", ".jpeg"):
        raise InputError(f"{out}: the output must be a .jpg file")
    if not out.parent.is_dir():
        raise InputError(f"{out.parent}: no such folder")
    profile = _profile(ctx)
    # Before the slow part: refuse to write over the input.
    if out.exists() and out.resolve() == src.resolve():
        raise InputError(f"{out}: refusing to write over the input photo")
    made = make_photo(src, profile, whiten=ctx.args.whiten_background)
    written = None
    if made.made:
        write_atomic(out, made.jpeg, inputs=[src])
        written = out
    if ctx.json:
        _dump(
            {**made.report.to_json(), "output": None if written is None else str(written), "source": str(src)}
        )
    else:
        _print_report(made.report, title=src.name)
        if written is not None:
            print(f"wrote {written} ({len(made.jpeg) / 1024:.1f} KB, quality {made.quality or 'as is'})")
        else:
            print("no compliant crop exists: nothing written", file=sys.stderr)
            for r in made.plan.reasons:
                print(f"  {r}", file=sys.stderr)
    return 0 if made.compliant and written is not None else 1


class _Progress:
    """A one-line progress bar on stderr (redrawn on a terminal, sparse lines otherwise)."""

    WIDTH = 30

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.t0 = time.monotonic()
        self.last_pct = -1

    def __call__(self, done: int, total: int, row: BatchRow) -> None:
        elapsed = max(1e-6, time.monotonic() - self.t0)
        fill = round(self.WIDTH * done / max(1, total))
        bar = "#" * fill + "-" * (self.WIDTH - fill)
        text = f"[{bar}] {done}/{total} {done / elapsed:.1f}/s {row.file} {row.status}"
        if self.tty:
            self.stream.write("\r" + text[:120].ljust(120))
            if done == total:
                self.stream.write("\n")
        else:
            pct = 100 * done // max(1, total)
            if pct // 10 != self.last_pct // 10 or done == total:
                self.stream.write(text + "\n")
                self.last_pct = pct
        self.stream.flush()


def _make_folder(ctx: Context, src: Path, out_dir: Path) -> int:
    from capture.batch import folder_images, make_folder, write_csv

    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir}: folder mode needs an output folder")
    if out_dir.exists() and out_dir.resolve() == src.resolve():
        raise InputError(f"{out_dir}: choose an output folder other than the input folder")
    if ctx.args.workers is not None and ctx.args.workers < 1:
        raise InputError("--workers must be at least 1")
    inputs = folder_images(src)
    if not inputs:
        raise InputError(f"{src}: no image files in this folder")
    profile = _profile(ctx)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{out_dir}: cannot create ({exc.strerror or exc})") from exc
    csv_path: Path = ctx.args.csv or (out_dir / SUMMARY_CSV)
    rows = make_folder(
        inputs,
        out_dir,
        profile,
        whiten=ctx.args.whiten_background,
        workers=ctx.args.workers,
        progress=_Progress(sys.stderr),
    )
    write_csv(rows, csv_path, inputs=inputs)
    counts = {s: sum(r.status == s for r in rows) for s in ("compliant", "not_compliant", "no_crop", "error")}
    if ctx.json:
        _dump(
            {
                "profile": profile.id,
                "total": len(rows),
                **counts,
                "summary_csv": str(csv_path),
                "files": [asdict(r) for r in rows],
            }
        )
    else:
        print(
            f"{len(rows)} photos: {counts['compliant']} compliant, {counts['not_compliant']} not compliant, "
            f"{counts['no_crop']} without a compliant crop, {counts['error']} unreadable; summary {csv_path}"
        )
    return 0 if counts["compliant"] == len(rows) else 1


def _profiles(ctx: Context) -> int:
    from capture.profiles import list_profiles, load_profile

    user = _user_profiles(ctx)
    profiles = [load_profile(pid, user) for pid in list_profiles(user)]
    default = ctx.settings.profile
    if ctx.json:
        _dump(
            [
                {
                    "id": p.id,
                    "title": p.title,
                    "default": p.id == default,
                    "face_width": str(p.face_width),
                    "kb": str(p.kb),
                    "file_name": p.file_name,
                }
                for p in profiles
            ]
        )
    else:
        for p in profiles:
            mark = "*" if p.id == default else " "
            print(f"{mark} {p.id:<16} face {p.face_width} px, {p.kb} KB, {p.file_name}  {p.title}")
        print(f"user profiles: {user}")
    return 0
