"""``station photo`` end to end: the real command line in a subprocess, with a temporary data dir."""

from __future__ import annotations

import csv
import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
GEOMETRY = ("face_width", "head_top", "eye_center_x", "eye_line")
FILE = ("image_size", "resolution_dpi", "color_mode", "file_size")


def station(
    data_dir: Path, *args: str | Path, timeout: float = 300, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "STATION_MEDIAPIPE_LOG"}
    env.update({"STATION_DATA_DIR": str(data_dir)}, **(extra_env or {}))
    cmd = [sys.executable, "-c", "from station.cli.main import main; raise SystemExit(main())"]
    return subprocess.run(
        [*cmd, *map(str, args)], capture_output=True, text=True, cwd=REPO, env=env, timeout=timeout
    )


def one_line_error(proc: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("station")
    for n in needles:
        assert n in lines[0]


def failing(report: dict[str, object], ids: tuple[str, ...] = GEOMETRY + FILE) -> list[str]:
    checks = report["checks"]
    assert isinstance(checks, list)
    return [c["id"] for c in checks if c["id"] in ids and not c["passed"]]


def png_header(w: int, h: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))


@pytest.fixture(scope="module")
def made(faces_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    """One photo made by the CLI (whitened), and its JSON report."""
    d = tmp_path_factory.mktemp("made")
    out = d / "made.jpg"
    proc = station(
        d / "data",
        "photo",
        "make",
        faces_dir / "london-067-neutral.jpg",
        "-o",
        out,
        "--whiten-background",
        "--json",
    )
    assert proc.returncode in (0, 1), proc.stderr
    return out, json.loads(proc.stdout)


def test_make_writes_a_spec_photo(made: tuple[Path, dict[str, object]], faces_dir: Path) -> None:
    out, report = made
    assert out.is_file()
    assert {"compliant", "profile", "checks", "measurements"} <= set(report)
    assert report["profile"] == "mohrss"
    assert report["whitened"] is True
    assert report["output"] == str(out)
    assert failing(report, (*GEOMETRY, *FILE, "background_white")) == []
    for c in report["checks"]:  # type: ignore[union-attr]
        assert set(c) >= {"id", "passed", "level", "value", "expected", "message"}
        assert c["level"] in ("error", "advice")
    m = report["measurements"]
    assert isinstance(m, dict) and all(m[k] is not None for k in GEOMETRY)
    with Image.open(out) as im:
        assert im.size == (358, 441) and im.mode == "RGB" and im.info["dpi"] == (350, 350)
    assert (faces_dir / "london-067-neutral.jpg").stat().st_size > 0  # input untouched


def test_check_agrees_with_make(made: tuple[Path, dict[str, object]], tmp_path: Path) -> None:
    out, report = made
    proc = station(tmp_path, "photo", "check", out, "--json")
    again = json.loads(proc.stdout)
    assert proc.returncode == (0 if again["compliant"] else 1)
    assert again["checks"] == report["checks"]
    assert again["compliant"] == report["compliant"]
    # Human output: one line per check id.
    text = station(tmp_path, "photo", "check", out)
    assert text.returncode == proc.returncode
    for c in report["checks"]:  # type: ignore[union-attr]
        assert c["id"] in text.stdout


def test_make_and_check_print_nothing_on_stderr(faces_dir: Path, tmp_path: Path) -> None:
    # mediapipe's native start-up log (INFO / W0000 lines on fd 2) must not reach the user
    out = tmp_path / "quiet.jpg"
    made = station(tmp_path / "data", "photo", "make", faces_dir / "london-004-neutral.jpg", "-o", out)
    assert made.returncode in (0, 1) and out.is_file(), made.stderr
    assert made.stderr == ""
    proc = station(tmp_path / "data", "photo", "check", out)
    assert proc.returncode in (0, 1)
    assert "mouth_closed" in proc.stdout
    assert proc.stderr == ""
    # the developer's switch lets the native log through again
    loud = station(tmp_path / "data", "photo", "check", out, extra_env={"STATION_MEDIAPIPE_LOG": "1"})
    assert loud.returncode == proc.returncode
    assert "W0000" in loud.stderr or "INFO:" in loud.stderr


def test_check_of_a_larger_photo_is_not_compliant(faces_dir: Path, tmp_path: Path) -> None:
    proc = station(tmp_path, "photo", "check", faces_dir / "london-004-neutral.jpg", "--json")
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert report["compliant"] is False
    assert "image_size" in failing(report)


def test_smiling_photo_is_made_but_not_compliant(faces_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "smile.jpg"
    proc = station(
        tmp_path,
        "photo",
        "make",
        faces_dir / "london-008-smiling.jpg",
        "-o",
        out,
        "--whiten-background",
        "--json",
    )
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert out.is_file()
    assert "mouth_closed" in [c["id"] for c in report["checks"] if not c["passed"]]
    assert failing(report) == []


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("empty.jpg", b"", "empty"),
        ("text.jpg", "这不是照片 not a photo\n".encode() * 30, "not an image"),
        ("bomb.png", png_header(30000, 30000), "too large"),
    ],
)
def test_unusable_input_exits_2_with_one_line(tmp_path: Path, name: str, content: bytes, needle: str) -> None:
    f = tmp_path / name
    f.write_bytes(content)
    one_line_error(station(tmp_path, "photo", "check", f), name, needle)
    one_line_error(station(tmp_path, "photo", "make", f, "-o", tmp_path / "out.jpg"), needle)
    assert not (tmp_path / "out.jpg").exists()


