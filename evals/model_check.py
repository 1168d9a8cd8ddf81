"""What a model's second check (RAG_MODEL_CHECK) adds to `rag.verify.supports` on the labelled pairs.

Each pair of the given files goes to the offline check and, alone, to the model's check
(`ModelBackend.confirm`, held to the verdicts' schema); prints faithful accepted and wrong
rejected for the offline check, the model's, and both together (a citation survives only if
both let it), and how many pairs the model said "supported" to.

    .venv/bin/python evals/model_check.py evals/support-pairs.jsonl                  # SmolLM2 in process
    .venv/bin/python evals/model_check.py --model ~/models/some.gguf evals/support-pairs-fresh6.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from support_check import check


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pairs", type=Path, nargs="+")
    parser.add_argument("--model", help="a GGUF file (default: the SmolLM2 file of the `local` extra)")
    args = parser.parse_args()
    from rag.backends import LocalBackend
    from rag.settings import get_settings

    settings = get_settings().model_copy(update={"llm": "local", "llm_model": args.model, "llm_max_tokens": 64})
    model = LocalBackend(settings)
    pairs = [json.loads(line) for path in args.pairs for line in path.read_text().splitlines()]
    started = time.perf_counter()
    rows = [
        (p["label"], bool(result.ok), (model.confirm([(p["sentence"], p["passage"])]) or [None])[0])
        for p, result in check(pairs)
    ]
    print(f"{len(rows)} pairs in {time.perf_counter() - started:.0f} s")
    verdicts = {
        "offline": lambda offline, said: offline,
        "model": lambda offline, said: said is True,
        "both": lambda offline, said: offline and said is not False,
    }
    for name, accepts in verdicts.items():
        faithful = [accepts(o, m) for label, o, m in rows if label]
        wrong = [not accepts(o, m) for label, o, m in rows if not label]
        print(
            f"{name:8} faithful accepted {sum(faithful) / len(faithful):.3f}   wrong rejected {sum(wrong) / len(wrong):.3f}"
        )
    print(
        f"the model said supported to {sum(m is True for _, _, m in rows)}, no verdict for {sum(m is None for _, _, m in rows)}"
    )


if __name__ == "__main__":
    main()
