"""A real local model on the gold questions: what reaches the user, and how fast.

Runs every question of a gold file through `rag.answer` with the `local` backend (llama.cpp in
this process) or the `openai` backend pointed at a llama.cpp server, and reports the share of
answers with at least one verified citation, refusals, citations shown that fail a check (the
pinpoint check or the support check; must be 0), p50/p95 latency, and the model's generation
speed in tokens per second.

    .venv/bin/python evals/bench_local.py                                   # SmolLM2, in process
    .venv/bin/python evals/bench_local.py --url http://127.0.0.1:8000/v1    # the same, over HTTP
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=ROOT / "evals" / "gold.jsonl")
    parser.add_argument("--url", help="an OpenAI-compatible server (llama_cpp.server) instead of in-process")
    parser.add_argument("--model", help="GGUF file (default: the packaged SmolLM2)")
    parser.add_argument("--free-text", action="store_true", help="ask for prose instead of structured claims")
    parser.add_argument("--max-tokens", type=int, default=256)
    args = parser.parse_args()

    from rag.backends import local_model_path
    from rag.ingest import ensure_index
    from rag.settings import get_settings

    base = get_settings()
    ensure_index(base)
    model = args.model or str(local_model_path(base))
    update = {"llm": "openai" if args.url else "local", "llm_model": model, "llm_max_tokens": args.max_tokens}
    update |= {"llm_base_url": args.url, "llm_timeout": 600.0} if args.url else {}
    settings = base.model_copy(update={**update, "llm_structured": not args.free_text})
    questions = [json.loads(line)["question"] for line in args.gold.read_text().splitlines() if line.strip()]
    rows = [run(q, settings) for q in questions]
    print(summary(rows, settings, model, args))
    if not args.url:
        print(f"generation: {tokens_per_second(model, args.max_tokens):.1f} tokens/s")


def run(question: str, settings) -> dict:
    from rag import answer
    from rag.retrieve import library
    from rag.verify import check, split_claims, supports

    started = time.perf_counter()
    result = answer(question, settings=settings)
    seconds = time.perf_counter() - started
    lib = library(settings)
    by_number = {c.number: c for c in result.citations}
    failing = sum(check(c, lib.docs) is not None for c in result.citations)
    for sentence, markers in split_claims(result.text):
        for n in markers:
            c = by_number.get(n)
            failing += (
                c is None
                or not supports(
                    sentence, c.quote, about=(d := lib.docs[c.doc_id]).meta.about_text(), document=d.text
                ).ok
            )
    return {
        "cited": bool(result.citations),
        "refused": result.refused,
        "failing": failing,
        "fallback": result.notice is not None,
        "seconds": seconds,
        "unsupported": len(result.unsupported),
    }


def summary(rows: list[dict], settings, model: str, args) -> str:
    n = len(rows)
    times = sorted(r["seconds"] for r in rows)
    p95 = times[min(n - 1, round(0.95 * (n - 1)))]
    path = f"openai → {args.url}" if args.url else "local (in process)"
    return "\n".join(
        [
            f"{path}, {Path(model).name}, {'free text' if args.free_text else 'structured'}, {n} questions, "
            f"max {settings.llm_max_tokens} tokens",
            f"answers with a verified citation: {sum(r['cited'] for r in rows)}/{n}",
            f"refusals: {sum(r['refused'] for r in rows)}/{n}",
            f"citations shown that fail a check: {sum(r['failing'] for r in rows)}",
            f"fell back to extractive: {sum(r['fallback'] for r in rows)}; sentences flagged unsupported: "
            f"{sum(r['unsupported'] for r in rows)}",
            f"latency: p50 {statistics.median(times):.1f} s, p95 {p95:.1f} s",
        ]
    )


def tokens_per_second(model: str, max_tokens: int) -> float:
    """Generation speed of the model on a short prompt, prompt time excluded as far as possible."""
    from rag.backends import _load_gguf

    llm = _load_gguf(model)
    prompt = "A preliminary injunction is an order of a court that"  # plain continuation: no chat turn to end early
    llm.create_completion(prompt, max_tokens=8)  # warm
    started = time.perf_counter()
    reply = llm.create_completion(prompt, max_tokens=max_tokens, temperature=0.0)
    return reply["usage"]["completion_tokens"] / (time.perf_counter() - started)


if __name__ == "__main__":
    main()
