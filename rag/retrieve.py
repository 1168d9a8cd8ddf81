"""Hybrid retrieval: dense (Chroma) and BM25, fused by reciprocal rank, overlapping chunks merged.

Legal questions lean on names, numbers and docket strings that a small dense model blurs,
so BM25 (bm25s, English stemming, NLTK stop words) runs beside the vector search; the two
rankings are fused with reciprocal rank fusion (k=60), which needs no score calibration,
except that the dense ranking is discounted when even its best match is noise.
Overlapping chunks of one document (sentence windows of a long paragraph) become one passage.

The loaded index (`Library`: documents, sentence spans and vectors, the BM25 index, the
Chroma collection) is built once per process and settings; the first use on an empty index
runs ingest.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from rag import index
from rag.corpus import Document, corpus_files, file_sha256, load_manifest
from rag.errors import IndexStoreError, QuestionError
from rag.ingest import Chunk, Units, indexed_text, ingest, load_units, skipped_files
from rag.models import Filters, Passage
from rag.settings import Settings, get_settings

log = logging.getLogger(__name__)

FRAME_WORDS = (
    "judge court hold held holding rule ruled ruling say said says decide decided decision conclude concluded "
    "find found order case exactly describe explain happen happened think according document commentary "
    "me please tell didn doesn wasn isn aren weren haven hasn couldn wouldn shouldn"
)
GENERIC_NAME_WORDS = "court internet district circuit group inc pbc llc ltd corp co"  # in names, but name nothing
RRF_K = 60
CANDIDATES = 30  # per ranker, before fusion
NOISE_COS = 0.2  # a best dense match below this cosine is no match at all


@dataclass
class Library:
    """Everything retrieval and answering read, loaded once."""

    settings: Settings
    docs: dict[str, Document]
    units: dict[str, Units]
    sentence_vectors: dict
    chunks: list[tuple[str, Chunk]]
    collection: object
    bm25: object = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def chunk_texts(self) -> list[str]:
        return [indexed_text(self.docs[d], c) for d, c in self.chunks]

    @cached_property
    def sentence_terms(self) -> dict[str, list[frozenset[str]]]:
        """The content terms of every indexed sentence, per document."""
        out = {}
        for doc_id, units in self.units.items():
            text = self.docs[doc_id].text
            out[doc_id] = [frozenset(t) for t in _terms_many([text[s:e] for s, e in units.sentences])]
        return out

    @cached_property
    def name_terms(self) -> dict[str, frozenset[str]]:
        """The terms of the names that point at each document (its parties, court, judge)."""
        generic = frozenset(terms(GENERIC_NAME_WORDS))
        return {doc_id: frozenset(terms(doc.meta.names())) - generic for doc_id, doc in self.docs.items()}

    @cached_property
    def doc_terms(self) -> dict[str, frozenset[str]]:
        """Every content term each document uses."""
        return {doc_id: frozenset().union(*sets) for doc_id, sets in self.sentence_terms.items()}

    def named(self, question: str) -> set[str]:
        """The documents a question points at by name ("in Bartz", "the Hangzhou court"); none if it names none."""
        asked = set(terms(question))
        return {doc_id for doc_id, names in self.name_terms.items() if names & asked}

    @cached_property
    def term_df(self) -> dict[str, int]:
        """In how many indexed sentences each term occurs."""
        df: dict[str, int] = {}
        for sentence_sets in self.sentence_terms.values():
            for present in sentence_sets:
                for t in present:
                    df[t] = df.get(t, 0) + 1
        return df

    @cached_property
    def sentence_count(self) -> int:
        return sum(len(u.sentences) for u in self.units.values())

    @cached_property
    def vocabulary(self) -> set[str]:
        """Every word of every document, lower-cased, with and without a possessive 's."""
        words: set[str] = set()
        for doc in self.docs.values():
            lowered = doc.text.lower()
            words.update(w.rstrip(".") for w in re.findall(r"[\w’'.-]+", lowered))
            words.update(re.findall(r"\w+", lowered))
        return words | {re.sub(r"[’']s$", "", w) for w in words}


_libraries: dict[tuple, Library] = {}
_load_lock = threading.Lock()


def library(settings: Settings | None = None, progress: bool = False) -> Library:
    """The loaded index for these settings; builds it first if the index is empty."""
    settings = settings or get_settings()
    with _load_lock:
        key = settings.index_key()
        if key not in _libraries:
            _libraries[key] = _load(settings, progress)
        return _libraries[key]


def forget(settings: Settings | None = None) -> None:
    """Drop the loaded index (after an ingest), so the next call reloads it."""
    with _load_lock:
        if settings is None:
            _libraries.clear()
        else:
            _libraries.pop(settings.index_key(), None)


