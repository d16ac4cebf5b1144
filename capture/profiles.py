"""Photo profiles (spec photo.md §3) are data files: ``resources/profiles/*.json`` ship with the
program and a user folder holds more (another city), so no code changes are needed to add one.

A profile file is a JSON object validated against ``resources/profiles/schema.json`` (the one
description of the format; this module interprets the subset of JSON Schema it uses). A user
profile with the id of a built-in one replaces it. The caller passes the user folder in
(``station`` uses ``<data dir>/profiles``); ``capture`` does not know where the data lives.

Owner: the photo-pipeline work. The dataclass is the contract the checks and the crop use."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from capture.errors import ProfileError

__all__ = [
    "DEFAULT_PROFILE",
    "Profile",
    "Range",
    "format_file_name",
    "kb_window_bytes",
    "list_profiles",
    "load_profile",
    "load_profile_file",
    "validate_profile_data",
]

DEFAULT_PROFILE = "mohrss"  # spec photo.md §3: the national profile is the default


@dataclass(frozen=True)
class Range:
    """A closed interval; either end may be open (None)."""

    lo: float | None = None
    hi: float | None = None

    def contains(self, v: float) -> bool:
        return (self.lo is None or v >= self.lo) and (self.hi is None or v <= self.hi)

    def __str__(self) -> str:
        if self.lo is not None and self.hi is not None:
            return f"{self.lo:g}-{self.hi:g}"
        if self.lo is not None:
            return f">= {self.lo:g}"
        if self.hi is not None:
            return f"<= {self.hi:g}"
        return "any"


@dataclass(frozen=True)
class Profile:
    id: str
    title: str  # one line, Chinese then English
    width: int  # 358 (photo.md §1)
    height: int  # 441
    dpi: int  # 350
    face_width: Range  # px in the output
    head_top: Range  # px from the top edge to the top of the hair
    eye_center_x: Range  # px from the left edge
    eye_line: Range  # px from the eye line to the bottom edge
    kb: Range  # file size window in KB (1 KB = 1024 bytes)
    file_name: str  # naming rule, e.g. "{id_number}.jpg" or "P-{retrieval_code}.jpg"
    quality_start: int = 70  # JPEG quality the encoder starts from (photo.md §1)
    source: str = ""  # the seed section the numbers come from
    file_name_regex: str = ""  # optional: a file name must match this (e.g. 18-digit ID number)
    batch_file_name: str = ""  # optional naming rule for batch shoots (Beijing)
    notes: str = ""


def kb_window_bytes(profile: Profile) -> tuple[int | None, int | None]:
    """The file-size window in bytes.

    The seed documents say "KB" without saying 1000 or 1024. A file inside
    ``[lo * 1024, hi * 1000]`` is inside the window under both readings, so the encoder aims there
    and the ``file_size`` check judges by it."""
    lo = None if profile.kb.lo is None else int(profile.kb.lo * 1024)
    hi = None if profile.kb.hi is None else int(profile.kb.hi * 1000)
    return lo, hi


def format_file_name(profile: Profile, **values: Any) -> str:
    """The file name the profile's naming rule gives, e.g. ``format_file_name(p, id_number=...)``.

    Raises ProfileError when the rule needs a value that was not given, or when the result does
    not match the profile's ``file_name_regex``."""
    try:
        name = profile.file_name.format(**values)
    except (KeyError, IndexError, ValueError) as exc:
        raise ProfileError(f"profile {profile.id}: naming rule {profile.file_name!r} needs {exc}") from exc
    if profile.file_name_regex and not re.fullmatch(profile.file_name_regex, name):
        raise ProfileError(
            f"profile {profile.id}: file name {name!r} does not match {profile.file_name_regex}"
        )
    return name


# --- loading --------------------------------------------------------------------------------


def _builtin_dir() -> Path:
    from resources import resource_path

    return resource_path("profiles")


def _schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((_builtin_dir() / "schema.json").read_text(encoding="utf-8"))
    return data


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "null": (type(None),),
    "boolean": (bool,),
    "array": (list,),
}


