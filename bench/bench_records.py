"""Records benchmark (issue 3 §9): 100,000 generated applicants with valid check digits on
SQLite, median times of the four operations against their targets, each also as a ratio to a
baseline measured in the same run on the same file (a raw ``sqlite3`` primary-key lookup),
and the database size per applicant with a 30 KB photo.

    .venv/bin/python bench/bench_records.py [--people 100000] [--runs 300] [--keep DIR]

Each timed operation is one user action: its own session and transaction, through the same
services the window and the command line use (insert = enroll with validation + attach photo,
committed with synchronous=FULL). Results also go to bench/out/records.json.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sqlalchemy import insert  # noqa: E402

from station.db import open_database  # noqa: E402
from station.db.models import Applicant, Application, utcnow  # noqa: E402
from station.records import applicants, photos  # noqa: E402
from station.records.codes import make_retrieval_code  # noqa: E402
from tests.records.factory import applicant, jpeg_bytes, report  # noqa: E402

TARGETS_MS = {
    "lookup by document number": 5.0,
    "search by name prefix": 50.0,
    "list page of 50": 50.0,
    "insert with photo": 20.0,
}


def timed(fn: Callable[[int], object], runs: int) -> list[float]:
    out = []
    for k in range(runs):
        t = time.perf_counter()
        fn(k)
        out.append((time.perf_counter() - t) * 1000)
    return out


def checkpointed_size(path: Path) -> int:
    """The size of the main file once the WAL has been written back into it."""
    con = sqlite3.connect(str(path), isolation_level=None)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()
    return path.stat().st_size


def populate(db_url: str, people: int) -> None:
    db = open_database(db_url)
    now = utcnow()
    batch = 5000
    t = time.perf_counter()
    for start in range(0, people, batch):
        rows, apps = [], []
        for i in range(start, min(start + batch, people)):
            d = applicant(i)
            rows.append(
                {**d.__dict__, "id": i + 1, "created_at": now, "updated_at": now, "created_by": "bench"}
            )
            apps.append(
                {
                    "id": i + 1,
                    "applicant_id": i + 1,
                    "retrieval_code": make_retrieval_code("000001", 2025, i + 1),
                    "status": "collected",
                    "active": True,
                    "status_changed_at": now,
                    "status_reason": "",
                    "created_at": now,
                    "created_by": "bench",
                }
            )
        with db.session() as s:
            s.execute(insert(Applicant), rows)
            s.execute(insert(Application), apps)
    print(f"generated {people} applicants in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    db.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=300)
    ap.add_argument("--keep", type=Path, help="keep the database in this folder")
    args = ap.parse_args(argv)

    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-records-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "station.db"
    for p in folder.glob("station.db*"):
        p.unlink()
    url = f"sqlite:///{path}"
    populate(url, args.people)
    db = open_database(url)
    rng = random.Random(1)
    numbers = [applicant(rng.randrange(args.people)).document_number for _ in range(args.runs)]
    names = [applicant(rng.randrange(args.people)).name for _ in range(args.runs)]
    pages = max(1, args.people // 50)

    # Baseline: a raw sqlite3 primary-key lookup on the same file.
    raw = sqlite3.connect(str(path))
    ids = [rng.randrange(1, args.people + 1) for _ in range(args.runs)]
    base = timed(
        lambda k: raw.execute("SELECT * FROM applicants WHERE id = ?", (ids[k],)).fetchone(), args.runs
    )
    raw.close()

    def lookup(k: int) -> None:
        with db.session(readonly=True) as s:
            assert applicants.find_by_document_number(s, numbers[k]) is not None

    def search(k: int) -> None:
        with db.session(readonly=True) as s:
            assert applicants.search(s, names[k][: 1 + k % 2])

    def page(k: int) -> None:
        with db.session(readonly=True) as s:
            assert len(applicants.list_page(s, 1 + (k * 7919) % pages, 50).items) == 50

    jpeg = jpeg_bytes(30_000)
    rep = report()
    new_people = [applicant(args.people + 10 + k) for k in range(args.runs)]
    size_before = checkpointed_size(path)

    def insert_with_photo(k: int) -> None:
        with db.session() as s:
            res = applicants.enroll(
                s, new_people[k], operator="bench", station_code="000002", today=date(2025, 6, 1)
            )
            photos.attach_photo(s, res.application_id, jpeg, rep, operator="bench", source="bench")

    results = {
        "lookup by document number": timed(lookup, args.runs),
        "search by name prefix": timed(search, args.runs),
        "list page of 50": timed(page, args.runs),
        "insert with photo": timed(insert_with_photo, args.runs),
    }
    db.close()
    size_after = checkpointed_size(path)
    per_person = (size_after - size_before) / args.runs
    base_med = statistics.median(base)

    print(f"SQLite {sqlite3.sqlite_version}, {args.people} applicants, {args.runs} runs each, median (p95)")
    print(f"  baseline raw sqlite3 PK lookup: {base_med:.3f} ms")
    report_out: dict[str, object] = {"people": args.people, "runs": args.runs, "baseline_ms": base_med}
    ok = True
    for name, times in results.items():
        med = statistics.median(times)
        p95 = sorted(times)[int(len(times) * 0.95) - 1]
        target = TARGETS_MS[name]
        passed = med <= target
        ok &= passed
        print(
            f"  {name:28s} {med:8.3f} ms ({p95:7.3f})  target <= {target:g} ms  "
            f"{'ok' if passed else 'OVER'}  x{med / base_med:,.0f} baseline"
        )
        report_out[name] = {"median_ms": med, "p95_ms": p95, "target_ms": target, "ratio": med / base_med}
    print(
        f"  database size per applicant with a {len(jpeg) / 1024:.1f} KB photo: {per_person / 1024:.1f} KB "
        f"(x{per_person / len(jpeg):.2f} the photo); file {size_after / 1e6:.1f} MB"
    )
    report_out["bytes_per_applicant_with_photo"] = per_person
    report_out["photo_bytes"] = len(jpeg)
    out = REPO / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "records.json").write_text(json.dumps(report_out, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
