"""Hybrid retrieval over the real index: known questions find their page; filters restrict."""

from __future__ import annotations

import datetime as dt

from conftest import BARTZ, CONCORD, ULTRAMAN
from rag.retrieve import retrieve


def covers(passage, page):
    return passage.page is not None and passage.page <= page <= passage.page_end


def test_known_facts_are_found_on_their_page(settings):
    top = retrieve("How many books did Anthropic download from Library Genesis?", k=3, settings=settings)
    assert any(p.doc_id == BARTZ and covers(p, 3) for p in top)
    top = retrieve("When did Anthropic hire Tom Turvey and what was he tasked with?", k=3, settings=settings)
    assert any(p.doc_id == BARTZ and covers(p, 3) for p in top)


def test_names_and_docket_numbers_are_found_by_bm25(settings):
    top = retrieve("24-cv-03811-EKL", k=2, settings=settings)
    assert top[0].doc_id == CONCORD
    top = retrieve("RMB 300, 000 economic loss", k=2, settings=settings)
    assert any(p.doc_id == ULTRAMAN and "RMB 300, 000" in p.text for p in top)


def test_passages_are_exact_spans_with_pinpoints(settings, lib):
    for p in retrieve("Was scanning purchased print books a fair use?", k=6, settings=settings):
        doc = lib.docs[p.doc_id]
        assert doc.text[p.start : p.end] == p.text
        assert p.pinpoint == str(doc.locate(p.start, p.end))
    scores = [p.score for p in retrieve("fair use of pirated copies", k=6, settings=settings)]
    assert scores == sorted(scores, reverse=True)


def test_filters_restrict_documents(settings):
    q = "Was the AI company liable for infringement?"
    assert {p.doc_id for p in retrieve(q, k=6, filters={"doc_ids": (CONCORD,)}, settings=settings)} == {CONCORD}
    assert BARTZ not in {p.doc_id for p in retrieve(q, k=6, filters={"kind": "commentary"}, settings=settings)}
    march = {"date_from": dt.date(2025, 3, 1), "date_to": dt.date(2025, 3, 31)}
    assert {p.doc_id for p in retrieve(q, k=6, filters=march, settings=settings)} == {CONCORD}
    assert {p.doc_id for p in retrieve(q, k=6, filters={"court": "Hangzhou Internet Court"}, settings=settings)} == {
        ULTRAMAN
    }


def test_bm25_is_saved_at_ingest_and_loaded_memory_mapped_with_the_same_scores(settings, lib):
    import numpy as np

    from rag import lexical
    from rag.text import terms

    ids = [c.id for _, c in lib.chunks]
    saved = lexical.load(ids, settings)
    assert saved is not None and isinstance(saved.scores["data"], np.memmap)
    built = lexical.build(lib.chunk_texts())
    query = [t for t in terms("How many books did Anthropic download from Library Genesis?") if t in built.vocab_dict]
    assert np.allclose(saved.get_scores(query), built.get_scores(query))
    assert lexical.load(ids[::-1], settings) is None  # built over other chunks: not used
