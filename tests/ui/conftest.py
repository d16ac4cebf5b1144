"""Fixtures for the window tests: a window built like the composition root builds it, but with
the live analysis and the job runner switched to synchronous, frames fed by hand, and a SQLite
database in a temporary data folder."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

try:
    import PySide6  # noqa: F401
except ImportError:  # a laptop without Qt may skip the window tests; CI may not
    from tests.support.services import skip_or_fail

    skip_or_fail("PySide6 is not installed")

from capture.guidance import AutoCapture
from capture.profiles import load_profile
from capture.sources import CameraSource, DemoSource
from station.config import Settings, database_url

APPLICANT = {
    "document_type": "01",
    "document_number": "110105198503151230",
    "name": "张三",
    "sex": "1",
    "birth_date": "1985-03-15",
    "ethnicity": "01",
    "nationality": "CHN",
    "issuing_authority": "北京市公安局朝阳分局",
    "valid_from": "2015-01-01",
    "valid_until": "2035-01-01",
    "mobile": "13800138000",
    "address": "北京市朝阳区建国路1号",
    "occupation": "Y",
    "card_type": "urban",
}


@pytest.fixture(scope="session")
def demo_source() -> DemoSource:
    d = DemoSource(realtime=False)
    d.open()
    return d


@pytest.fixture
def make_window(qtbot: Any, data_dir: Path) -> Iterator[Callable[..., Any]]:
    from ui.composition import attach_backends
    from ui.crash import CrashHandler
    from ui.draft import DraftStore
    from ui.live_controller import LiveController
    from ui.live_pipeline import LivePipeline
    from ui.main_window import MainWindow, WindowDeps
    from ui.services import PhotoService
    from ui.workers.analysis import AnalysisWorker
    from ui.workers.jobs import JobRunner

    made: list[Any] = []

    def build(
        source_factory: Callable[[], CameraSource] | None = None,
        *,
        records: bool = True,
        photos: Any = None,
        auto_frames: int = 3,
    ) -> Any:
        settings = Settings()
        profile = load_profile()
        pipeline = LivePipeline(profile, scene_async=False)
        analysis = AnalysisWorker(pipeline, synchronous=True)
        jobs = JobRunner(synchronous=True)
        crash = CrashHandler(data_dir / "logs", show_dialog=False)
        deps = WindowDeps(
            data_dir=data_dir,
            settings=settings,
            profile=profile,
            lang="zh_CN",
            operator="tester",
            role="admin",
            live=None,  # type: ignore[arg-type]
            photos=photos or PhotoService(),
            jobs=jobs,
            drafts=DraftStore(data_dir),
            crash=crash,
        )
        attach_backends(deps, database_url(data_dir, settings), records=records)
        live = LiveController(
            None,
            source_factory or (lambda: DemoSource(realtime=False)),
            analysis,
            AutoCapture(auto_frames, 0.0),
        )
        deps.live = live
        window = MainWindow(deps)
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        qtbot.waitExposed(window)
        made.append((window, pipeline, deps))
        return window

    yield build
    for _window, pipeline, deps in made:
        stop_card = deps.extra.get("shutdown_card")
        if stop_card is not None:
            stop_card()
        deps.live.shutdown()
        pipeline.close()
        deps.photos.close()


def args_for(data_dir: Path, camera: str = "demo") -> argparse.Namespace:
    return argparse.Namespace(data_dir=str(data_dir), db=None, operator="tester", camera=camera, lang="zh_CN")
