"""The PySide6 window. Composes ``station`` and ``capture``; holds no business rule.

Importing this package works around a reference-counting bug of the pinned PySide6 (6.12.0) on
CPython 3.11, see :func:`_guard_none_refcount`."""

from __future__ import annotations

import sys

__all__: list[str] = []


def _guard_none_refcount() -> bool:
    """PySide6 6.12.0 on CPython 3.11 drops one reference to ``None`` on EVERY call of a method
    that returns void (``QPainter.fillRect``, ``QObject.setObjectName``, …; measured with
    ``sys.getrefcount(None)``: -1 per call), and one reference to ``True``/``False`` on every
    ``Signal.emit``. These singletons start with a few thousand references, so a live view
    (~100 such calls per frame at 30 fps) frees one of them within minutes and the interpreter
    aborts ("none_dealloc: deallocating None", "bool_dealloc: deallocating True or False").
    Python 3.12 made them immortal; on 3.11 we give each 2**40 extra references once (a counter,
    no memory): at 10,000 leaked references a second that lasts three years. Applied only when
    the leak is observed, on a release build of CPython < 3.12. Returns whether it was applied."""
    if (
        sys.implementation.name != "cpython"
        or sys.version_info >= (3, 12)
        or hasattr(sys, "gettotalrefcount")
    ):
        return False
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(16):
        probe.setObjectName("probe")
    leaked = before - sys.getrefcount(None)
    del probe
    if leaked < 16:
        return False
    import ctypes

    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += 1 << 40
    return True


NONE_REFCOUNT_GUARDED = _guard_none_refcount()
