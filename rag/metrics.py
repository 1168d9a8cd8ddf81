"""Citation-accuracy metrics: deterministic, per question, pooled with bootstrap intervals.

Each metric of one question is a pair (numerator, denominator): 1 of 1 for an evidence hit,
2 of 3 for two verbatim citations out of three, 0 of 0 where it does not apply (retrieval on
an unanswerable question, fidelity of an answer without citations). A metric over a set of
questions is the ratio of the sums, so a bootstrap that resamples questions recomputes every
metric the same way. Retrieval ratios (hit, recall, MRR, character precision and recall) are
per-question values averaged over questions, as in LegalBench-RAG.

Nothing here judges meaning. A citation is checked against the canonical text by
`rag.verify.check`; whether it backs its sentence is `rag.verify.supports` (quotes verbatim,
numbers and names present, enough content words), the offline stand-in for ALCE's NLI model.
What that gives up: a faithful paraphrase in other words fails, and a sentence that reuses a
passage's words while reversing its sense passes unless a number or a name differs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from rag.layout import Pinpoint
from rag.models import Answer, Citation
from rag.verify import SUPPORT_OVERLAP, check, supports

Pair = tuple[float, float]
NA: Pair = (0.0, 0.0)

# key, label, higher is better. "@k" in a label is replaced by the run's k.
METRICS = (
    ("gold_at_pinpoint", "gold quotes at their stated pinpoint", True),
    ("hit_at_k", "retrieval hit@k (gold page/¶ in top k)", True),
    ("recall_at_k", "retrieval recall@k", True),
    ("mrr", "retrieval MRR", True),
    ("char_precision", "retrieval character precision", True),
    ("char_recall", "retrieval character recall", True),
    ("evidence_hit", "evidence hit", True),
    ("citation_precision", "citation precision", True),
    ("citation_recall", "citation recall", True),
    ("quote_fidelity", "quote fidelity", True),
    ("pinpoint_accuracy", "pinpoint accuracy", True),
    ("pinpoint_exact", "pinpoint exact match with gold", True),
    ("fact_recall", "fact recall", True),
    ("refusal_accuracy", "refusal accuracy (unanswerable refused)", True),
    ("false_refusal_rate", "false-refusal rate (answerable refused)", False),
    ("hallucination_rate", "hallucination rate", False),
    ("incorrect_rate", "hallucination: incorrect", False),
    ("misgrounded_rate", "hallucination: misgrounded", False),
    ("latency_p50_ms", "latency p50 (ms)", False),
    ("latency_p95_ms", "latency p95 (ms)", False),
)
LATENCY = {"latency_p50_ms": 50, "latency_p95_ms": 95}
RATIOS = tuple(key for key, _, _ in METRICS if key not in LATENCY)
RETRIEVAL = ("hit_at_k", "recall_at_k", "mrr", "char_precision", "char_recall")


@dataclass(frozen=True)
class Gold:
    """A gold evidence item and where its quote is in the canonical text (start -1: nowhere)."""

    doc_id: str
    page: int | None
    paragraph: int | None
    quote: str
    start: int = -1
    end: int = -1
    problem: str | None = None  # None when the quote is verbatim at the stated pinpoint

    @property
    def stated(self) -> str:
        """The stated pinpoint, "at 9" or "¶ 5"."""
        return str(Pinpoint(page=self.page, page_end=self.page, paragraph=self.paragraph))


@dataclass(frozen=True)
class CitationCheck:
    """What the metrics found about one citation of an answer."""

    number: int
    verbatim: bool  # the quote is the canonical text at its offsets
    error: str | None  # rag.verify.check: None when quote and pinpoint are exact
    in_gold: bool  # verbatim, and overlapping a gold quote of the same document
    at_gold_pinpoint: bool  # in_gold, and cited on the gold page (range) or paragraph
    supports: bool  # backs a sentence it is attached to, alone or as a needed part (ALCE)

    @property
    def precise(self) -> bool:
        """Counts for citation precision: in a gold passage, or relevant to its sentence."""
        return self.in_gold or self.supports

    @property
    def grounded(self) -> bool:
        """Not misgrounded: verbatim, at its stated pinpoint, and relevant to its sentence."""
        return self.verbatim and self.error is None and self.supports


@dataclass
class Result:
    """One gold question, the answer it got, and every check made on it."""

    item: dict
    answer: Answer
    latency_ms: float
    golds: list[Gold]
    citations: list[CitationCheck]
    sentences: list[tuple[str, tuple[int, ...], bool]]  # text, citation numbers, supported
    facts_found: list[bool]
    scores: dict[str, Pair] = field(default_factory=dict)

    @property
    def hallucinated(self) -> bool:
        return bool(self.scores["hallucination_rate"][0])


@dataclass(frozen=True)
class Estimate:
    """A metric over a set of questions with its bootstrap 95% interval (None: not applicable)."""

    value: float | None
    low: float | None
    high: float | None
    n: int  # questions it applies to


def locate_evidence(evidence: dict, docs: dict) -> Gold:
    """Where a gold quote is: its occurrence at the stated page or paragraph, else why not."""
    doc, quote = docs.get(evidence["doc_id"]), evidence["quote"]
    gold = Gold(evidence["doc_id"], evidence["page"], evidence["paragraph"], quote)
    if doc is None:
        return replace(gold, problem=f"unknown document {gold.doc_id!r}")
    # A quote copied from the page has spaces where the canonical text may break a line.
    words = r"\s+".join(re.escape(word) for word in quote.split())
    found = [m.span() for m in re.finditer(words, doc.text)] if words else []
    if not found:
        return replace(gold, problem="quote not in the canonical text")
    at = [span for span in found if _on(doc.locate(*span), gold)]
    gold = replace(gold, start=(at or found)[0][0], end=(at or found)[0][1])
    return gold if at else replace(gold, problem=f"quote is {doc.locate(gold.start, gold.end)}, not {gold.stated}")


def _on(pin: Pinpoint, gold: Gold) -> bool:
    """Whether a located span lies on the gold item's one stated page, or in its one paragraph."""
    if gold.page is not None:
        return pin.page == pin.page_end == gold.page
    return gold.paragraph is not None and pin.page is None and pin.paragraph == pin.paragraph_end == gold.paragraph


