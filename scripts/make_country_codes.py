"""Generate resources/codes/nationality.csv once from Debian's iso-codes package.

    apt-get install iso-codes
    .venv/bin/python scripts/make_country_codes.py

The program never needs iso-codes at run time: the CSV is committed. Columns: alpha-3, numeric,
alpha-2, Chinese name (zh_CN translation of iso-codes; the English name when untranslated),
English name."""

from __future__ import annotations

import csv
import gettext
import json
import sys
from pathlib import Path

SRC = Path("/usr/share/iso-codes/json/iso_3166-1.json")
OUT = Path(__file__).resolve().parent.parent / "resources" / "codes" / "nationality.csv"


def main() -> int:
    if not SRC.exists():
        print(f"{SRC} is missing: apt-get install iso-codes", file=sys.stderr)
        return 2
    tr = gettext.translation("iso_3166-1", localedir="/usr/share/locale", languages=["zh_CN"])
    rows = json.loads(SRC.read_text(encoding="utf-8"))["3166-1"]
    rows.sort(key=lambda r: r["alpha_3"])
    with OUT.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "numeric", "alpha_2", "name", "name_en"])
        for r in rows:
            en = r["name"]
            zh = tr.gettext(en)
            w.writerow([r["alpha_3"], r["numeric"], r["alpha_2"], zh, en])
    print(f"wrote {len(rows)} rows to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
