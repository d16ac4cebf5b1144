"""The records branch of the exception tree:

    StationError (station.errors)
    └── RecordsError                 a refused records action (exit 1)
        ├── NotFound                 no such unit / applicant / application / photo (exit 2)
        ├── Duplicate                an active application or card exists (exit 1)
        ├── Conflict                 the change collides with a saved record (exit 1)
        ├── InvalidTransition        the status machine does not allow the move (exit 1)
        ├── AuthError                wrong user or password, locked account, missing role (exit 1)
        ├── AuditChainError          the audit chain does not verify (exit 1)
        └── StorageError             the database could not be written or reached (exit 3)

Messages are one line and never carry a PIN or an unmasked ID number of someone else.
"""

from __future__ import annotations

from station.errors import StationError

__all__ = [
    "AuditChainError",
    "AuthError",
    "Conflict",
    "Duplicate",
    "InvalidTransition",
    "NotFound",
    "RecordsError",
    "StorageError",
]


class RecordsError(StationError):
    exit_code = 1


class NotFound(RecordsError):
    exit_code = 2


class Duplicate(RecordsError):
    exit_code = 1


class Conflict(RecordsError):
    exit_code = 1


class InvalidTransition(RecordsError):
    exit_code = 1


class AuthError(RecordsError):
    exit_code = 1


class AuditChainError(RecordsError):
    exit_code = 1


class StorageError(RecordsError):
    exit_code = 3
