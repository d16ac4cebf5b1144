"""Records services: each takes a SQLAlchemy session (one per user action, from
``Database.session()``) and returns plain frozen dataclasses from ``station.records.types``.
No ORM row leaves ``station/``."""
