"""Data shipped with the program: photo profiles, translations, the demo portrait, code tables.

A package so that ``importlib.resources`` and PyInstaller find it the same way."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["resource_path"]


def resource_path(*parts: str) -> Path:
    """Path of a shipped resource file, e.g. ``resource_path("profiles", "mohrss.json")``."""
    return Path(str(resources.files(__name__).joinpath(*parts)))
