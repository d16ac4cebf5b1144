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
        for d in P.DEFECTS:
            if only and d.name not in only:
                continue
            judge(d.name, name, d.check_id, d.make(m, a, other), m.hair_cut)
    if not only:
        for name, mm in made.items():
            if "smiling" in name:
                judge("smiling", name, "mouth_closed", mm.jpeg(), mm.hair_cut)
        judge("glasses_cap", "grace_hopper", None, made["grace_hopper"].jpeg(), made["grace_hopper"].hair_cut)

    # --- summary ---
    print(f"faces: {len(sources)} source photos, {len(neutral)} neutral; {time.perf_counter() - t0:.0f} s")
    comp = [r for r in rows if r["kind"] == "compliant"]
    if comp:
        n_ok = sum(1 for r in comp if not r["error_fails"])
        print(f"acceptance of compliant photos: {n_ok / len(comp):.1%} ({n_ok}/{len(comp)})")
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
        f"crop success: {ok / len(crop_ok):.1%} ({ok}/{len(crop_ok)} source photos give a file "
        "whose geometry and file checks pass)"
    )
    for n, v in crop_ok.items():
        if not v:
            print(f"    crop failed: {n}")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
