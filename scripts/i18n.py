"""Rebuild the window's translations: extract the strings of ui/ with pyside6-lupdate into
resources/i18n/station_zh_CN.ts, fill in the Chinese from resources/i18n/zh_CN.json (the
maintained glossary: English source -> Chinese), then compile station_zh_CN.qm with
pyside6-lrelease. Run:  .venv/bin/python scripts/i18n.py  (--check: fail if a string lacks a
translation). The sources are English; zh_CN is the default language of the station."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
I18N = REPO / "resources" / "i18n"
TS = I18N / "station_zh_CN.ts"
QM = I18N / "station_zh_CN.qm"
GLOSSARY = I18N / "zh_CN.json"


def tool(name: str) -> str:
    for cand in (Path(sys.executable).parent / f"pyside6-{name}", shutil.which(f"pyside6-{name}")):
        if cand and Path(cand).exists():
            return str(cand)
    raise SystemExit(f"pyside6-{name} not found (it ships with PySide6_Essentials)")


def main() -> int:
    check = "--check" in sys.argv
    sources = sorted(str(p.relative_to(REPO)) for p in (REPO / "ui").rglob("*.py"))
    subprocess.run(
        [tool("lupdate"), *sources, "-ts", str(TS), "-no-obsolete", "-locations", "none"],
        cwd=REPO,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    glossary: dict[str, str] = json.loads(GLOSSARY.read_text(encoding="utf-8"))
    tree = ET.parse(TS)
    root = tree.getroot()
    root.set("language", "zh_CN")
    missing = []
    for message in root.iter("message"):
        source = message.findtext("source") or ""
        tr = message.find("translation")
        if tr is None:
            tr = ET.SubElement(message, "translation")
        text = glossary.get(source)
        if text is None:
            missing.append(source)
            tr.set("type", "unfinished")
            continue
        tr.attrib.pop("type", None)
        if message.get("numerus") == "yes":
            tr.text = None
            for child in list(tr):
                tr.remove(child)
            ET.SubElement(tr, "numerusform").text = text
        else:
            tr.text = text
    tree.write(TS, encoding="utf-8", xml_declaration=True)
    subprocess.run(
        [tool("lrelease"), str(TS), "-qm", str(QM)], cwd=REPO, check=True, stdout=subprocess.DEVNULL
    )
    for s in missing:
        print(f"untranslated: {s!r}", file=sys.stderr)
    print(f"{QM.relative_to(REPO)}: {len(missing)} untranslated")
    return 1 if (check and missing) else 0


if __name__ == "__main__":
    raise SystemExit(main())
