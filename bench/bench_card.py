"""End-to-end card encode time through a real pcscd + vpcd with the emulated card.

    .venv/bin/python bench/bench_card.py [--runs N] [--layout 2.0|3.0] [--json OUT]

Starts a private ``pcscd -f`` (tests/fixtures/pcscd.py, the same as the end-to-end tests),
presents a fresh blank emulated card for every run and encodes a new application on it with
``CardDesk.encode``: read, authenticate, write EF05 + EF06 + EF08 (photo <= 4 KB in <= 255-byte
chunks), read everything back, set the initial PIN, record in SQLite. It reports

- the median encode time without the key service's own latency (target <= 2 s), by stage,
- the APDU count, by command,
- the ratio to a baseline measured in the same run: one bare SELECT round trip through pcscd
  (time / (APDUs x SELECT)), i.e. how much the station adds on top of the APDU transport,
- for scale, the time the same APDU count would take at 44 ms per APDU (platform-notes.md's
  figure for vpcd with Nagle delays; real readers are typically 10-50 ms per APDU).

Exits 1 when the target is missed. Needs root-free pcscd and vsmartcard-vpcd (Debian packages).
"""

from __future__ import annotations

import argparse
import collections
import itertools
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, ClassVar

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

# Sets PCSCLITE_CSOCK_NAME before pyscard is loaded: import it first.
import tests.fixtures.pcscd as pcscd_fixture  # noqa: E402

TARGET_S = 2.0
SLOW_APDU_MS = 44.0
SELECT = bytes.fromhex("00A404000F7378312E73682EC9E7BBE1B1A3D5CF00")


class TimedKeys:
    """The test key service, with its own time measured (the target excludes it)."""

    def __init__(self) -> None:
        from station.card.keys import TestKeyService

        self.inner = TestKeyService()
        self.name = "test"
        self.seconds = 0.0

    def cryptogram(self, card: Any, usage: str, challenge: bytes) -> bytes:
        t = time.perf_counter()
        try:
            return self.inner.cryptogram(card, usage, challenge)
        finally:
            self.seconds += time.perf_counter() - t

    def pin_mac(self, card: Any, challenge: bytes, data: bytes) -> bytes:
        t = time.perf_counter()
        try:
            return self.inner.pin_mac(card, challenge, data)
        finally:
            self.seconds += time.perf_counter() - t


