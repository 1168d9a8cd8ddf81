"""How well `rag.verify.supports` tells a faithful answer sentence from a wrong one.

Reads the labelled pairs of evals/support-pairs.jsonl (an answer sentence, the passage it
cites, whether the passage supports it, and the kind of sentence: paraphrase, summary,
attribution, partial quote; changed number, flipped outcome, swapped parties, overclaim,
true fact from another passage, misquote), gives `supports` each pair with the cited
document's particulars as `about` (read from the ruling, as ingest reads it), and reports per
kind the share it gets right with a 95% Wilson interval.

    .venv/bin/python evals/support_check.py --split tune            # the half used for tuning
    .venv/bin/python evals/support_check.py --split test --out evals/reports/support-test.md
"""

from __future__ import annotations

import argparse
import json
import math
import os
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAIRS = ROOT / "evals" / "support-pairs.jsonl"
FOLDERS = (ROOT.parent / "shared" / "corpus", ROOT.parent / "shared" / "testbed", ROOT / "corpus")


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["tune", "test", "all"], default="tune")
    parser.add_argument("--pairs", type=Path, default=PAIRS)
    parser.add_argument("--out", type=Path, help="also write the table as Markdown here")
    parser.add_argument("--show", action="store_true", help="print every pair the check gets wrong")
    args = parser.parse_args()
    pairs = [p for p in map(json.loads, args.pairs.read_text().splitlines()) if args.split in ("all", p["split"])]
    results = check(pairs)
    table = report(results, args.split)
    print(table)
    if args.show:
        for pair, support in results:
            if bool(support.ok) != pair["label"]:
                print(
                    f"\n{pair['id']} {pair['kind']} -> {support}\n  S: {pair['sentence']}\n  P: {pair['passage'][:300]}"
                )
    if args.out:
        args.out.write_text(table + "\n")


def check(pairs: list[dict]) -> list[tuple[dict, object]]:
    """Each pair with what `supports` says of it."""
    from rag.verify import supports

    docs = {name: read(name) for name in {p["doc"] for p in pairs}}
    return [
        (p, supports(p["sentence"], p["passage"], about=docs[p["doc"]][0], document=docs[p["doc"]][1])) for p in pairs
    ]


def read(name: str) -> tuple[str, str]:
    """The document's particulars as the reader finds them (title, court, date, docket, judge), and its text."""
    from rag.ingest import read_document

    path = next((folder / name for folder in FOLDERS if (folder / name).is_file()), None)
    if path is None:
        raise SystemExit(f"error: {name} is in none of {', '.join(map(str, FOLDERS))}")
    doc = read_document(path)
    return doc.meta.about_text(), doc.text


def report(results: list[tuple[dict, object]], split: str) -> str:
    """A Markdown table: per kind, how many pairs and the share the check gets right."""
    by_kind: dict[str, list[bool]] = defaultdict(list)
    by_label: dict[bool, list[bool]] = defaultdict(list)
    for pair, support in results:
        right = bool(support.ok) == pair["label"]
        by_kind[(pair["label"], pair["kind"])].append(right)
        by_label[pair["label"]].append(right)
    lines = [
        f"Split: {split}, {len(results)} pairs.",
        "",
        "| kind | label | pairs | right | 95% interval |",
        "|---|---|---|---|---|",
    ]
    for (label, kind), rights in sorted(by_kind.items(), key=lambda kv: (not kv[0][0], kv[0][1])):
        lines.append(_row(kind, "accept" if label else "reject", rights))
    lines.append(_row("**faithful accepted**", "accept", by_label[True]))
    lines.append(_row("**wrong rejected**", "reject", by_label[False]))
    return "\n".join(lines)


def _row(name: str, wanted: str, rights: list[bool]) -> str:
    low, high = wilson(sum(rights), len(rights))
    share = sum(rights) / len(rights) if rights else 0.0
    return f"| {name} | {wanted} | {len(rights)} | {share:.2f} | [{low:.2f}, {high:.2f}] |"


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson score interval of a proportion."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


if __name__ == "__main__":
    main()
