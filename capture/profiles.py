"""Photo profiles (spec photo.md §3) are data files: ``resources/profiles/*.json`` ship with the
program and a user folder holds more (another city), so no code changes are needed to add one.

Owner: the photo-pipeline work. The dataclass is the contract the checks and the crop use."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Profile", "Range", "kb_window_bytes"]


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


def kb_window_bytes(profile: Profile) -> tuple[int | None, int | None]:
    """The file-size window in bytes.

    The seed documents say "KB" without saying 1000 or 1024. A file inside
    ``[lo * 1024, hi * 1000]`` is inside the window under both readings, so the encoder aims there
    and the ``file_size`` check judges by it."""
    lo = None if profile.kb.lo is None else int(profile.kb.lo * 1024)
    hi = None if profile.kb.hi is None else int(profile.kb.hi * 1000)
    return lo, hi
