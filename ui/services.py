"""Adapters between the window and the ``station``/``capture`` services, built once by the
composition root and passed in. No Qt here: workers call these, widgets get their plain results.

Each backend may not have landed yet (they are built in parallel): :func:`feature` tells the
window whether a module is importable, and the window shows that action as unavailable with the
reason instead of pretending."""

from __future__ import annotations

import importlib
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from capture.profiles import Profile
from capture.report import ComplianceReport

__all__ = ["Feature", "PhotoOutcome", "PhotoService", "feature"]

log = logging.getLogger("station.ui")


@dataclass(frozen=True)
class Feature:
    available: bool
    reason: str = ""


def feature(module: str, attr: str | None = None, what: str = "") -> Feature:
    """Whether ``module`` (and ``attr`` in it) can be used; the reason when not."""
    label = what or module
    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        missing = getattr(exc, "name", None) or module
        if missing.startswith(module.split(".", maxsplit=1)[0]) or missing == module:
            return Feature(False, f"{label}: not available in this build yet ({module})")
        return Feature(False, f"{label}: {exc}")
    if attr is not None and not hasattr(mod, attr):
        return Feature(False, f"{label}: not available in this build yet ({module}.{attr})")
    return Feature(True)


@dataclass(frozen=True)
class PhotoOutcome:
    """One made photo, as the review shows it."""

    jpeg: bytes
    report: ComplianceReport
    source: str  # "camera", "file", "hot folder"
    whitened: bool
    original: npt.NDArray[np.uint8] | None = None  # the full frame/still it was made from
    source_path: str | None = None
    plan: Any = None
    analysis: Any = None  # the still analysis of ``original`` (coordinates of ``plan``)

    @property
    def compliant(self) -> bool:
        return self.report.compliant


class PhotoService:
    """The photo engine's one pipeline (``capture.pipeline.make_photo``), for the shutter, files
    and the hot folder alike. Holds one still-mode analyzer (loaded on first use, used under a
    lock: the job pool may call from two threads)."""

    def __init__(self, user_profiles: Path | None = None) -> None:
        self.user_profiles = user_profiles
        self._lock = threading.Lock()
        self._analyzer: Any = None

    def availability(self) -> Feature:
        for module, attr in (("capture.pipeline", "make_photo"), ("capture.checks", "check_photo")):
            f = feature(module, attr, "photo pipeline")
            if not f.available:
                return f
        return Feature(True)

    def _still_analyzer(self) -> Any:
        if self._analyzer is None:
            from capture.face import FaceAnalyzer

            self._analyzer = FaceAnalyzer(still=True)
        return self._analyzer

    def close(self) -> None:
        with self._lock:
            if self._analyzer is not None:
                self._analyzer.close()
                self._analyzer = None

    def make(
        self,
        image: npt.NDArray[np.uint8] | Path,
        profile: Profile,
        *,
        whiten: bool = False,
        source: str = "camera",
        plan: Any = None,
    ) -> PhotoOutcome:
        """Make the photo; with ``plan`` (an operator-adjusted crop of ``image``) the same steps
        run from the render on: render -> [whiten] -> encode -> checks on the final file."""
        from capture.pipeline import make_photo

        with self._lock:
            analyzer = self._still_analyzer()
            if plan is not None and isinstance(image, np.ndarray):
                jpeg, report, used_plan = self._make_with_plan(image, profile, plan, whiten, analyzer)
                analysis = None
            else:
                made = make_photo(image, profile, analyzer=analyzer, whiten=whiten)
                jpeg, report, used_plan, analysis = made.jpeg, made.report, made.plan, made.analysis
        return PhotoOutcome(
            jpeg=bytes(jpeg),
            report=report,
            source=source,
            whitened=report.whitened,
            original=image if isinstance(image, np.ndarray) else None,
            source_path=str(image) if isinstance(image, Path) else None,
            plan=used_plan,
            analysis=analysis,
        )

    def analysis_of(self, image: npt.NDArray[np.uint8]) -> Any:
        """A still-mode analysis of ``image`` (for the crop adjuster)."""
        with self._lock:
            return self._still_analyzer().analyze(image)

    @staticmethod
    def _make_with_plan(
        image: npt.NDArray[np.uint8], profile: Profile, plan: Any, whiten: bool, analyzer: Any
    ) -> tuple[bytes, ComplianceReport, Any]:
        from capture.checks import check_photo
        from capture.crop import render_crop, render_mask
        from capture.encode import encode_jpeg

        out = render_crop(image, plan, profile)
        whitened = False
        if whiten:
            from capture.whiten import whiten_background

            analysis = analyzer.analyze(image)
            if analysis.person_mask is not None:
                out = whiten_background(out, render_mask(analysis.person_mask, plan, profile))
                whitened = True
        enc = encode_jpeg(out, profile)
        notes = ("crop adjusted by the operator",) + (() if enc.ok else (enc.reason,))
        report = check_photo(
            enc.data,
            profile,
            analyzer=analyzer,
            hair_cut=getattr(plan, "hair_cut", False),
            whitened=whitened,
            notes=notes,
        )
        return enc.data, report, plan
