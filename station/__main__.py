"""``python -m station`` and the entry script of the one-folder build (station.spec)."""

from station.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
