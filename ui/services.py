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

ADJUSTED_NOTE = "crop adjusted by the operator"


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
    adjusted: bool = False  # ``plan`` is the operator's crop, not the solver's

    @property
    def compliant(self) -> bool:
        return self.report.compliant


class PhotoService:
    """The photo engine's one pipeline (``capture.pipeline.make_photo``), for the shutter, files
    and the hot folder alike. Holds two still-mode analyzers, each loaded on first use and used
    under a lock (the job pool may call from two threads): the full one for the checks on the
    final file, and one without Pose and the expression classifier for the source photo, which
    only the crop uses (``make_photo``'s ``crop_analyzer``, as in ``capture.batch``)."""

    def __init__(self, user_profiles: Path | None = None) -> None:
        self.user_profiles = user_profiles
        self._lock = threading.Lock()
        self._analyzer: Any = None
        self._crop_analyzer: Any = None

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

    def _source_analyzer(self) -> Any:
        """For the source photo: the crop uses neither Pose nor the expression classifier."""
        if self._crop_analyzer is None:
            from capture.face import FaceAnalyzer

            self._crop_analyzer = FaceAnalyzer(still=True, with_pose=False, with_expression=False)
        return self._crop_analyzer

    def close(self) -> None:
        with self._lock:
            for analyzer in (self._analyzer, self._crop_analyzer):
                if analyzer is not None:
                    analyzer.close()
            self._analyzer = self._crop_analyzer = None

    def make(
        self,
        image: npt.NDArray[np.uint8] | Path,
        profile: Profile,
        *,
        whiten: bool = False,
        source: str = "camera",
        plan: Any = None,
        analysis: Any = None,
    ) -> PhotoOutcome:
        """Make the photo. ``plan``: the operator's adjusted crop of the array ``image`` - the
        same pipeline from the render on (render -> [whiten] -> encode -> checks on the final
        file), the report noting the adjustment. ``analysis``: a still analysis of the array
        already made (saves measuring it again; it also stays with the outcome for the
        adjuster)."""
        from capture.pipeline import make_photo

        array = isinstance(image, np.ndarray)
        if not array:
            plan = analysis = None  # a file is decoded and measured by the pipeline itself
        adjusted = plan is not None
        notes = (ADJUSTED_NOTE,) if adjusted else ()
        with self._lock:
            # The source is measured only for the solver's crop or the whitening mask: an
            # adjusted crop alone does not load the source analyzer (make_photo's default then).
            measured = plan is None or whiten
            made = make_photo(
                image,
                profile,
                analyzer=self._still_analyzer(),
                crop_analyzer=self._source_analyzer() if measured else None,
                whiten=whiten,
                analysis=analysis,
                plan=plan,
                notes=notes,
            )
        return PhotoOutcome(
            jpeg=bytes(made.jpeg),
            report=made.report,
            source=source,
            whitened=made.report.whitened,
            original=image if isinstance(image, np.ndarray) else None,
            source_path=str(image) if isinstance(image, Path) else None,
            plan=made.plan,
            analysis=made.analysis,
            adjusted=adjusted,
        )

    def analysis_of(self, image: npt.NDArray[np.uint8]) -> Any:
        """A still-mode analysis of ``image`` (for the crop adjuster)."""
        with self._lock:
            return self._still_analyzer().analyze(image)
