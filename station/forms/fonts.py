"""TrueType CJK fonts for the forms: found through a search list, embedded as subsets, with a
per-character fallback.

* The first font of :data:`FONT_CHAIN` that is installed is the main font; every other one that
  is installed is a fallback. A character the main font lacks is drawn, **one character at a
  time**, in the first fallback that has it (text is split into runs by font). A character no
  font has is never drawn as a box or left out: the form is refused with
  :class:`~station.forms.errors.MissingGlyphsError`, which lists the characters.
* Only TrueType outlines (``glyf``) work: reportlab cannot embed CFF/OTF (Noto CJK), and its
  built-in ``STSong-Light`` is not embedded at all, so neither is ever used.
* Where fonts are looked for (:func:`font_dirs`): ``$STATION_FONT_DIRS`` (``os.pathsep``
  separated), then the platform's font folders - on Windows ``%WINDIR%\\Fonts`` and the user's
  ``%LOCALAPPDATA%\\Microsoft\\Windows\\Fonts`` (SimSun ``simsun.ttc``, SimSun-ExtB
  ``simsunb.ttf``); on Linux the XDG/fontconfig folders (Debian fonts-wqy-zenhei,
  fonts-arphic-uming, fonts-hanazono); on macOS the Library folders.
* Loaded fonts are cached for the life of the process, so only the first form pays for reading
  them (about 0.1 s for the main font; a fallback is read only when a character needs it).

reportlab writes a ToUnicode map with four hex digits per character, which breaks text
extraction (search, copy, our tests) for characters outside the BMP such as 𠮷 (U+20BB7);
:class:`_CJKFont` rewrites those maps with UTF-16 surrogate pairs.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import SUBSETN, TTFError, TTFont

from station.forms.errors import FontNotFoundError, MissingGlyphsError

__all__ = [
    "FONT_CHAIN",
    "FontFace",
    "FontSet",
    "FontSpec",
    "default_fontset",
    "find_fonts",
    "font_dirs",
]

log = logging.getLogger("station.forms")


@dataclass(frozen=True)
class FontSpec:
    """A font to look for: any of ``files`` (file names, case-insensitive) and, for a ``.ttc``
    collection, which face in it."""

    key: str
    label: str
    files: tuple[str, ...]
    subfont: int = 0


#: In order of preference. The first installed one is the main font, the others fall back.
#: The fallbacks are ordered by how much they cover, so a rare character usually costs reading
#: one extra font: HanaMinA has all of the BMP's CJK Extension A (㵘, 䶮) and some of plane 2
#: (𠮷); HanaMinB and SimSun-ExtB cover plane 2; UMing comes last.
FONT_CHAIN: tuple[FontSpec, ...] = (
    FontSpec("wqy-zenhei", "WenQuanYi Zen Hei", ("wqy-zenhei.ttc",), 0),
    FontSpec("simsun", "SimSun", ("simsun.ttc",), 0),
    FontSpec("hanamin-a", "HanaMinA", ("HanaMinA.ttf",), 0),
    FontSpec("simsun-extb", "SimSun-ExtB", ("simsunb.ttf", "SimSun-ExtB.ttf"), 0),
    FontSpec("hanamin-b", "HanaMinB", ("HanaMinB.ttf",), 0),
    FontSpec("simsun-extg", "SimSun-ExtG", ("SimsunExtG.ttf",), 0),
    FontSpec("uming", "AR PL UMing CN", ("uming.ttc",), 0),
)


def font_dirs() -> list[Path]:
    """The folders searched for fonts, most specific first."""
    dirs: list[Path] = []
    env = os.environ.get("STATION_FONT_DIRS", "")
    dirs += [Path(p) for p in env.split(os.pathsep) if p]
    dirs.append(Path(__file__).resolve().parents[2] / "resources" / "fonts")  # a bundled font, if any
    home = Path.home()
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        windir = os.environ.get("WINDIR") or os.environ.get("SYSTEMROOT") or r"C:\Windows"
        dirs.append(Path(windir) / "Fonts")
        local = os.environ.get("LOCALAPPDATA")
        if local:
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    elif sys.platform == "darwin":  # pragma: no cover - exercised on macOS only
        dirs += [home / "Library" / "Fonts", Path("/Library/Fonts"), Path("/System/Library/Fonts")]
    else:
        xdg = os.environ.get("XDG_DATA_HOME")
        if xdg:
            dirs.append(Path(xdg) / "fonts")
        dirs += [home / ".local" / "share" / "fonts", home / ".fonts"]
        dirs += [Path("/usr/local/share/fonts"), Path("/usr/share/fonts")]
    return dirs


@lru_cache(maxsize=8)
def _index(dirs: tuple[Path, ...]) -> dict[str, Path]:
    """Lower-case file name -> path, for the .ttf/.ttc files under ``dirs`` (first one wins)."""
    found: dict[str, Path] = {}
    for top in dirs:
        if not top.is_dir():
            continue
        for root, subdirs, files in os.walk(top):
            if root.count(os.sep) - str(top).count(os.sep) >= 4:
                subdirs[:] = []
            for name in files:
                if name.lower().endswith((".ttf", ".ttc")):
                    found.setdefault(name.lower(), Path(root) / name)
    return found


@dataclass(frozen=True)
class FontFace:
    """An installed font file (and face index in a collection)."""

    label: str
    path: Path
    subfont: int = 0


def find_fonts(chain: Sequence[FontSpec] = FONT_CHAIN, dirs: Iterable[Path] | None = None) -> list[FontFace]:
    """The installed fonts of ``chain``, in its order."""
    index = _index(tuple(font_dirs() if dirs is None else dirs))
    faces = []
    for spec in chain:
        for name in spec.files:
            path = index.get(name.lower())
            if path is not None:
                faces.append(FontFace(spec.label, path, spec.subfont))
                break
    return faces


def _to_unicode_cmap(fontname: str, subset: Sequence[int]) -> str:
    def utf16(code: int) -> str:
        return chr(code).encode("utf-16-be", "surrogatepass").hex().upper()

    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        f"/CIDSystemInfo << /Registry ({fontname}) /Ordering ({fontname}) /Supplement 0 >> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{utf16(v)}>" for i, v in enumerate(subset)),
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(lines)


class _CJKFont(TTFont):  # type: ignore[misc]
    """reportlab's TTFont with ToUnicode maps that are right outside the BMP too."""

    def addObjects(self, doc: Any) -> None:
        state = self.state.get(doc)
        subsets = [list(s) for s in state.subsets] if state is not None else []
        super().addObjects(doc)  # this drops the document's state
        for n, subset in enumerate(subsets):
            if any(code > 0xFFFF for code in subset):
                base = b"".join((SUBSETN(n), b"+", self.face.name, self.face.subfontNameX)).decode("pdfdoc")
                stream = doc.idToObject.get("toUnicodeCMap:" + base)
                if stream is not None:
                    stream.content = _to_unicode_cmap(base, subset)


