"""The autosaved draft of the record being edited: a JSON file in the data folder, written
atomically on every change (debounced by the caller) and removed once the record is saved.
The next start offers it back, so nothing typed is lost to a crash or a power cut."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["DraftStore"]

log = logging.getLogger("station.ui")


class DraftStore:
    def __init__(self, data_dir: Path, name: str = "enroll") -> None:
        self.path = data_dir / "drafts" / f"{name}.json"

    def save(self, values: dict[str, Any]) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".draft-", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(values, fh, ensure_ascii=False, indent=1)
                fh.flush()
                os.fsync(fh.fileno())
            Path(tmp).replace(self.path)
        except OSError as exc:
            log.warning("cannot autosave the draft: %s", exc)

    def load(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("ignoring an unreadable draft %s: %s", self.path, exc)
            return None
        return data if isinstance(data, dict) else None

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)