def test_truncated_jpeg_exits_2(faces_dir: Path, tmp_path: Path) -> None:
    data = (faces_dir / "london-002-neutral.jpg").read_bytes()
    f = tmp_path / "cut.jpg"
    f.write_bytes(data[: len(data) // 3])
    one_line_error(station(tmp_path, "photo", "make", f, "-o", tmp_path / "o.jpg"), "truncated")


def test_cmyk_16bit_and_exif_rotated_inputs_are_made(faces_dir: Path, tmp_path: Path) -> None:
    src = Image.open(faces_dir / "london-043-neutral.jpg").convert("RGB")
    inputs = tmp_path / "in"
    inputs.mkdir()
    src.convert("CMYK").save(inputs / "cmyk.jpg", "JPEG", quality=92)
    grey16 = np.asarray(src.convert("L")).astype(np.uint16) * 257
    Image.fromarray(grey16).save(inputs / "grey16.png")
    exif = Image.Exif()
    exif[0x0112] = 8  # stored turned left; viewers turn it back
    src.rotate(-90, expand=True).save(inputs / "phone.jpg", "JPEG", quality=92, exif=exif)
    for f in sorted(inputs.iterdir()):
        out = tmp_path / f"{f.stem}-out.jpg"
        proc = station(tmp_path, "photo", "make", f, "-o", out, "--whiten-background", "--json")
        assert proc.returncode in (0, 1), (f.name, proc.stderr)
        report = json.loads(proc.stdout)
        ids = (*GEOMETRY, "image_size", "resolution_dpi", "file_size")
        assert failing(report, ids) == [], (f.name, report)
        color = next(c for c in report["checks"] if c["id"] == "color_mode")
        assert color["passed"] is (f.stem != "grey16"), f.name  # a grey picture stays grey


def test_profiles_unknown_and_user_folder(faces_dir: Path, tmp_path: Path) -> None:
    one_line_error(
        station(tmp_path, "photo", "check", faces_dir / "london-004-neutral.jpg", "--profile", "xian"),
        "xian",
        "mohrss",
        "beijing",
        "unit-upload",
        "collection-tool",
        "hebei-web",
    )
    data = json.loads((REPO / "resources" / "profiles" / "beijing.json").read_text(encoding="utf-8"))
    data.update(id="xian", title="西安 — Xi'an", kb={"min": 20, "max": 50})
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "xian.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    listing = station(tmp_path, "photo", "profiles", "--json")
    assert listing.returncode == 0
    assert "xian" in [p["id"] for p in json.loads(listing.stdout)]
    proc = station(
        tmp_path, "photo", "check", faces_dir / "london-004-neutral.jpg", "--profile", "xian", "--json"
    )
    assert json.loads(proc.stdout)["profile"] == "xian"
    (tmp_path / "profiles" / "broken.json").write_text('{"id": "broken"}', encoding="utf-8")
    one_line_error(
        station(tmp_path, "photo", "check", faces_dir / "london-004-neutral.jpg", "--profile", "broken"),
        "missing",
    )


def test_never_writes_over_the_input(faces_dir: Path, tmp_path: Path) -> None:
    src = tmp_path / "me.jpg"
    src.write_bytes((faces_dir / "london-002-neutral.jpg").read_bytes())
    before = src.read_bytes()
    one_line_error(station(tmp_path, "photo", "make", src, "-o", src), "over the input")
    one_line_error(station(tmp_path, "photo", "make", src, "-o", tmp_path / "x.png"), ".jpg")
    assert src.read_bytes() == before


def test_no_compliant_crop_exits_1_and_writes_nothing(faces_dir: Path, tmp_path: Path) -> None:
    src = tmp_path / "edge.png"
    Image.open(faces_dir / "london-082-neutral.jpg").crop((520, 0, 1350, 1350)).save(src)
    out = tmp_path / "edge-out.jpg"
    proc = station(tmp_path, "photo", "make", src, "-o", out, "--json")
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert report["output"] is None and not out.exists()
    assert "right" in report["directions"]


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    one_line_error(
        station(tmp_path, "photo", "make", tmp_path / "absent.jpg", "-o", tmp_path / "o.jpg"), "absent"
    )
    proc = station(tmp_path, "photo", "check")
    assert proc.returncode == 2
    empty = tmp_path / "nothing-here"
    empty.mkdir()
    one_line_error(station(tmp_path, "photo", "make", empty, "-o", tmp_path / "out"), "no image files")


def test_folder_mode(faces_dir: Path, tmp_path: Path) -> None:
    src = tmp_path / "shoot"
    src.mkdir()
    names = [
        "london-002-neutral.jpg",
        "london-025-smiling.jpg",
        "london-044-neutral.jpg",
        "london-064-neutral.jpg",
    ]
    for n in names:
        (src / n).write_bytes((faces_dir / n).read_bytes())
    (src / "broken.jpg").write_text("not a photo", encoding="utf-8")
    (src / "readme.txt").write_text("ignored: not an image suffix", encoding="utf-8")
    out = tmp_path / "out"
    proc = station(
        tmp_path, "photo", "make", src, "-o", out, "--whiten-background", "--workers", "2", "--json"
    )
    assert proc.returncode == 1, proc.stderr  # the broken file and the smile
    summary = json.loads(proc.stdout)
    assert summary["total"] == 5 and summary["error"] == 1
    assert "[" in proc.stderr and "5/5" in proc.stderr  # the progress bar
    with (out / "summary.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["file"] for r in rows] == sorted([*names, "broken.jpg"])
    by = {r["file"]: r for r in rows}
    assert by["broken.jpg"]["status"] == "error" and "not an image" in by["broken.jpg"]["message"]
    assert by["broken.jpg"]["output"] == ""
    assert "mouth_closed" in by["london-025-smiling.jpg"]["failing"]
    for n in names:
        assert by[n]["status"] in ("compliant", "not_compliant")
        assert (out / n).is_file()
        for k in GEOMETRY + FILE:
            assert k not in by[n]["failing"].split(";")
    # the input folder is untouched and refused as the output
    assert sorted(p.name for p in src.iterdir()) == sorted([*names, "broken.jpg", "readme.txt"])
    one_line_error(station(tmp_path, "photo", "make", src, "-o", src), "other than the input")
