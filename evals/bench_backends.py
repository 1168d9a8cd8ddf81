"""How well verification filters a model's citations: the gold questions, answered by a scripted
OpenAI-compatible server that writes a mix of good and bad cited sentences from the passages it is
given. Prints the share of bad citations removed, of good ones kept, and verification time.

    python evals/bench_backends.py            (uses the index in RAG_INDEX_DIR, default index/)
"""

from __future__ import annotations

import json
import random
import re
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from scripted_llm import ScriptedLLM, passages_of  # noqa: E402

BAD_KINDS = ("wrong passage", "passage not given", "invented number", "invented quote")


def first_sentence(text: str) -> str:
    """A passage's first whole sentence of ordinary prose (60-300 characters, on one line)."""
    from rag.ingest import split_sentences

    for start, end in split_sentences(text, 0, len(text)):
        piece = text[start:end].strip()
        if 60 <= len(piece) <= 300 and "\n" not in piece and piece.endswith(".") and piece[0].isupper():
            return piece
    return text.split("\n")[0][:200].rstrip(".") + "."


def compose(request: dict, rng: random.Random, log: list) -> str:
    """One good and one bad cited sentence from the given passages, recorded in `log`."""
    passages = passages_of(request)
    n = rng.choice(sorted(passages))
    good = first_sentence(passages[n]).rstrip(".")
    kind = rng.choice(BAD_KINDS)
    if kind == "wrong passage":
        other = next((m for m in passages if m != n and good[:40] not in passages[m]), n)
        bad = f"{first_sentence(passages[n]).rstrip('.')} [{other}]."
    elif kind == "passage not given":
        bad = f"{good} [{len(passages) + 1}]."
    elif kind == "invented number":
        bad = f"The court awarded the plaintiffs $4,250,000 in damages [{n}]."
    else:
        bad = f"The court described the conduct as “a textbook case of willful piracy” [{n}]."
    log.append({"good": good + ".", "bad": bad, "kind": kind})
    return f"{good} [{n}]. {bad}"


def main() -> None:
    from pydantic import SecretStr

    from rag import answer
    from rag.ingest import ensure_index
    from rag.settings import get_settings

    ensure_index()
    gold = [json.loads(line) for line in (ROOT / "evals" / "gold.jsonl").read_text().splitlines() if line.strip()]
    rng, log, verify_ms, kept, removed = random.Random(7), [], [], 0, 0
    with ScriptedLLM() as llm:
        settings = get_settings().model_copy(
            update={"llm": "openai", "llm_base_url": llm.url, "llm_model": "scripted", "llm_api_key": SecretStr("x")}
        )
        llm.enqueue(lambda r: compose(r, rng, []))
        answer("How many books were pirated?", settings=settings)  # warm-up: imports, connection
        for item in gold:
            llm.enqueue(lambda r: compose(r, rng, log))
            result = answer(item["question"], settings=settings)
            verify_ms.append(result.timings.get("verify_ms", 0.0))
            good, bad = log[-1]["good"], _claim(log[-1]["bad"])
            kept += f"{good} [" in result.text
            removed += bad in result.unsupported
    n = len(gold)
    print(f"questions: {n}; each answer had one good and one bad cited sentence ({', '.join(BAD_KINDS)})")
    print(f"bad citations removed: {removed / n:.1%}")
    print(f"good citations kept:   {kept / n:.1%}")
    print(f"verification time per answer: p50 {statistics.median(verify_ms):.1f} ms, max {max(verify_ms):.1f} ms")


def _claim(cited: str) -> str:
    """A composed sentence without its marker, as the verifier reports it."""
    return " ".join(re.sub(r"\s*\[\d+\]", "", cited).split())


if __name__ == "__main__":
    main()
