"""Our pipeline beside the LlamaIndex quickstart (`rag.baseline`), measured on this machine.

    python evals/bench.py [--out evals/reports/bench.md]

Same corpus (`corpus/`), same embedding model, each system in its own temporary index
folder (never the repo's `index/`). Measured: ingest time (a subprocess each), cold ask to
first answer (a fresh subprocess, median of 3), warm answer latency p50/p95 over every
question in `evals/gold.jsonl` (one process, after a warm-up call, the systems alternating
question by question so that a burst of other work hits both), and the median length of a
citation's quote over those answers. Prints a Markdown table and writes it, with the raw
numbers as JSON beside it. A benchmark, not a test: nothing here asserts anything. On a
shared machine, read the load averages it records before trusting a number.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "evals" / "gold.jsonl"
DEFAULT_OUT = ROOT / "evals" / "reports" / "bench.md"
QUESTION = "Was training Claude on the authors' books a fair use?"
COLD_RUNS = 3
OURS = "ours"
BASELINE = "baseline"
OURS_INGEST = ["-m", "rag.cli", "ingest"]
OURS_ASK = ["-m", "rag.cli", "ask", QUESTION]
BASELINE_BUILD = ["-c", "from rag.baseline import build; build()"]
BASELINE_ASK = ["-c", "import sys; from rag.baseline import answer; print(answer(sys.argv[1]).text)", QUESTION]
ENV = {"HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}


def main() -> None:
    """Measure both systems, print the table, write the reports."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="Markdown report (JSON goes beside it)")
    out = parser.parse_args().out
    os.environ.update(ENV)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="rag-bench-") as tmp:
        dirs = {OURS: Path(tmp) / OURS, BASELINE: Path(tmp) / BASELINE}
        results = {"machine": machine(), OURS: {}, BASELINE: {}}
        measure_subprocesses(results, dirs)
        measure_warm(results, dirs)
    results["bench_s"] = round(time.perf_counter() - started, 1)
    results["machine"]["load_after"] = load()
    table = report(results)
    print(table)
    write(out, table, results)


def machine() -> dict:
    """The facts that make these numbers comparable (or not) with another machine's."""
    return {
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "torch": version("torch"),
        "platform": platform.platform(),
        "llama_index_core": version("llama-index-core"),
        "load_before": load(),
    }


def load() -> list[float]:
    """The 1, 5 and 15-minute load averages: other work on the machine skews every number here."""
    return [round(x, 2) for x in os.getloadavg()]


def measure_subprocesses(results: dict, dirs: dict) -> None:
    """Ingest into each fresh index folder, then the cold asks against the persisted indexes."""
    results[OURS]["ingest_s"] = timed(OURS_INGEST, dirs[OURS])
    results[BASELINE]["ingest_s"] = timed(BASELINE_BUILD, dirs[BASELINE])
    for name, argv in ((OURS, OURS_ASK), (BASELINE, BASELINE_ASK)):
        runs = [timed(argv, dirs[name]) for _ in range(COLD_RUNS)]
        results[name]["cold_ask_runs_s"] = runs
        results[name]["cold_ask_s"] = statistics.median(runs)


def timed(argv: list[str], index_dir: Path) -> float:
    """Wall seconds of `python <argv>` with RAG_INDEX_DIR set; a failure stops the benchmark."""
    env = {**os.environ, **ENV, "RAG_INDEX_DIR": str(index_dir), "RAG_CORPUS_DIR": str(ROOT / "corpus")}
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, *argv], cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if proc.returncode:
        sys.exit(f"bench: {' '.join(argv[:3])} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return round(elapsed, 2)


def measure_warm(results: dict, dirs: dict) -> None:
    """Warm latency and citation length, in this process; the systems alternate question by question."""
    import rag
    from rag import baseline
    from rag.settings import Settings

    questions = [json.loads(line)["question"] for line in GOLD.read_text(encoding="utf-8").splitlines() if line]
    systems = {
        OURS: partial(rag.answer, settings=Settings(index_dir=dirs[OURS])),
        BASELINE: partial(baseline.answer, settings=Settings(index_dir=dirs[BASELINE])),
    }
    samples = {name: {"times_ms": [], "quote_chars": [], "refused": 0} for name in systems}
    for ask in systems.values():
        ask(QUESTION)  # warm-up: loads the model and the index
    for question in questions:
        for name, ask in systems.items():
            sample(samples[name], ask, question)
    for name in systems:
        results[name].update(summary(samples[name]))


def sample(into: dict, ask, question: str) -> None:
    """Time one answer and note its citations' lengths."""
    started = time.perf_counter()
    result = ask(question)
    into["times_ms"].append(round((time.perf_counter() - started) * 1000, 2))
    into["quote_chars"] += [len(c.quote) for c in result.citations]
    into["refused"] += result.refused


def summary(samples: dict) -> dict:
    """p50/p95 milliseconds, the median quote length, and the raw samples for the JSON report."""
    times, quotes = samples["times_ms"], samples["quote_chars"]
    return {
        "questions": len(times),
        "warm_p50_ms": round(statistics.median(times), 1),
        "warm_p95_ms": round(statistics.quantiles(times, n=20, method="inclusive")[18], 1),
        "median_citation_chars": round(statistics.median(quotes)) if quotes else None,
        "citations": len(quotes),
        **samples,
    }


def report(results: dict) -> str:
    """The Markdown table, with the machine facts under it."""
    ours, base, m = results[OURS], results[BASELINE], results["machine"]
    rows = [
        ("Ingest of corpus/ (s)", "ingest_s"),
        (f"Cold ask to first answer, median of {COLD_RUNS} (s)", "cold_ask_s"),
        ("Warm answer p50 (ms)", "warm_p50_ms"),
        ("Warm answer p95 (ms)", "warm_p95_ms"),
        ("Median characters per citation", "median_citation_chars"),
        ("Citations over the gold questions", "citations"),
        ("Refusals over the gold questions", "refused"),
    ]
    lines = ["| | ours (`rag`) | LlamaIndex quickstart |", "|---|---:|---:|"]
    lines += [f"| {label} | {ours[key]} | {base[key]} |" for label, key in rows]
    lines += [
        "",
        f"{ours['questions']} questions from evals/gold.jsonl. Machine: {m['cpu_count']} cores, "
        f"Python {m['python']}, torch {m['torch']}, llama-index-core {m['llama_index_core']}, {m['platform']}.",
        f"Load average (1/5/15 min) before: {m['load_before']}, after: {m['load_after']}. "
        f"Whole benchmark: {results['bench_s']} s.",
    ]
    return "\n".join(lines)


def write(out: Path, table: str, results: dict) -> None:
    """The Markdown report and, beside it, the raw numbers as JSON."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(f"# Benchmark: ours vs the LlamaIndex quickstart\n\n{table}\n", encoding="utf-8")
    out.with_suffix(".json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
