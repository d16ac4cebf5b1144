#!/usr/bin/env bash
# Lint, type-check and test with the project's .venv (scripts/setup.sh test installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
dirs=$(ls -d capture station ui tests bench scripts 2>/dev/null)
echo "== ruff"; ruff check $dirs && ruff format --check $dirs
echo "== mypy"; mypy
echo "== pytest"; exec python -m pytest "$@"
