"""The station's database: SQLite by default, PostgreSQL when stations share records.

``open_database(url, data_dir=...)`` returns a ``Database`` (engine + one sessionmaker) whose
schema has been upgraded with the Alembic migrations in ``migrations/`` (a SQLite file is
backed up first). Models are in ``models``; only ``station/`` uses them."""

from station.db.database import Database, open_database
from station.db.engine import is_sqlite, make_engine, normalize_url

__all__ = ["Database", "is_sqlite", "make_engine", "normalize_url", "open_database"]