def span_of(item, docs: dict) -> tuple[str, int, int] | None:
    """The canonical span a retrieved passage (or a baseline's chunk) covers, when it can be told.

    A passage is its own span. A chunk whose text is not the canonical text at its offsets
    (the LlamaIndex baseline reads PDFs its own way) counts as the whole page it is labelled with.
    """
    doc = docs.get(item.doc_id)
    text = getattr(item, "text", None) or getattr(item, "quote", "")
    if doc is None:
        return None
    if 0 <= item.start < item.end <= len(doc.text) and doc.text[item.start : item.end] == text:
        return (item.doc_id, item.start, item.end)
    first, last = item.page, item.page_end or item.page
    pages = [(s, e) for p, s, e in doc.layout.pages if first is not None and first <= p <= last]
    return (item.doc_id, pages[0][0], pages[-1][1]) if pages else None


def retrieval(golds: list[Gold], spans: list, docs: dict) -> dict[str, Pair]:
    """hit@k, recall@k, MRR (pinpoint level) and character precision/recall of the top-k spans."""
    ranks = [i for i, s in enumerate(spans, 1) if s and any(_covers(s, g, docs) for g in golds)]
    covered = [g for g in golds if any(s and _covers(s, g, docs) for s in spans)]
    got = _chars(s for s in spans if s)
    wanted = _chars((g.doc_id, g.start, g.end) for g in golds if g.start >= 0)
    both = sum(len(got[d] & wanted.get(d, set())) for d in got)
    size = sum(len(v) for v in got.values())
    need = sum(len(v) for v in wanted.values())
    return {
        "hit_at_k": (float(bool(ranks)), 1.0),
        "recall_at_k": (len(covered) / len(golds), 1.0) if golds else NA,
        "mrr": (1 / ranks[0] if ranks else 0.0, 1.0),
        "char_precision": (both / size, 1.0) if size else NA,
        "char_recall": (both / need, 1.0) if need else NA,
    }


