"""The card package's branch of the station exception tree::

    StationError                            station/errors.py
    └── CardError                           exit 3: a device or service problem
        ├── ReaderError
        │   ├── NoReader                    no (usable) PC/SC reader, or pcscd is not running
        │   ├── ReaderNotFound              the chosen reader is not connected
        │   └── ReaderBusy                  another program holds the reader exclusively
        ├── NoCard                          the reader is empty
        ├── CardRemoved                     the card left the reader during a command
        ├── CommunicationError              a transmission failed or an answer was malformed
        ├── WrongCard                       not a social security card (no SSSE application)
        │   └── ForeignCard                 an SSSE card that belongs to another person/application
        ├── KeyServiceError
        │   └── KeyServiceNotConfigured     no PSAM / HSM / test key service set up
        ├── CardContentError                the card's data is malformed or does not fit
        ├── VerifyMismatch                  an element read back differs from what was written
        └── CardStatusError (sw)            the card refused a command (status words, card.md §3)
            ├── WrongPin (tries_left)       63Cx after VERIFY / CHANGE PIN       exit 2
            ├── PinBlocked                  6983                                  exit 1
            ├── AuthenticationFailed        63Cx after EXTERNAL AUTHENTICATE
            ├── SecurityStatusNotSatisfied  6982
            ├── FileNotFound                6A82
            ├── RecordNotFound              6A83
            ├── BadMac                      9302
            └── ApplicationLocked           9303

Messages are one line and never contain a PIN, a key or a cryptogram. ``exit_code`` is what the
command line returns (station/cli/main.py): 3 for a device problem, 2 for a wrong PIN (the user
typed it), 1 for a blocked PIN (a refusal, not a device fault).
"""

from __future__ import annotations

from station.errors import StationError

__all__ = [
    "ApplicationLocked",
    "AuthenticationFailed",
    "BadMac",
    "CardContentError",
    "CardError",
    "CardRemoved",
    "CardStatusError",
    "CommunicationError",
    "FileNotFound",
    "ForeignCard",
    "KeyServiceError",
    "KeyServiceNotConfigured",
    "NoCard",
    "NoReader",
    "PinBlocked",
    "ReaderBusy",
    "ReaderError",
    "ReaderNotFound",
    "RecordNotFound",
    "SecurityStatusNotSatisfied",
    "VerifyMismatch",
    "WrongCard",
    "WrongPin",
]


class CardError(StationError):
    """Base of every card, reader and key-service error."""

    exit_code = 3


class ReaderError(CardError):
    """A problem with the PC/SC service or the reader itself."""


class NoReader(ReaderError):
    def __init__(self, message: str = "no card reader found") -> None:
        super().__init__(message)


class ReaderNotFound(ReaderError):
    def __init__(self, reader: str) -> None:
        self.reader = reader
        super().__init__(f"card reader {reader!r} is not connected")


class ReaderBusy(ReaderError):
    def __init__(self, reader: str) -> None:
        self.reader = reader
        super().__init__(f"card reader {reader!r} is in use by another program")


class NoCard(CardError):
    def __init__(self, reader: str = "") -> None:
        self.reader = reader
        super().__init__(f"no card in the reader {reader}".rstrip() if reader else "no card in the reader")


class CardRemoved(CardError):
    def __init__(self, message: str = "the card was removed from the reader") -> None:
        super().__init__(message)


class CommunicationError(CardError):
    """A transmission failed, or the card answered something unusable."""


class WrongCard(CardError):
    def __init__(self, message: str = "not a social security card (no SSSE application)") -> None:
        super().__init__(message)


class ForeignCard(WrongCard):
    """An SSSE card that is already personalised for someone else."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


class KeyServiceError(CardError):
    """The key service (PSAM, HSM or test key) failed."""


class KeyServiceNotConfigured(KeyServiceError):
    def __init__(self, what: str = "key service") -> None:
        super().__init__(
            f"{what} is not configured: this card operation needs a PSAM, an HSM service, "
            "or the test key in training mode (setting key_service)"
        )


class CardContentError(CardError):
    """What is on the card (or what should go on it) is malformed or does not fit."""


class VerifyMismatch(CardError):
    def __init__(self, element: str) -> None:
        self.element = element
        super().__init__(f"the card did not read back correctly: {element}")


class CardStatusError(CardError):
    """The card answered a command with an error status word."""

    def __init__(self, sw: int, message: str | None = None, command: str = "") -> None:
        self.sw = sw
        self.command = command
        where = f"{command}: " if command else ""
        super().__init__(message or f"{where}the card refused the command (status {sw:04X})")


class WrongPin(CardStatusError):
    exit_code = 2

    def __init__(self, tries_left: int, sw: int | None = None) -> None:
        self.tries_left = tries_left
        word = "try" if tries_left == 1 else "tries"
        super().__init__(
            sw if sw is not None else 0x63C0 | tries_left, f"wrong PIN: {tries_left} {word} left"
        )


class PinBlocked(CardStatusError):
    exit_code = 1

    def __init__(self, sw: int = 0x6983) -> None:
        super().__init__(sw, "the PIN is blocked: reset it at the service counter (station card pin reset)")


class AuthenticationFailed(CardStatusError):
    def __init__(self, tries_left: int | None, sw: int) -> None:
        self.tries_left = tries_left
        extra = f" ({tries_left} tries left on the card key)" if tries_left is not None else ""
        super().__init__(sw, f"the card rejected the key service's cryptogram{extra}")


class SecurityStatusNotSatisfied(CardStatusError):
    def __init__(self, sw: int = 0x6982, command: str = "") -> None:
        where = f"{command}: " if command else ""
        super().__init__(sw, f"{where}security status not satisfied (authentication needed)", command)


class FileNotFound(CardStatusError):
    def __init__(self, sw: int = 0x6A82, command: str = "") -> None:
        where = f"{command}: " if command else ""
        super().__init__(sw, f"{where}file not found on the card", command)


class RecordNotFound(CardStatusError):
    def __init__(self, sw: int = 0x6A83, command: str = "") -> None:
        where = f"{command}: " if command else ""
        super().__init__(sw, f"{where}record not found on the card", command)


class BadMac(CardStatusError):
    def __init__(self, sw: int = 0x9302) -> None:
        super().__init__(sw, "the card rejected the key service's MAC")


class ApplicationLocked(CardStatusError):
    def __init__(self, sw: int = 0x9303) -> None:
        super().__init__(sw, "the card application is locked")
