"""A separate process that writes records, for the reliability tests.

python -m tests.records.worker URL save-forever START JPEG_FILE
    prints "ready", waits for a line on stdin, then saves applicant + application + photo +
    receipt, one transaction each, from number START upwards until killed. Validation is
    skipped (its tables take a while to load and it is not what is being tested).
python -m tests.records.worker URL save N START
    saves N people (START, START+1, ...) and a receipt for each; prints a JSON summary.
"""

from __future__ import annotations

import contextlib
import json
import sys
from datetime import date
from pathlib import Path

from station.db import open_database
from station.records import applicants, photos, receipts
from station.records.errors import Duplicate
from tests.records import factory
from tests.records.factory import applicant, jpeg_bytes, report

TODAY = date(2025, 1, 15)


class _Rollback(Exception):
    pass


def save(db, i: int, jpeg: bytes, *, rollback: bool = False) -> int:  # type: ignore[no-untyped-def]
    with db.session() as s:
        res = applicants.enroll(s, applicant(i), operator="worker", station_code="000001", today=TODAY)
        photos.attach_photo(s, res.application_id, jpeg, report(), operator="worker", source="worker")
        receipts.issue_receipt(
            s, station_code="000001", operator="worker", applicant_id=res.applicant_id, today=TODAY
        )
        if rollback:
            raise _Rollback
    return res.applicant_id


def main(argv: list[str]) -> int:
    url, mode = argv[0], argv[1]
    db = open_database(url, upgrade=False)
    if mode == "save-forever":
        i = int(argv[2])
        jpeg = Path(argv[3]).read_bytes()
        applicants.validate = lambda data, today=None: ()  # type: ignore[assignment]
        factory.pinyin = lambda name: "WORKER"  # type: ignore[assignment]  # no pypinyin start-up
        with contextlib.suppress(_Rollback):  # connect and compile once: kills land on real saves
            save(db, i, jpeg, rollback=True)
        print("ready", flush=True)
        sys.stdin.readline()
        while True:
            save(db, i, jpeg)
            i += 1
    jpeg = jpeg_bytes(30_000)
    n, start = int(argv[2]), int(argv[3])
    saved, dupes = 0, 0
    for i in range(start, start + n):
        try:
            save(db, i, jpeg)
            saved += 1
        except Duplicate:
            dupes += 1
    print(json.dumps({"saved": saved, "duplicates": dupes}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
