#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian machine, then runs them.
# The README's test command; .ci/run calls it unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."

# This is CI: a missing browser, database, Node or `langgraph dev` fails its tests instead of
# skipping them (tests/ci.py). Whoever calls this script gets the same rule as .ci/run.
export CI=true

# apt-get needs root; as another user, go through sudo.
apt_get() {
    if [ "$(id -u)" -eq 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get "$@"
    else
        sudo DEBIAN_FRONTEND=noninteractive apt-get "$@"
    fi
}

# Debian's chromium for the browser tests (Playwright drives it; no browser download),
# postgresql for the storage tests (the fixture makes a throwaway cluster; no service runs),
# curl, Node.js and npm for the seed's cURL and JavaScript tabs (tests/http).
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
command -v curl >/dev/null || missing+=(curl)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
# Debian splits venv (and ensurepip) out of python3; `python3 -m venv` fails without it.
if [ ! -x .venv/bin/python ] && ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    missing+=("python3-venv")
fi
if [ ${#missing[@]} -gt 0 ]; then
    apt_get update -qq
    apt_get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
# The build backend itself, so tests/package/test_wheel.py builds the wheel offline (no build
# isolation, no index): whatever pyproject.toml's [build-system] requires.
.venv/bin/python - <<'PY' | xargs -0 -r .venv/bin/python -m pip install -q --disable-pip-version-check
import sys, tomllib
sys.stdout.write("\0".join(tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"]))
PY

# The official JavaScript SDK, pinned, into ~/.cache/hitl-widgets-npm (a no-op when there).
.venv/bin/python -m tests.http.js_sdk

# Four pytest-xdist workers on two cores: most of the suite waits (on langgraph dev's queue,
# on subprocesses, on browsers), so four overlap well. The browser tests get one worker of
# their own; tests that share a per-process cache or a kernel (a flow's server transcript, a
# notebook's cells) carry one `xdist_group` and run in one worker (`--dist loadgroup`, see
# tests/xdist_groups.py). Arguments after it win (`-n 0` runs in this process).
exec .venv/bin/python -m pytest -n 4 --dist loadgroup "$@"
