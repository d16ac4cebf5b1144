"""The autosaved draft of the record being edited, for crash recovery: a JSON file in
``<data dir>/drafts/``, written atomically on every change (debounced by the caller) and durably
(fsynced) when the window closes. The next start offers it back, so nothing typed is lost to a
crash of the program (a power cut right after typing may lose the draft: ``DraftStore.save``).

It holds the applicant's data (name, ID number, ...) in plain text: it must be recoverable after
a crash without anyone typing a secret, and a key kept next to it would protect nothing. So it
is kept as small and short-lived as a desktop program can:

- readable by its owner only: the file is created 0600 and the folder 0700 (never chmod-ed
  afterwards); a ``drafts/`` folder left wider by an earlier version is tightened to 0700 when
  the store is built (POSIX);
- tied to the operator who wrote it (``operator``): the file records the operator and its name
  carries a digest of the operator's name, never the applicant's name or ID number; another
  operator is not offered it (and does not overwrite it);
- older than ``DRAFT_MAX_AGE``: deleted unread when the store is built at start, never offered;
- deleted when the record is saved or its changes discarded (``clear``). The window has no
  log-out (another operator restarts the station), so the draft of an operator who leaves
  unsaved work stays for them until it expires;
- a draft that cannot be parsed (damaged) is deleted at start; one that cannot be read just then
  (a lock held by an antivirus scan, an I/O error) is left alone: ``load`` raises
  ``DraftUnreadable`` for it, and until a ``load`` has read it ``save`` and ``clear`` do not touch
  it (the autosave of another form must not overwrite the crash-recovery draft; the caller
  retries ``load`` and offers it once it reads);
- log lines name the file and the error kind, never a value from the form.

Without ``operator`` (a caller that does not know who is logged in) the draft is tied to nobody:
``<name>.json``, offered to whoever starts the window next. A store WITH an operator deletes that
untied file unread when it is built (the shared ``enroll.json`` of versions before the window
knew the operator): there is no telling whose it is, and it is at most a day-old unsaved form.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import stat
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from station.files import write_text_atomic

__all__ = ["DRAFT_MAX_AGE", "DraftStore", "DraftUnreadable"]

log = logging.getLogger("station.ui")

# A draft exists to get back the work a crash or power cut interrupted, which the clerk resumes
# the same working day (the applicant is usually still at the counter). A day later the person
# has left, or come back and been entered anew: the plaintext personal data would only linger on
# the disk, and an old form offered to the next shift invites saving stale data. So a draft older
# than this is deleted at start, unread and never offered.
DRAFT_MAX_AGE = timedelta(hours=24)

_FORMAT = 1
# A temporary file this old is a write that a crash or power cut interrupted (a write in progress
# takes milliseconds): it holds personal data, so it goes at start too.
_STALE_TEMP_S = 60.0


class DraftUnreadable(Exception):
    """The current operator's draft is there but cannot be read just now (a lock held by an
    antivirus scan, an I/O error): it may well be good, so ``save`` and ``clear`` leave it alone
    until a later ``load`` reads it. The message is the file's name only."""