def _covers(span: tuple[str, int, int], gold: Gold, docs: dict) -> bool:
    """Whether a retrieved span includes the gold item's stated page or paragraph."""
    doc_id, start, end = span
    if doc_id != gold.doc_id:
        return False
    pin = docs[doc_id].locate(start, end)
    if gold.page is not None:
        return pin.page is not None and pin.page <= gold.page <= pin.page_end
    if pin.paragraph is None or gold.paragraph is None:
        return False
    return pin.paragraph <= gold.paragraph <= (pin.paragraph_end or pin.paragraph)


def _chars(spans) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    for doc_id, start, end in spans:
        out.setdefault(doc_id, set()).update(range(start, end))
    return out


def answer_sentences(text: str) -> list[tuple[str, tuple[int, ...]]]:
    """An answer's sentences with the markers that end each: the verifier's own reading of it."""
    from rag.verify import split_claims

    return split_claims(text)


def verbatim(citation: Citation, docs: dict) -> bool:
    """Whether the citation's quote is the canonical text at its offsets."""
    doc = docs.get(citation.doc_id)
    ok = doc is not None and 0 <= citation.start < citation.end <= len(doc.text)
    return ok and doc.text[citation.start : citation.end] == citation.quote


def check_citations(answer: Answer, golds: list[Gold], docs: dict) -> tuple[list[CitationCheck], list]:
    """Every citation checked, and every sentence with whether its citations support it."""
    sentences = [] if answer.refused else answer_sentences(answer.text)
    cited = {c.number: docs[c.doc_id].text[c.start : c.end] for c in answer.citations if verbatim(c, docs)}
    checks = []
    for c in answer.citations:
        exact = verbatim(c, docs)
        overlapping = [g for g in golds if exact and _overlaps(c, g)]
        checks.append(
            CitationCheck(
                number=c.number,
                verbatim=exact,
                error=check(c, docs),
                in_gold=bool(overlapping),
                at_gold_pinpoint=any(_pin_matches(c, g) for g in overlapping),
                supports=_relevant(c.number, sentences, cited),
            )
        )
    judged = [(s, numbers, _backs(s, " ".join(cited[n] for n in numbers if n in cited))) for s, numbers in sentences]
    return checks, judged


def _overlaps(c: Citation, gold: Gold) -> bool:
    return c.doc_id == gold.doc_id and gold.start >= 0 and c.start < gold.end and gold.start < c.end


def _pin_matches(c: Citation, gold: Gold) -> bool:
    """Exact match with the gold pinpoint: the cited page range holds the gold page, or the same ¶."""
    if gold.page is not None:
        return c.page is not None and c.page <= gold.page <= (c.page_end or c.page)
    return c.paragraph is not None and c.paragraph == gold.paragraph


def _backs(sentence: str, cited: str) -> bool:
    return bool(cited.strip()) and supports(sentence, cited).ok


def _relevant(number: int, sentences: list, cited: dict[int, str]) -> bool:
    """ALCE's citation precision: it backs a sentence alone, or that sentence's citations need it."""
    for sentence, numbers in sentences:
        if number not in numbers or number not in cited:
            continue
        if _backs(sentence, cited[number]):
            return True
        others = " ".join(cited[n] for n in numbers if n != number and n in cited)
        if others and _backs(sentence, f"{others} {cited[number]}") and not _backs(sentence, others):
            return True
    return False


