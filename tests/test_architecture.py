"""The arrows of design/architecture.md: ui -> station -> capture, no Qt below ui, pyscard only
in ``station/card/pcsc.py``, and no ORM models (``station.db.models``) or pyscard in ``ui/``."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# Top-level packages each package must not import.
FORBIDDEN = {
    "capture": ("PySide6", "PyQt5", "PyQt6", "shiboken6", "station", "ui", "sqlalchemy", "smartcard"),
    "station": ("PySide6", "PyQt5", "PyQt6", "shiboken6", "ui"),
    "ui": ("smartcard", "sqlalchemy"),
}
# Modules (and their submodules) a package must not import: widgets never see ORM rows
# (conventions.md #8), so ui/ talks to services, never to the models (nor to SQLAlchemy, above).
FORBIDDEN_MODULES = {
    "ui": ("station.db.models",),
}
# pyscard: only the PC/SC transport (architecture.md "Hardware and services").
PYSCARD = "smartcard"
PYSCARD_USERS = {"station/card/pcsc.py"}
# The one deliberate exception: ``station`` without a command opens the window, looked up by
# name at that moment only (station/cli/main.py docstring).
ALLOWED = {("station/cli/main.py", "ui.app")}


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every absolute module an import names: ``from a.b import c`` gives ``a.b`` and ``a.b.c``
    (c may be a module); ``importlib.import_module("x")`` with a literal gives ``x``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names if a.name != "*"]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def _within(name: str, module: str) -> bool:
    return name == module or name.startswith(module + ".")


def _sources(*packages: str) -> list[Path]:
    return [p for pkg in packages for p in sorted((REPO / pkg).rglob("*.py"))]


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_import_direction(package: str) -> None:
    bad = []
    for path in _sources(package):
        for line, name in _imports(path):
            if (path.relative_to(REPO).as_posix(), name) in ALLOWED:
                continue
            if name.split(".")[0] in FORBIDDEN[package]:
                bad.append(f"{path.relative_to(REPO)}:{line} imports {name}")
    assert bad == []


@pytest.mark.parametrize("package", sorted(FORBIDDEN_MODULES))
def test_forbidden_modules(package: str) -> None:
    bad = []
    for path in _sources(package):
        for line, name in _imports(path):
            if any(_within(name, m) for m in FORBIDDEN_MODULES[package]):
                bad.append(f"{path.relative_to(REPO)}:{line} imports {name}")
    assert sorted(set(bad)) == []


def test_only_the_pcsc_transport_imports_pyscard() -> None:
    users = set()
    for path in _sources("capture", "station", "ui"):
        if any(_within(name, PYSCARD) for _line, name in _imports(path)):
            users.add(path.relative_to(REPO).as_posix())
    assert users == PYSCARD_USERS


def test_the_import_scan_sees_every_form(tmp_path: Path) -> None:
    """The scanner itself: plain, from, from-package-import-module, lazy and importlib imports."""
    src = tmp_path / "m.py"
    src.write_text(
        "import smartcard.System\n"
        "from station.db import models\n"
        "def f():\n"
        "    from sqlalchemy.orm import Session\n"
        "    import importlib\n"
        "    importlib.import_module('station.db.models')\n",
        encoding="utf-8",
    )
    names = {name for _line, name in _imports(src)}
    assert {"smartcard.System", "station.db.models", "sqlalchemy.orm", "sqlalchemy.orm.Session"} <= names
    assert _within("station.db.models", "station.db.models") and not _within(
        "station.db.modelsx", "station.db.models"
    )


def test_core_imports_without_qt() -> None:
    """Import every module of capture/ and station/ with Qt made unimportable."""
    code = r"""
import importlib, pkgutil, sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("PySide6", "shiboken6", "PyQt5", "PyQt6"):
            raise ImportError("Qt is blocked in this test: " + name)
sys.meta_path.insert(0, Block())
for pkg in ("capture", "station"):
    mod = importlib.import_module(pkg)
    for info in pkgutil.walk_packages(mod.__path__, pkg + "."):
        if ".migrations.versions" in info.name:
            continue
        importlib.import_module(info.name)
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert out.returncode == 0, out.stderr[-2000:]