class DraftStore:
    """The drafts of one form (``name``) in ``data_dir/drafts``. ``operator``: the operator's
    user name, or a function returning the one logged in now (evaluated at each call). No
    signals (plain Python)."""

    def __init__(
        self,
        data_dir: Path,
        name: str = "enroll",
        *,
        operator: str | Callable[[], str] | None = None,
        max_age: timedelta = DRAFT_MAX_AGE,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.folder = data_dir / "drafts"
        self.name = name
        self._operator = operator
        self.max_age = max_age
        self._clock = clock
        # Drafts seen but not read yet (an OSError other than "not found"): not overwritten or
        # deleted until ``load`` reads them. ``_held``: those whose skipped autosave was logged.
        self._unread: set[Path] = set()
        self._held: set[Path] = set()
        self._tighten_folder()
        self.purge_expired()
        if operator is not None:
            self.purge_untied()

    # -- whose draft -------------------------------------------------------------------------
    def operator(self) -> str | None:
        """The operator the draft belongs to now (None: not tied to anyone)."""
        op = self._operator
        return op() if callable(op) else op

    @property
    def path(self) -> Path:
        """The current operator's draft file."""
        return self._path_for(self.operator())

    def _path_for(self, operator: str | None) -> Path:
        if operator is None:
            return self.folder / f"{self.name}.json"
        digest = hashlib.sha256(operator.encode("utf-8")).hexdigest()[:16]
        return self.folder / f"{self.name}-{digest}.json"

    # -- the draft ---------------------------------------------------------------------------
    def save(self, values: dict[str, Any], *, durable: bool = False) -> None:
        """Write the draft (owner-only, atomically). A failure is logged, never raised: the form
        is still on screen.

        ``durable``: fsync the file and the folder (when the window closes). The autosave (every
        0.5 s pause in typing, on the GUI thread) does not: a crash of the program, the case
        drafts are for, loses nothing without fsync (the written data is in the OS's cache and
        reaches the disk by itself within seconds, and the rename is atomic); a power cut within
        those seconds may lose the last edits, or on some file systems leave the draft empty
        (then found damaged and deleted at start). Two fsyncs per pause would stall the typing
        on a slow or busy disk, and moving the write to a thread would need ordering and a flush
        at close - more machinery than what a power cut at that very moment costs.

        Not written while the operator's draft is there unread (see ``DraftUnreadable``): it would
        overwrite the draft that ``load`` could not read yet."""
        operator = self.operator()
        path = self._path_for(operator)
        if path in self._unread:
            if path not in self._held:
                self._held.add(path)
                log.warning("the draft %s is not read yet: not autosaved over it", path.name)
            return
        text = json.dumps(
            {"format": _FORMAT, "operator": operator, "saved_at": self._clock(), "values": values},
            ensure_ascii=False,
            indent=1,
        )
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            write_text_atomic(path, text, mode=0o600, fsync=durable)
        except OSError as exc:
            log.warning("cannot autosave the draft %s: %s", path.name, exc.strerror or type(exc).__name__)

    def load(self) -> dict[str, Any] | None:
        """The current operator's draft, or None: none, damaged, someone else's, or expired (then
        it is deleted). Raises ``DraftUnreadable`` when it is there but cannot be read just now;
        ``save`` and ``clear`` then leave it alone until a later ``load`` reads it."""
        operator = self.operator()
        path = self._path_for(operator)
        try:
            draft = _parse(path)
        except FileNotFoundError:
            draft = None
        except OSError as exc:
            # The error kind only, and a warning once (the caller retries every few seconds).
            level = logging.DEBUG if path in self._unread else logging.WARNING
            self._unread.add(path)
            log.log(level, "cannot read the draft %s now, left as it is (%s)", path.name, type(exc).__name__)
            raise DraftUnreadable(path.name) from None
        except ValueError as exc:
            # The error kind only: a decode error's message can quote the file's text.
            log.warning("ignoring a damaged draft %s (%s)", path.name, type(exc).__name__)
            draft = None
        self._unread.discard(path)
        self._held.discard(path)
        if draft is None:
            return None
        if self._expired(path, draft):
            self._delete(path, "expired")
            return None
        if draft.get("format") != _FORMAT:  # written before drafts had an operator
            return draft if operator is None else None
        if draft.get("operator") != operator:
            return None
        values = draft.get("values")
        return values if isinstance(values, dict) else None

    def clear(self) -> None:
        """The record was saved or the changes discarded: the current operator's draft goes
        (unless it is there unread, see ``DraftUnreadable``: then it is not the form's draft)."""
        path = self.path
        if path in self._unread:
            log.info("the draft %s is not read yet: left as it is", path.name)
            return
        self._delete(path)

    def purge_expired(self) -> int:
        """Delete every draft older than ``max_age`` (whoever wrote it) and the temporary files
        of interrupted writes. Returns how many drafts went. Done at start, before anything is
        offered."""
        try:
            candidates = sorted(self.folder.iterdir())
        except OSError:  # no drafts folder yet
            return 0
        gone = 0
        now = self._clock()
        for p in candidates:
            if p.name.startswith(".") and p.name.endswith(".tmp"):
                written = _mtime(p)
                if written is not None and now - written > _STALE_TEMP_S:
                    self._delete(p, "interrupted write")
            elif p.suffix == ".json" and p.is_file():
                try:
                    draft = _parse(p)
                except FileNotFoundError:
                    continue  # deleted meanwhile
                except OSError as exc:
                    # Not readable just now (locked by an antivirus scan, an I/O error): the draft
                    # may well be good, so it stays, not overwritten until ``load`` reads it.
                    self._unread.add(p)
                    log.warning(
                        "cannot read the draft %s now, left as it is (%s)", p.name, type(exc).__name__
                    )
                except ValueError as exc:
                    # Damaged (writes are atomic, so not by a crash): never offered, nothing to keep.
                    log.warning("the draft %s is damaged (%s)", p.name, type(exc).__name__)
                    gone += self._delete(p, "damaged")
                else:
                    if self._expired(p, draft):
                        gone += self._delete(p, "expired")
        return gone

    def purge_untied(self) -> bool:
        """Delete, unread, the draft tied to no operator (``<name>.json``: written by a store
        without ``operator``, e.g. the shared draft of earlier versions). Done at start by a store
        tied to operators: that draft could be anyone's, so it is offered to nobody."""
        path = self._path_for(None)
        return path.exists() and self._delete(path, "not tied to an operator")

    # -- helpers -----------------------------------------------------------------------------
    def _tighten_folder(self) -> None:
        """Owner-only the folder an earlier version may have left wider (it made ``drafts/``
        with the default mode). POSIX only: on Windows the bits are not access control."""
        if os.name != "posix":
            return
        try:
            mode = stat.S_IMODE(self.folder.stat().st_mode)
            if mode & 0o077:
                self.folder.chmod(0o700)
                log.info("drafts folder made owner-only (was %o)", mode)
        except FileNotFoundError:
            return  # made 0700 by the first save
        except OSError as exc:
            log.warning("cannot make the drafts folder owner-only: %s", exc.strerror or type(exc).__name__)

    def _expired(self, path: Path, draft: dict[str, Any]) -> bool:
        saved = draft.get("saved_at")
        if not isinstance(saved, int | float) or isinstance(saved, bool):
            saved = _mtime(path)  # a draft from before the format recorded its time
        if saved is None:
            return True
        return self._clock() - float(saved) > self.max_age.total_seconds()

    def _delete(self, path: Path, why: str = "") -> bool:
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("cannot delete the draft %s: %s", path.name, exc.strerror or type(exc).__name__)
            return False
        if why:
            log.info("deleted the draft %s (%s)", path.name, why)
        return True


def _parse(path: Path) -> dict[str, Any]:
    """The draft in ``path``. Raises OSError when it cannot be read (FileNotFoundError: none),
    ValueError when what is read is no draft (not UTF-8, not JSON, not an object)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    return data


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None
