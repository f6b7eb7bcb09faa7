#!/usr/bin/env bash
# Set up and run the whole test suite (builds the real index once per session).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The UI tests drive Debian's Chromium (Playwright never downloads a browser here).
if ! command -v chromium >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
.venv/bin/python -m pytest "$@"
