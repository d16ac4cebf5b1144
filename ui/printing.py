"""The window's print path: the saved form PDFs (``station.forms``) rendered page by page with
QtPdf (``QPdfDocument``) onto the ``QPrinter`` chosen in the settings, at that printer's
resolution, plus a print preview. This is also how the station prints on Windows, where the
command line's CUPS path (``station.printing.cups``) does not exist.

Use from the window (the UI owns the buttons; this module owns the printing)::

    job = PrintJob(pdf_path, settings.printer)      # "" = the system default printer
    job.signals.finished.connect(self._on_print_finished)   # (pages: int)
    job.signals.failed.connect(self._on_print_failed)       # (message: str) - one line
    QThreadPool.globalInstance().start(job)         # rendering and spooling run off the GUI thread

    dlg = preview_dialog(pdf_path, settings.printer, self)   # the pages at screen resolution
    preview_events(dlg).finished.connect(...)       # Print closes it and starts a PrintJob
    dlg.exec()

Pages are drawn at their true size from the paper's corner (the forms carry their own margins),
rendered in bands so a 1200 dpi A4 page never needs one 500 MB image. Problems - no such
printer, a CUPS queue that is stopped, offline or rejecting jobs, a PDF that cannot be read, a
printer that refuses to start - raise :class:`station.printing.PrintError` with one line naming
the kept PDF, the same message the command line gives.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QObject, QPoint, QRect, QRunnable, QSize, QSizeF, QThreadPool, Signal
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from station.printing import PrintError, PrinterUnavailable

__all__ = [
    "PreviewDialog",
    "PrintJob",
    "PrintSignals",
    "load_pdf",
    "make_printer",
    "preview_dialog",
    "preview_events",
    "print_pdf",
]

log = logging.getLogger("station.ui")

BAND_BYTES = 64 * 1024 * 1024  # render at most this much image at a time


def make_printer(name: str = "", *, output_file: Path | None = None, file_dpi: int = 300) -> QPrinter:
    """A QPrinter at the named printer's own resolution (``HighResolution``), the system default
    printer when ``name`` is empty, or a PDF file at ``file_dpi`` when ``output_file`` is given
    ("print to file", tests)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    if output_file is not None:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(output_file))
        printer.setResolution(file_dpi)
        return printer
    chosen = name or QPrinterInfo.defaultPrinterName()
    if not chosen:
        raise PrinterUnavailable(
            "no printer is chosen and the system has no default printer (see the settings)"
        )
    if chosen not in QPrinterInfo.availablePrinterNames():
        raise PrinterUnavailable(f"there is no printer named {chosen!r}")
    printer.setPrinterName(chosen)
    if not printer.isValid():
        raise PrinterUnavailable(f"printer {chosen} cannot be used")
    return printer


def load_pdf(path: Path, parent: QObject | None = None) -> QPdfDocument:
    doc = QPdfDocument(parent) if parent is not None else QPdfDocument()
    err = doc.load(str(path))
    if err != QPdfDocument.Error.None_ or doc.pageCount() < 1:
        raise PrintError(f"cannot read the form {path}: {err.name}")
    return doc


def _check_queue(printer: QPrinter, path: Path) -> None:
    """On CUPS systems, refuse a stopped, offline or rejecting queue up front (Qt would queue
    the job silently). Windows reports such problems when the job starts."""
    if sys.platform == "win32" or printer.outputFormat() != QPrinter.OutputFormat.NativeFormat:
        return
    from station.printing import printer_state

    try:
        state = printer_state(printer.printerName())
    except PrinterUnavailable:
        return  # not a queue lpstat knows (e.g. no CUPS client tools): let Qt try
    except PrintError as exc:
        log.info("cannot check printer state: %s", exc)
        return
    problem = state.problem()
    if problem:
        raise PrinterUnavailable(f"{problem}; the form is kept in {path}")


def _layout_for(printer: QPrinter, size_pt: QSizeF) -> None:
    """Paper of the PDF page's size and orientation; the form draws its own margins."""
    w, h = size_pt.width(), size_pt.height()
    landscape = w > h
    page = QPageSize(
        QSizeF(min(w, h), max(w, h)), QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch
    )
    orientation = QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
    printer.setPageLayout(QPageLayout(page, orientation, QPageLayout().margins(), QPageLayout.Unit.Point))
    printer.setFullPage(True)


