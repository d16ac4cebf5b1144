"""Reading and writing the row files of imports and exports: CSV and XLSX (openpyxl).

Reading: the first non-empty row is the header; cells come back as ``str`` (stripped), ``int``,
``float``, ``datetime``/``date`` or ``None``. CSV files may be UTF-8 (with or without BOM) or
GB 18030 (what Excel writes on a Chinese Windows), separated by commas, tabs or semicolons.

Writing: CSV in UTF-8 with a BOM (Excel opens it right and GBK cannot hold every name) and XLSX
with every cell written as text, so that ID numbers never turn into floating-point numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from station.errors import InputError

__all__ = ["Table", "read_table", "write_csv", "write_xlsx"]

Cell = Any  # str | int | float | date | datetime | None


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[Cell, ...]], ...]  # (row number in the file, 1-based; cells)
    sheet: str = ""


def read_table(path: Path) -> Table:
    """Read a CSV or XLSX file; ``InputError`` (one line) when it cannot be read."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(path)
    if suffix == ".xls":
        raise InputError(f"{path.name}: old Excel .xls files are not supported; save it as .xlsx or .csv")
    raise InputError(f"{path.name}: expected a .csv or .xlsx file")


def _decode(raw: bytes, name: str) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{name}: not UTF-8 or GB 18030 text")


def _read_csv(path: Path) -> Table:
    text = _decode(path.read_bytes(), path.name)
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows: list[tuple[int, tuple[Cell, ...]]] = []
    headers: tuple[str, ...] | None = None
    try:
        for lineno, raw in enumerate(reader, start=1):
            cells = tuple(c.strip() for c in raw)
            if not any(cells):
                continue
            if headers is None:
                headers = cells
                continue
            rows.append((reader.line_num if reader.line_num else lineno, cells))
    except csv.Error as exc:
        raise InputError(f"{path.name}: unreadable CSV ({exc})") from exc
    if headers is None:
        raise InputError(f"{path.name}: the file is empty")
    return Table(headers, tuple(rows))


def _read_xlsx(path: Path) -> Table:
    try:
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, ValueError ... on a bad file
        raise InputError(f"{path.name}: not a readable .xlsx file ({type(exc).__name__})") from exc
    try:
        ws = wb.worksheets[0]
        headers: tuple[str, ...] | None = None
        rows: list[tuple[int, tuple[Cell, ...]]] = []
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = tuple(v.strip() if isinstance(v, str) else v for v in values)
            if all(c is None or c == "" for c in cells):
                continue
            if headers is None:
                headers = tuple("" if c is None else str(c).strip() for c in cells)
                continue
            rows.append((number, cells))
        if headers is None:
            raise InputError(f"{path.name}: the first sheet is empty")
        return Table(headers, tuple(rows), ws.title)
    finally:
        wb.close()


def write_csv(path: Path, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(headers)
        w.writerows(rows)


def write_xlsx(
    path: Path, headers: Sequence[str], rows: Sequence[Sequence[str]], *, sheet: str = "data"
) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_sheet_title(sheet))

    def text_row(values: Sequence[str]) -> Iterator[Any]:
        for v in values:
            c = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", v))
            c.data_type = "s"  # text, never a formula or a number: keeps 18-digit numbers exact
            c.number_format = "@"
            yield c

    ws.append(list(text_row(headers)))
    for r in rows:
        ws.append(list(text_row(r)))
    wb.save(path)


def _sheet_title(name: str) -> str:
    bad = set("[]:*?/\\")
    title = "".join("_" if c in bad else c for c in name).strip("'")[:31]
    return title or "data"
