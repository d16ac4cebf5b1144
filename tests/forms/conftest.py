"""Helpers for the form tests: text, fonts and images of a PDF, read with poppler-utils (the
Debian package the test set-up installs) and pdfplumber."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.support.services import need_executable


@pytest.fixture(scope="session")
def poppler() -> None:
    for tool in ("pdftotext", "pdffonts", "pdftoppm"):
        need_executable(tool, "poppler-utils")


def pdf_text(pdf: bytes, tmp_path: Path, *, raw: bool = True) -> str:
    """The text of a PDF in drawing order (``pdftotext -raw``)."""
    path = tmp_path / "text.pdf"
    path.write_bytes(pdf)
    args = ["pdftotext", "-enc", "UTF-8", *(["-raw"] if raw else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def flat(text: str) -> str:
    """Text with line breaks removed, so a value wrapped over two lines of a cell reads whole."""
    return text.replace("\n", "")


def pdf_fonts(pdf: bytes, tmp_path: Path) -> list[tuple[str, str]]:
    """(font name, emb yes/no) for every font of the PDF, from ``pdffonts``."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    return [(r.split()[0], r.split()[-5]) for r in rows if r.strip()]
