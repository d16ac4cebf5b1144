"""What the analysis worker runs on one live frame: face analysis, the scene checks, the crop
plan and the guidance. Plain Python (no Qt), so the analysis worker stays a thin thread and tests
can call it directly.

The scene checks and the crop solver belong to the photo engine; when a module of it has not
landed yet, that step is skipped (the guidance then judges geometry on the fixed guide and shows
the check lights it cannot judge grey)."""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from capture.guidance import Guidance, build_guidance, guide_mapping, mapping_from_plan
from capture.profiles import Profile
from capture.sources import Frame
from capture.types import FaceAnalysis

__all__ = ["LivePipeline", "LiveResult", "find_function"]

log = logging.getLogger("station.ui")


@dataclass(frozen=True)
class LiveResult:
    frame: Frame
    analysis: FaceAnalysis | None
    guidance: Guidance
    elapsed_ms: float
    plan: Any = None  # the crop solver's plan for this frame, when it found one
    error: str = ""  # analysis failed on this frame (one line)


def find_function(candidates: Sequence[tuple[str, str]]) -> Callable[..., Any] | None:
    """The first ``module:function`` of ``candidates`` that imports, else None."""
    for module, name in candidates:
        try:
            mod = importlib.import_module(module)
        except ImportError:
            continue
        fn = getattr(mod, name, None)
        if callable(fn):
            return fn  # type: ignore[no-any-return]
    return None


class LivePipeline:
    """Callable: ``pipeline(frame) -> LiveResult``. Owns its analyzer (not thread-safe: exactly
    one worker calls it)."""

    def __init__(self, profile: Profile, analyzer: Any | None = None) -> None:
        self.profile = profile
        self._analyzer = analyzer
        self._scene = find_function(
            [
                ("capture.checks", "scene_checks"),
                ("capture.checks", "check_scene"),
                ("capture.checks.scene", "scene_checks"),
            ]
        )
        self._plan = find_function([("capture.crop", "plan_crop")])

    @property
    def analyzer(self) -> Any:
        if self._analyzer is None:
            from capture.face import FaceAnalyzer

            self._analyzer = FaceAnalyzer(still=False)
        return self._analyzer

    def set_profile(self, profile: Profile) -> None:
        self.profile = profile

    def close(self) -> None:
        if self._analyzer is not None and hasattr(self._analyzer, "close"):
            self._analyzer.close()
        self._analyzer = None

    def __call__(self, frame: Frame) -> LiveResult:
        t0 = time.perf_counter()
        profile = self.profile
        error = ""
        analysis: FaceAnalysis | None = None
        try:
            analysis = self.analyzer.analyze(frame.pixels)
        except Exception as exc:  # AnalysisError, or a model failure on one bad frame
            error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            log.warning("live analysis failed on frame %d: %s", frame.index, error)
        scene: list[Any] = []
        plan = None
        directions: tuple[str, ...] = ()
        if analysis is not None and analysis.face is not None:
            if self._scene is not None:
                try:
                    scene = list(self._scene(analysis, profile))
                except Exception as exc:
                    log.warning("scene checks failed: %s", exc)
            if self._plan is not None:
                try:
                    plan = self._plan(analysis, profile)
                except Exception as exc:
                    log.debug("no crop plan: %s", exc)
                # A plan that is not ok still shows where the crop would have to be (partly
                # outside the frame) and carries the directions.
                directions = tuple(getattr(plan, "directions", ()) or ())
        mapping = mapping_from_plan(plan, profile)
        fixed = mapping is None
        if mapping is None:
            mapping = guide_mapping(frame.width, frame.height, profile)
        guidance = build_guidance(analysis, profile, mapping, scene, directions=directions, fixed_guide=fixed)
        return LiveResult(frame, analysis, guidance, (time.perf_counter() - t0) * 1000, plan, error)
