"""Where forms are kept: ``<data_dir>/forms/``. A form is always saved as a PDF before it is
printed, so a printer that is offline or refuses the job loses nothing - print the file again.

Files are written to a temporary name, flushed and renamed, so a crash never leaves half a PDF;
file names built from user text are sanitised."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

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
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".form-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(pdf)
            fh.flush()
            os.fsync(fh.fileno())
        Path(tmp).replace(target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise FormsError(f"cannot save the form to {target}: {exc.strerror or exc}") from exc
    return target