def normalise(text: str) -> str:
    """Lower case, straight quotes, one space, and no separators inside numbers ("30, 000" = "30000")."""
    text = text.lower().translate(str.maketrans("’‘“”", "''\"\""))
    text = re.sub(r"(?<=\d)[,\s]+(?=\d)", "", text)
    return " ".join(text.split())


def fact_found(fact: str, text: str) -> bool:
    """Whether a gold fact occurs in a text as whole words, ignoring case, spacing and number separators."""
    return re.search(rf"(?<!\w){re.escape(normalise(fact))}(?!\w)", normalise(text)) is not None


def score(item: dict, answer: Answer, docs: dict, latency_ms: float) -> Result:
    """Every metric of one gold question for the answer it got."""
    golds = [locate_evidence(e, docs) for e in item["evidence"]]
    checks, sentences = check_citations(answer, golds, docs)
    facts = [not answer.refused and fact_found(f, answer.text) for f in item["facts"]]  # a refusal states none
    result = Result(item, answer, latency_ms, golds, checks, sentences, facts)
    spans = [span_of(p, docs) for p in (answer.passages or answer.citations)]
    result.scores = {"gold_at_pinpoint": (sum(g.problem is None for g in golds), len(golds))}
    result.scores |= retrieval(golds, spans, docs) if item["answerable"] else dict.fromkeys(RETRIEVAL, NA)
    result.scores |= _answer_scores(result)
    return result


def _answer_scores(r: Result) -> dict[str, Pair]:
    """The answer metrics of one question (hallucination as in Magesh et al. 2024)."""
    answerable, refused, checks = r.item["answerable"], r.answer.refused, r.citations
    hit = any(c.at_gold_pinpoint for c in checks)
    incorrect = not refused and (not answerable or (not hit and not any(r.facts_found)))
    misgrounded = not refused and any(not c.grounded for c in checks)
    n = len(checks)
    return {
        "evidence_hit": (float(hit), 1.0) if answerable else NA,
        "citation_precision": (sum(c.precise for c in checks), n),
        "citation_recall": (sum(ok for *_, ok in r.sentences), len(r.sentences)),
        "quote_fidelity": (sum(c.verbatim for c in checks), n),
        "pinpoint_accuracy": (sum(c.error is None for c in checks), n),
        "pinpoint_exact": (sum(c.at_gold_pinpoint for c in checks), sum(c.in_gold for c in checks)),
        "fact_recall": (sum(r.facts_found), len(r.facts_found)) if answerable else NA,
        "refusal_accuracy": NA if answerable else (float(refused), 1.0),
        "false_refusal_rate": (float(refused), 1.0) if answerable else NA,
        "hallucination_rate": (float(incorrect or misgrounded), 1.0),
        "incorrect_rate": (float(incorrect), 1.0),
        "misgrounded_rate": (float(misgrounded), 1.0),
    }


def failures(r: Result) -> list[str]:
    """Why a question counts as failed; empty when it passed every check."""
    reasons = [f"gold quote {g.stated}: {g.problem}" for g in r.golds if g.problem]
    answerable, refused = r.item["answerable"], r.answer.refused
    if answerable and refused:
        reasons.append("refused an answerable question")
    if not answerable and not refused:
        reasons.append("answered a question the documents do not answer")
    if answerable and not refused and not r.scores["evidence_hit"][0]:
        reasons.append("no citation quotes a gold passage at its pinpoint")
    for c in r.citations:
        if not c.verbatim:
            reasons.append(f"[{c.number}] quote is not the canonical text at its offsets")
        elif c.error:
            reasons.append(f"[{c.number}] {c.error}")
        if not c.supports:
            reasons.append(f"[{c.number}] does not support its sentence")
    return reasons


