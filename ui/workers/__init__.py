"""Everything that runs off the GUI thread: the camera thread, the single live-analysis worker
(newest frame only) and a job runner for database, card, print and photo work."""

from ui.workers.analysis import AnalysisWorker
from ui.workers.camera import CameraThread
from ui.workers.jobs import JobRunner

__all__ = ["AnalysisWorker", "CameraThread", "JobRunner"]
