"""Speed and size of the printed forms.

    .venv/bin/python bench/bench_forms.py [--runs N] [--json OUT]

For each form (application individual + agent, application without photo and a long name,
confirmation, receipt card, receipt A4, unit application of 15, unit list of 30) it reports

- the median time to produce the PDF once warm (target <= 150 ms),
- the PDF size with subset fonts (target <= 300 KB),

and, in a fresh process, the first call including reading the fonts (target <= 1 s). Each
figure comes with its ratio to a baseline measured in the same run: a one-page reportlab PDF
of Latin text in a built-in font (no embedding), i.e. what reportlab costs at the least.

Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

TARGET_MS = 150.0
TARGET_FIRST_S = 1.0
TARGET_KB = 300.0


def baseline_pdf() -> bytes:
    """One A4 page of Latin text and ruled cells in Helvetica (not embedded)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, invariant=1)
    c.setFont("Helvetica", 10)
    for i in range(40):
        y = 800 - i * 18
        c.rect(40, y - 4, 515, 18)
        c.drawString(46, y + 2, f"Row {i:02d}: the quick brown fox jumps over the lazy dog 0123456789")
    c.showPage()
    c.save()
    return buf.getvalue()


def forms() -> dict[str, Callable[[], bytes]]:
    from station.forms import (
        application_pdf,
        confirmation_pdf,
        receipt_pdf,
        unit_application_pdf,
        unit_list_pdf,
    )
    from tests.forms import samples

    # The data are built once, outside the timing: only producing the PDF is measured.
    app = samples.application("吉𠮷", agent=True)
    long_name = samples.application(samples.LONG_NAME, photo=False)
    conf = samples.confirmation("王㵘")
    card, a4 = samples.receipt("李䶮"), samples.receipt("张堃")
    unit, unit_list = samples.unit_application(15), samples.unit_list(30)
    return {
        "application (rare name, agent)": lambda: application_pdf(app),
        "application (long name, no photo)": lambda: application_pdf(long_name),
        "confirmation": lambda: confirmation_pdf(conf),
        "receipt card 90x54": lambda: receipt_pdf(card, "card"),
        "receipt A4": lambda: receipt_pdf(a4, "a4"),
        "unit application (15, 2 pages)": lambda: unit_application_pdf(unit),
        "unit list (30, 2 pages)": lambda: unit_list_pdf(unit_list),
    }


def median_ms(make: Callable[[], bytes], runs: int) -> float:
    make()  # warm
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        make()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


_COLD = r"""
import sys, time
sys.path.insert(0, {repo!r})
kind = sys.argv[1]
t0 = time.perf_counter()
if kind == "baseline":
    from bench.bench_forms import baseline_pdf as make
else:
    from station.forms import application_pdf
    from tests.forms import samples
    form = samples.application("吉𠮷", agent=True)
    make = lambda: application_pdf(form)
t1 = time.perf_counter()
make()
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""


def cold(kind: str) -> tuple[float, float]:
    """(import seconds, first call seconds) in a fresh interpreter."""
    out = subprocess.run(
        [sys.executable, "-c", _COLD.format(repo=str(REPO)), kind],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    ).stdout.split()
    return float(out[0]), float(out[1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()

    base_ms = median_ms(baseline_pdf, args.runs)
    base_kb = len(baseline_pdf()) / 1024
    base_imp, base_first = cold("baseline")
    imp, first = cold("application")

    rows = []
    ok = True
    print(
        f"baseline (1 page Latin, built-in font): {base_ms:.2f} ms, {base_kb:.1f} KB, "
        f"first call {base_first * 1000:.0f} ms"
    )
    print(f"{'form':36} {'ms':>8} {'x base':>8} {'KB':>8} {'x base':>8}  targets")
    for name, make in forms().items():
        ms = median_ms(make, args.runs)
        kb = len(make()) / 1024
        good = ms <= TARGET_MS and kb <= TARGET_KB
        ok &= good
        rows.append({"form": name, "ms": ms, "ms_ratio": ms / base_ms, "kb": kb, "kb_ratio": kb / base_kb})
        print(
            f"{name:36} {ms:8.1f} {ms / base_ms:8.1f} {kb:8.1f} {kb / base_kb:8.1f}  "
            f"{'ok' if good else 'MISSED'} (<= {TARGET_MS:.0f} ms, <= {TARGET_KB:.0f} KB)"
        )
    first_ok = first <= TARGET_FIRST_S
    ok &= first_ok
    print(
        f"first application form in a fresh process, incl. font loading: {first * 1000:.0f} ms "
        f"(x{first / base_first:.1f} the baseline's first call; imports {imp * 1000:.0f} ms) "
        f"{'ok' if first_ok else 'MISSED'} (<= {TARGET_FIRST_S * 1000:.0f} ms)"
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "baseline": {"ms": base_ms, "kb": base_kb, "first_s": base_first, "import_s": base_imp},
                    "forms": rows,
                    "first_call": {"s": first, "ratio": first / base_first, "import_s": imp},
                    "ok": ok,
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
