"""How the pipeline scales: ingest, load, memory, cold and warm answers and retrieval quality at
about 1,000, 10,000 and 100,000 chunks.

    python evals/bench_scale.py [--sizes 1000 10000] [--int8] [--gold evals/testbed-tune.jsonl]
                                [--work /tmp/rag-scale] [--out evals/reports/scale.md]

Every corpus is the 27 testbed rulings, whose gold questions are asked at every size, plus
distractor documents made of the testbed's own paragraphs: every paragraph that holds none of
the gold quotes, shuffled (a new seed each round) and dealt into plain-text documents of 30
paragraphs, until the corpus has the wanted number of chunks. The distractors are on the same
subjects in the same courts' words (hard negatives), and none holds an answer; they repeat
paragraphs, never whole documents. The first size is the 27 rulings alone (about 1,200 chunks).

Embedding is cached by text under --work (a sentence that recurs in many distractors is encoded
once; each chunk, a new run of paragraphs under its own title, is encoded for real), so a size
can be measured again without hours of encoding; the ingest time of a run with cache hits is
reported beside the encoder's own throughput on what it really encoded. Retrieval, loading and
answers always run on the real index of that size. `--int8` builds and asks with the int8
encoder (`RAG_EMBED_INT8`, the option for large corpora) in indexes of their own; the report keeps
the rows of the other encoder from earlier runs. A benchmark: it asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTBED = ROOT.parent / "shared" / "testbed"
PARAGRAPHS_PER_DOCUMENT = 30
LOAD_AND_ASK = (  # peak memory from VmHWM: ru_maxrss would carry the forking parent's peak across exec
    "import json, re, sys, time; t = time.perf_counter(); from rag.retrieve import library; lib = library(); "
    "loaded = time.perf_counter() - t; from rag import answer; answer(sys.argv[1]); "
    "peak = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1]) / 1024; "
    "print(json.dumps([loaded, peak, len(lib.chunks)]))"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000], help="chunks per corpus (about)")
    parser.add_argument("--gold", type=Path, default=ROOT / "evals" / "testbed-tune.jsonl")
    parser.add_argument("--work", type=Path, default=Path("/tmp/rag-scale"))
    parser.add_argument("--out", type=Path, default=ROOT / "evals" / "reports" / "scale.md")
    parser.add_argument("--int8", action="store_true", help="embed with the int8 encoder (RAG_EMBED_INT8)")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ["RAG_EMBED_INT8"] = "true" if args.int8 else "false"  # for the cold asks' processes too
    rows = []
    for size in sorted(args.sizes):
        rows.append(measure(size, args))
        write_report(rows, args)  # each size as soon as it is measured: the largest takes hours
    return 0


def measure(size: int, args) -> dict:
    """Build (or update) the corpus and index of one size and measure it."""
    from rag.evaluate import load_gold, run
    from rag.ingest import ingest
    from rag.retrieve import forget, library
    from rag.settings import Settings

    items = load_gold(args.gold)
    corpus = args.work / f"corpus-{size}"
    suffix = "-int8" if args.int8 else ""
    settings = Settings(corpus_dir=corpus, index_dir=args.work / f"index-{size}{suffix}", embed_int8=args.int8)
    cache = VectorCache(args.work / "vectors")
    fill(corpus, size, items, args.work, settings)
    with cache.installed():
        started = time.perf_counter()
        report = ingest(settings=settings)
        ingest_seconds = time.perf_counter() - started
    forget(settings)
    env = {**os.environ, "RAG_CORPUS_DIR": str(corpus), "RAG_INDEX_DIR": str(settings.index_dir)}
    question = items[0]["question"]
    load_seconds, rss_mb, chunks = json.loads(_python(LOAD_AND_ASK, question, env=env).splitlines()[-1])
    cold = sorted(_timed([sys.executable, "-m", "rag.cli", "ask", question], env) for _ in range(3))[1]
    lib = library(settings)
    from rag import answer

    scored = run(items, lambda q: answer(q, settings=settings), lib.docs, "rag", settings.top_k)
    summary = {
        key: scored.summary[key].value
        for key in ("hit_at_k", "mrr", "evidence_hit", "latency_p50_ms", "latency_p95_ms")
    }
    built = {
        "ingest_s": round(ingest_seconds, 1),
        "embedded_chunks": report.chunks_embedded,
        "encoded_texts": cache.misses,
        "encoder_texts_per_s": round(cache.misses / cache.seconds, 1) if cache.seconds else None,
    }
    if not report.added:  # measured again on an index built before: its build is the one to report
        built = {key: previous(args, size).get(key) for key in built}
    row = {
        "size": size,
        "encoder": encoder_name(args),
        "documents": len(lib.docs),
        "chunks": chunks,
        **built,
        "load_s": round(load_seconds, 2),
        "rss_mb": round(rss_mb),
        "cold_ask_s": round(cold, 2),
        **{key: round(value, 3) for key, value in summary.items()},
    }
    print(json.dumps(row), flush=True)
    return row


def previous(args, size: int) -> dict:
    """The last report's row for this size and encoder (how its index was built), if any."""
    return next((r for r in earlier_rows(args) if (r["size"], r["encoder"]) == (size, encoder_name(args))), {})


