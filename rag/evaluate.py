"""`rag eval`: the gold questions through `rag.answer()`, every answer scored, a gate and reports.

Each question of the gold set (evals/gold.jsonl) is answered once by the backend under test
(and, with `--baseline llamaindex`, by LlamaIndex's quickstart pipeline in the same run);
`rag.metrics` scores every answer against the gold evidence; `evals/thresholds.toml` decides
pass or fail. Output: a table on stdout, the full results as JSON, and a Markdown report with
a chart and the failed questions. Retrieval is measured on the passages the answer carries,
which are exactly what `rag.retrieve` returned for it, so each question is searched once.

What it gives up: there is no judge model, so "correct" means "quotes the gold passage or
states the gold facts", and "supports" is the lexical check of `rag.verify.supports`.
Latency is wall time per question after one untimed warm-up call, on whatever machine runs it.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rag.errors import BackendError, ConfigError, GoldError
from rag.metrics import LATENCY, METRICS, Estimate, Result, calibrate_support, failures, score, summarise
from rag.settings import PROJECT_ROOT, Settings, get_settings

EVALS = PROJECT_ROOT / "evals"
GOLD = EVALS / "gold.jsonl"
THRESHOLDS = EVALS / "thresholds.toml"
REPORT = EVALS / "reports" / "latest.md"
JSON_OUT = EVALS / "reports" / "latest.json"
GOLD_KEYS = {"id", "question", "answerable", "evidence", "facts"}
EVIDENCE_KEYS = {"doc_id", "page", "paragraph", "quote"}
BASELINES = {  # name -> the modules it needs (the `baseline` extra and the PDF reader)
    "llamaindex": (
        "llama_index.core",
        "llama_index.vector_stores.chroma",
        "llama_index.embeddings.huggingface",
        "llama_index.readers.file",
    ),
}
DRAWS, SEED = 1000, 0
REFERENCE = "Magesh et al. 2024 measured 17% for Lexis+ AI and 33% for Westlaw AI-Assisted Research."


@dataclass
class Run:
    """One system's answers to the gold set, scored and summarised."""

    name: str
    k: int | str
    results: list[Result]
    summary: dict[str, Estimate]
    seconds: float


def run_cli(
    gold: Path | None = None,
    backend: str | None = None,
    k: int | None = None,
    json_out: Path | None = None,
    report: Path | None = None,
    baseline: str | None = None,
    settings: Settings | None = None,
    answer_fn: Callable | None = None,
) -> int:
    """What `rag eval` does; returns 0 when every gated metric is within its threshold, else 1."""
    from rag.ingest import ensure_index
    from rag.retrieve import library

    settings = _backend_settings(settings or get_settings(), backend)
    gold = Path(gold or GOLD)
    items, thresholds = load_gold(gold), load_thresholds(THRESHOLDS, gold)
    theirs = baseline_answerer(baseline, settings) if baseline else None
    ensure_index(settings)
    docs = library(settings).docs
    name = f"rag ({settings.llm})" if answer_fn is None else f"rag ({getattr(answer_fn, '__name__', 'custom')})"
    runs = [run(items, answer_fn or answerer(settings, k), docs, name, k or settings.top_k)]
    if theirs:
        runs.append(run(items, theirs, docs, f"{baseline} quickstart", _baseline_k()))
    verdict = judge(runs[0].summary, thresholds)
    calibration = calibrate_support(items)
    json_out, report = Path(json_out or JSON_OUT), Path(report or REPORT)
    write_json(json_out, gold, runs, thresholds, verdict, calibration)
    write_report(report, gold, runs, thresholds, verdict, calibration)
    where = f"Report: {_shown(report)}  JSON: {_shown(json_out)}"
    print(table(runs, thresholds, verdict), failed_list(runs[0]), where, sep="\n\n")
    return 0 if passed(verdict) else 1