def _load(settings: Settings, progress: bool) -> Library:
    import numpy as np

    col = index.collection(settings)
    if col is None or col.count() == 0 or not settings.store_dir.is_dir():
        report = ingest(settings=settings, progress=progress)
        for error in report.errors:
            log.warning(error)
        col = index.collection(settings)
    docs, units, vectors = {}, {}, {}
    for path in sorted(settings.store_dir.glob("*.units.json")):
        doc_id = path.name.removesuffix(".units.json")
        docs[doc_id] = Document.load(settings.store_dir / f"{doc_id}.json")
        units[doc_id] = load_units(path)
        vectors[doc_id] = np.load(settings.store_dir / f"{doc_id}.sentences.npy")
    if not docs:
        raise IndexStoreError(f"the index is empty: no readable documents in {settings.corpus_dir}")
    _warn_if_stale(settings, docs)
    chunks = [(d, c) for d in docs for c in units[d].chunks]
    return Library(settings, docs, units, vectors, chunks, col)


def _warn_if_stale(settings: Settings, docs: dict[str, Document]) -> None:
    """Log when the corpus folder no longer matches the index (files added, changed or removed)."""
    try:
        on_disk = {file_sha256(p) for p in corpus_files(settings.corpus_dir)} - skipped_files(settings)
        manifest = load_manifest(settings.corpus_dir)
    except Exception:  # a broken corpus folder is ingest's business, not retrieval's
        return
    indexed = {d.sha256 for d in docs.values()}
    entries_changed = any(
        e.id in docs and docs[e.id].meta.model_dump(mode="json") != e.model_dump(mode="json") for e in manifest.values()
    )
    if on_disk != indexed or entries_changed:
        log.warning("the corpus folder has changed since the last ingest; run `rag ingest` to update the index")


def terms(text: str) -> list[str]:
    """Lower-cased, stemmed content words (the BM25 vocabulary)."""
    return _terms_many([text])[0]


def content_terms(text: str) -> list[str]:
    """`terms` without the words that frame a legal question or claim ("court", "held", "say")."""
    return [t for t in terms(text) if t not in _frame_terms()]


@lru_cache(maxsize=1)
def _frame_terms() -> frozenset[str]:
    return frozenset(_terms_many([FRAME_WORDS])[0])


def _terms_many(texts: list[str]) -> list[list[str]]:
    import bm25s

    texts = [legal_forms(t) for t in texts]
    return bm25s.tokenize(texts, stopwords=_stopwords(), stemmer=_stemmer(), return_ids=False, show_progress=False)


KEPT_FUNCTION_WORDS = {"no", "not", "nor", "against", "before", "after", "all", "only", "same"}  # they change what a passage says
MORE_STOPWORDS = {"whether", "anything", "something", "would", "could", "also", "ever", "much", "many", "us"}


@lru_cache(maxsize=1)
def _stopwords() -> list[str]:
    """NLTK's English stop words (as bm25s ships them), keeping the negations and a few that carry meaning."""
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    return sorted((set(STOPWORDS_EN_PLUS) - KEPT_FUNCTION_WORDS) | MORE_STOPWORDS)


_ORDINALS = {"one": "first", "two": "second", "three": "third", "four": "fourth", "1": "first", "2": "second", "3": "third", "4": "fourth"}
_FACTOR_N = re.compile(r"\bfactors?\s+(one|two|three|four|[1-4])\b", re.I)
_NUMBER_SIGN = re.compile(r"\bNo\.(?=\s*(?:[A-Za-z]{1,3}\s)?\d)")


def legal_forms(text: str) -> str:
    """Two ways lawyers write what the rulings write otherwise: "factor two" for "second factor",
    and "No. 24-cv-03811" for "number 24-cv-03811" (so that a "case number" question finds it)."""
    text = _FACTOR_N.sub(lambda m: f"{_ORDINALS[m.group(1).lower()]} factor", text)
    return _NUMBER_SIGN.sub("number", text)


def _stemmer():
    global _STEMMER
    if _STEMMER is None:
        import Stemmer

        _STEMMER = Stemmer.Stemmer("english")
    return _STEMMER


_STEMMER = None


def _bm25(lib: Library):
    with lib._lock:
        if lib.bm25 is None:
            import bm25s

            texts = [legal_forms(t) for t in lib.chunk_texts()]
            tokens = bm25s.tokenize(texts, stopwords=_stopwords(), stemmer=_stemmer(), show_progress=False)
            model = bm25s.BM25()
            model.index(tokens, show_progress=False)
            lib.bm25 = (model, tokens.vocab)
        return lib.bm25


