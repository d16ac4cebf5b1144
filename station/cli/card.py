"""``station card``: readers, reading and encoding cards, PINs, and the card emulator.

    station card readers [--json]
    station card read [--reader R] [--json] [--photo OUT.jpg]
    station card encode APPLICATION [--reader R] [--restart] [--json]
    station card pin verify|change|reset|tries [--reader R] [--new]
    station card emulate [--host 127.0.0.1] [--port 35963] [--tear-after N] [--layout 2.0|3.0]
                         [--card STATE.json] [--alg 3des|sm4] [--reinsert-after S]

APPLICATION is an application id or its retrieval code. PINs are read from the terminal without
echo, or one per line from stdin; never from the command line, never stored or logged.
``encode`` and ``pin reset`` are recorded: once operator accounts exist, the ``--operator``
gives their password first (prompt, or ``--password-stdin``). Only these two take
``--password-stdin``; with it the first line of stdin is always the operator's password and
the new PIN of ``pin reset --new`` is the line after it, also with no operator accounts (the
first line is then dropped unread), so a password is never taken for a PIN. Failures are one
line on stderr: exit 3 for a missing reader, card, key service or a card that went away, 2 for
a wrong PIN (with tries left), 1 for a blocked PIN or a refused action (station/cli/main.py).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from station.cli.auth import lines_after_password, reads, writes
from station.cli.context import Context
from station.errors import InputError
from station.files import write_atomic

if TYPE_CHECKING:
    from station.card.workflow import CardDesk

__all__ = ["register"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this group's parsers to sub."""
    p = sub.add_parser("card", help="read and encode social security cards (PC/SC)")
    csub = p.add_subparsers(dest="card_command", metavar="ACTION", required=True)

    readers = csub.add_parser("readers", help="list the card readers")
    readers.add_argument("--json", action="store_true", help="print JSON")
    reads(readers)
    readers.set_defaults(handler=_readers)

    read = csub.add_parser("read", help="read the card in the reader")
    _reader_arg(read)
    read.add_argument("--json", action="store_true", help="print JSON")
    read.add_argument("--photo", type=Path, metavar="OUT", help="also save the chip photo (JPEG)")
    reads(read)
    read.set_defaults(handler=_read)

    enc = csub.add_parser("encode", help="encode an application's card (write, verify, record)")
    enc.add_argument("application", metavar="APPLICATION", help="application id or retrieval code")
    _reader_arg(enc)
    enc.add_argument(
        "--restart",
        action="store_true",
        help="overwrite a card that was personalised elsewhere or for another application",
    )
    enc.add_argument("--json", action="store_true", help="print JSON")
    writes(enc)
    enc.set_defaults(handler=_encode)

    pin = csub.add_parser("pin", help="verify, change or reset the card PIN")
    psub = pin.add_subparsers(dest="pin_action", metavar="verify|change|reset|tries", required=True)
    for action, help_text in (
        ("verify", "check the PIN (the card counts wrong tries)"),
        ("change", "change the PIN: the current one, then the new one"),
        ("reset", "unblock the PIN: back to the initial PIN, or --new"),
        ("tries", "how many PIN tries are left"),
    ):
        pa = psub.add_parser(action, help=help_text)
        _reader_arg(pa)
        if action == "reset":
            pa.add_argument("--new", action="store_true", help="ask for a new PIN instead of the initial PIN")
            writes(pa)  # recorded in the audit trail; --password-stdin: password first, the PIN after
        else:
            reads(pa)  # the card checks the PIN; nothing recorded, no password
        pa.set_defaults(handler=_pin)

    emu = csub.add_parser("emulate", help="present an emulated card to pcscd's vpcd driver (tests, training)")
    emu.add_argument("--host", default="127.0.0.1", help="vpcd host (default 127.0.0.1)")
    emu.add_argument("--port", type=int, default=35963, help="vpcd port (default 35963: 'Virtual PCD 00 00')")
    emu.add_argument("--tear-after", type=int, metavar="N", help="the card vanishes after N APDUs")
    emu.add_argument(
        "--reinsert-after", type=float, metavar="S", help="after vanishing, come back after S seconds"
    )
    emu.add_argument(
        "--layout", choices=("1.0", "2.0", "3.0"), default="2.0", help="card version (default 2.0)"
    )
    emu.add_argument("--alg", choices=("3des", "sm4"), default="3des", help="card algorithm (default 3des)")
    emu.add_argument(
        "--city-code", help="city code of a new blank card (default: the card_city_code setting)"
    )
    emu.add_argument("--card", type=Path, metavar="STATE", help="JSON file keeping the card between runs")
    emu.add_argument(
        "--wait",
        type=float,
        default=30.0,
        metavar="S",
        help="seconds to wait for the vpcd driver (default 30)",
    )
    reads(emu)
    emu.set_defaults(handler=_emulate)


