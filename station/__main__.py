"""``python -m station`` and the entry script of the one-folder build (station.spec)."""

import multiprocessing
import os
import sys


def _frozen_setup() -> None:
    """What the one-folder build needs before anything else runs (docs/packaging.md).

    - ``freeze_support``: the batch workers are spawned processes (capture/batch.py); in the
      build they start the station executable again, which must then run the worker, not the
      command line.
    - On Linux PyInstaller's bootloader points ``LD_LIBRARY_PATH`` at the bundle. This process
      has already loaded with it; the system programs the station starts (``lp``, ``lpstat``,
      matplotlib's ``fc-list``) must get the machine's own libraries back.
    """
    if not getattr(sys, "frozen", False):
        return
    multiprocessing.freeze_support()
    if sys.platform.startswith("linux"):
        orig = os.environ.pop("LD_LIBRARY_PATH_ORIG", None)
        if orig is None:
            os.environ.pop("LD_LIBRARY_PATH", None)
        else:
            os.environ["LD_LIBRARY_PATH"] = orig


if __name__ == "__main__":
    _frozen_setup()
    from station.cli.main import main

    raise SystemExit(main())
