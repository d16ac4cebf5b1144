"""The root of ``station``'s exception tree. Each subpackage derives its own branch from it and
draws that branch in its own module docstring:

    StationError                      exit 2 unless a subclass says otherwise
    ├── InputError                    bad input from the user or a file (one line, exit 2)
    ├── ConfigError                   a setting is missing or invalid
    ├── records.RecordsError ...      station/records/errors.py
    ├── forms.FormsError ...          station/forms/errors.py
    ├── printing.PrintError ...       station/printing/errors.py
    └── card.CardError ...            station/card/errors.py

The command line turns any of them into one line on stderr and ``exit_code``
(station/cli/main.py); the window turns them into one dialog. Never put a PIN in a message.
"""

from __future__ import annotations

__all__ = ["ConfigError", "InputError", "StationError"]


class StationError(Exception):
    """Base of every error raised by ``station``."""

    exit_code: int = 2


class InputError(StationError):
    """Bad input: a wrong field, an unreadable file, a usage mistake."""


class ConfigError(StationError):
    """A setting is missing or invalid."""
