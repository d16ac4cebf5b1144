"""Accuracy of the photo checks on real faces.

    .venv/bin/python bench/accuracy.py [--faces DIR] [--json OUT] [--verbose]

For every portrait in ``../shared/faces`` (and the package-shipped grace_hopper) it makes a
compliant 358x441 photo (tests/capture/photos.py: the pipeline's crop and encoder, background
whitened, clothing recoloured: test-data synthesis), then every defect of spec photo.md §4 by
transforming that photo, and runs ``capture.checks.check_photo`` on each file. It prints

- acceptance: the share of compliant photos (neutral faces) with no failing error-level check;
- per defect type: the share caught by the right check id (and how many also failed others);
- crop success: the share of source photos from which the crop + encoder made a file whose
  geometry and file checks (image_size, resolution_dpi, file_size, face_width, head_top,
  eye_center_x, eye_line) all pass.

Smiling source photos are the ``smiling`` defect (mouth_closed); the untouched London clothing
(white T-shirts) is the ``white_top`` defect (clothing_contrast).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from capture.checks import check_photo  # noqa: E402
from capture.face import FaceAnalyzer  # noqa: E402
from tests.capture import photos as P  # noqa: E402, N812

GEOMETRY_FILE_IDS = (
    "image_size",
    "resolution_dpi",
    "file_size",
    "face_width",
    "head_top",
    "eye_center_x",
    "eye_line",
)


def defects(m: P.Made, a, other: P.Made) -> dict[str, tuple[str, Callable[[], bytes]]]:  # type: ignore[no-untyped-def]
    """defect name -> (check id that must fail, maker of the file)."""
    j = m.jpeg
    return {
        "shift_right": ("eye_center_x", lambda: j(P.t_shift(m, 40, 0))),
        "shift_left": ("eye_center_x", lambda: j(P.t_shift(m, -40, 0))),
        "shift_down": ("eye_line", lambda: j(P.t_shift(m, 0, 45 + max(0.0, 441 - 207 - m.eye_mid[1])))),
        "shift_up": ("head_top", lambda: j(P.t_shift(m, 0, -30))),
        "scale_up": ("face_width", lambda: j(P.t_scale(m, 280 / m.face_width))),
        "scale_down": ("face_width", lambda: j(P.t_scale(m, 165 / m.face_width))),
        "tint_blue": ("background_white", lambda: j(P.t_tint(m, (200, 220, 245)))),
        "tint_grey": ("background_white", lambda: j(P.t_tint(m, (205, 205, 205)))),
        "bg_gradient": ("background_uniform", lambda: j(P.t_bg_gradient(m, 0.35))),
        "bg_shadow": ("background_uniform", lambda: j(P.t_bg_shadow(m, 0.4))),
        "bg_texture": ("background_uniform", lambda: j(P.t_bg_texture(m))),
        "bg_object": ("background_uniform", lambda: j(P.t_bg_object(m))),
        "border": ("border", lambda: j(P.t_border(m))),
        "margin": ("border", lambda: j(P.t_margin(m))),
        "blur": ("sharpness", lambda: j(P.t_blur(m, 2.5))),
        "under_exposed": ("exposure", lambda: j(P.t_exposure(m, -1.5))),
        "over_exposed": ("exposure", lambda: j(P.t_exposure(m, 1.5))),
        "side_dark": ("lighting_balance", lambda: j(P.t_side_dark(m, -1.3))),
        "cast_blue": ("color_cast", lambda: j(P.t_cast(m, (0.75, 0.95, 1.35)))),
        "cast_green": ("color_cast", lambda: j(P.t_cast(m, (0.8, 1.3, 0.8)))),
        "cast_magenta": ("color_cast", lambda: j(P.t_cast(m, (1.25, 0.75, 1.2)))),
        "roll": ("head_pose", lambda: j(P.t_roll(m, 12))),
        "wrong_size": ("image_size", lambda: P.f_wrong_size(m)),
        "wrong_dpi": ("resolution_dpi", lambda: P.f_wrong_dpi(m)),
        "no_dpi": ("resolution_dpi", lambda: P.f_no_dpi(m)),
        "greyscale_rgb": ("color_mode", lambda: P.f_greyscale_rgb(m)),
        "greyscale_l": ("color_mode", lambda: P.f_greyscale_l(m)),
        "cmyk": ("color_mode", lambda: P.f_cmyk(m)),
        "kb_big": ("file_size", lambda: P.f_too_big(m)),
        "kb_small": ("file_size", lambda: P.f_too_small(m)),
        "two_faces": ("face_count", lambda: j(P.t_second_face(m, other))),
        "no_face": ("face_count", lambda: j(P.t_no_face(m))),
        "eyes_closed": ("eyes_open", lambda: j(P.t_closed_eyes(m, a))),
        "gaze_side": ("gaze", lambda: j(P.t_gaze(m, a))),
        "glare": ("glasses_glare", lambda: j(P.t_glare(m, a))),
        "tinted_lenses": ("glasses_glare", lambda: j(P.t_tinted(m, a))),
        "fringe": ("occlusion", lambda: j(P.t_fringe(m, a))),
        "shoulders_tilt": ("shoulders_level", lambda: j(P.t_shoulder_tilt(m, 14))),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--faces", type=Path, default=P.FACES)
    ap.add_argument("--json", type=Path, default=None, help="write every result here")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--only", default="", help="comma-separated defect names")
    args = ap.parse_args(argv)
    P.FACES = args.faces
    prof = P.profile()
    t0 = time.perf_counter()
    fa = FaceAnalyzer(still=True)
    sources = {p.stem: P.load(p) for p in P.face_paths("")}
    sources["grace_hopper"] = P.package_photos()["grace_hopper"]

    made: dict[str, P.Made] = {}
    white: dict[str, P.Made] = {}
    crop_ok: dict[str, bool] = {}
    for name, rgb in sources.items():
        try:
            made[name] = P.make_compliant(name, rgb, fa, prof)
            white[name] = P.make_compliant(name, rgb, fa, prof, clothes=False)
        except ValueError as exc:
            print(f"  {name}: cannot make a compliant photo: {exc}")
            crop_ok[name] = False
            continue
        rep = check_photo(made[name].jpeg(), prof, analyzer=fa, hair_cut=made[name].hair_cut)
        crop_ok[name] = all(rep.get(i).passed for i in GEOMETRY_FILE_IDS)

    rows: list[dict[str, object]] = []

    def judge(kind: str, name: str, want: str | None, data: bytes, hair_cut: bool) -> None:
        rep = check_photo(data, prof, analyzer=fa, hair_cut=hair_cut)
        fails = [c.id for c in rep.checks if not c.passed]
        err_fails = [c.id for c in rep.checks if not c.passed and c.level == "error"]
        rows.append(
            {
                "kind": kind,
                "face": name,
                "want": want,
                "fails": fails,
                "error_fails": err_fails,
                "values": {c.id: c.value for c in rep.checks},
            }
        )
        if args.verbose:
            print(f"  {kind:15s} {name:22s} want={want} fails={fails}")

    only = set(filter(None, args.only.split(",")))
    neutral = [n for n in made if "smiling" not in n and n != "grace_hopper"]
    for name in neutral:
        m = made[name]
        if not only:
            judge("compliant", name, None, m.jpeg(), m.hair_cut)
            judge("white_top", name, "clothing_contrast", white[name].jpeg(), m.hair_cut)
        a = fa.analyze(m.rgb)
        other = made[neutral[(neutral.index(name) + 1) % len(neutral)]]
        for dname, (want, maker) in defects(m, a, other).items():
            if only and dname not in only:
                continue
            judge(dname, name, want, maker(), m.hair_cut)
    if not only:
        for name in made:
            if "smiling" in name:
                judge("smiling", name, "mouth_closed", made[name].jpeg(), made[name].hair_cut)
        judge("glasses_cap", "grace_hopper", None, made["grace_hopper"].jpeg(), made["grace_hopper"].hair_cut)

    # --- summary ---
    print(f"faces: {len(sources)} source photos, {len(neutral)} neutral; {time.perf_counter() - t0:.0f} s")
    comp = [r for r in rows if r["kind"] == "compliant"]
    if comp:
        acc = sum(1 for r in comp if not r["error_fails"]) / len(comp)
        print(
            f"acceptance of compliant photos: {acc:.1%} ({sum(1 for r in comp if not r['error_fails'])}/{len(comp)})"
        )
        for r in comp:
            if r["fails"]:
                print(f"    {r['face']}: fails {r['fails']}")
    by: dict[str, list[dict[str, object]]] = defaultdict(list)
    for r in rows:
        if r["want"]:
            by[str(r["kind"])].append(r)
    print("defect catch rate (right check id fails):")
    worst = 1.0
    for kind, rs in by.items():
        caught = [r for r in rs if r["want"] in r["fails"]]  # type: ignore[operator]
        rate = len(caught) / len(rs)
        worst = min(worst, rate)
        others: dict[str, int] = defaultdict(int)
        for r in rs:
            for f in r["error_fails"]:  # type: ignore[attr-defined]
                if f != r["want"]:
                    others[f] += 1
        missed = [str(r["face"]) for r in rs if r not in caught]
        extra = ", ".join(f"{k} {v}" for k, v in sorted(others.items(), key=lambda kv: -kv[1])[:4])
        print(
            f"  {kind:15s} {rs[0]['want']:19s} {rate:6.1%} ({len(caught)}/{len(rs)})"
            + (f"  missed: {', '.join(missed)}" if missed else "")
            + (f"  also: {extra}" if extra else "")
        )
    print(f"lowest catch rate: {worst:.1%}")
    ok = sum(crop_ok.values())
    print(
        f"crop success: {ok / len(crop_ok):.1%} ({ok}/{len(crop_ok)} source photos give a file with geometry and file checks passing)"
    )
    for n, v in crop_ok.items():
        if not v:
            print(f"    crop failed: {n}")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
