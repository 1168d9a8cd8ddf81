"""Calibrate the extractive answerer's knobs (the `RAG_ANSWER_*` settings) on tuning sets.

    python evals/calibrate.py GOLD=CORPUS_DIR [GOLD=CORPUS_DIR ...] [--index-root DIR] [--top N]

Each gold set is answered against its own corpus (for example
`evals/gold.jsonl=corpus evals/testbed-tune.jsonl=../shared/testbed`). Every question is
searched once; then each combination of the grid below re-runs only the answerer on the same
search, and every answer is scored by `rag.metrics` as `rag eval` scores it. The objective,
averaged over the sets, weighs what a lawyer needs: the gold passage cited (evidence hit),
no citation off the evidence (citation precision), and unanswerable questions refused:

    0.5 * evidence_hit + 0.1 * citation_precision + 0.15 * on_evidence + 0.25 * refusal_accuracy

where `on_evidence` is the share of citations of answerable questions that lie in a gold passage
(so that padding an answer with more sentences is not free).

Only tuning halves belong here: a test half is reported once, by `rag eval`, never tuned on.
Prints the best combinations; the chosen one goes into the defaults of rag/settings.py.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

GRID = {
    "answer_dense_weight": (0.5, 0.8, 1.1),
    "answer_passage_weight": (0.0, 0.1, 0.2),
    "answer_holding_bonus": (0.1, 0.2),
    "answer_context_weight": (0.0, 0.2, 0.4),
    "answer_position_weight": (0.0, 0.2),
    "answer_citation_penalty": (0.0, 0.2),
    "answer_min_score": (0.45, 0.55, 0.65),
    "answer_keep_within": (0.3, 0.45),
}
WEIGHTS = {"evidence_hit": 0.5, "citation_precision": 0.1, "on_evidence": 0.15, "refusal_accuracy": 0.25}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="+", help="GOLD=CORPUS_DIR pairs")
    parser.add_argument(
        "--index-root", type=Path, default=Path("/tmp/calibrate-index"), help="indexes are built under here"
    )
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args(argv)
    prepared = [_prepare(pair, args.index_root) for pair in args.sets]
    rows = []
    combos = list(itertools.product(*GRID.values()))
    for n, values in enumerate(combos, 1):
        knobs = dict(zip(GRID, values))
        per_set = [_evaluate(p, knobs) for p in prepared]
        objective = sum(s["objective"] for s in per_set) / len(per_set)
        rows.append((objective, knobs, per_set))
        print(f"\r{n}/{len(combos)}", end="", file=sys.stderr)
    print(file=sys.stderr)
    rows.sort(key=lambda r: -r[0])
    for objective, knobs, per_set in rows[: args.top]:
        detail = " | ".join(" ".join(f"{k[:8]}={v:.3f}" for k, v in s.items()) for s in per_set)
        print(f"{objective:.3f}  {knobs}\n       {detail}")
    return 0


def _prepare(pair: str, index_root: Path) -> dict:
    """Search every question of one gold set once."""
    from rag.evaluate import load_gold
    from rag.ingest import ingest
    from rag.retrieve import library, search
    from rag.settings import Settings

    gold, corpus = pair.split("=", 1)
    settings = Settings(corpus_dir=Path(corpus).resolve(), index_dir=index_root / Path(corpus).resolve().name)
    ingest(settings=settings)
    items = load_gold(Path(gold))
    return {
        "settings": settings,
        "lib": library(settings),
        "items": [(item, search(item["question"], settings=settings)) for item in items],
    }


def _evaluate(prepared: dict, knobs: dict) -> dict:
    """The tuned metrics of one gold set with these knobs."""
    from rag.answer import Clock, _extractive
    from rag.metrics import score

    settings, lib = prepared["settings"].model_copy(update=knobs), prepared["lib"]
    totals = {key: [0.0, 0.0] for key in WEIGHTS}
    for item, hits in prepared["items"]:
        got = _extractive(" ".join(item["question"].split()), hits, lib, settings, Clock())
        result = score(item, got, lib.docs, 0.0)
        scores = {**result.scores, "on_evidence": _on_evidence(item, result)}
        for key in WEIGHTS:
            totals[key][0] += scores[key][0]
            totals[key][1] += scores[key][1]
    out = {key: (num / den if den else 0.0) for key, (num, den) in totals.items()}
    out["objective"] = sum(WEIGHTS[k] * out[k] for k in WEIGHTS)
    return out


def _on_evidence(item: dict, result) -> tuple[float, float]:
    if not item["answerable"]:
        return 0.0, 0.0
    return sum(c.in_gold for c in result.citations), len(result.citations)


if __name__ == "__main__":
    sys.exit(main())
