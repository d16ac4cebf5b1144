"""Glue between the review page's crop adjuster and the crop solver's ``CropPlan``."""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QCoreApplication

from capture.profiles import Profile
from ui.crop_adjuster import CropBox

__all__ = ["plan_from_box", "prepare_adjuster"]


def plan_from_box(box: CropBox, outcome: Any, profile: Profile) -> Any:
    """A ``CropPlan`` for the operator's crop of ``outcome.original``."""
    from capture.crop import CropPlan

    base = outcome.plan
    h, w = outcome.original.shape[:2]
    if isinstance(base, CropPlan):
        return dataclasses.replace(
            base,
            scale=box.scale,
            x0=box.x0,
            y0=box.y0,
            source_width=w,
            source_height=h,
            ok=True,
            identity=False,
            reasons=(),
            directions=(),
        )
    return CropPlan(box.scale, box.x0, box.y0, profile.width, profile.height, w, h, ok=True)


def prepare_adjuster(page: Any, outcome: Any, live_result: Any, profile: Profile) -> None:
    """Give the adjuster the original frame, the face measured on it and the current crop."""
    plan = outcome.plan
    if outcome.original is None or plan is None or getattr(plan, "identity", False):
        page.set_adjust_available(
            False,
            QCoreApplication.translate(
                "ReviewPage", "Only a photo made from a larger picture can be re-cropped."
            ),
        )
        return
    face = outcome.analysis.face if outcome.analysis is not None else None
    if face is None and live_result is not None and live_result.analysis is not None:
        face = live_result.analysis.face
    if face is None:
        page.set_adjust_available(
            False, QCoreApplication.translate("ReviewPage", "No face was measured on this picture.")
        )
        return
    page.set_adjust_available(True)
    page.adjuster.set_source(outcome.original, face, profile, CropBox(plan.scale, plan.x0, plan.y0))
