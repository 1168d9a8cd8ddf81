"""The eval suite: each metric on small hand-computed cases, then `rag eval` as CI runs it.

The mutation tests show the gate can fail: a gold copy with every page moved by one, and an
answerer that quotes correctly but cites the wrong page, must both make `rag eval` exit 1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest

from conftest import BARTZ, ROOT
from rag.corpus import DocMeta, Document
from rag.errors import ConfigError
from rag.evaluate import GoldError, judge, load_gold, load_thresholds, passed, run_cli
from rag.layout import Layout
from rag.metrics import (
    answer_sentences,
    calibrate_support,
    check_citations,
    fact_found,
    locate_evidence,
    retrieval,
    score,
    summarise,
)
from rag.models import Answer, Passage
from rag.verify import cite

PAGES = [
    "The parties met in June. Nothing else happened on page one.",
    "Training the language models on the books was a fair use. The scanning saved space.",
    "The pirated copies were not justified. The order issued on 23 June 2025.",
]
REPEATED = "A repeated paragraph."
PARAGRAPHS = ["A title", "The platform must pay RMB 30, 000.", REPEATED, "Another one.", REPEATED]


def make_doc(doc_id: str, pieces: list[str], paginated: bool) -> Document:
    """A document whose pages (one margin line each) or paragraphs are the given pieces."""
    text, layout = "\n".join(pieces), Layout()
    start = 0
    for number, piece in enumerate(pieces, 1):
        if paginated:
            layout.add_page(number, start, start + len(piece))
            layout.add_line(number, 1, start, start + len(piece))
        else:
            layout.add_paragraph(start, start + len(piece))
        start += len(piece) + 1
    kind = "ruling" if paginated else "commentary"
    return Document(DocMeta(id=doc_id, file=f"{doc_id}.txt", title=doc_id.title(), kind=kind), text, layout, "0")


@pytest.fixture()
def docs():
    return {"ruling": make_doc("ruling", PAGES, True), "note": make_doc("note", PARAGRAPHS, False)}


def span(docs, doc_id: str, words: str, nth: int = 0) -> tuple[int, int]:
    text, start = docs[doc_id].text, -1
    for _ in range(nth + 1):
        start = text.index(words, start + 1)
    return start, start + len(words)


def citation(docs, doc_id: str, words: str, number: int = 1):
    return cite(docs[doc_id], *span(docs, doc_id, words), number)


def passage(docs, doc_id: str, words: str) -> Passage:
    start, end = span(docs, doc_id, words)
    return Passage(doc_id=doc_id, title=doc_id, start=start, end=end, text=words, pinpoint="", score=0.0)


def evidence(doc_id: str, quote: str, page=None, paragraph=None) -> dict:
    return {"doc_id": doc_id, "page": page, "paragraph": paragraph, "quote": quote}


FAIR = "Training the language models on the books was a fair use."
PIRATED = "The pirated copies were not justified."
ITEM = {
    "id": "t-fair-use",
    "question": "Was training a fair use?",
    "answerable": True,
    "evidence": [evidence("ruling", FAIR, page=2), evidence("ruling", PIRATED, page=3)],
    "facts": ["fair use"],
}
UNANSWERABLE = {"id": "na-x", "question": "Who won the appeal?", "answerable": False, "evidence": [], "facts": []}


def answered(*citations, text: str | None = None, refused: bool = False) -> Answer:
    text = text if text is not None else " ".join(f"{c.quote} [{c.number}]" for c in citations)
    return Answer(question="q", text=text, citations=tuple(citations), refused=refused)


# ---- gold located in the canonical text ----------------------------------------------------


def test_a_gold_quote_is_found_on_its_page_and_a_moved_page_is_reported(docs):
    found = locate_evidence(evidence("ruling", FAIR, page=2), docs)
    assert found.problem is None and (found.start, found.end) == span(docs, "ruling", FAIR)
    moved = locate_evidence(evidence("ruling", FAIR, page=3), docs)
    assert moved.problem == "quote is at 2:1, not at 3"
    assert (moved.start, moved.end) == (found.start, found.end)  # still usable for overlap
    assert locate_evidence(evidence("ruling", "Not in it.", page=2), docs).problem == "quote not in the canonical text"


def test_a_gold_quote_copied_across_a_line_break_is_found():
    docs = {"broken": make_doc("broken", ["The motion for $16,861,\n(ECF No. 26), is GRANTED."], True)}
    found = locate_evidence(evidence("broken", "The motion for $16,861, (ECF No. 26), is GRANTED.", page=1), docs)
    assert found.problem is None and (found.start, found.end) == (0, len(docs["broken"].text))
    missing = locate_evidence(evidence("broken", "The motion for $16,861 is GRANTED.", page=1), docs)
    assert missing.problem == "quote not in the canonical text"


def test_a_repeated_paragraph_is_located_at_the_stated_occurrence(docs):
    fifth = locate_evidence(evidence("note", REPEATED, paragraph=5), docs)
    assert fifth.problem is None and fifth.start == span(docs, "note", REPEATED, nth=1)[0]
    assert locate_evidence(evidence("note", REPEATED, paragraph=4), docs).problem == "quote is ¶ 3, not ¶ 4"


# ---- sentences and their markers -----------------------------------------------------------


def test_answer_sentences_carry_the_markers_that_end_them():
    text = "A holds this. [1] B says that [2][3]. C follows [2, 4] and trailing words"
    assert answer_sentences(text) == [
        ("A holds this.", (1,)),
        ("B says that.", (2, 3)),  # the period written after its markers goes back to it
        ("C follows", (2, 4)),
        ("and trailing words", ()),
    ]
    # A marker belongs to the sentence it ends; the sentence before it is uncited.
    expected = [("First claim here.", ()), ("Second claim here.", (1,))]
    assert answer_sentences("First claim here. Second claim here [1].") == expected


# ---- retrieval -----------------------------------------------------------------------------


def test_retrieval_metrics_by_hand(docs):
    golds = [locate_evidence(e, docs) for e in ITEM["evidence"]]
    page1, page2, page3 = (span(docs, "ruling", p) for p in PAGES)
    pirated = span(docs, "ruling", PIRATED)
    ranked = [("ruling", *page1), ("ruling", *pirated), ("ruling", *page2)]
    got = retrieval(golds, ranked, docs)
    retrieved_chars = len(PAGES[0]) + len(PIRATED) + len(PAGES[1])
    assert got["hit_at_k"] == (1.0, 1.0)
    assert got["recall_at_k"] == (1.0, 1.0)
    assert got["mrr"] == (0.5, 1.0)  # first gold page at rank 2
    assert got["char_precision"] == ((len(FAIR) + len(PIRATED)) / retrieved_chars, 1.0)
    assert got["char_recall"] == (1.0, 1.0)
    only_page1 = retrieval(golds, [("ruling", *page1)], docs)
    assert only_page1 == {"hit_at_k": (0.0, 1.0), "recall_at_k": (0.0, 1.0), "mrr": (0.0, 1.0),
                          "char_precision": (0.0, 1.0), "char_recall": (0.0, 1.0)}
    half = retrieval(golds, [("ruling", *page3)], docs)
    assert half["recall_at_k"] == (0.5, 1.0) and half["char_recall"] == (len(PIRATED) / (len(FAIR) + len(PIRATED)), 1.0)


# ---- citations -----------------------------------------------------------------------------


def test_an_exact_gold_citation_passes_every_check(docs):
    golds = [locate_evidence(e, docs) for e in ITEM["evidence"]]
    checks, sentences = check_citations(answered(citation(docs, "ruling", FAIR)), golds, docs)
    c = checks[0]
    assert c.verbatim and c.error is None and c.in_gold and c.at_gold_pinpoint and c.supports and c.grounded
    assert sentences == [(FAIR, (1,), True)]


def test_a_correct_quote_with_the_wrong_page_fails_pinpoint_but_not_fidelity(docs):
    golds = [locate_evidence(e, docs) for e in ITEM["evidence"]]
    wrong = citation(docs, "ruling", FAIR).model_copy(update={"page": 3, "page_end": 3})
    c = check_citations(answered(wrong), golds, docs)[0][0]
    assert c.verbatim and c.in_gold and c.supports
    assert c.error == "page is 3, the text says 2" and not c.at_gold_pinpoint and not c.grounded


def test_a_quote_not_at_its_offsets_supports_nothing(docs):
    tampered = citation(docs, "ruling", FAIR).model_copy(update={"quote": FAIR.replace("a fair", "no fair")})
    c = check_citations(answered(tampered), [], docs)[0][0]
    assert not c.verbatim and not c.supports and not c.in_gold and c.error == "quote is not the text at its offsets"


def test_citation_precision_and_recall_follow_alce(docs):
    quotes = [FAIR, "The order issued on 23 June 2025.", "Nothing else happened on page one."]
    fair, order, page1 = (citation(docs, "ruling", q, n) for n, q in enumerate(quotes, 1))
    # Neither [1] (no date) nor [2] (too few words) backs the sentence alone; together they do,
    # and each is needed. [3] is not needed, so it is not precise.
    text = "Training the language models on the books was a fair use, per the 23 June 2025 order. [1][2][3]"
    checks, sentences = check_citations(answered(fair, order, page1, text=text), [], docs)
    assert [c.supports for c in checks] == [True, True, False]
    assert sentences[0][2] is True
    unsupported = "Pirated copies were justified as research. [1]"
    checks, sentences = check_citations(answered(page1, text=unsupported), [], docs)
    assert not checks[0].supports and not checks[0].precise and sentences[0][2] is False


# ---- facts, refusals, hallucination -------------------------------------------------------


def test_facts_match_ignoring_case_spacing_and_number_separators():
    assert fact_found("RMB 30,000", "pay RMB 30, 000 to the platform")
    assert fact_found("five million", "Five\nMillion copies")
    assert fact_found("Anthropic's", "ANTHROPIC’S library")
    assert not fact_found("fair use", "an unfair user")
    assert not fact_found("30,000", "RMB 130,000")


def test_answer_scores_for_each_kind_of_outcome(docs):
    exact = citation(docs, "ruling", FAIR)
    good = score(ITEM, answered(exact), docs, 10.0).scores
    assert good["evidence_hit"] == (1.0, 1.0) and good["fact_recall"] == (1, 1)
    assert good["hallucination_rate"] == (0.0, 1.0) and good["false_refusal_rate"] == (0.0, 1.0)
    assert good["refusal_accuracy"] == (0.0, 0.0) and good["pinpoint_exact"] == (1, 1)

    refused = score(ITEM, answered(text="None of their passages is about fair use.", refused=True), docs, 1.0).scores
    assert refused["false_refusal_rate"] == (1.0, 1.0) and refused["hallucination_rate"] == (0.0, 1.0)
    assert refused["fact_recall"] == (0, 1)  # a refusal that echoes the question states no fact
    assert refused["evidence_hit"] == (0.0, 1.0) and refused["quote_fidelity"] == (0, 0)

    wrong_page = score(ITEM, answered(exact.model_copy(update={"page": 1, "page_end": 1})), docs, 1.0).scores
    assert wrong_page["pinpoint_accuracy"] == (0, 1) and wrong_page["quote_fidelity"] == (1, 1)
    assert wrong_page["evidence_hit"] == (0.0, 1.0) and wrong_page["pinpoint_exact"] == (0, 1)
    assert wrong_page["misgrounded_rate"] == (1.0, 1.0) and wrong_page["incorrect_rate"] == (0.0, 1.0)

    off_topic = score(ITEM, answered(citation(docs, "ruling", "The parties met in June.")), docs, 1.0).scores
    assert off_topic["incorrect_rate"] == (1.0, 1.0) and off_topic["misgrounded_rate"] == (0.0, 1.0)

    answered_na = score(UNANSWERABLE, answered(exact), docs, 1.0).scores
    assert answered_na["refusal_accuracy"] == (0.0, 1.0) and answered_na["hallucination_rate"] == (1.0, 1.0)
    assert answered_na["hit_at_k"] == (0.0, 0.0) and answered_na["evidence_hit"] == (0.0, 0.0)
    refused_na = score(UNANSWERABLE, answered(text="No.", refused=True), docs, 1.0).scores
    assert refused_na["refusal_accuracy"] == (1.0, 1.0) and refused_na["hallucination_rate"] == (0.0, 1.0)


def test_retrieval_is_read_from_the_answers_passages(docs):
    passages = (passage(docs, "ruling", PAGES[2]), passage(docs, "ruling", PAGES[1]))
    got = Answer(question="q", text="No.", refused=True, passages=passages)
    scores = score(ITEM, got, docs, 1.0).scores
    assert scores["hit_at_k"] == (1.0, 1.0) and scores["mrr"] == (1.0, 1.0) and scores["recall_at_k"] == (1.0, 1.0)


# ---- pooling and intervals ---------------------------------------------------------------


def fake(scores: dict, latency: float = 1.0):
    return SimpleNamespace(scores={**dict.fromkeys(_all_keys(), (0.0, 0.0)), **scores}, latency_ms=latency)


def _all_keys():
    from rag.metrics import RATIOS

    return RATIOS


def test_summaries_are_ratios_of_sums_with_bootstrap_intervals():
    results = [
        fake({"evidence_hit": (1, 1), "quote_fidelity": (2, 3)}, 10),
        fake({"evidence_hit": (0, 1), "quote_fidelity": (1, 1)}, 20),
        fake({"evidence_hit": (1, 1), "quote_fidelity": (0, 0)}, 30),
        fake({"evidence_hit": (0, 0), "quote_fidelity": (1, 1)}, 40),
    ]
    s = summarise(results, draws=500, seed=1)
    assert s["evidence_hit"].value == pytest.approx(2 / 3) and s["evidence_hit"].n == 3
    assert s["quote_fidelity"].value == pytest.approx(4 / 5)
    assert 0.0 <= s["evidence_hit"].low <= 2 / 3 <= s["evidence_hit"].high <= 1.0
    assert s["latency_p50_ms"].value == 25 and s["latency_p95_ms"].value == pytest.approx(38.5)
    assert s["fact_recall"].value is None  # applies to no question
    constant = summarise([fake({"pinpoint_accuracy": (3, 3)}) for _ in range(5)], draws=200)
    assert (constant["pinpoint_accuracy"].low, constant["pinpoint_accuracy"].high) == (1.0, 1.0)
    assert summarise(results, draws=500, seed=1) == s  # a fixed seed: the same intervals every run


def test_thresholds_gate_min_and_max(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text("[min]\nquote_fidelity = 1.0\nevidence_hit = 0.5\n[max]\nhallucination_rate = 0.2\n")
    limits = load_thresholds(path)
    assert limits == {"quote_fidelity": (">=", 1.0), "evidence_hit": (">=", 0.5), "hallucination_rate": ("<=", 0.2)}
    est = lambda v: SimpleNamespace(value=v)  # noqa: E731
    verdict = judge({"quote_fidelity": est(1.0), "evidence_hit": est(0.49), "hallucination_rate": est(0.2)}, limits)
    assert verdict == {"quote_fidelity": True, "evidence_hit": False, "hallucination_rate": True}
    assert not passed(verdict)
    not_applicable = {"quote_fidelity": est(None), "evidence_hit": est(0.5), "hallucination_rate": est(0.0)}
    assert passed(judge(not_applicable, limits))
    path.write_text("[min]\nquote_fidelty = 1.0\n")
    with pytest.raises(ConfigError, match="unknown metric 'quote_fidelty'"):
        load_thresholds(path)


def test_a_gold_set_with_a_section_of_its_own_is_gated_by_it(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text("[min]\nevidence_hit = 0.5\n[sets.testbed-tune.min]\nevidence_hit = 0.6\nrefusal_accuracy = 0.5\n")
    assert load_thresholds(path, tmp_path / "testbed-tune.jsonl") == {
        "evidence_hit": (">=", 0.6),
        "refusal_accuracy": (">=", 0.5),
    }
    assert load_thresholds(path, tmp_path / "gold.jsonl") == {"evidence_hit": (">=", 0.5)}


@pytest.mark.parametrize(
    "line, message",
    [
        ('{"id": "a", "question": "q?", "answerable": true, "evidence": [], "facts": []}', "needs evidence"),
        ('{"id": "a", "question": "q?", "answerable": false, "evidence": []}', "keys must be exactly"),
        ('{"id": "a", "question": "q?", "answerable": true, "facts": [], "evidence": '
         '[{"doc_id": "d", "page": 1, "paragraph": 2, "quote": "x"}]}', "a page or a paragraph"),
        ("{not json", "not JSON"),
    ],
)
def test_a_broken_gold_line_is_named(tmp_path, line, message):
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(UNANSWERABLE) + "\n" + line + "\n")
    with pytest.raises(GoldError, match=rf"gold.jsonl:2: .*{message}"):
        load_gold(path)


def test_support_calibration_separates_right_from_wrong_evidence():
    items = [
        {"id": "a", "question": "How many books came from LibGen?", "answerable": True, "facts": ["five million"],
         "evidence": [evidence("r", "Mann downloaded five million books from LibGen.", page=1)]},
        {"id": "b", "question": "Were the print books scanned?", "answerable": True, "facts": ["scanned"],
         "evidence": [evidence("r", "The print books were scanned and then discarded.", page=2)]},
        {"id": "c", "question": "What happens next to the claims?", "answerable": True, "facts": ["trial"],
         "evidence": [evidence("r", "The claims about pirated copies go to trial.", page=3)]},
    ]
    cal = calibrate_support(items)
    assert (cal["positives"], cal["negatives"]) == (3, 6)
    assert cal["best"]["balanced"] == 1.0 and 0 < cal["best"]["threshold"] < 1
    assert cal["rows"][0]["tnr"] < 1.0 or cal["rows"][0]["tpr"] == 1.0


# ---- the real gold set and the gate --------------------------------------------------------


def test_every_gold_quote_is_at_its_stated_pinpoint(lib):
    items = load_gold(ROOT / "evals" / "gold.jsonl")
    assert len(items) == 94
    located = [(i["id"], locate_evidence(e, lib.docs)) for i in items for e in i["evidence"]]
    assert [(id_, g.stated, g.problem) for id_, g in located if g.problem] == []


def test_rag_eval_passes_its_thresholds_on_the_gold_set(settings, tmp_path):
    """The CI gate: the real command on the real gold set."""
    assert_gate_passes(settings, ROOT / "evals" / "gold.jsonl", 94, tmp_path)


@pytest.mark.parametrize("half, n", [("testbed-tune", 82), ("testbed-test", 81)])
def test_rag_eval_passes_its_thresholds_on_the_testbed_set(testbed_settings, tmp_path, half, n):
    """The CI gate on rulings of other courts: 163 questions over 15 testbed rulings, all 27 indexed."""
    assert_gate_passes(testbed_settings, ROOT / "evals" / f"{half}.jsonl", n, tmp_path)


def assert_gate_passes(settings, gold, n, tmp_path):
    env = {**os.environ, "RAG_CORPUS_DIR": str(settings.corpus_dir), "RAG_INDEX_DIR": str(settings.index_dir)}
    out_json, report = tmp_path / "eval.json", tmp_path / "eval.md"
    args = [sys.executable, "-m", "rag.cli", "eval", "--gold", str(gold), "--json", str(out_json), "--report", str(report)]
    done = subprocess.run(args, capture_output=True, text=True, env=env, cwd=ROOT, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "PASS" in done.stdout and "quote fidelity" in done.stdout
    data = json.loads(out_json.read_text())
    assert data["passed"] and len(data["runs"][0]["questions"]) == n
    assert report.with_suffix(".png").stat().st_size > 10_000
    assert "## Failed questions" in report.read_text()


@pytest.mark.slow
def test_gold_with_every_page_moved_by_one_fails_the_gate(settings, tmp_path):
    moved = tmp_path / "moved.jsonl"
    with moved.open("w") as out:
        for item in load_gold(ROOT / "evals" / "gold.jsonl"):
            for e in item["evidence"]:
                e["page"] = e["page"] + 1 if e["page"] is not None else None
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
    out_json = tmp_path / "moved.json"
    assert run_cli(gold=moved, settings=settings, json_out=out_json, report=tmp_path / "moved.md") == 1
    data = json.loads(out_json.read_text())
    assert data["thresholds"]["gold_at_pinpoint"]["ok"] is False
    assert data["thresholds"]["evidence_hit"]["ok"] is False
    assert data["runs"][0]["metrics"]["quote_fidelity"]["value"] == 1.0  # the answers did not change


@pytest.mark.slow
def test_a_correct_quote_with_the_wrong_page_fails_the_gate(settings, tmp_path):
    from rag.answer import answer

    def next_page(c):
        return c.model_copy(update={"page": c.page + 1, "page_end": c.page_end + 1}) if c.page else c

    def wrong_page(question):
        got = answer(question, settings=settings)
        return got.model_copy(update={"citations": tuple(map(next_page, got.citations))})

    gold = tmp_path / "bartz.jsonl"
    items = [i for i in load_gold(ROOT / "evals" / "gold.jsonl") if i["id"].startswith("bartz-")][:10]
    gold.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items))
    out_json = tmp_path / "wrong.json"
    assert run_cli(gold=gold, settings=settings, answer_fn=wrong_page, json_out=out_json, report=tmp_path / "w.md") == 1
    metrics = json.loads(out_json.read_text())["runs"][0]["metrics"]
    assert metrics["quote_fidelity"]["value"] == 1.0
    assert metrics["pinpoint_accuracy"]["value"] < 1.0 and metrics["misgrounded_rate"]["value"] > 0
    assert "page is" in (tmp_path / "w.md").read_text()


def test_unknown_backend_or_baseline_is_a_one_line_error(tmp_path):
    from typer.testing import CliRunner

    from rag.cli import app

    with pytest.raises(ConfigError, match="unknown backend 'gpt-9'; choose one of: extractive"):
        run_cli(backend="gpt-9", json_out=tmp_path / "x.json", report=tmp_path / "x.md")
    result = CliRunner().invoke(app, ["eval", "--baseline", "haystack", "--json", str(tmp_path / "x.json")])
    assert result.exit_code == 1
    assert result.output.strip() == "error: unknown baseline 'haystack'; the one baseline is: llamaindex"


@pytest.mark.slow
def test_the_llamaindex_baseline_runs_beside_ours(settings, tmp_path):
    gold = tmp_path / "few.jsonl"
    items = [i for i in load_gold(ROOT / "evals" / "gold.jsonl") if i["id"] in {"bartz-libgen", "na-kadrey-v-meta"}]
    gold.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items))
    out_json, report = tmp_path / "b.json", tmp_path / "b.md"
    run_cli(gold=gold, settings=settings, baseline="llamaindex", json_out=out_json, report=report)
    runs = json.loads(out_json.read_text())["runs"]
    assert [r["name"] for r in runs] == ["rag (extractive)", "llamaindex quickstart"]
    baseline = runs[1]
    assert baseline["k"] == 2 and baseline["metrics"]["refusal_accuracy"]["value"] in (0.0, None)  # it never refuses
    bartz_cited = [c for q in baseline["questions"] for c in q["citations"] if c["doc_id"] == BARTZ]
    assert all(not c["verbatim"] for c in bartz_cited)  # PDF chunks are not the canonical text
    assert "llamaindex quickstart, k=2" in report.read_text()


# ---- conversations -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, message",
    [
        ('{"id": "c", "turns": []}', "a conversation needs a non-empty list of turns"),
        (
            '{"id": "c", "turns": [{"question": "Why?", "answerable": false, "evidence": [], "facts": []}]}',
            "turn 1: a turn has exactly the keys",
        ),
        (
            '{"id": "c", "turns": [{"question": "Why?", "answerable": true, "about": [], '
            '"evidence": [], "facts": []}]}',
            "turn 1: an answerable question needs evidence",
        ),
    ],
)
def test_a_broken_conversation_line_is_named(tmp_path, line, message):
    from rag.evalconv import load

    path = tmp_path / "conversations.jsonl"
    path.write_text(line + "\n")
    with pytest.raises(GoldError, match=rf"conversations.jsonl:1: {message}"):
        load(path)


@pytest.mark.parametrize("half", ["conversations-tune", "conversations-test"])
def test_follow_ups_keep_to_the_conversations_ruling_on_the_testbed(testbed_settings, tmp_path, half):
    """rag eval --conversations on 14 conversations over testbed rulings: with their history, the
    follow-ups cite the ruling they are about (≥ 0.9) more often than the same questions alone."""
    env = {
        **os.environ,
        "RAG_CORPUS_DIR": str(testbed_settings.corpus_dir),
        "RAG_INDEX_DIR": str(testbed_settings.index_dir),
    }
    out = tmp_path / "conversations.json"
    args = [
        sys.executable,
        "-m",
        "rag.cli",
        "eval",
        "--conversations",
        str(ROOT / "evals" / f"{half}.jsonl"),
        "--json",
        str(out),
    ]
    done = subprocess.run(args, capture_output=True, text=True, env=env, cwd=ROOT, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("14 conversations of 20") and "| follow-ups | evidence hit |" in done.stdout
    rows = json.loads(out.read_text())

    def on_document(mode):
        follow_ups = [r for r in rows[mode] if r["turn"] > 1 and r["answerable"]]
        return sum(r["on_document"] for r in follow_ups) / sum(r["citations"] for r in follow_ups)

    assert on_document("with history") >= 0.9 > on_document("history ignored")