def _reader_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--reader", help="reader name (or a unique part of it); default: the 'reader' setting")


def _desk(ctx: Context, *, with_db: bool = False) -> CardDesk:
    """A desk; ``with_db``: one that records (cards, audit) in the name of ``ctx.actor``."""
    from station.card.workflow import CardDesk

    return CardDesk(
        settings=ctx.settings,
        data_dir=ctx.data_dir,
        operator=ctx.actor if with_db else "",
        db=ctx.db if with_db else None,
    )


def _readers(ctx: Context) -> int:
    from station.card import pcsc

    allow = ctx.settings.allow_virtual_readers
    everything = pcsc.list_readers(allow_virtual=True)
    if ctx.json:
        print(
            json.dumps(
                [
                    {
                        "name": r.name,
                        "virtual": r.virtual,
                        "ignored": r.virtual and not allow,
                        "card_present": r.card_present,
                        "atr": r.atr.hex().upper() if r.atr else None,
                    }
                    for r in everything
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    if not everything:
        print("no card reader found")
        return 0
    for r in everything:
        card = f"card {r.atr.hex().upper()}" if r.atr else ("card" if r.card_present else "empty")
        note = " (virtual, ignored: allow_virtual_readers is off)" if r.virtual and not allow else ""
        print(f"{r.name}\t{card}{note}")
    return 0


def _read(ctx: Context) -> int:
    desk = _desk(ctx)
    readout = desk.read(ctx.args.reader)
    if ctx.args.photo is not None and readout.photo:
        out: Path = ctx.args.photo
        write_atomic(out, readout.photo)  # OSError: main's one line, exit 2
    if ctx.json:
        print(json.dumps(readout.to_json(), ensure_ascii=False, indent=2))
        return 0
    d = readout.to_json()
    if readout.blank:
        print(
            f"blank card {d['card_identification_code']} (spec {d['spec_version']}) "
            f"in {d['reader'] or 'the reader'}"
        )
        return 0
    valid = "" if d["card_number_valid"] in (None, True) else " (check character does not match)"
    rows = [
        ("card number", f"{d['card_number']}{valid}"),
        ("name", d["name"]),
        ("social security number", _mask(d["social_security_number"])),
        ("sex", d["sex"]),
        ("ethnicity", d["ethnicity"]),
        ("birth date", d["birth_date"] or ""),
        ("birthplace", d["birthplace"]),
        ("issued / expires", f"{d['issue_date'] or '?'} / {d['expiry_date'] or '?'}"),
        ("card id", d["card_identification_code"]),
        ("spec version", d["spec_version"]),
        ("photo", f"{d['photo_bytes']} bytes" if d["photo_bytes"] else "none"),
    ]
    for k, v in rows:
        print(f"{k}: {v}")
    return 0


def _mask(number: str) -> str:
    from station.domain import mask_id

    return mask_id(number) if number else ""


def _application_id(ctx: Context, value: str) -> int:
    if value.isdigit():
        return int(value)
    from station.records.applications import by_retrieval_code

    with ctx.db.session(readonly=True) as session:
        return by_retrieval_code(session, value).id


def _encode(ctx: Context) -> int:
    app_id = _application_id(ctx, ctx.args.application)
    desk = _desk(ctx, with_db=True)
    show = sys.stderr.isatty() and not ctx.json
    last = [""]

    def progress(stage: str, fraction: float) -> None:
        if show and stage != last[0]:
            last[0] = stage
            print(f"  {stage} ({fraction:.0%})", file=sys.stderr)

    result = desk.encode(app_id, reader=ctx.args.reader, progress=progress, restart=ctx.args.restart)
    for w in result.warnings:
        print(f"station: warning: {w}", file=sys.stderr)
    if ctx.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return 0
    how = " (resumed)" if result.resumed else " (restarted)" if result.restarted else ""
    print(
        f"card {result.card.card_number} encoded and verified for application {app_id}{how}: "
        f"{result.apdus} APDUs, {result.seconds:.2f} s"
    )
    return 0


def _pins_after_password(ctx: Context) -> bool:
    """``--password-stdin`` (pin reset only): stdin is the operator's password, then the PINs."""
    return bool(getattr(ctx.args, "password_stdin", False))


def _ask_pin(ctx: Context, prompt: str) -> str:
    if _pins_after_password(ctx):
        lines = lines_after_password(ctx)
        if not lines:
            raise InputError(
                "no PIN on stdin after the operator's password (--password-stdin: the password "
                "first, then one PIN per line)"
            )
        value = lines.pop(0).strip()
    elif sys.stdin.isatty():
        value = getpass.getpass(prompt)
    else:
        line = sys.stdin.readline()
        if not line:
            raise InputError("no PIN on stdin (give one PIN per line)")
        value = line.strip()
    if not value:
        raise InputError("no PIN given")
    return value


def _ask_new_pin(ctx: Context) -> str:
    new = _ask_pin(ctx, "New PIN: ")
    if not _pins_after_password(ctx) and sys.stdin.isatty() and _ask_pin(ctx, "New PIN again: ") != new:
        raise InputError("the two new PINs differ")
    return new


def _pin(ctx: Context) -> int:
    action = ctx.args.pin_action
    reader = ctx.args.reader
    if action == "tries":
        tries = _desk(ctx).pin_tries_left(reader)
        print("PIN verified in this session" if tries < 0 else f"{tries} PIN tries left")
        return 0
    if action == "verify":
        _desk(ctx).verify_pin(_ask_pin(ctx, "PIN: "), reader)
        print("PIN correct")
        return 0
    if action == "change":
        old = _ask_pin(ctx, "Current PIN: ")
        new = _ask_new_pin(ctx)
        _desk(ctx).change_pin(old, new, reader)
        print("PIN changed")
        return 0
    new_pin = _ask_new_pin(ctx) if ctx.args.new else None
    kind = _desk(ctx, with_db=True).reset_pin(new_pin, reader)
    print("PIN reset to the new PIN" if kind == "new" else "PIN reset to the initial PIN (regional rule)")
    return 0


def _emulate(ctx: Context) -> int:
    from station.card.emulator import CardState, SsseCard, VpcdCard, blank_card
    from station.card.emulator.ciphers import ALG_3DES, ALG_SM4

    a = ctx.args
    state_file: Path | None = a.card
    if state_file is not None and state_file.exists():
        try:
            state = CardState.load(state_file)
        except (OSError, ValueError, KeyError) as exc:
            raise InputError(f"cannot read the card state {state_file}: {exc}") from exc
    else:
        city = (a.city_code or ctx.settings.card_city_code or "110000").ljust(6, "0")
        state = blank_card(a.layout, alg=ALG_SM4 if a.alg == "sm4" else ALG_3DES, city_code=city)
        if state_file is not None:
            state.save(state_file)
    card = SsseCard(
        state,
        tear_after=a.tear_after,
        on_change=(lambda st: st.save(state_file)) if state_file is not None else None,
    )
    vpcd = VpcdCard(card, a.host, a.port, reinsert_after=a.reinsert_after, connect_timeout=a.wait)
    try:
        vpcd.start()
    except ConnectionError as exc:
        from station.card.errors import NoReader

        raise NoReader(f"no vpcd reader driver listening on {a.host}:{a.port} (is pcscd running?)") from exc
    print(
        f"emulated {state.layout} card {state.atr.hex().upper()} presented on vpcd {a.host}:{a.port} "
        "(Ctrl+C to remove it)",
        flush=True,
    )
    try:
        while vpcd.serving:
            if not card.present and a.reinsert_after is None:
                break  # torn away for good
            time.sleep(0.1)
    finally:
        vpcd.stop()
    print(f"card removed after {card.apdu_count} APDUs", flush=True)
    return 0
