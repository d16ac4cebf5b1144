"""Helpers for tests that need hardware or a service.

On a developer laptop that lacks the service such a test skips with a reason. Under CI
(``CI`` set to anything but empty/0/false) the same condition fails instead: CI must never
skip them."""

from __future__ import annotations

import os
import shutil

import pytest

__all__ = ["in_ci", "need_executable", "skip_or_fail"]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def skip_or_fail(reason: str) -> None:
    """Skip locally, fail under CI."""
    if in_ci():
        pytest.fail(f"required in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def need_executable(name: str, package: str) -> str:
    path = shutil.which(name) or (shutil.which(name, path="/usr/sbin:/sbin:/usr/lib/postgresql"))
    if path is None:
        skip_or_fail(f"{name} not found: install the Debian package {package}")
        raise AssertionError("unreachable")
    return path