def _opaque(image: QImage) -> QImage:
    """The band on white paper: QtPdf renders a transparent background, and printers (and PDF
    writers) handle an opaque image better than one with an alpha mask."""
    out = QImage(image.size(), QImage.Format.Format_RGB32)
    out.fill(0xFFFFFFFF)
    p = QPainter(out)
    p.drawImage(0, 0, image)
    p.end()
    return out


def _paint(doc: QPdfDocument, printer: QPrinter, painter: QPainter, *, relayout: bool = True) -> int:
    dpi_x, dpi_y = printer.logicalDpiX(), printer.logicalDpiY()
    for i in range(doc.pageCount()):
        if i:
            if relayout and doc.pagePointSize(i) != doc.pagePointSize(i - 1):
                _layout_for(printer, doc.pagePointSize(i))
            if not printer.newPage():
                raise PrintError(f"the printer refused page {i + 1}")
        pt = doc.pagePointSize(i)
        full = QSize(round(pt.width() / 72 * dpi_x), round(pt.height() / 72 * dpi_y))
        band = max(64, BAND_BYTES // max(1, full.width() * 4))
        for top in range(0, full.height(), band):
            h = min(band, full.height() - top)
            opts = QPdfDocumentRenderOptions()
            opts.setScaledSize(full)
            opts.setScaledClipRect(QRect(0, top, full.width(), h))
            image: QImage = doc.render(i, QSize(full.width(), h), opts)
            if image.isNull():
                raise PrintError(f"page {i + 1} of the form could not be rendered")
            painter.drawImage(QPoint(0, top), _opaque(image))
    return int(doc.pageCount())


def print_pdf(path: Path, printer: QPrinter, *, title: str = "") -> int:
    """Print every page of the PDF at ``path`` on ``printer`` (blocking: call it from a worker,
    see :class:`PrintJob`). Returns the number of pages."""
    doc = load_pdf(path)
    _check_queue(printer, path)
    printer.setDocName(title or path.stem)
    _layout_for(printer, doc.pagePointSize(0))
    painter = QPainter()
    if not painter.begin(printer):
        name = printer.printerName() or printer.outputFileName()
        raise PrintError(f"printer {name} refused the job; the form is kept in {path}")
    try:
        pages = _paint(doc, printer, painter)
    finally:
        painter.end()
    log.info(
        "printed %s (%d pages) on %s", path.name, pages, printer.printerName() or printer.outputFileName()
    )
    return pages


class PreviewDialog(QDialog):
    """The print preview: the saved PDF's pages in a ``QPdfView`` (every page, drawn at screen
    resolution, zoomable), the printer's name, and Print / Cancel.

    Print closes the preview and starts a :class:`PrintJob` for the same printer on the
    ``QThreadPool``: the queue check and the rendering at the printer's resolution run off the
    GUI thread. The outcome comes on ``events`` (:class:`PrintSignals`): ``finished(pages)`` or
    ``failed(message)`` - accepting the dialog only means the job was started."""

    def __init__(
        self,
        path: Path,
        printer_name: str = "",
        parent: QWidget | None = None,
        *,
        output_file: Path | None = None,
        title: str = "",
        pool: QThreadPool | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("print_preview")
        self.path = path
        self.printer_name = printer_name
        self.output_file = output_file
        self.title = title
        self.pool = pool
        self.job: PrintJob | None = None
        # Not a child of the dialog: the job may report after the dialog is gone.
        self.events = PrintSignals()
        self.document = load_pdf(path, self)
        self.setWindowTitle(self.tr("Print preview - %1").replace("%1", path.name))

        self.view = QPdfView(self)
        self.view.setObjectName("preview_pages")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)

        self.printer_label = QLabel(self.tr("Printer: %1").replace("%1", self.target_name), self)
        self.printer_label.setObjectName("preview_printer")
        pages = QLabel(self.tr("Pages: %1").replace("%1", str(self.document.pageCount())), self)
        pages.setObjectName("preview_page_count")

        zoom_out = QPushButton(self.tr("Zoom out"), self)
        zoom_out.setObjectName("preview_zoom_out")
        zoom_out.clicked.connect(lambda: self._zoom(1 / 1.25))
        zoom_in = QPushButton(self.tr("Zoom in"), self)
        zoom_in.setObjectName("preview_zoom_in")
        zoom_in.clicked.connect(lambda: self._zoom(1.25))
        fit = QPushButton(self.tr("Fit width"), self)
        fit.setObjectName("preview_fit_width")
        fit.clicked.connect(lambda: self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth))

        self.print_button = QPushButton(self.tr("Print"), self)
        self.print_button.setObjectName("preview_print")
        self.print_button.setDefault(True)
        self.print_button.clicked.connect(self.start_print)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.setObjectName("preview_cancel")
        self.cancel_button.clicked.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(self.printer_label, 1)
        top.addWidget(pages)
        top.addWidget(zoom_out)
        top.addWidget(zoom_in)
        top.addWidget(fit)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.print_button)
        bottom.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)
        self.resize(820, 960)

    @property
    def target_name(self) -> str:
        """Where the print goes: the printer's name, or the file of a print-to-file printer."""
        if self.output_file is not None:
            return str(self.output_file)
        return self.printer_name or QPrinterInfo.defaultPrinterName() or "?"

    def _zoom(self, factor: float) -> None:
        current = self.view.zoomFactor()
        if self.view.zoomMode() != QPdfView.ZoomMode.Custom:
            # FitToWidth: start from the factor the view is showing now.
            width = self.document.pagePointSize(0).width() / 72 * self.logicalDpiX()
            current = self.view.viewport().width() / width if width > 0 else 1.0
            self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(0.1, min(8.0, current * factor)))

    def start_print(self) -> None:
        """Close the preview and print on a worker (once)."""
        if self.job is not None:
            return
        self.print_button.setEnabled(False)
        job = PrintJob(self.path, self.printer_name, output_file=self.output_file, title=self.title)
        job.signals = self.events
        self.job = job
        log.info("printing %s on %s from the preview", self.path.name, self.target_name)
        (self.pool or QThreadPool.globalInstance()).start(job)
        self.accept()