def check_question(question: str, settings: Settings) -> str:
    """The question, stripped; QuestionError when it is empty or too long."""
    if not isinstance(question, str) or not question.strip():
        raise QuestionError("the question is empty")
    question = " ".join(question.split())
    if len(question) > settings.max_question_chars:
        raise QuestionError(
            f"the question is {len(question):,} characters long; the limit is {settings.max_question_chars:,}"
        )
    return question


@dataclass
class Hits:
    """A search: the merged passages, the fused chunk ranking under them, and the question's vector."""

    passages: list[Passage]
    chunks: list[tuple[str, Chunk, float]]  # (doc_id, chunk, fused score), best first
    qvec: object


def search(question: str, k: int | None = None, filters: Filters | dict | None = None, settings: Settings | None = None) -> Hits:
    """Dense and BM25 rankings of the chunks, fused, and merged into passages (best first)."""
    settings = settings or get_settings()
    question = check_question(question, settings)
    filters = Filters(**filters) if isinstance(filters, dict) else (filters or Filters())
    lib = library(settings)
    qvec = index.embed_question(question, settings)
    dense, best_cos = _dense(lib, qvec, filters)
    fused: dict[int, float] = {}
    for weight, ranking in ((_dense_weight(best_cos), dense), (1.0, _sparse(lib, question, filters))):
        for rank, i in enumerate(ranking):
            fused[i] = fused.get(i, 0.0) + weight / (RRF_K + rank + 1)
    ranked = sorted(fused.items(), key=lambda item: -item[1])
    chunks = [(*lib.chunks[i], score) for i, score in ranked]
    return Hits(passages=_merge(lib, chunks)[: k or settings.top_k], chunks=chunks, qvec=qvec)


def _dense_weight(best_cos: float) -> float:
    """How much the dense ranking counts: fully when its best match is a real one, not at all for noise.

    For a bare docket number or a name MiniLM has never seen, every chunk scores about 0.15
    and the dense order is noise that would drown BM25's exact match.
    """
    return min(1.0, max(0.0, (best_cos - NOISE_COS) / 0.2))


def _dense(lib: Library, qvec, filters: Filters) -> tuple[list[int], float]:
    position = {c.id: i for i, (_, c) in enumerate(lib.chunks)}
    try:
        got = lib.collection.query(
            query_embeddings=[qvec.tolist()], n_results=min(CANDIDATES, len(lib.chunks)), where=filters.chroma_where()
        )
    except Exception as exc:
        raise IndexStoreError(f"Chroma query failed: {type(exc).__name__}: {str(exc).splitlines()[0]}") from exc
    best = 1.0 - min(got["distances"][0], default=1.0)
    return [position[i] for i in got["ids"][0] if i in position], best


def _sparse(lib: Library, question: str, filters: Filters) -> list[int]:
    import numpy as np

    model, vocab = _bm25(lib)
    query = [t for t in terms(question) if t in vocab]
    if not query:
        return []
    scores = model.get_scores(query)
    allowed = np.array([filters.admits(lib.docs[d].meta) for d, _ in lib.chunks])
    scores = np.where(allowed, scores, 0.0)
    best = np.argsort(-scores)[:CANDIDATES]
    return [int(i) for i in best if scores[i] > 0]


def _merge(lib: Library, chunks: list[tuple[str, Chunk, float]]) -> list[Passage]:
    """One passage per run of overlapping retrieved chunks, scored by its best chunk."""
    by_doc: dict[str, list[tuple[Chunk, float]]] = {}
    for doc_id, chunk, score in chunks:
        by_doc.setdefault(doc_id, []).append((chunk, score))
    passages = []
    for doc_id, hits in by_doc.items():
        doc = lib.docs[doc_id]
        hits.sort(key=lambda h: h[0].start)
        start, end, best = hits[0][0].start, hits[0][0].end, hits[0][1]
        for chunk, score in hits[1:]:
            if chunk.start < end:
                end, best = max(end, chunk.end), max(best, score)
            else:
                passages.append(_passage(doc, start, end, best))
                start, end, best = chunk.start, chunk.end, score
        passages.append(_passage(doc, start, end, best))
    return sorted(passages, key=lambda p: -p.score)


def _passage(doc: Document, start: int, end: int, score: float) -> Passage:
    pin = doc.locate(start, end)
    return Passage(
        doc_id=doc.id,
        title=doc.meta.title,
        start=start,
        end=end,
        text=doc.text[start:end],
        pinpoint=str(pin),
        page=pin.page,
        page_end=pin.page_end,
        paragraph=pin.paragraph,
        score=round(score, 6),
    )


def retrieve(question: str, k: int | None = None, filters: Filters | dict | None = None, settings: Settings | None = None):
    """The passages that best match a question, best first (public API)."""
    return search(question, k=k, filters=filters, settings=settings).passages
