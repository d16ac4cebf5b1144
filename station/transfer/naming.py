"""File names built from user text (names, unit names, numbers) are sanitised here, always
(enrollment.md §6: never write a file whose name comes from user text without sanitising it).

``sanitize_file_name`` makes one safe path *component*: no separators (``/``, ``\\``), no
``..`` escape, no control characters, no characters Windows refuses (``<>:"|?*``), no
trailing dots or blanks, no reserved device names (CON, NUL, COM1 ...), at most 200 UTF-8
bytes with the extension kept. Rare characters (𠮷) are kept exactly: they are legal on every
file system the station writes to.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from pathlib import Path
from typing import Any

from capture.profiles import Profile, format_file_name

__all__ = ["MAX_NAME_BYTES", "photo_file_name", "safe_join", "sanitize_file_name", "unique_name"]

MAX_NAME_BYTES = 200
_WINDOWS_BAD = set('<>:"/\\|?*')
_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9]|CONIN\$|CONOUT\$)(\..*)?$", re.IGNORECASE)


def _clean_char(ch: str, replacement: str) -> str:
    if ch in _WINDOWS_BAD or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") or ch in "\u2028\u2029":
        return replacement
    return ch


def sanitize_file_name(text: str, *, replacement: str = "_", max_bytes: int = MAX_NAME_BYTES) -> str:
    """One safe file name from arbitrary text: ``"../../etc/passwd"`` -> ``"_.._etc_passwd"``."""
    s = unicodedata.normalize("NFC", text)
    s = "".join(_clean_char(c, replacement) for c in s)
    s = " ".join(s.split(" "))  # keep inner single blanks; other white space became "_" above
    s = s.strip(" .")
    # A leading run of dots would make a hidden file or "..": replace them.
    if not s or set(s) <= {".", replacement}:
        s = replacement
    if _RESERVED.match(s):
        s = replacement + s
    return _truncate(s, max_bytes)


def _truncate(name: str, max_bytes: int) -> str:
    if len(name.encode("utf-8")) <= max_bytes:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > 10:
        stem, ext = name, ""
    suffix = ("." + ext) if ext else ""
    room = max_bytes - len(suffix.encode("utf-8"))
    out = ""
    for ch in stem:  # whole characters only, never half of a UTF-8 sequence
        if len((out + ch).encode("utf-8")) > room:
            break
        out += ch
    return out.rstrip(" .") + suffix


def unique_name(name: str, taken: Collection[str]) -> str:
    """``name`` or ``name-2``, ``name-3`` ... so that no two files share a name, compared without
    case (Windows and macOS file systems ignore it)."""
    folded = {t.casefold() for t in taken}
    if name.casefold() not in folded:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    n = 2
    while True:
        candidate = f"{stem}-{n}" + (f".{ext}" if ext else "")
        if candidate.casefold() not in folded:
            return candidate
        n += 1


def safe_join(root: Path, name: str) -> Path:
    """``root / sanitize_file_name(name)``, checked to stay inside ``root``."""
    path = root / sanitize_file_name(name)
    if path.resolve().parent != root.resolve():
        raise ValueError(f"file name {name!r} leaves its folder")
    return path


def photo_file_name(profile: Profile, **values: Any) -> str:
    """The photo's file name by the profile's naming rule (``{id_number}.jpg``,
    ``{name}{retrieval_code}.jpg``, ``P-{retrieval_code}.jpg``), with every text value sanitised
    before it goes in and the result sanitised again. Raises ``capture.errors.ProfileError`` when
    the rule needs a value that is missing or the result breaks the profile's regex (an ID-number
    rule for someone with a passport number)."""
    clean = {k: sanitize_file_name(v, max_bytes=120) if isinstance(v, str) else v for k, v in values.items()}
    return sanitize_file_name(format_file_name(profile, **clean))
