#!/usr/bin/env bash
# Set up .venv (with the test tools) and run every test: readers, index, retrieval, answers, CLI,
# a real Chroma server on 127.0.0.1, the chat UI in Chromium. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev

# The browser tests drive Debian's Chromium: Playwright's own browser download cannot work here.
if [ ! -x /usr/bin/chromium ]; then
  apt=(env DEBIAN_FRONTEND=noninteractive apt-get -y -q)
  [ "$(id -u)" -eq 0 ] || apt=(sudo "${apt[@]}")
  "${apt[@]}" install chromium || { "${apt[@]}" update && "${apt[@]}" install chromium; }
fi
export HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
exec .venv/bin/python -m pytest "$@"
