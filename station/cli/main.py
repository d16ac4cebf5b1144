"""The ``station`` command line: global options, the command groups, and the one place where
errors become a one-line message and an exit code.

Exit codes: 0 success / compliant; 1 judged but not compliant (or a refused business action that
is not bad input, e.g. a duplicate); 2 unusable input or a usage error; 3 a device or service is
missing (reader, card, printer, key service); 130 interrupted. A wrong operator name or password
exits 2, a missing role 1 (station.cli.auth, which also lists the commands that need a login).

Without a command, ``station`` opens the window. The window lives in ``ui/``, which this package
must not import (it never imports Qt), so it is looked up by name at that moment only.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence

from capture.errors import CaptureError, ImageInputError, ProfileError
from station import __version__
from station.cli.auth import WRITE, access_of, establish_operator, stdin_conflict
from station.cli.context import Context
from station.errors import InputError, StationError

__all__ = ["build_parser", "main"]

log = logging.getLogger("station.cli")

# One module per command group; each has ``register(subparsers)``, which adds its parsers and
# sets ``handler=callable(ctx) -> int`` and their ``access`` (station.cli.auth) on them.
COMMAND_MODULES = (
    "photo",
    "enroll",
    "units",
    "imports",
    "export",
    "users",
    "audit",
    "db",
    "printing",
    "card",
)

Handler = Callable[[Context], int]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # One line and exit 2, like every other bad input.
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="station", description="社会保障卡照片采集与制卡工作站")
    parser.add_argument("--version", action="version", version=f"station {__version__}")
    parser.add_argument("--data-dir", help="data folder (default: $STATION_DATA_DIR or the user data folder)")
    parser.add_argument("--db", help="database URL, e.g. postgresql+psycopg://user@host/db")
    parser.add_argument(
        "--operator",
        help="operator account (default: $STATION_OPERATOR, else the login name); commands that write "
        "ask its password once operator accounts exist",
    )
    parser.add_argument("--camera", help="window only: 'demo', a device index, or a folder to watch")
    parser.add_argument("--lang", choices=("zh_CN", "en"), help="window only: interface language")
    parser.add_argument("-v", "--verbose", action="store_true", help="log to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"station.cli.{name}")
        module.register(sub)
    return parser


def _run_window(args: argparse.Namespace) -> int:
    app = importlib.import_module("ui.app")
    result: int = app.run(args)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    handler: Handler | None = getattr(args, "handler", None)
    try:
        if args.command is None:
            return _run_window(args)
        if handler is None:
            parser.parse_args([*(argv or sys.argv[1:]), "--help"])
            return 2
        conflict = stdin_conflict(args)
        if conflict is not None:  # before the login: no line of the input is tried as a password
            raise InputError(conflict)
        ctx = Context.from_args(args)
        try:
            if access_of(args) == WRITE:
                establish_operator(ctx)  # before the handler: a refused login writes nothing
            return handler(ctx)
        finally:
            ctx.close()
    except KeyboardInterrupt:
        print("station: interrupted", file=sys.stderr)
        return 130
    except (ImageInputError, ProfileError) as exc:
        print(f"station: {exc}", file=sys.stderr)
        return 2
    except StationError as exc:
        print(f"station: {exc}", file=sys.stderr)
        return exc.exit_code
    except CaptureError as exc:
        print(f"station: {exc}", file=sys.stderr)
        return 3
    except OSError as exc:
        # Full disk, permissions, a vanished folder: one line, never a traceback.
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"station: {exc.strerror or exc}{where}", file=sys.stderr)
        return 2
