"""The ``forms`` branch of the station exception tree:

    StationError
    └── FormsError                 a form could not be produced (exit 2)
        ├── FontNotFoundError      no TrueType CJK font is installed (exit 3: install one)
        ├── MissingGlyphsError     characters no installed font has; lists them, prints nothing
        └── FormDataError          the data cannot go on a form (bad photo bytes, empty list)

Third-party errors (reportlab, Pillow) are translated where they are caught.
"""

from __future__ import annotations

from collections.abc import Iterable

from station.errors import StationError

__all__ = ["FontNotFoundError", "FormDataError", "FormsError", "MissingGlyphsError", "describe_chars"]


class FormsError(StationError):
    """Base of every error raised while producing a form."""


class FontNotFoundError(FormsError):
    """No usable TrueType CJK font was found in the font search list."""

    exit_code = 3


class FormDataError(FormsError):
    """The data given to a form cannot be printed (unreadable photo, nothing to list...)."""


def describe_chars(chars: Iterable[str]) -> str:
    """'𠮷' U+20BB7, '㵘' U+3D58 - sorted, each once."""
    return ", ".join(f"'{c}' U+{ord(c):04X}" for c in sorted(set(chars)))


class MissingGlyphsError(FormsError):
    """Characters that no installed font can draw. The form is refused rather than printed with
    boxes or gaps; ``chars`` lists them (sorted, each once) and ``fields`` says where they were."""

    def __init__(self, chars: Iterable[str], fields: Iterable[str] = (), searched: Iterable[str] = ()):
        self.chars: tuple[str, ...] = tuple(sorted(set(chars)))
        self.fields: tuple[str, ...] = tuple(dict.fromkeys(f for f in fields if f))
        self.searched: tuple[str, ...] = tuple(searched)
        where = f" in {', '.join(self.fields)}" if self.fields else ""
        fonts = f" (fonts tried: {', '.join(self.searched)})" if self.searched else ""
        super().__init__(
            f"no installed font has {len(self.chars)} character(s){where}: {describe_chars(self.chars)}"
            f"{fonts}; install a font that has them (e.g. fonts-hanazono, SimSun-ExtB)"
        )
