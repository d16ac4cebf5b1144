"""Moving records in and out of the station: imports of reference data and rejection lists,
the batch export to the card centre, and the file naming rules both use.

Modules: ``importing`` (CSV/XLSX -> ReferenceRecord / Rejection, one transaction per file),
``export`` (photos + data files + manifest, atomic), ``reference`` (lookups for the six-item
comparison), ``naming`` (sanitised file names), ``tables`` (CSV/XLSX reading and writing).

Errors: ``station.errors.InputError`` for unusable files and selections (exit 2);
``export.ExportRefused`` (a ``RecordsError``, exit 1) when records lack photos.
"""

from __future__ import annotations

from station.transfer.export import (
    EXPORT_COLUMNS,
    MANIFEST_NAME,
    ExportedFile,
    ExportRefused,
    ExportResult,
    NotReady,
    export_batch,
    verify_manifest,
)
from station.transfer.importing import (
    ImportReport,
    RowIssue,
    import_file,
    import_reference,
    import_rejections,
)
from station.transfer.naming import photo_file_name, safe_join, sanitize_file_name, unique_name
from station.transfer.reference import comparison_for_application, find_reference

__all__ = [
    "EXPORT_COLUMNS",
    "MANIFEST_NAME",
    "ExportRefused",
    "ExportResult",
    "ExportedFile",
    "ImportReport",
    "NotReady",
    "RowIssue",
    "comparison_for_application",
    "export_batch",
    "find_reference",
    "import_file",
    "import_reference",
    "import_rejections",
    "photo_file_name",
    "safe_join",
    "sanitize_file_name",
    "unique_name",
    "verify_manifest",
]