def earlier_rows(args) -> list[dict]:
    """The last report's rows (those made before the encoder column were fp32)."""
    try:
        rows = json.loads(args.out.with_suffix(".json").read_text())
    except (OSError, ValueError):
        return []
    return [{"encoder": "fp32", **r} for r in rows]


def encoder_name(args) -> str:
    return "int8" if args.int8 else "fp32"


def merged(rows: list[dict], args) -> list[dict]:
    """This run's rows with the last report's rows of sizes or encoders not measured now."""
    measured = {(r["size"], r["encoder"]) for r in rows}
    kept = [r for r in earlier_rows(args) if (r["size"], r["encoder"]) not in measured]
    return sorted(kept + rows, key=lambda r: (r["encoder"], r["size"]))


def fill(corpus: Path, size: int, items: list[dict], work: Path, settings) -> None:
    """The 27 rulings, then distractor documents until the corpus has about `size` chunks."""
    from rag import index

    corpus.mkdir(parents=True, exist_ok=True)
    for pdf in sorted(TESTBED.glob("*.pdf")):
        link = corpus / pdf.name
        if not link.exists():
            link.symlink_to(pdf.resolve())
    rulings = _testbed_paragraphs(work)
    budget = settings.chunk_tokens
    chunks = sum(_packed(index.count_tokens(doc, settings), budget) for doc in rulings)  # about
    paragraphs = distractor_paragraphs(rulings, items)
    written = set()
    round_ = 0
    while chunks < size:
        order = random.Random(round_).sample(paragraphs, len(paragraphs))
        for start in range(0, len(order), PARAGRAPHS_PER_DOCUMENT):
            if chunks >= size:
                break
            part = order[start : start + PARAGRAPHS_PER_DOCUMENT]
            path = corpus / f"distractor-{round_:03d}-{start // PARAGRAPHS_PER_DOCUMENT:04d}.txt"
            if not path.exists():
                path.write_text("\n".join(part) + "\n", encoding="utf-8")
            written.add(path)
            chunks += _packed(index.count_tokens(part, settings), budget)
        round_ += 1
    for stale in set(corpus.glob("distractor-*.txt")) - written:  # left by a run that counted chunks differently
        stale.unlink()


