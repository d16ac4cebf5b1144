"""`station` command group: export. (Filled in by the work on its issue.)"""

from __future__ import annotations

import argparse

__all__ = ["register"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this group's parsers to sub."""
