"""What the analysis worker runs on one live frame: face analysis, the scene checks, the crop
plan and the guidance. Plain Python (no Qt), so the analysis worker stays a thin thread and tests
can call it directly.

The scene checks and the crop solver belong to the photo engine; when a module of it has not
landed yet, that step is skipped (the guidance then judges geometry on the fixed guide and shows
the check lights it cannot judge grey)."""

from __future__ import annotations

import importlib
import logging
import threading
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


class _SceneLane:
    """The scene checks (exposure, sharpness, background, glare…) take ~60 ms a frame here, twice
    the face analysis, so they run on their own thread on the newest analysed frame, at most
    every ``min_interval_s``, and the guidance uses their latest answer. Only the newest request
    is kept."""

    def __init__(self, fn: Callable[..., Any], min_interval_s: float = 0.25) -> None:
        self._fn = fn
        self.min_interval_s = min_interval_s
        self._last_start = 0.0
        self._cond = threading.Condition()
        self._pending: tuple[Any, ...] | None = None
        self._latest: tuple[int, list[Any]] | None = None
        self._stop = False
        self._thread = threading.Thread(target=self._loop, name="scene-checks", daemon=True)
        self._thread.start()

    def submit(self, index: int, *args: Any) -> None:
        with self._cond:
            self._pending = (index, *args)
            self._cond.notify()

    def latest(self) -> tuple[int, list[Any]] | None:
        with self._cond:
            return self._latest

    def close(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify()
        self._thread.join(2)

    def _loop(self) -> None:
        while True:
            with self._cond:
                while self._pending is None and not self._stop:
                    self._cond.wait()
                if self._stop:
                    return
                wait = self._last_start + self.min_interval_s - time.monotonic()
                if wait > 0:  # leave the CPU to the face analysis and the display
                    self._cond.wait(wait)
                    continue
                index, *args = self._pending  # type: ignore[misc]
                self._pending = None
                self._last_start = time.monotonic()
            try:
                out = list(self._fn(*args))
            except Exception as exc:
                log.warning("scene checks failed: %s", exc)
                continue
            with self._cond:
                self._latest = (index, out)


# Scene answers older than this many frames are not used (the person may have moved).
SCENE_MAX_AGE_FRAMES = 30


class LivePipeline:
    """Callable: ``pipeline(frame) -> LiveResult``. Owns its analyzer (not thread-safe: exactly
    one worker calls it)."""

    def __init__(self, profile: Profile, analyzer: Any | None = None, *, scene_async: bool = True) -> None:
        self.profile = profile
        self._analyzer = analyzer
        self.scene_async = scene_async
        self._lane: _SceneLane | None = None
        self._scene = find_function([("capture.checks", "check_scene")])
        self._plan = find_function([("capture.crop", "plan_crop")])
        self.with_scene = True

    @property
    def analyzer(self) -> Any:
        if self._analyzer is None:
            from capture.face import FaceAnalyzer

            self._analyzer = FaceAnalyzer(still=False)
        return self._analyzer

    def warm_up(self) -> None:
        """Load the face models now (the analysis thread calls it before the first frame)."""
        _ = self.analyzer

    def set_profile(self, profile: Profile) -> None:
        self.profile = profile

    def close(self) -> None:
        if self._lane is not None:
            self._lane.close()
            self._lane = None
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
            if self._plan is not None:
                try:
                    plan = self._plan(analysis, profile)
                except Exception as exc:
                    log.debug("no crop plan: %s", exc)
                # A plan that is not ok still shows where the crop would have to be (partly
                # outside the frame) and carries the directions.
                directions = tuple(getattr(plan, "directions", ()) or ())
            if self._scene is not None and self.with_scene:
                geometry = getattr(plan, "predicted", None)
                if self.scene_async:
                    if self._lane is None:
                        self._lane = _SceneLane(self._scene)
                    self._lane.submit(frame.index, frame.pixels, analysis, profile, geometry)
                    latest = self._lane.latest()
                    if latest is not None and frame.index - latest[0] <= SCENE_MAX_AGE_FRAMES:
                        scene = latest[1]
                else:
                    try:
                        scene = list(self._scene(frame.pixels, analysis, profile, geometry))
                    except Exception as exc:
                        log.warning("scene checks failed: %s", exc)
        mapping = mapping_from_plan(plan, profile)
        fixed = mapping is None
        if mapping is None:
            mapping = guide_mapping(frame.width, frame.height, profile)
        guidance = build_guidance(analysis, profile, mapping, scene, directions=directions, fixed_guide=fixed)
        return LiveResult(frame, analysis, guidance, (time.perf_counter() - t0) * 1000, plan, error)
