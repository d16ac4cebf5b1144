"""Shared fixtures. Service fixtures (PostgreSQL, pcscd + vpcd, CUPS, Xvfb) live in
tests/fixtures/ and are loaded here; each starts its real server once per session, owns it by
PID and stops it at the end."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Qt widget tests run offscreen unless a test starts its own Xvfb.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
FACES = SHARED / "faces"

pytest_plugins: list[str] = []
for _name in sorted((Path(__file__).parent / "fixtures").glob("[a-z]*.py")):
    pytest_plugins.append(f"tests.fixtures.{_name.stem}")


@pytest.fixture(scope="session")
def faces_dir() -> Path:
    from tests.support.services import skip_or_fail

    if not FACES.is_dir():
        skip_or_fail(f"{FACES} is missing (the shared test portraits)")
    return FACES


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    return d
