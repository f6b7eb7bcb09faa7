#!/usr/bin/env bash
# Set up and run the whole test suite (builds the real index once per session).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The UI tests drive Debian's Chromium (Playwright never downloads a browser here); without a
# CJK font Chinese renders as empty boxes, which one UI test checks.
missing=()
command -v chromium >/dev/null || missing+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
.venv/bin/python -m pytest "$@"