def _check(value: Any, schema: dict[str, Any], root: dict[str, Any], where: str) -> list[str]:
    """Errors of ``value`` against the JSON Schema subset used by schema.json."""
    if "$ref" in schema:
        ref = schema["$ref"]
        node: Any = root
        for part in ref.lstrip("#/").split("/"):
            node = node[part]
        schema = {**node, **{k: v for k, v in schema.items() if k != "$ref"}}
    errors: list[str] = []
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        ok = any(
            isinstance(value, _JSON_TYPES[t]) and not (isinstance(value, bool) and t in ("integer", "number"))
            for t in types
        )
        if not ok:
            return [f"{where}: expected {' or '.join(types)}, got {json.dumps(value, ensure_ascii=False)}"]
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                errors.append(f"{where}: missing {key!r}")
        props: dict[str, Any] = schema.get("properties", {})
        for key, sub in value.items():
            if key in props:
                errors += _check(sub, props[key], root, f"{where}.{key}" if where else key)
            elif schema.get("additionalProperties", True) is False:
                errors.append(f"{where or 'profile'}: unknown field {key!r}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{where}: {value} is below {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{where}: {value} is above {schema['maximum']}")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            errors.append(f"{where}: must not be empty")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{where}: {value!r} does not match {schema['pattern']}")
    return errors


def _range(d: dict[str, Any]) -> Range:
    return Range(d.get("min"), d.get("max"))


def validate_profile_data(data: Any, origin: str = "profile") -> Profile:
    """Check a decoded profile file against the schema and build the Profile.

    Raises ProfileError with one line naming the file and every problem found."""
    schema = _schema()
    errors = _check(data, schema, schema, "")
    if not errors:
        for key in ("face_width", "head_top", "eye_center_x", "eye_line", "kb"):
            lo, hi = data[key].get("min"), data[key].get("max")
            if lo is not None and hi is not None and lo > hi:
                errors.append(f"{key}: min {lo} is above max {hi}")
        if data.get("file_name_regex"):
            try:
                re.compile(data["file_name_regex"])
            except re.error as exc:
                errors.append(f"file_name_regex: {exc}")
    if errors:
        raise ProfileError(f"invalid profile {origin}: " + "; ".join(errors))
    return Profile(
        id=data["id"],
        title=data["title"],
        width=data["width"],
        height=data["height"],
        dpi=data["dpi"],
        face_width=_range(data["face_width"]),
        head_top=_range(data["head_top"]),
        eye_center_x=_range(data["eye_center_x"]),
        eye_line=_range(data["eye_line"]),
        kb=_range(data["kb"]),
        file_name=data["file_name"],
        quality_start=data.get("quality_start", 70),
        source=data.get("source", ""),
        file_name_regex=data.get("file_name_regex", ""),
        batch_file_name=data.get("batch_file_name", ""),
        notes=data.get("notes", ""),
    )


def load_profile_file(path: Path) -> Profile:
    """Read and validate one profile file; its id must match the file name."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProfileError(f"cannot read profile {path}: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise ProfileError(f"invalid profile {path}: not JSON ({exc})") from exc
    profile = validate_profile_data(data, str(path))
    if profile.id != path.stem:
        raise ProfileError(f"invalid profile {path}: id {profile.id!r} differs from the file name")
    return profile


def _profile_files(user_dir: Path | None) -> dict[str, Path]:
    """id -> file; a user file replaces the built-in one with the same id."""
    files = {p.stem: p for p in sorted(_builtin_dir().glob("*.json")) if p.name != "schema.json"}
    if user_dir is not None and user_dir.is_dir():
        files.update({p.stem: p for p in sorted(user_dir.glob("*.json")) if p.name != "schema.json"})
    return files


def list_profiles(user_dir: Path | None = None) -> list[str]:
    """The ids of every profile: built-in ones, then the user folder's, sorted, default first."""
    ids = sorted(_profile_files(user_dir))
    if DEFAULT_PROFILE in ids:
        ids.remove(DEFAULT_PROFILE)
        ids.insert(0, DEFAULT_PROFILE)
    return ids


def load_profile(profile_id: str = DEFAULT_PROFILE, user_dir: Path | None = None) -> Profile:
    """The profile with this id, from the user folder first, then the built-in ones.

    Raises ProfileError when the id is unknown (the message lists the known ids) or the file is
    invalid."""
    files = _profile_files(user_dir)
    path = files.get(profile_id)
    if path is None:
        raise ProfileError(
            f"unknown profile {profile_id!r}; known profiles: {', '.join(list_profiles(user_dir))}"
        )
    return load_profile_file(path)