def read_jsonl(path: Path, what: str) -> list[tuple[int, object]]:
    """(line number, object) for each non-blank line of a JSON Lines file; GoldError naming the line."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldError(f"cannot read the {what} {path}: {getattr(exc, 'strerror', None) or exc}") from None
    out = []
    for n, line in enumerate(lines, 1):
        if line.strip():
            try:
                out.append((n, json.loads(line)))
            except json.JSONDecodeError as exc:
                raise GoldError(f"{path}:{n}: not JSON ({exc.msg})") from None
    return out


def load_gold(path: Path) -> list[dict]:
    """The gold questions, each checked against the schema in evals/README.md."""
    items = []
    for n, item in read_jsonl(path, "gold file"):
        if problem := schema_problem(item):
            raise GoldError(f"{path}:{n}: {problem}")
        items.append(item)
    ids = [i["id"] for i in items]
    if not items or len(set(ids)) != len(ids):
        raise GoldError(f"{path}: no questions" if not items else f"{path}: duplicate ids")
    return items


def schema_problem(item) -> str | None:
    """What is wrong with one gold object, or None."""
    if not isinstance(item, dict) or set(item) != GOLD_KEYS:
        return f"keys must be exactly {', '.join(sorted(GOLD_KEYS))}"
    question, answerable = item["question"], item["answerable"]
    if not isinstance(question, str) or not question.strip() or not isinstance(answerable, bool):
        return "question must be a non-empty string and answerable a boolean"
    if not isinstance(item["evidence"], list) or not isinstance(item["facts"], list):
        return "evidence and facts must be lists"
    if item["answerable"] != bool(item["evidence"]):
        return "an answerable question needs evidence, an unanswerable one has none"
    for ev in item["evidence"]:
        if not isinstance(ev, dict) or set(ev) != EVIDENCE_KEYS:
            return f"evidence keys must be exactly {', '.join(sorted(EVIDENCE_KEYS))}"
        if (ev["page"] is None) == (ev["paragraph"] is None) or not isinstance(ev["quote"], str):
            return "each evidence item has a page or a paragraph (not both) and a quote"
    return None


def load_thresholds(path: Path, gold: Path | None = None) -> dict[str, tuple[str, float]]:
    """Gated metrics: key -> (">=", limit) from [min], ("<=", limit) from [max].

    A gold set with a section of its own (`[sets.<file stem>.min]`) is gated by it; any other
    by the top-level [min] and [max].
    """
    import tomllib

    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read thresholds {path}: {exc}") from None
    raw = raw.get("sets", {}).get(Path(gold).stem, raw) if gold else raw
    known = {key for key, _, _ in METRICS}
    out = {}
    for section, op in (("min", ">="), ("max", "<=")):
        for key, limit in raw.get(section, {}).items():
            if key not in known:
                raise ConfigError(f"{path}: unknown metric {key!r} in [{section}]")
            out[key] = (op, float(limit))
    return out


def judge(summary: dict[str, Estimate], thresholds: dict) -> dict[str, bool | None]:
    """Per gated metric: True within its threshold, False not, None when it did not apply."""
    verdict = {}
    for key, (op, limit) in thresholds.items():
        value = summary[key].value
        verdict[key] = None if value is None else (value >= limit - 1e-9 if op == ">=" else value <= limit + 1e-9)
    return verdict


def passed(verdict: dict[str, bool | None]) -> bool:
    """True unless some gated metric is outside its threshold."""
    return all(ok is not False for ok in verdict.values())


def _backend_settings(settings: Settings, backend: str | None) -> Settings:
    """The settings with `llm` set to the backend under test; ConfigError for an unknown name."""
    from typing import get_args

    if backend is None:
        return settings
    known = get_args(type(settings).model_fields["llm"].annotation)
    if backend not in known:
        raise ConfigError(f"unknown backend {backend!r}; choose one of: {', '.join(known)}")
    return settings.model_copy(update={"llm": backend})


def answerer(settings: Settings, k: int | None) -> Callable:
    """`rag.answer` with these settings; a model backend that falls back to extractive is an error."""
    from rag.answer import answer

    def ask(question: str, history: list | None = None):
        got = answer(question, k=k, settings=settings, history=history)
        if got.backend != settings.llm:
            notice = getattr(got, "notice", None) or "it fell back"
            measured = f"so the eval would measure {got.backend}"
            raise BackendError(f"the {settings.llm} backend did not answer, {measured}: {notice}")
        return got

    return ask


def baseline_answerer(name: str, settings: Settings) -> Callable:
    """The baseline's answers, its retrieved chunks as the citations, each sentence marked with its chunk."""
    if name not in BASELINES:
        raise ConfigError(f"unknown baseline {name!r}; the one baseline is: {', '.join(BASELINES)}")
    if missing := [m for m in BASELINES[name] if not _installed(m)]:
        install = "pip install -e '.[baseline]' llama-index-readers-file"
        raise ConfigError(f"--baseline {name} needs {missing[0]}: {install}")
    from rag import baseline

    def ask(question: str):
        got = baseline.answer(question, settings)
        return got.model_copy(update={"text": _marked(got.citations)})

    return ask