class CountingCard:
    """Wraps the emulated card to count APDUs by instruction."""

    NAMES: ClassVar[dict[int, str]] = {
        0xA4: "SELECT",
        0xB2: "READ RECORD",
        0xB0: "READ BINARY",
        0xDC: "UPDATE RECORD",
        0xD6: "UPDATE BINARY",
        0x84: "GET CHALLENGE",
        0x82: "EXTERNAL AUTH",
        0x24: "PIN RESET",
        0xC0: "GET RESPONSE",
        0x20: "VERIFY",
    }

    def __init__(self, card: Any) -> None:
        self.card = card
        self.counts: collections.Counter[str] = collections.Counter()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.card, name)

    def process(self, apdu: bytes) -> bytes:
        self.counts[self.NAMES.get(apdu[1], f"INS {apdu[1]:02X}")] += 1
        result: bytes = self.card.process(apdu)
        return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--layout", choices=("2.0", "3.0"), default="2.0")
    ap.add_argument("--json", type=Path, help="write the figures as JSON")
    args = ap.parse_args(argv)

    from station.card import pcsc
    from station.card.emulator import SsseCard, VpcdCard, blank_card
    from station.card.transport import ApduTransport
    from station.card.workflow import CardDesk
    from station.config import Settings
    from station.db import open_database
    from tests.card.conftest import Station

    root = pcscd_fixture._SESSION_DIR / "run"
    root.mkdir(exist_ok=True)
    svc = pcscd_fixture._start(root)
    try:
        pcscd_fixture._wait_ready(svc)
        data_dir = Path(tempfile.mkdtemp(prefix="bench-card-"))
        db = open_database(f"sqlite:///{(data_dir / 'station.db').as_posix()}", data_dir=data_dir)
        settings = Settings(allow_virtual_readers=True)
        station = Station(db, data_dir, settings)
        keys = TimedKeys()
        desk = CardDesk(settings=settings, data_dir=data_dir, operator="bench", db=db, key_service=keys)  # type: ignore[arg-type]

        vpcd = VpcdCard(SsseCard(blank_card(args.layout)), port=svc.port).start()  # type: ignore[arg-type]
        svc.wait_reader_state(True)

        # baseline: bare SELECT round trips through pcscd on one connection
        conn = pcsc.connect(svc.reader, allow_virtual=True)
        t = ApduTransport(conn)
        for _ in range(20):
            t.send(SELECT)
        n = 300
        t0 = time.perf_counter()
        for _ in range(n):
            t.send(SELECT)
        select_s = (time.perf_counter() - t0) / n
        conn.close()

        runs: list[dict[str, Any]] = []
        for i in range(args.runs + 1):  # the first run warms up imports and caches
            app_id = station.new_application(1000 + i)
            vpcd.remove()
            svc.wait_reader_state(False)
            card = CountingCard(SsseCard(blank_card(args.layout)))
            vpcd.card = card  # type: ignore[assignment]
            vpcd.insert()
            svc.wait_reader_state(True)
            stamps: list[tuple[str, float]] = []

            def stamp(stage: str, _fraction: float, into: list[tuple[str, float]] = stamps) -> None:
                into.append((stage, time.perf_counter()))

            keys.seconds = 0.0
            t0 = time.perf_counter()
            result = desk.encode(app_id, progress=stamp)
            total = time.perf_counter() - t0
            stages: dict[str, float] = collections.defaultdict(float)
            for (stage, at), (_next, nat) in itertools.pairwise(stamps):
                stages[stage] += nat - at
            runs.append(
                {
                    "total_s": total,
                    "key_service_s": keys.seconds,
                    "net_s": total - keys.seconds,
                    "apdus": result.apdus,
                    "by_command": dict(card.counts),
                    "stages_s": dict(stages),
                }
            )
        vpcd.stop()
        db.close()
    finally:
        pcscd_fixture._stop(svc)

    from station.card.photo import chip_photo
    from tests.card.conftest import portrait_jpeg

    photo_bytes = len(chip_photo(portrait_jpeg()))
    measured = runs[1:]
    net = statistics.median(r["net_s"] for r in measured)
    total = statistics.median(r["total_s"] for r in measured)
    ks = statistics.median(r["key_service_s"] for r in measured)
    apdus = measured[-1]["apdus"]
    ratio = net / (apdus * select_s)
    stages = {
        k: statistics.median(r["stages_s"].get(k, 0.0) for r in measured) for k in measured[-1]["stages_s"]
    }
    ok = net <= TARGET_S
    print(f"card encode through pcscd + vpcd, layout {args.layout}, {len(measured)} runs (median)")
    print(f"  baseline: bare SELECT round trip          {select_s * 1000:8.3f} ms")
    print(f"  encode total                              {total:8.3f} s")
    print(f"  key service (excluded)                    {ks:8.3f} s")
    verdict = "OK" if ok else "MISSED"
    print(f"  encode without key service                {net:8.3f} s   target <= {TARGET_S} s  {verdict}")
    print(f"  chip photo (EF08)                         {photo_bytes:8d} bytes")
    print(f"  APDUs                                     {apdus:8d}")
    for name, count in sorted(measured[-1]["by_command"].items(), key=lambda kv: -kv[1]):
        print(f"    {name:<38}{count:8d}")
    print(f"  ratio to baseline (time / APDUs x SELECT) {ratio:8.1f} x")
    print(f"  ratio to one SELECT                       {net / select_s:8.0f} x")
    for k, v in stages.items():
        print(f"    stage {k:<32}{v:8.3f} s")
    print(
        f"  same APDUs at {SLOW_APDU_MS:.0f} ms each (slow reader)       {apdus * SLOW_APDU_MS / 1000:8.2f} s"
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "layout": args.layout,
                    "select_ms": select_s * 1000,
                    "total_s": total,
                    "key_service_s": ks,
                    "net_s": net,
                    "target_s": TARGET_S,
                    "apdus": apdus,
                    "photo_bytes": photo_bytes,
                    "by_command": measured[-1]["by_command"],
                    "ratio_to_select_apdus": ratio,
                    "stages_s": stages,
                    "runs": measured,
                },
                indent=2,
            )
        )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
