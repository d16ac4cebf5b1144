#!/usr/bin/env bash
# Every benchmark in turn, with the project's .venv: bash bench/run_all.sh
# Each prints its figures with the ratio to a baseline it measures in the same run. The
# packaging benchmark needs a build first (bash scripts/setup.sh build) and is skipped without.
set -uo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
status=0
for b in bench_analysis bench_photo bench_forms bench_card bench_records bench_ui accuracy; do
  echo "===== bench/$b.py"
  $py "bench/$b.py" || status=1
done
if [ -x dist/station/station ]; then
  echo "===== bench/bench_packaging.py"
  $py bench/bench_packaging.py --frozen dist/station || status=1
fi
exit $status
