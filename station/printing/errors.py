"""The ``printing`` branch of the station exception tree:

    StationError
    └── PrintError                 exit 3 (a device or service is missing or refused the job)
        ├── PrinterUnavailable     no such printer, none configured, disabled, offline, or not
        │                          accepting jobs
        └── JobRefused             the print system refused or failed to take the job

Messages are one line and name the printer and the saved PDF, which is always kept so that the
user can print it again once the printer is back.
"""

from __future__ import annotations

from station.errors import StationError

__all__ = ["JobRefused", "PrintError", "PrinterUnavailable"]


class PrintError(StationError):
    """A form could not be printed (the PDF is kept)."""

    exit_code = 3


class PrinterUnavailable(PrintError):
    """The printer does not exist, is not configured, or cannot take a job now."""


class JobRefused(PrintError):
    """The print system refused or failed to take the job."""
