#!/usr/bin/env bash
# Create .venv and install circularbench with its test extras. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
# torch first and pinned: 2.13.0 is the CPU wheel; an unpinned torch pulls a multi-GB CUDA build.
.venv/bin/python -m pip install --quiet "torch==2.13.0"
.venv/bin/python -m pip install --quiet -e ".[test,llm]"
# Ding's German-English word list glosses German quotes (assistant/lexicon.py). It is Debian
# data (trans-de-en, GPL-2+), not a PyPI package; without root or apt the answers keep the
# glossary's terms only.
if [ ! -f /usr/share/trans/de-en ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  { apt-get install -y -qq trans-de-en || { apt-get update -qq && apt-get install -y -qq trans-de-en; }; } \
    >/dev/null 2>&1 || echo "trans-de-en could not be installed: German quotes get the glossary's terms only"
fi
