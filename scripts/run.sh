#!/usr/bin/env bash
# The main job: set up, sync the corpus, build (or update) the index, answer a sample search.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/circularbench corpus sync || echo "corpus sync reported errors; indexing what is there"
.venv/bin/circularbench index
.venv/bin/circularbench documents
.venv/bin/circularbench search "What recycling targets apply to plastic packaging in Germany?" --k 5
