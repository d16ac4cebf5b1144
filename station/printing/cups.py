"""Printing from the command line without Qt: CUPS through its client programs ``lp`` and
``lpstat`` (Debian ``cups-client``), run as subprocesses in the C locale so their output parses
the same everywhere. ``$CUPS_SERVER`` (and ``~/.cups/client.conf``) choose the server, as for any
CUPS client.

Before a job is submitted the printer's state is checked: a printer that does not exist, is
disabled (stopped), reports itself offline, or does not accept jobs is refused with one clear
line (:class:`PrinterUnavailable`) instead of a job silently waiting in a queue.

Windows has no ``lp``: there the window prints through Qt (``ui/printing.py`` renders the PDF
pages with QtPdf to a ``QPrinter``), and the command line refuses with a message saying so.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from station.printing.errors import JobRefused, PrintError, PrinterUnavailable

__all__ = [
    "PrintJob",
    "PrinterState",
    "default_printer",
    "list_printers",
    "printer_state",
    "submit_pdf",
]

log = logging.getLogger("station.printing")

TIMEOUT_S = 20.0


@dataclass(frozen=True)
class PrinterState:
    name: str
    enabled: bool  # False: stopped / disabled (cupsdisable)
    accepting: bool  # False: rejecting jobs (cupsreject)
    state: str  # idle, printing, disabled
    reason: str = ""  # the printer's message or state reasons, one line
    offline: bool = False  # the device reported itself offline
    is_default: bool = False

    @property
    def ready(self) -> bool:
        return self.enabled and self.accepting and not self.offline

    def problem(self) -> str:
        """Why a job cannot go to this printer now ('' when it can)."""
        why = []
        if not self.enabled:
            why.append("is stopped (disabled)")
        if self.offline:
            why.append("is offline")
        if not self.accepting:
            why.append("is not accepting jobs")
        if not why:
            return ""
        return f"printer {self.name} " + " and ".join(why) + (f": {self.reason}" if self.reason else "")


@dataclass(frozen=True)
class PrintJob:
    job_id: str  # e.g. "Station-PDF-12"
    printer: str
    path: Path


def _tool(name: str) -> str:
    if sys.platform == "win32":  # pragma: no cover - Windows only
        raise PrintError(
            "command-line printing needs CUPS (lp), which Windows does not have; "
            "print from the window (it renders the PDF through Qt) or open the saved PDF"
        )
    found = shutil.which(name) or shutil.which(name, path="/usr/bin:/usr/sbin:/usr/local/bin")
    if not found:
        raise PrintError(f"the CUPS client program {name} is missing: install the package cups-client")
    return found


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, LC_ALL="C", LANG="C", LANGUAGE="C")
    try:
        return subprocess.run(
            [_tool(args[0]), *args[1:]],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise PrintError(f"the print system did not answer within {TIMEOUT_S:.0f} s ({args[0]})") from exc
    except OSError as exc:
        raise PrintError(f"cannot run {args[0]}: {exc.strerror or exc}") from exc


def _first_line(text: str) -> str:
    for raw in text.splitlines():
        line = raw.strip()
        if line:
            return re.sub(r"^(lp|lpstat): ", "", line)
    return ""


def _no_server(err: str) -> bool:
    low = err.lower()
    return "scheduler is not running" in low or "unable to connect" in low or "no such file" in low


def default_printer() -> str | None:
    """The system's default destination, or None."""
    out = _run(["lpstat", "-d"])
    m = re.search(r"system default destination:\s*(\S+)", out.stdout)
    return m.group(1) if m else None


_PRINTER_LINE = re.compile(r"^printer (\S+) (?:is (\w+)|(disabled)|now printing \S+)\.?")


def list_printers() -> list[PrinterState]:
    """Every queue the CUPS server knows, with its state (empty when there are none)."""
    out = _run(["lpstat", "-l", "-p"])
    if out.returncode != 0 and _no_server(out.stderr):
        raise PrinterUnavailable(f"the CUPS print service is not running: {_first_line(out.stderr)}")
    accepting = _accepting()
    default = default_printer() if out.stdout.strip() else None
    printers: list[PrinterState] = []
    cur: dict[str, object] | None = None
    for line in out.stdout.splitlines():
        m = _PRINTER_LINE.match(line)
        if m:
            if cur:
                printers.append(_state(cur, accepting, default))
            state = m.group(2) or ("disabled" if m.group(3) else "printing")
            cur = {"name": m.group(1), "state": state, "reason": [], "alerts": ""}
            continue
        if cur is None:
            continue
        text = line.strip()
        if text.startswith("Alerts:"):
            cur["alerts"] = text.removeprefix("Alerts:").strip()
        elif line.startswith("\t") and text and ":" not in text.split(" ")[0]:
            reasons = cur["reason"]
            assert isinstance(reasons, list)
            reasons.append(text)
    if cur:
        printers.append(_state(cur, accepting, default))
    return printers


def _accepting() -> dict[str, bool]:
    out = _run(["lpstat", "-a"])
    result: dict[str, bool] = {}
    for line in out.stdout.splitlines():
        m = re.match(r"^(\S+) (not )?accepting requests", line)
        if m:
            result[m.group(1)] = m.group(2) is None
    return result


def _state(cur: dict[str, object], accepting: dict[str, bool], default: str | None) -> PrinterState:
    name = str(cur["name"])
    alerts = str(cur["alerts"])
    reasons = cur["reason"]
    assert isinstance(reasons, list)
    state = str(cur["state"])
    reason = "; ".join(r for r in reasons if r not in ("Description:", "Location:"))
    offline = "offline" in alerts
    if offline and "offline" not in reason:
        reason = "; ".join(x for x in (reason, alerts) if x)
    return PrinterState(
        name=name,
        enabled=state != "disabled",
        accepting=accepting.get(name, True),
        state=state,
        reason=reason,
        offline=offline,
        is_default=name == default,
    )


def printer_state(name: str) -> PrinterState:
    """The state of one queue; PrinterUnavailable when it does not exist."""
    for p in list_printers():
        if p.name == name:
            return p
    raise PrinterUnavailable(f"there is no printer named {name!r} (see `lpstat -p`)")


def submit_pdf(path: Path, printer: str | None = None, *, title: str = "", copies: int = 1) -> PrintJob:
    """Send a PDF to a CUPS queue (the default one when ``printer`` is empty) after checking that
    the queue can take it now. Raises PrintError subclasses with one line; ``path`` is untouched."""
    if not path.is_file():
        raise PrintError(f"the form {path} does not exist")
    name = printer or default_printer()
    if not name:
        raise PrinterUnavailable(
            "no printer is chosen and the system has no default printer (use --printer NAME or the "
            f"settings); the form is kept in {path}"
        )
    try:
        state = printer_state(name)
    except PrinterUnavailable as exc:
        raise PrinterUnavailable(f"{exc}; the form is kept in {path}") from exc
    problem = state.problem()
    if problem:
        raise PrinterUnavailable(f"{problem}; the form is kept in {path}")
    args = ["lp", "-d", name, "-n", str(max(1, copies))]
    if title:
        args += ["-t", title]
    args += ["--", str(path)]
    out = _run(args)
    if out.returncode != 0:
        raise JobRefused(
            f"printer {name} refused the job: {_first_line(out.stderr) or 'unknown error'}; "
            f"the form is kept in {path}"
        )
    m = re.search(r"request id is (\S+)", out.stdout)
    job = PrintJob(job_id=m.group(1) if m else "", printer=name, path=path)
    log.info("printed %s on %s as %s", path.name, name, job.job_id)
    return job
