#!/usr/bin/env bash
# The main job: set up, sync the corpus, build (or update) the index, then serve the UI and API.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/circularbench corpus sync || echo "corpus sync reported errors; indexing what is there"
.venv/bin/circularbench index
.venv/bin/circularbench search "What recycling targets apply to plastic packaging in Germany?" --k 3
exec .venv/bin/circularbench serve "$@"