def _installed(module: str) -> bool:
    """Whether a module can be imported, without importing it."""
    import importlib.util

    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def _marked(citations) -> str:
    """Chunks as an answer whose every sentence carries the marker of the chunk it is from."""
    from rag.ingest import split_sentences

    parts = []
    for c in citations:
        spans = split_sentences(c.quote, 0, len(c.quote)) or [(0, len(c.quote))]
        parts += [f"{' '.join(c.quote[s:e].split())} [{c.number}]" for s, e in spans]
    return " ".join(parts)


def _baseline_k() -> int:
    from llama_index.core.constants import DEFAULT_SIMILARITY_TOP_K

    return DEFAULT_SIMILARITY_TOP_K


def run(items: list[dict], answer_fn: Callable, docs: dict, name: str, k: int | str) -> Run:
    """Answer every gold question (after one untimed warm-up call) and score the answers."""
    started = time.perf_counter()
    answer_fn(items[0]["question"])
    results = []
    for n, item in enumerate(items, 1):
        asked = time.perf_counter()
        got = answer_fn(item["question"])
        results.append(score(item, got, docs, (time.perf_counter() - asked) * 1000))
        if sys.stderr.isatty():
            print(f"\r{name}: {n}/{len(items)} questions", end="\n" if n == len(items) else "", file=sys.stderr)
    return Run(name, k, results, summarise(results, DRAWS, SEED), round(time.perf_counter() - started, 1))


# ---- output --------------------------------------------------------------------------------


def label(key: str) -> str:
    """A metric's display name."""
    return next(text for name, text, _ in METRICS if name == key)


def heading(r: Run) -> str:
    """A run's column heading: its name and how many passages it retrieves."""
    return f"{r.name}, k={r.k}"


def fmt(estimate: Estimate, key: str) -> tuple[str, str]:
    """(value, "[low, high]") as text; latency in whole milliseconds."""
    if estimate.value is None:
        return "n/a", ""
    f = "{:.0f}" if key in LATENCY else "{:.3f}"
    return f.format(estimate.value), f"[{f.format(estimate.low)}, {f.format(estimate.high)}]"


def limit_text(key: str, thresholds: dict) -> str:
    """A metric's threshold as "≥ 0.5" or "≤ 0.35", or "" when it is not gated."""
    if key not in thresholds:
        return ""
    op, limit = thresholds[key]
    return f"{'≥' if op == '>=' else '≤'} {limit:g}"


def verdict_text(key: str, verdict: dict) -> str:
    """ "ok", "FAIL", "n/a" (gated, did not apply) or "" (not gated)."""
    return {True: "ok", False: "FAIL", None: "n/a"}[verdict[key]] if key in verdict else ""


def table(runs: list[Run], thresholds: dict, verdict: dict) -> str:
    """The metrics as a fixed-width text table: each run's value and interval, the gate beside the first."""
    head = ["metric", heading(runs[0]), "threshold", "pass"] + [heading(r) for r in runs[1:]]
    rows = [head]
    for key, _, _ in METRICS:
        cells = [label(key), " ".join(fmt(runs[0].summary[key], key)), limit_text(key, thresholds)]
        rows.append(cells + [verdict_text(key, verdict)] + [" ".join(fmt(r.summary[key], key)) for r in runs[1:]])
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    ks = "; ".join(f"{r.name}: {len(r.results)} questions in {r.seconds} s" for r in runs)
    failed = [key for key, ok in verdict.items() if ok is False]
    tail = f"FAIL: {', '.join(failed)} outside threshold" if failed else "PASS: every gated metric within its threshold"
    return "\n".join(lines + ["", ks, tail])


def failed_list(r: Run) -> str:
    """One line per failed question: its id and why (the report has what was expected and cited)."""
    lines = [f"  {x.item['id']}: {_clip('; '.join(failures(x)), 140)}" for x in r.results if failures(x)]
    return f"Failed questions, {r.name}: {len(lines)} of {len(r.results)}" + "".join(f"\n{line}" for line in lines)


