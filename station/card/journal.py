"""The write journal: which card is being written for which application, and how far it got.

One small JSON file per card in ``<data dir>/card-journal/``, named by the card identification
code (EF05 tag 01). It is written before the first write to the card and after every write
step, so a card pulled out mid-write is recognised when it comes back: the encode resumes with
the steps not yet done (then verifies everything), or restarts when the application's data
changed meanwhile. It holds no personal data and never a PIN or key: the card number, dates,
a digest of the planned writes and the keys of the steps done.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from station.card.errors import CardError
from station.files import write_atomic

__all__ = ["Journal", "JournalEntry"]

_SAFE = re.compile(r"^[0-9A-F]{8,40}$")


@dataclass
class JournalEntry:
    card_id: str
    atr: str
    application_id: int
    plan_digest: str
    card_number: str
    card_type: str
    issue_date: str  # ISO
    expiry_date: str  # ISO
    set_initial_pin: bool
    operator: str = ""
    started_at: str = ""
    done: list[str] = field(default_factory=list)
    pin_done: bool = False
    verified: bool = False

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> JournalEntry:
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in raw.items() if k in known})


class Journal:
    """The journal folder. ``fsync`` on the first save of an entry and on completion marks."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, card_id: str) -> Path:
        cid = card_id.upper()
        if not _SAFE.match(cid):
            raise CardError(f"card identification code {card_id!r} cannot name a journal file")
        return self.folder / f"{cid}.json"

    def load(self, card_id: str) -> JournalEntry | None:
        path = self._path(card_id)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            return JournalEntry.from_json(raw)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError) as exc:
            # A damaged journal only costs a full rewrite of the card: say so, start again.
            path.unlink(missing_ok=True)
            raise CardError(
                f"the write journal {path.name} was damaged and has been discarded: {exc}"
            ) from exc

    def save(self, entry: JournalEntry, *, durable: bool = False) -> None:
        """Replace the entry's file atomically (``station.files.write_atomic``). ``durable``: with
        fsync of the file and of the folder, before the first write to the card and at
        milestones. Otherwise the same rename without fsync: after every write step, where a
        power cut can at worst lose the last steps, which the resume then simply writes again
        (and verifies everything) - an fsync per step would cost tens of milliseconds each on a
        slow disk. OSError (full disk, permissions) propagates; the last entry stays."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(entry.card_id)
        data = json.dumps(entry.to_json(), ensure_ascii=False, indent=1).encode("utf-8")
        write_atomic(path, data, fsync=durable, mode=0o600)

    def delete(self, card_id: str) -> None:
        self._path(card_id).unlink(missing_ok=True)

    def entries(self) -> list[JournalEntry]:
        out = []
        for p in sorted(self.folder.glob("*.json")):
            try:
                out.append(JournalEntry.from_json(json.loads(p.read_text(encoding="utf-8"))))
            except (OSError, ValueError, TypeError):
                continue
        return out
