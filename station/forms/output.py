"""Where forms are kept: ``<data_dir>/forms/``. A form is always saved as a PDF before it is
printed, so a printer that is offline or refuses the job loses nothing - print the file again.

Files are written with ``station.files.write_atomic`` (temporary file in the same folder, fsync,
rename, folder fsync), so a crash never leaves half a PDF, and readable by their owner only (a
form holds the applicant's name and ID number); file names built from user text are
sanitised."""

from __future__ import annotations

import re
from pathlib import Path

from station.files import write_atomic
from station.forms.errors import FormsError

__all__ = ["forms_dir", "safe_name", "save_pdf"]

_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*\s]+')


def safe_name(text: str, limit: int = 80) -> str:
    """A file-name part from user text: no separators, control or reserved characters, no
    leading dots, never empty; Windows reserved names get a suffix."""
    name = _UNSAFE.sub("_", text).strip("._ ")[:limit] or "form"
    if name.split(".")[0].upper() in {
        "CON",
        "PRN",
        "AUX",
        "NUL",
        *(f"COM{i}" for i in range(1, 10)),
        *(f"LPT{i}" for i in range(1, 10)),
    }:
        name += "_"
    return name


def forms_dir(data_dir: Path) -> Path:
    return data_dir / "forms"


def save_pdf(pdf: bytes, target: Path) -> Path:
    """Write ``pdf`` to ``target`` atomically (temporary file, fsync, rename)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, pdf, mode=0o600)
    except OSError as exc:
        raise FormsError(f"cannot save the form to {target}: {exc.strerror or exc}") from exc
    return target