def write_json(path: Path, gold: Path, runs: list[Run], thresholds: dict, verdict: dict, calibration: dict) -> None:
    """The whole evaluation, every question included, as JSON."""
    data = {
        "gold": _shown(gold),
        "passed": passed(verdict),
        "thresholds": {key: {"op": op, "limit": limit, "ok": verdict[key]} for key, (op, limit) in thresholds.items()},
        "bootstrap": {"draws": DRAWS, "seed": SEED, "interval": [2.5, 97.5]},
        "support_calibration": calibration,
        "runs": [_run_json(r) for r in runs],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def _run_json(r: Run) -> dict:
    metrics = {key: vars(r.summary[key]) for key, _, _ in METRICS}
    questions = [record(x) for x in r.results]
    return {"name": r.name, "k": r.k, "seconds": r.seconds, "metrics": metrics, "questions": questions}


def record(r: Result) -> dict:
    """One question's answer and every check on it, JSON-safe (long texts clipped: the baseline's chunks are pages)."""
    cited = {c.number: c for c in r.answer.citations}
    return {
        "id": r.item["id"],
        "question": r.item["question"],
        "answerable": r.item["answerable"],
        "refused": r.answer.refused,
        "text": _clip(r.answer.text, 3000),
        "latency_ms": round(r.latency_ms, 1),
        "expected": [
            {"doc_id": g.doc_id, "pinpoint": g.stated, "quote": g.quote, "problem": g.problem} for g in r.golds
        ],
        "facts": dict(zip(r.item["facts"], r.facts_found)),
        "citations": [{**_citation_json(cited[c.number]), **vars(c)} for c in r.citations],
        "sentences": len(r.sentences),
        "unsupported_sentences": [_clip(s, 120) for s, _, ok in r.sentences if not ok][:5],
        "scores": {key: list(pair) for key, pair in r.scores.items()},
        "hallucinated": r.hallucinated,
        "failures": failures(r),
    }


def _citation_json(c) -> dict:
    where = {"doc_id": c.doc_id, "pinpoint": c.pinpoint, "page": c.page, "paragraph": c.paragraph}
    return {**where, "quote": _clip(c.quote, 1500)}


def write_report(path: Path, gold: Path, runs: list[Run], thresholds: dict, verdict: dict, calibration: dict) -> None:
    """The Markdown report, with its chart (PNG) beside it."""
    chart = path.with_suffix(".png")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_chart(chart, runs, thresholds)
    parts = [
        _report_head(gold, runs, verdict),
        _metrics_markdown(runs, thresholds, verdict),
        f"![The metrics with their 95% intervals; red ticks mark thresholds]({chart.name})",
        _calibration_markdown(calibration),
        _failures_markdown(runs),
    ]
    path.write_text("\n\n".join(parts) + "\n", encoding="utf-8")


def _report_head(gold: Path, runs: list[Run], verdict: dict) -> str:
    items = [r.item for r in runs[0].results]
    answerable = sum(i["answerable"] for i in items)
    failed = [key for key, ok in verdict.items() if ok is False]
    result = "**PASS**: every gated metric is within its threshold."
    if failed:
        result = f"**FAIL**: outside threshold: {', '.join(failed)}."
    systems = "; ".join(f"{r.name} (top k = {r.k}, {r.seconds} s)" for r in runs)
    return (
        f"# Citation-accuracy evaluation\n\n{result} (Thresholds: `evals/thresholds.toml`.)\n\n"
        f"Gold set `{_shown(gold)}`: {len(items)} questions, {answerable} answerable, {len(items) - answerable} not. "
        f"Systems: {systems}. Intervals: bootstrap over questions, {DRAWS} draws, seed {SEED}, 2.5th–97.5th "
        f"percentiles. Machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the end "
        f'(latency depends on it). How to read each row: evals/README.md, "Reading the report".'
    )


def _metrics_markdown(runs: list[Run], thresholds: dict, verdict: dict) -> str:
    head = ["metric", heading(runs[0]), "95% CI", "threshold", "pass"]
    for r in runs[1:]:
        head += [heading(r), "95% CI"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for key, _, _ in METRICS:
        cells = [label(key), *fmt(runs[0].summary[key], key)]
        cells += [limit_text(key, thresholds), verdict_text(key, verdict)]
        for r in runs[1:]:
            cells += fmt(r.summary[key], key)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + f"\n\nHallucination rate for reference: {REFERENCE}"


def _calibration_markdown(cal: dict) -> str:
    rows = [
        "| threshold | right evidence accepted | wrong evidence rejected | balanced accuracy | overlap rule alone |",
        "|---|---|---|---|---|",
    ]
    for r in cal["rows"]:
        if r["threshold"] in (0.1, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6) or r is cal["best"]:
            cells = [f"{r['threshold']:g}", r["tpr"], r["tnr"], r["balanced"], r["balanced_overlap_only"]]
            rows.append("| " + " | ".join(map(str, cells)) + " |")
    best = cal["best"]
    best_text = f"{best['threshold']:g} (balanced accuracy {best['balanced']})" if best else "n/a"
    return (
        "## Support check calibration\n\n"
        f"`rag.verify.SUPPORT_OVERLAP` is {cal['current']['threshold']:g} "
        f"(balanced accuracy {cal['current']['balanced']}); "
        f"the best threshold on this gold set is {best_text}, from {cal['positives']} right-evidence and "
        f"{cal['negatives']} wrong-evidence pairs (evals/README.md explains the pairs).\n\n" + "\n".join(rows)
    )


def _failures_markdown(runs: list[Run]) -> str:
    ours = runs[0]
    failed = [r for r in ours.results if failures(r)]
    out = [f"## Failed questions: {ours.name}, {len(failed)} of {len(ours.results)}"]
    out += [_failure_markdown(r) for r in failed] or ["None."]
    for other in runs[1:]:
        ids = [r.item["id"] for r in other.results if failures(r)]
        out.append(f"{other.name}: {len(ids)} of {len(other.results)} questions failed (details in the JSON report).")
    return "\n\n".join(out)


def _failure_markdown(r: Result) -> str:
    """A failed question: why, what the gold expected, what the answer cited."""
    lines = [f"### `{r.item['id']}`", "", f"{r.item['question']}", ""]
    lines += [f"- **{reason}**" for reason in failures(r)]
    lines += ["", "Expected:" if r.golds else "Expected: a refusal."]
    lines += [f"- {g.doc_id} {g.stated}: “{_clip(g.quote)}”" for g in r.golds]
    if r.item["facts"]:
        found = zip(r.item["facts"], r.facts_found)
        lines.append("- facts: " + ", ".join(f"{f} ({'found' if ok else 'missing'})" for f, ok in found))
    lines += ["", f"Refused: {_clip(r.answer.text)}" if r.answer.refused else "Cited:"]
    for c in r.answer.citations:
        lines.append(f"- [{c.number}] {c.doc_id} {c.pinpoint or '(no pinpoint)'}: “{_clip(c.quote)}”")
    return "\n".join(lines)


def write_chart(path: Path, runs: list[Run], thresholds: dict) -> None:
    """Horizontal bars of every 0–1 metric with its interval, one colour per run, thresholds as red ticks."""
    from matplotlib.figure import Figure

    keys = [key for key, _, _ in METRICS if key not in LATENCY]
    fig = Figure(figsize=(8, 0.45 * len(keys) + 1.2))
    ax = fig.subplots()
    height = 0.8 / len(runs)
    for i, r in enumerate(runs):
        ys = [j + (i - (len(runs) - 1) / 2) * height for j in range(len(keys))]
        values, errors = _bars([r.summary[key] for key in keys])
        ax.barh(ys, values, height, xerr=errors, capsize=2, label=heading(r))
    gated = [(j, thresholds[key][1]) for j, key in enumerate(keys) if key in thresholds]
    for n, (j, limit) in enumerate(gated):
        ax.plot([limit] * 2, [j - 0.45, j + 0.45], color="crimson", linewidth=2, label=None if n else "threshold")
    ax.set_yticks(range(len(keys)), [label(key) for key in keys], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.05)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.03), ncol=3, fontsize=8, frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def _bars(estimates: list[Estimate]) -> tuple[list[float], list[list[float]]]:
    """Bar lengths and (below, above) error-bar sizes; a metric that did not apply is an empty bar."""
    values = [e.value if e.value is not None else 0.0 for e in estimates]
    below = [v - e.low if e.low is not None else 0.0 for v, e in zip(values, estimates)]
    above = [e.high - v if e.high is not None else 0.0 for v, e in zip(values, estimates)]
    return values, [below, above]


def _clip(text: str, width: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _shown(path: Path) -> str:
    """A path relative to the project when it is inside it."""
    try:
        return str(Path(path).resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)
