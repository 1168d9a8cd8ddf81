"""`rag eval --conversations FILE`: multi-turn conversations through `rag.answer(history=...)`.

Each conversation (evals/README.md, "Conversation sets") is a list of turns in the gold format
plus `about`, the documents the turn is on. Every turn is answered twice: alone (history
ignored, as the product did before it kept conversations) and with the earlier answers of the
same run as its history. Each answer is scored with `rag.metrics.score`; the table reports, for
first turns and follow-ups apart, evidence hit, refusals of unanswerable turns, false refusals,
and the share of citations on the turn's documents. Conversations about documents that are not
in the index are skipped and counted.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rag.errors import GoldError
from rag.evaluate import answerer, read_jsonl, schema_problem
from rag.metrics import score
from rag.settings import Settings, get_settings

MODES = ("history ignored", "with history")
TURN_KEYS = {"question", "answerable", "about", "evidence", "facts"}


def run_cli(path: Path, k: int | None = None, json_out: Path | None = None, settings: Settings | None = None) -> int:
    """Answer the conversations both ways, print the table, write the per-turn results as JSON."""
    from rag.ingest import ensure_index
    from rag.retrieve import library

    settings = settings or get_settings()
    conversations = load(path)
    ensure_index(settings)
    docs = library(settings).docs
    kept = [c for c in conversations if all(d in docs for t in c["turns"] for d in t["about"])]
    if not kept:
        raise GoldError(f"{path}: none of its conversations is about documents in this index")
    ask = answerer(settings, k)
    rows = {mode: answer_all(kept, ask, docs, mode == "with history") for mode in MODES}
    print(f"{len(kept)} conversations of {len(conversations)} in {path} ({len(conversations) - len(kept)} skipped:")
    print("their documents are not in this index)\n")
    print(table({mode: summary(turns) for mode, turns in rows.items()}))
    if json_out:
        Path(json_out).parent.mkdir(parents=True, exist_ok=True)
        Path(json_out).write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def load(path: Path) -> list[dict]:
    """The conversations of a JSONL file, each turn checked like a gold question."""
    conversations = []
    for n, item in read_jsonl(path, "conversations"):
        turns = item.get("turns") if isinstance(item, dict) else None
        if not isinstance(turns, list) or not turns:
            raise GoldError(f"{path}:{n}: a conversation needs a non-empty list of turns")
        for t, turn in enumerate(turns, 1):
            problem = _turn_problem(turn)
            if problem:
                raise GoldError(f"{path}:{n}: turn {t}: {problem}")
        conversations.append(item)
    return conversations


def _turn_problem(turn) -> str | None:
    if not isinstance(turn, dict) or set(turn) != TURN_KEYS:
        return f"a turn has exactly the keys {', '.join(sorted(TURN_KEYS))}"
    if not isinstance(turn["about"], list) or not all(isinstance(d, str) for d in turn["about"]):
        return "about is a list of document ids"
    gold = {k: turn[k] for k in ("question", "answerable", "evidence", "facts")}
    return schema_problem({"id": "turn", **gold})


def answer_all(conversations: list[dict], ask, docs: dict, with_history: bool) -> list[dict]:
    """Every turn answered (with the earlier answers of its conversation, or alone) and scored."""
    out = []
    for n, conv in enumerate(conversations, 1):
        history = []
        for i, turn in enumerate(conv["turns"]):
            got = ask(turn["question"], history=history if with_history else None)
            history.append(got)
            result = score({"id": f"{conv['id']}#{i + 1}", **turn}, got, docs, 0.0)
            out.append(_record(conv["id"], i, turn, got, result))
        if sys.stderr.isatty():
            print(
                f"\r{'with' if with_history else 'without'} history: {n}/{len(conversations)}", end="", file=sys.stderr
            )
    if sys.stderr.isatty():
        print(file=sys.stderr)
    return out


def _record(conv_id: str, i: int, turn: dict, got, result) -> dict:
    cited = [c.doc_id for c in got.citations]
    return {
        "conversation": conv_id,
        "turn": i + 1,
        "question": turn["question"],
        "resolved": got.resolved,
        "answerable": turn["answerable"],
        "refused": got.refused,
        "evidence_hit": result.scores["evidence_hit"][0] if turn["answerable"] else None,
        "citations": len(cited),
        "on_document": sum(d in turn["about"] for d in cited),
        "cited": [f"{c.doc_id} {c.pinpoint}" for c in got.citations],
    }


def summary(turns: list[dict]) -> dict[str, dict[str, tuple[float | None, int]]]:
    """The metrics for first turns and follow-ups: (value, how many turns or citations it is over)."""
    out = {}
    for part, rows in (
        ("first turns", [t for t in turns if t["turn"] == 1]),
        ("follow-ups", [t for t in turns if t["turn"] > 1]),
    ):
        answerable = [t for t in rows if t["answerable"]]
        unanswerable = [t for t in rows if not t["answerable"]]
        cited = sum(t["citations"] for t in answerable)
        out[part] = {
            "evidence hit": _ratio(sum(bool(t["evidence_hit"]) for t in answerable), len(answerable)),
            "citations on the turn's document": _ratio(sum(t["on_document"] for t in answerable), cited),
            "unanswerable refused": _ratio(sum(t["refused"] for t in unanswerable), len(unanswerable)),
            "answerable refused": _ratio(sum(t["refused"] for t in answerable), len(answerable)),
        }
    return out


def _ratio(num: float, den: int) -> tuple[float | None, int]:
    return (round(num / den, 3) if den else None, den)


def table(summaries: dict[str, dict]) -> str:
    """A Markdown table: one row per metric and part, one column per mode."""
    modes = list(summaries)
    lines = ["| turns | metric | " + " | ".join(modes) + " |", "|---|---|" + "---:|" * len(modes)]
    first = next(iter(summaries.values()))
    for part, metrics in first.items():
        for metric in metrics:
            cells = []
            for mode in modes:
                value, n = summaries[mode][part][metric]
                cells.append("–" if value is None else f"{value:.3f} (n={n})")
            lines.append(f"| {part} | {metric} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
