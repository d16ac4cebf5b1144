"""Printing the saved form PDFs.

* Command line (no Qt): :mod:`station.printing.cups` drives CUPS through ``lp``/``lpstat``.
* Window: ``ui/printing.py`` renders the same PDFs with QtPdf to the ``QPrinter`` chosen in the
  settings (this is also the path on Windows, where there is no ``lp``).

A form is always saved first (``<data_dir>/forms/``, :func:`station.forms.save_pdf`); a printer
that is offline, disabled or refuses the job raises :class:`PrintError` (exit 3) and the PDF
stays where it is, ready to be printed again.
"""

from station.printing.cups import (
    PrinterState,
    PrintJob,
    default_printer,
    list_printers,
    printer_state,
    submit_pdf,
)
from station.printing.errors import JobRefused, PrintError, PrinterUnavailable

__all__ = [
    "JobRefused",
    "PrintError",
    "PrintJob",
    "PrinterState",
    "PrinterUnavailable",
    "default_printer",
    "list_printers",
    "printer_state",
    "submit_pdf",
]
