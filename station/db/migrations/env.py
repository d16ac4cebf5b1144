"""Alembic environment: always run from station.db.migrate with a connection in a transaction."""

from __future__ import annotations

from alembic import context

from station.db.models import Base


def _run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations with `station db upgrade` (station.db.migrate.upgrade)")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


# Importing this module outside Alembic (e.g. a test that imports every module) does nothing.
if hasattr(context, "config"):
    _run()
