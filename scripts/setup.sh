#!/usr/bin/env bash
# One entry point for a fresh Debian/Ubuntu machine:
#   bash scripts/setup.sh run   [station args]   install everything, then start the window
#   bash scripts/setup.sh test  [pytest args]    install everything, then lint, type-check, test
#   bash scripts/setup.sh build                  install everything, then the one-folder build
# As root it installs the system packages with apt-get; otherwise it names the missing ones.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-run}
shift || true

# Qt's runtime libraries (platform-notes.md), CJK fonts for the forms, pcsc-lite for pyscard.
RUN_PKGS="python3 python3-venv python3-dev gcc libgl1 libegl1 libglib2.0-0 libfontconfig1
  libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0 libx11-xcb1 libxcb-cursor0 libxcb-icccm4
  libxcb-keysyms1 libxcb-image0 libxcb-randr0 libxcb-render-util0 libxcb-shape0
  libxcb-xfixes0 libxcb-xkb1 libxcb-sync1 libxcb-shm0 libpulse0 libcups2 cups-client
  pcscd libpcsclite-dev fonts-wqy-zenhei fonts-arphic-uming fonts-hanazono xvfb xauth"
# The real services the tests start themselves: PostgreSQL, CUPS with cups-pdf, pcscd with
# the vpcd virtual reader; poppler and opensc check the outputs from outside the project.
TEST_PKGS="postgresql cups cups-bsd printer-driver-cups-pdf vsmartcard-vpcd opensc
  poppler-utils imagemagick xdotool strace"

pkgs=$RUN_PKGS
case $mode in
  test|build) pkgs="$RUN_PKGS $TEST_PKGS" ;;
  run) ;;
  *) echo "usage: bash scripts/setup.sh run|test|build [args]" >&2; exit 2 ;;
esac

missing=()
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: please install these system packages first (as root):" >&2
    echo "  apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.requirements-$mode
want=$(cat requirements/*.txt pyproject.toml | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip==25.3 setuptools==80.9.0 wheel==0.45.1
  reqs=(-r requirements/runtime.txt)
  case $mode in
    test) reqs+=(-r requirements/dev.txt -r requirements/build.txt) ;;
    build) reqs+=(-r requirements/dev.txt -r requirements/build.txt) ;;
  esac
  # --no-deps: the files above are the whole closure (see requirements/runtime.txt).
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps "${reqs[@]}"
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
  echo "$want" > "$stamp"
fi

case $mode in
  run)
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
      echo "setup: no display found; starting the window on a virtual screen (xvfb-run)" >&2
      exec xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/station "$@"
    fi
    exec .venv/bin/station "$@"
    ;;
  test) exec bash scripts/check.sh "$@" ;;
  build) exec .venv/bin/pyinstaller --noconfirm --clean station.spec ;;
esac
