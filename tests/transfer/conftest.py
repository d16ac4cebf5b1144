"""Every transfer test that touches records gets ``db``: once SQLite, once PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from station.db import Database, open_database


@pytest.fixture
def db(any_db_url: str, tmp_path: Path) -> Iterator[Database]:
    database = open_database(any_db_url, data_dir=tmp_path)
    yield database
    database.close()
