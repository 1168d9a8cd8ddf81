"""Fit the extractive answerer's sentence weights to gold sets: which sentence answers?

    python evals/sentence_weights.py GOLD=CORPUS_DIR [GOLD=CORPUS_DIR ...] [--index-root DIR]

Each gold set is searched once against its own corpus (as `evals/calibrate.py` does). For every
answerable question that is not refused before scoring, each candidate sentence is described
by the parts of its score (`rag.extractive._rank`): the score is linear in each weight, so a
part is the score with that weight at 1 less the score with every weight at 0. A pairwise
logistic regression then asks, per question, that the gold sentence (one overlapping a gold
quote) score above each other candidate, each question counting once. It is fitted with each
set left out in turn and scored on the one left out (how often the gold sentence ranks first,
or among the first three), beside the current weights; then on all sets, and printed relative
to the word match's weight, which `_rank` fixes at 1 (a penalty's part is -1 where it applies,
so a penalty that helps gets a positive weight, as in the settings).

This chose the context, position and citation weights of the eighth stop of 2026-11-29 (on the
ten testbed development sets), and showed the other weights near what `calibrate.py` had
chosen. Only development sets belong here: a blind set is reported once, never fitted on.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from calibrate import _prepare  # noqa: E402  (the same search of each set)

PARTS = {  # weight -> what its part is
    "answer_dense_weight": "cosine",
    "answer_passage_weight": "passage rank",
    "answer_context_weight": "match of the sentence before",
    "answer_position_weight": "place in the ruling",
    "answer_holding_bonus": "states a decision",
    "answer_type_bonus": "kinds asked for",
    "answer_argument_penalty": "gives a party's position",
    "answer_framing_penalty": "states the issue",
    "answer_citation_penalty": "cites authority",
    "answer_footnote_penalty": "in a footnote",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="+", help="GOLD=CORPUS_DIR pairs")
    parser.add_argument("--index-root", type=Path, default=Path("/tmp/calibrate-index"))
    args = parser.parse_args(argv)
    questions = [q for pair in args.sets for q in _described(_prepare(pair, args.index_root), pair)]
    names = sorted({q[0] for q in questions})
    print(f"{len(questions)} questions with a gold sentence among the candidates, {len(names)} sets")
    for left_out in names:
        fitted = _fit([q for q in questions if q[0] != left_out])
        held = [q for q in questions if q[0] == left_out]
        print(f"{left_out:>24}  fitted {_ranks(held, fitted)}  current {_ranks(held, None)}")
    print("all sets, relative to the word match:")
    for name, weight in zip(["word match", *PARTS.values()], _fit(questions)):
        print(f"  {name:>36}  {weight:+.3f}")
    return 0


def _described(prepared: dict, pair: str) -> list[tuple]:
    """Per answerable question: (set, parts of every candidate's score, which candidates are gold)."""
    import numpy as np

    from rag import extractive
    from rag.metrics import locate_evidence

    lib, base = prepared["lib"], prepared["settings"]
    zero = base.model_copy(update={w: 0.0 for w in PARTS} | {"answer_length_norm": base.answer_length_norm})
    out = []
    for item, hits in prepared["items"]:
        question, named = item["question"], lib.vocabulary.named(item["question"]) & {d for d, _, _ in hits.chunks}
        if not item["answerable"] or extractive._unanswerable(question, lib.vocabulary, lib, named):
            continue
        candidates = extractive._candidates(hits, lib, named, base.answer_pool)

        def scores(settings) -> dict:
            ranked = extractive._rank(question, hits, candidates, named, lib, settings)
            return {(s.doc_id, s.start): s.score for s in extractive._of_expected_type(question, ranked, lib)}

        plain = scores(zero)
        keys = sorted(plain)
        # the context part is the match before, at the current dense weight (the match it inherits)
        parts = [np.array([plain[k] for k in keys])]
        for weight in PARTS:
            at_one = {weight: 1.0} | ({"answer_dense_weight": base.answer_dense_weight} if "context" in weight else {})
            varied = scores(zero.model_copy(update=at_one))
            shift = [0.0] * len(keys)
            if "context" in weight:  # less the dense part added beside it
                dense = scores(zero.model_copy(update={"answer_dense_weight": base.answer_dense_weight}))
                shift = [dense[k] - plain[k] for k in keys]
            parts.append(np.array([varied[k] - plain[k] - s for k, s in zip(keys, shift)]))  # a penalty's is -1 or 0
        golds = [g for g in (locate_evidence(e, lib.docs) for e in item["evidence"]) if g.start is not None]
        units = {k: _end(lib, k) for k in keys}
        gold = np.array([any(g.doc_id == k[0] and k[1] < g.end and g.start < units[k] for g in golds) for k in keys])
        if gold.any() and not gold.all():
            out.append((Path(pair.split("=")[0]).stem, np.column_stack(parts), gold))
    return out


def _end(lib, key: tuple[str, int]) -> int:
    doc_id, start = key
    return next(e for s, e in lib.units[doc_id].sentences if s == start)


def _fit(questions: list[tuple]):
    """Weights (word match first) from a pairwise logistic regression, each question counting once."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    pairs, weights = [], []
    for _, parts, gold in questions:
        diff = (parts[gold][:, None, :] - parts[~gold][None, :, :]).reshape(-1, parts.shape[1])
        pairs += [diff, -diff]
        weights += [np.full(2 * len(diff), 1.0 / len(diff))]
    x = np.vstack(pairs)
    y = np.concatenate([np.ones(len(p)) if i % 2 == 0 else np.zeros(len(p)) for i, p in enumerate(pairs)])
    model = LogisticRegression(C=10.0, fit_intercept=False, max_iter=2000)
    coef = model.fit(x, y, sample_weight=np.concatenate(weights)).coef_[0]
    return coef / coef[0]


def _ranks(questions: list[tuple], weights) -> str:
    """How often the gold sentence ranks first and among the first three (current weights if None)."""
    import numpy as np

    from rag.settings import Settings

    if weights is None:
        defaults = Settings()
        weights = np.array([1.0, *(getattr(defaults, w) for w in PARTS)])
    first = top3 = 0
    for _, parts, gold in questions:
        order = np.argsort(-(parts @ weights), kind="stable")
        first += bool(gold[order[0]])
        top3 += bool(gold[order[:3]].any())
    return f"first {first}/{len(questions)}, top three {top3}/{len(questions)}"


if __name__ == "__main__":
    sys.exit(main())