_load_lock = threading.Lock()
_loaded: dict[tuple[str, int], _CJKFont] = {}


def _load(face: FontFace) -> _CJKFont:
    """Read and register a font once per process."""
    key = (str(face.path), face.subfont)
    with _load_lock:
        font = _loaded.get(key)
        if font is None:
            name = f"SSC-{face.path.stem}-{face.subfont}".replace(" ", "")
            try:
                font = _CJKFont(name, str(face.path), subfontIndex=face.subfont)
            except (TTFError, OSError, ValueError) as exc:
                raise FontNotFoundError(f"cannot use font {face.path}: {exc}") from exc
            pdfmetrics.registerFont(font)
            _loaded[key] = font
            log.info("loaded font %s (%s)", face.label, face.path)
        return font


class FontSet:
    """A main font and its fallbacks; picks a font for each character.

    Fallback fonts are read only when a character first needs them. Thread-safe."""

    def __init__(self, faces: Sequence[FontFace]):
        if not faces:
            raise FontNotFoundError(
                "no TrueType CJK font found; install fonts-wqy-zenhei (Linux) or SimSun (Windows), "
                "or name a folder in STATION_FONT_DIRS"
            )
        self.faces = tuple(faces)
        self._main = _load(self.faces[0])
        self._fonts: list[_CJKFont | None] = [self._main] + [None] * (len(self.faces) - 1)
        self._choice: dict[str, str | None] = {}
        self._lock = threading.Lock()

    @property
    def main(self) -> str:
        """The registered name of the main font."""
        name: str = self._main.fontName
        return name

    def font_for(self, ch: str) -> str | None:
        """The registered font name that draws ``ch``, or None when no font has it."""
        try:
            return self._choice[ch]
        except KeyError:
            pass
        with self._lock:
            code = ord(ch)
            chosen: str | None = None
            if ch in " \u00a0" or code in self._main.face.charToGlyph:
                chosen = self._main.fontName
            else:
                for i, face in enumerate(self.faces[1:], start=1):
                    font = self._fonts[i]
                    if font is None:
                        try:
                            font = self._fonts[i] = _load(face)
                        except FontNotFoundError as exc:
                            log.warning("%s", exc)
                            continue
                    if code in font.face.charToGlyph:
                        chosen = font.fontName
                        break
            self._choice[ch] = chosen
            return chosen

    def missing(self, text: str) -> list[str]:
        """The characters of ``text`` that no font has (in order, each once)."""
        return [ch for ch in dict.fromkeys(text) if self.font_for(ch) is None]

    def runs(self, text: str) -> list[tuple[str, str]]:
        """``text`` split into (font name, run) pieces; characters no font has are left out
        (callers check :meth:`missing` first and refuse the form)."""
        out: list[tuple[str, str]] = []
        for ch in text:
            font = self.font_for(ch)
            if font is None:
                continue
            if out and out[-1][0] == font:
                out[-1] = (font, out[-1][1] + ch)
            else:
                out.append((font, ch))
        return out

    def width(self, text: str, size: float) -> float:
        """Advance width in points of ``text`` at ``size``."""
        return float(sum(pdfmetrics.stringWidth(run, font, size) for font, run in self.runs(text)))

    def check(self, text: str, field: str = "") -> None:
        """Raise MissingGlyphsError when ``text`` has a character no font draws."""
        missing = self.missing(text)
        if missing:
            raise MissingGlyphsError(missing, [field], [f.label for f in self.faces])


_default_lock = threading.Lock()
_default: dict[tuple[Path, ...], FontSet] = {}


def default_fontset() -> FontSet:
    """The font set of this machine's installed fonts (cached per search list)."""
    dirs = tuple(font_dirs())
    with _default_lock:
        fs = _default.get(dirs)
        if fs is None:
            fs = _default[dirs] = FontSet(find_fonts(FONT_CHAIN, dirs))
        return fs
