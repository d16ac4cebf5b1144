"""Replacing the station's own files atomically: settings, the enrollment draft, the card write
journal, the emulator's card file, a card photo read out.

    write_atomic(path, data)                 # bytes
    write_text_atomic(path, text)            # UTF-8 text
    write_atomic(path, data, fsync=False)    # a cheap step that may be lost, never torn
    write_atomic(path, data, mode=0o600)     # created readable by its owner only

The data goes to a new temporary file in the target's folder (same file system, so the rename is
atomic), is flushed and, unless ``fsync=False``, fsynced; the temporary file is then renamed over
the target and the folder fsynced so the rename itself survives a power cut. A reader sees the
old file or the new one, never half of either. On any failure the temporary file is removed, the
old file is left as it was, and the ``OSError`` propagates: each caller maps it to its own error
type (``ConfigError``, a log line, the command line's one-line message).

A whole folder is made atomic the same way by staging it under a hidden name, ``fsync_tree``,
then renaming it (``station.transfer.export``: the rename waits for the database, and never
replaces an existing batch, so it stays there); ``fsync_dir`` makes a rename durable.

The temporary file is created with ``mode`` (less the umask), so a private file is never
readable by others, not even for a moment. Photos written by ``station photo make`` go through
``capture.imageio.write_atomic`` instead: it adds the guard against writing over the input photo,
and ``capture`` cannot import ``station``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

__all__ = ["fsync_dir", "fsync_tree", "write_atomic", "write_text_atomic"]

# Binary on Windows (no newline translation); 0 elsewhere.
_O_BINARY: int = getattr(os, "O_BINARY", 0)


def write_atomic(path: str | os.PathLike[str], data: bytes, *, fsync: bool = True, mode: int = 0o666) -> None:
    """Replace ``path`` with ``data`` atomically (see the module docstring).

    ``fsync=False`` skips both fsyncs: a power cut may then lose the new content, but a crash of
    the program never leaves a torn file. ``mode``: the new file's permission bits, as for
    ``os.open`` (the umask applies); ``0o600`` for files with personal data or passwords."""
    target = Path(path)
    folder = target.parent
    fd, tmp = _create_temp(folder, target.name, mode)
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            if fsync:
                os.fsync(fd)
        finally:
            os.close(fd)
        # Path.replace (os.replace underneath): atomic, and over an existing file on Windows too.
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if fsync:
        fsync_dir(folder)


def write_text_atomic(
    path: str | os.PathLike[str],
    text: str,
    *,
    encoding: str = "utf-8",
    fsync: bool = True,
    mode: int = 0o666,
) -> None:
    """``write_atomic`` of ``text`` encoded (no newline translation on any system)."""
    write_atomic(path, text.encode(encoding), fsync=fsync, mode=mode)


def fsync_dir(folder: str | os.PathLike[str]) -> None:
    """Make the renames and new names in ``folder`` durable (POSIX). Does nothing where folders
    cannot be opened (Windows) or the file system refuses."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def fsync_tree(root: str | os.PathLike[str]) -> None:
    """Flush every file under ``root``, then every folder including ``root``, to disk: a folder
    staged under a temporary name (the batch export) before it is renamed into place."""
    top = Path(root)
    for p in sorted(top.rglob("*")):
        if p.is_file():
            with p.open("rb") as f:
                os.fsync(f.fileno())
    for d in [top, *sorted(p for p in top.rglob("*") if p.is_dir())]:
        fsync_dir(d)


def _create_temp(folder: Path, name: str, mode: int) -> tuple[int, Path]:
    """A new hidden file next to the target, created (O_EXCL) with ``mode``: ``(fd, path)``."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_BINARY
    for _ in range(100):
        tmp = folder / f".{name[:50]}.{secrets.token_hex(4)}.tmp"
        try:
            return os.open(tmp, flags, mode), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name for {name} in {folder}")
