#!/usr/bin/env bash
# Set up .venv (with the test tools) and run every test: readers, index, retrieval, answers, CLI,
# a real Chroma server on 127.0.0.1. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
export HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
exec .venv/bin/python -m pytest "$@"
