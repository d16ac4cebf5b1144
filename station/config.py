"""Where the station keeps its data, and its typed, versioned settings.

The data folder is, in order: ``--data-dir``, ``$STATION_DATA_DIR``, then the platform's user
data folder (platformdirs: ``~/.local/share/sscard-station`` on Linux,
``%LOCALAPPDATA%\\sscard-station`` on Windows). Settings live in ``settings.json`` there;
unknown keys are kept, missing keys take their defaults, and ``version`` drives migrations.
Every known key is checked against its field's type when loaded (``bool``, ``int``, ``float``,
``str``): a hand-edited value that converts without loss (``"10"`` for an integer, ``10`` for a
decimal, ``"true"`` for a switch) is converted, anything else is a ``ConfigError`` naming the key
and the type it needs.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import platformdirs

from station.errors import ConfigError
from station.files import write_text_atomic

__all__ = ["SETTINGS_VERSION", "Settings", "database_url", "resolve_data_dir"]

APP_NAME = "sscard-station"
SETTINGS_VERSION = 1


def _setting(default: Any, description: str) -> Any:
    return field(default=default, metadata={"description": description})


@dataclass
class Settings:
    version: int = _setting(SETTINGS_VERSION, "settings format version (migrations)")
    station_code: str = _setting("000001", "6-digit station code used in receipt numbers and codes")
    station_name: str = _setting("", "studio or branch name printed on receipts and forms")
    profile: str = _setting("mohrss", "photo profile id (resources/profiles or the user folder)")
    camera: str = _setting("demo", "'demo', a device index such as '0', or a folder to watch")
    camera_resolution: str = _setting("1280x720", "requested camera resolution, WIDTHxHEIGHT")
    mirror_preview: bool = _setting(True, "show the live view mirrored, like a mirror")
    auto_capture_frames: int = _setting(10, "consecutive all-green frames before auto-capture")
    auto_capture_countdown_s: float = _setting(1.5, "countdown before the automatic shutter")
    language: str = _setting("zh_CN", "interface language: zh_CN or en")
    printer: str = _setting("", "printer name; empty = the system default printer")
    reader: str = _setting("", "PC/SC reader name; empty = the first non-virtual reader")
    allow_virtual_readers: bool = _setting(False, "use vpcd virtual readers (test/training only)")
    db_url: str = _setting("", "SQLAlchemy URL of a shared PostgreSQL; empty = local SQLite")
    initial_pin_rule: str = _setting("fixed:123456", "'fixed:NNNNNN' or 'id-last6' (regional)")
    card_city_code: str = _setting("110", "3-digit city code in the card identification code")
    card_number_prefix: str = _setting("A", "letter of the card numbers this station allocates")
    card_validity_years: int = _setting(10, "years from issue to the card's expiry date")
    key_service: str = _setting(
        "", "'test' (training only), 'psam' or 'hsm'; empty = test key only with virtual readers"
    )
    keep_originals_days: int = _setting(0, "days to keep original camera images; 0 = never")
    extra: dict[str, Any] = field(default_factory=dict, metadata={"description": "unknown keys"})

    @classmethod
    def load(cls, data_dir: Path) -> Settings:
        path = data_dir / "settings.json"
        if not path.exists():
            return cls()
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot read settings {path}: {exc}") from exc
        if not isinstance(raw, dict):
            raise ConfigError(f"settings {path} is not a JSON object")
        raw = _migrate(raw)
        types = _field_types()
        values = {k: _convert(k, v, types[k], path) for k, v in raw.items() if k in types}
        s = cls(**values)
        s.extra = {k: v for k, v in raw.items() if k not in types}
        return s

    def save(self, data_dir: Path) -> None:
        data = asdict(self)
        data.update(data.pop("extra"))
        text = json.dumps(data, ensure_ascii=False, indent=2)
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
            # Owner only: the database URL may carry a password.
            write_text_atomic(data_dir / "settings.json", text, mode=0o600)
        except OSError as exc:
            raise ConfigError(f"cannot save settings in {data_dir}: {exc.strerror or exc}") from exc


_TYPE_NAMES = {bool: "true or false", int: "an integer", float: "a number", str: "a text"}
_SCALARS = {"bool": bool, "int": int, "float": float, "str": str}


def _field_types() -> dict[str, type]:
    """Each known setting's type (the annotations are strings under ``from __future__``)."""
    out: dict[str, type] = {}
    for f in fields(Settings):
        if f.name == "extra":
            continue
        kind = _SCALARS.get(f.type) if isinstance(f.type, str) else f.type
        if kind not in _TYPE_NAMES:
            raise TypeError(f"setting {f.name} has a type settings files cannot hold: {f.type!r}")
        out[f.name] = kind  # type: ignore[assignment]
    return out


def _convert(key: str, value: Any, kind: type, path: Path) -> Any:
    """``value`` as ``kind``, converted when that loses nothing; else a one-line ConfigError."""
    converted = _converted(value, kind)
    if converted is None:
        shown = json.dumps(value, ensure_ascii=False)
        if len(shown) > 40:
            shown = shown[:37] + "..."
        raise ConfigError(f"setting {key!r} in {path} must be {_TYPE_NAMES[kind]}, not {shown}")
    return converted


def _converted(value: Any, kind: type) -> Any:
    if kind is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        return None
    if isinstance(value, bool):  # JSON true/false is no number or text
        return None
    if kind is int:
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                return None
        return None
    if kind is float:
        if isinstance(value, (int, float)):
            return float(value)
        if isinstance(value, str):
            try:
                number = float(value.strip())
            except ValueError:
                return None
            return number if math.isfinite(number) else None
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int):  # a hand-typed number where text goes ("camera": 0)
        return str(value)
    return None


def _migrate(raw: dict[str, Any]) -> dict[str, Any]:
    version = raw.get("version", 1)
    if not isinstance(version, int) or version > SETTINGS_VERSION:
        raise ConfigError(f"settings version {version!r} is newer than this program understands")
    raw["version"] = SETTINGS_VERSION
    return raw


def resolve_data_dir(cli_value: str | None = None) -> Path:
    """The data folder (``--data-dir``, ``$STATION_DATA_DIR``, else the user's data folder).

    It holds the database, photos, forms and drafts: personal data. A folder made here is
    owner-only (0700 on POSIX), and the default folder is tightened to that when an earlier
    version left it wider; a folder the user names is left as they set it up (it may be shared
    on purpose, e.g. with a backup account)."""
    value = cli_value or os.environ.get("STATION_DATA_DIR")
    path = Path(value) if value else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not value and os.name == "posix" and path.stat().st_mode & 0o077:
            path.chmod(0o700)
    except OSError as exc:
        raise ConfigError(f"cannot use data folder {path}: {exc.strerror or exc}") from exc
    return path


def database_url(data_dir: Path, settings: Settings, cli_value: str | None = None) -> str:
    """``--db``, then ``$STATION_DB``, then the setting, then SQLite in the data folder."""
    url = cli_value or os.environ.get("STATION_DB") or settings.db_url
    return url or f"sqlite:///{(data_dir / 'station.db').as_posix()}"
