"""The PySide6 window. Composes ``station`` and ``capture``; holds no business rule."""
