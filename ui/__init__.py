"""The PySide6 window. Composes ``station`` and ``capture``; holds no business rule.

PySide6 is pinned at 6.11.3: 6.12.0 drops a reference to ``None`` on every void method call and
to ``True``/``False`` on every ``Signal.emit`` on CPython 3.11, which aborts a live view within
minutes. tests/ui/test_pyside_refcount.py fails on any PySide6 that does that again."""
