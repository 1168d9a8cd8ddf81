#!/usr/bin/env bash
# Answer a testbed gold set against the 27 testbed rulings (../shared/testbed), beside
# LlamaIndex's quickstart over the same files, and write the report.
#   bash scripts/eval-testbed.sh                       # the tuning half, evals/testbed-tune.jsonl
#   bash scripts/eval-testbed.sh evals/testbed-test.jsonl
# The index of the testbed is kept in index-testbed/ (built on first use, about 7 minutes here).
set -euo pipefail
cd "$(dirname "$0")/.."
gold=${1:-evals/testbed-tune.jsonl}
testbed=${TESTBED:-../shared/testbed}
work=index-testbed
mkdir -p "$work/corpus"
for pdf in "$testbed"/*.pdf; do  # the rulings only: SOURCES.md is not one
  ln -sf "$(realpath "$pdf")" "$work/corpus/"
done
export RAG_CORPUS_DIR="$work/corpus" RAG_INDEX_DIR="$work/index" HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
name=$(basename "$gold" .jsonl)
.venv/bin/rag ingest
exec .venv/bin/rag eval --gold "$gold" --baseline llamaindex --report "evals/reports/$name.md" --json "evals/reports/$name.json"