def _packed(counts: list[int], budget: int) -> int:
    """About how many chunks ingest makes of paragraphs of these token counts: whole paragraphs
    while they fit, a longer one on its own in windows of the budget."""
    chunks, used = 0, 0
    for n in counts:
        if used and used + n + 1 > budget:
            chunks, used = chunks + 1, 0
        if n + 1 > budget:
            chunks += -(-n // budget)
        else:
            used += n + 1
    return chunks + (1 if used else 0)


def distractor_paragraphs(rulings: list[list[str]], items: list[dict]) -> list[str]:
    """Every paragraph of the testbed rulings that holds no gold quote of the question set."""
    quotes = [" ".join(e["quote"].split()) for item in items for e in item["evidence"]]
    paragraphs = {p for doc in rulings for p in doc if len(p.split()) >= 8}
    return sorted(p for p in paragraphs if not any(q in p for q in quotes))


def _testbed_paragraphs(work: Path) -> list[list[str]]:
    """The paragraphs of each testbed ruling as the reader gives them (kept under --work: OCR is slow)."""
    from rag.readers import read_file

    saved = work / "testbed-paragraphs.json"
    if not saved.is_file():
        docs = []
        for pdf in sorted(TESTBED.glob("*.pdf")):
            text, layout, _ = read_file(pdf)
            docs.append([" ".join(text[s:e].split()) for _, s, e in layout.paragraphs])
        work.mkdir(parents=True, exist_ok=True)
        saved.write_text(json.dumps(docs))
    return json.loads(saved.read_text())


class VectorCache:
    """`rag.index.embed` and `embed_with_spans` with their vectors kept on disk by text (and
    spans): only new texts are encoded."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.misses = 0
        self.seconds = 0.0

    def installed(self):
        import contextlib

        from rag import index

        @contextlib.contextmanager
        def patched():
            originals = index.embed, index.embed_with_spans
            index.embed = lambda texts, settings, progress=False: self._embed(originals[0], texts, settings)
            index.embed_with_spans = lambda texts, spans, settings: self._embed_spans(
                originals[1], texts, spans, settings
            )
            try:
                yield self
            finally:
                index.embed, index.embed_with_spans = originals

        return patched()

    def _keys(self, texts: list[str], settings, spans=None) -> list[str]:
        spans = spans or [None] * len(texts)
        return [
            hashlib.sha1(f"{settings.index_fingerprint()}\n{s}\n{t}".encode()).hexdigest() for t, s in zip(texts, spans)
        ]

    def _missing(self, keys: list[str]) -> list[int]:
        self.folder.mkdir(parents=True, exist_ok=True)
        return [i for i, k in enumerate(keys) if not (self.folder / f"{k}.npz").is_file()]

    def _timed(self, encode, count: int):
        started = time.perf_counter()
        done = encode()
        self.seconds += time.perf_counter() - started
        self.misses += count
        return done

    def _embed(self, original, texts: list[str], settings):
        import numpy as np

        keys = self._keys(texts, settings)
        if new := self._missing(keys):
            vectors = self._timed(lambda: original([texts[i] for i in new], settings), len(new))
            for i, v in zip(new, vectors):
                np.savez(self.folder / f"{keys[i]}.npz", vector=np.asarray(v, dtype=np.float32))
        if not keys:
            return np.zeros((0, 384), "float32")
        return np.vstack([np.load(self.folder / f"{k}.npz")["vector"] for k in keys])

    def _embed_spans(self, original, texts: list[str], spans: list, settings):
        import numpy as np

        keys = self._keys(texts, settings, spans)
        if new := self._missing(keys):
            vectors, pooled = self._timed(
                lambda: original([texts[i] for i in new], [spans[i] for i in new], settings), len(new)
            )
            for k, (i, v) in enumerate(zip(new, vectors)):
                extra = {"spans": pooled[k]} if pooled is not None else {}
                np.savez(self.folder / f"{keys[i]}.npz", vector=np.asarray(v, dtype=np.float32), **extra)
        stored = [np.load(self.folder / f"{k}.npz") for k in keys]
        vectors = np.vstack([s["vector"] for s in stored]) if keys else np.zeros((0, 384), "float32")
        return vectors, ([s["spans"] for s in stored] if all("spans" in s for s in stored) else None)


def _python(code: str, *args: str, env: dict) -> str:
    return subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=True
    ).stdout


def _timed(command: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, capture_output=True, check=True)
    return time.perf_counter() - started


def _built(row: dict) -> str:
    """The ingest cell: its time and what it encoded, or a dash for an index built by a run that
    did not report (interrupted), whose build was not measured."""
    if row["ingest_s"] is None:
        return "—"
    return f"{row['ingest_s']} ({row['encoded_texts']:,} texts encoded)"


def write_report(rows: list[dict], args) -> None:
    """A Markdown table, the raw rows as JSON, and a chart of latency, ingest and quality by size."""
    from matplotlib.figure import Figure

    rows = merged(rows, args)
    head = (
        "| encoder | chunks | documents | ingest (s) | encoder (texts/s) | load (s) | memory (MB) | cold ask (s) "
        "| warm p50 / p95 (ms) | hit@k | MRR | evidence hit |"
    )
    lines = [head, "|---|" + "---:|" * 11]
    for r in rows:
        lines.append(
            f"| {r['encoder']} | {r['chunks']:,} | {r['documents']} | {_built(r)} "
            f"| {r['encoder_texts_per_s'] or '—'} | {r['load_s']} | {r['rss_mb']} | {r['cold_ask_s']} "
            f"| {r['latency_p50_ms']:.0f} / {r['latency_p95_ms']:.0f} | {r['hit_at_k']:.3f} | {r['mrr']:.3f} "
            f"| {r['evidence_hit']:.3f} |"
        )
    questions = sum(1 for _ in args.gold.open())
    note = (
        f"\n{questions} questions from `{args.gold.relative_to(ROOT)}` at every size; machine: "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the end. Made by `evals/bench_scale.py`.\n"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n" + note, encoding="utf-8")
    args.out.with_suffix(".json").write_text(json.dumps(rows, indent=1))
    fig = Figure(figsize=(10, 3))
    axes = fig.subplots(1, 3)
    sizes = sorted({r["chunks"] for r in rows})
    for ax, key, title in zip(
        axes, ("latency_p50_ms", "load_s", "hit_at_k"), ("warm answer p50 (ms)", "index load (s)", "retrieval hit@k")
    ):
        for name in sorted({r["encoder"] for r in rows}):
            mine = [r for r in rows if r["encoder"] == name]
            ax.plot([r["chunks"] for r in mine], [r[key] for r in mine], marker="o", label=name)
        ax.legend(fontsize=7)
        ax.set_xscale("log")
        ax.minorticks_off()
        ax.set_xticks(sizes, [f"{n:,}" for n in sizes], fontsize=7, rotation=30)
        ax.set_ylim(0, max(1.0, max(r[key] for r in rows) * 1.15))
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("chunks", fontsize=8)
    fig.tight_layout()
    fig.savefig(args.out.with_suffix(".png"), dpi=110)
    print("\n".join(lines) + note)


if __name__ == "__main__":
    sys.exit(main())
