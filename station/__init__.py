"""The application core: records, validation, forms, card encoding, import/export, settings and
the ``station`` command line. Never imports Qt (tests/test_architecture.py checks it)."""

__version__ = "0.1.0"
