#!/usr/bin/env bash
# The mutation score of the tests over the modules where a silent bug costs most (the
# resume's claim and the decision log): killed / survived per module, then every survivor.
# Runs at nice 10 on a copy of the project (benchmarks/mutation.py); takes minutes.
# Arguments go to benchmarks/mutation.py (--module PATH, --tests PATH, --list).
set -euo pipefail
cd "$(dirname "$0")/.."
exec nice -n 10 .venv/bin/python benchmarks/mutation.py "$@"
