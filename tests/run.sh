#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian machine, then runs them.
# The README's test command; .ci/run calls it unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's chromium for the browser tests (Playwright drives it; no browser download) and
# postgresql for the storage tests (the fixture makes a throwaway cluster; no service runs).
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'

exec .venv/bin/python -m pytest "$@"