def preview_dialog(
    path: Path,
    printer: QPrinter | str = "",
    parent: QWidget | None = None,
    *,
    title: str = "",
    pool: QThreadPool | None = None,
) -> PreviewDialog:
    """A print preview of the PDF (:class:`PreviewDialog`) for ``printer`` - a printer name
    ("" = the system default), or a QPrinter from :func:`make_printer`, whose name (or output
    file) is used: the job makes its own QPrinter on the worker thread.

    Print starts a :class:`PrintJob`; the outcome is reported on ``dialog.events``
    (:class:`PrintSignals`): ``finished(pages)`` or ``failed(message)`` - a stopped queue prints
    nothing and says so in one line. Raises :class:`PrintError` if the PDF cannot be read."""
    if isinstance(printer, QPrinter):
        if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and printer.outputFileName():
            return PreviewDialog(
                path, "", parent, output_file=Path(printer.outputFileName()), title=title, pool=pool
            )
        printer = printer.printerName()
    return PreviewDialog(path, printer, parent, title=title, pool=pool)


def preview_events(dialog: PreviewDialog) -> PrintSignals:
    """The outcome signals of a dialog made by :func:`preview_dialog` (``dialog.events``)."""
    events = dialog.events
    assert isinstance(events, PrintSignals)
    return events


class PrintSignals(QObject):
    """Signals of a PrintJob: ``finished(int pages)``, ``failed(str message)``."""

    finished = Signal(int)
    failed = Signal(str)


class PrintJob(QRunnable):
    """Print a saved PDF on a printer by name, off the GUI thread (QThreadPool)."""

    def __init__(
        self, path: Path, printer_name: str = "", *, output_file: Path | None = None, title: str = ""
    ):
        super().__init__()
        self.path = path
        self.printer_name = printer_name
        self.output_file = output_file
        self.title = title
        self.signals = PrintSignals()

    def run(self) -> None:
        try:
            printer = make_printer(self.printer_name, output_file=self.output_file)
            pages = print_pdf(self.path, printer, title=self.title)
        except PrintError as exc:
            msg = str(exc)
            if str(self.path) not in msg:
                msg += f"; the form is kept in {self.path}"
            self.signals.failed.emit(msg)
        except Exception as exc:  # one line to the window, the details to the log
            log.exception("printing %s failed", self.path)
            self.signals.failed.emit(f"printing failed: {exc}; the form is kept in {self.path}")
        else:
            self.signals.finished.emit(pages)