def summarise(results: list[Result], draws: int = 1000, seed: int = 0) -> dict[str, Estimate]:
    """Every metric over the questions, with a bootstrap 95% interval (questions resampled)."""
    import numpy as np

    if not results:
        return {key: Estimate(None, None, None, 0) for key, _, _ in METRICS}
    idx = np.random.default_rng(seed).integers(0, len(results), size=(draws, len(results)))
    out = {}
    for key in RATIOS:
        num = np.array([r.scores[key][0] for r in results], dtype=float)
        den = np.array([r.scores[key][1] for r in results], dtype=float)
        out[key] = _ratio(num, den, idx)
    latency = np.array([r.latency_ms for r in results])
    for key, q in LATENCY.items():
        low, high = np.percentile(np.percentile(latency[idx], q, axis=1), [2.5, 97.5])
        out[key] = Estimate(float(np.percentile(latency, q)), float(low), float(high), len(results))
    return out


def _ratio(num, den, idx) -> Estimate:
    """Sum of numerators over sum of denominators, and its 2.5th/97.5th bootstrap percentiles."""
    import numpy as np

    if den.sum() == 0:
        return Estimate(None, None, None, 0)
    sums = den[idx].sum(axis=1)
    boot = np.divide(num[idx].sum(axis=1), sums, out=np.full(len(sums), np.nan), where=sums > 0)
    low, high = np.nanpercentile(boot, [2.5, 97.5])
    return Estimate(float(num.sum() / den.sum()), float(low), float(high), int((den > 0).sum()))


def calibrate_support(items: list[dict], grid: tuple[float, ...] | None = None) -> dict:
    """The overlap threshold of `rag.verify.supports` that best tells right evidence from wrong.

    Each answerable question gives a claim, its question followed by its facts (what a correct
    answer asserts). Positive pairs: the claim and its own evidence quotes. Negative pairs: the
    claim and another question's evidence that does not contain all of its facts. The chosen
    threshold maximises balanced accuracy of the full check (ties: the stricter threshold).
    """
    grid = grid or tuple(round(0.05 * i, 2) for i in range(21))
    pos, neg = _calibration_pairs([i for i in items if i["answerable"] and i["evidence"]])
    rows = [_rates(t, pos, neg) for t in grid]
    best = max(rows, key=lambda r: (r["balanced"], r["threshold"])) if pos and neg else None
    current = next((r for r in rows if abs(r["threshold"] - SUPPORT_OVERLAP) < 1e-9), _rates(SUPPORT_OVERLAP, pos, neg))
    return {"positives": len(pos), "negatives": len(neg), "current": current, "best": best, "rows": rows}


def _calibration_pairs(items: list[dict]) -> tuple[list, list]:
    """`supports` outcomes (at threshold 0: missing names/numbers, conflicts and overlap) for right and wrong evidence."""
    evidence = {i["id"]: " ".join(e["quote"] for e in i["evidence"]) for i in items}
    pos, neg = [], []
    for item in items:
        claim = f"{item['question']} {'; '.join(item['facts'])}"
        pos.append(supports(claim, evidence[item["id"]], threshold=0.0))
        for other in items:
            text = evidence[other["id"]]
            if other is not item and not all(fact_found(f, text) for f in item["facts"]):
                neg.append(supports(claim, text, threshold=0.0))
    return pos, neg


def _rates(threshold: float, pos: list, neg: list) -> dict:
    """True-positive and true-negative rates of the full check, and of the overlap alone."""

    def rate(pairs, keep):
        return sum(map(keep, pairs)) / len(pairs) if pairs else 0.0

    tpr = rate(pos, lambda s: not s.missing and not s.conflicts and s.overlap >= threshold)
    tnr = rate(neg, lambda s: bool(s.missing) or bool(s.conflicts) or s.overlap < threshold)
    tpr_overlap, tnr_overlap = rate(pos, lambda s: s.overlap >= threshold), rate(neg, lambda s: s.overlap < threshold)
    return {
        "threshold": threshold,
        "tpr": round(tpr, 3),
        "tnr": round(tnr, 3),
        "balanced": round((tpr + tnr) / 2, 3),
        "balanced_overlap_only": round((tpr_overlap + tnr_overlap) / 2, 3),
    }
