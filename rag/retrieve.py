"""Hybrid retrieval: dense (Chroma) and BM25, fused by reciprocal rank, overlapping chunks merged.

Legal questions lean on names, numbers and docket strings that a small dense model blurs,
so BM25 (bm25s, English stemming, NLTK stop words) runs beside the vector search; the two
rankings are fused with reciprocal rank fusion (k=60), which needs no score calibration,
except that the dense ranking is discounted when even its best match is noise.
Overlapping chunks of one document (sentence windows of a long paragraph) become one passage.

The loaded index (`Library`: documents, sentence spans and vectors, the BM25 index, the
Chroma collection) is loaded once per process and settings from what `rag ingest` built.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, partial

from rag import index, lexical, remote
from rag.corpus import Document, corpus_files, file_sha256, load_manifest
from rag.errors import IndexStoreError, QuestionError
from rag.ingest import (
    Chunk,
    Units,
    indexed_text,
    is_built,
    load_legal,
    load_document,
    load_sentence_vectors,
    skipped_files,
)
from rag.models import Filters, Passage
from rag.settings import Settings, get_settings
from rag.text import terms
from rag.vocabulary import PerDocument

log = logging.getLogger(__name__)

RRF_K = 60
CANDIDATES = 30  # per ranker, before fusion
NOISE_COS = 0.2  # a best dense match below this cosine is no match at all
RECHECK_SECONDS = 5.0  # with a Chroma server, how often a loaded library asks whether the index changed


@dataclass
class Library:
    """Everything retrieval and answering read, loaded once."""

    settings: Settings
    docs: dict[str, Document]
    units: dict[str, Units]
    sentence_vectors: Mapping  # doc_id -> its sentences' vectors (from the store: read when first asked for)
    chunks: list[tuple[str, Chunk]]
    collection: object
    bm25: object = None
    version: str | None = None  # with a Chroma server: the server's index version this was loaded from
    checked: float = 0.0  # when that version was last compared with the server's (time.monotonic)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def chunk_texts(self) -> list[str]:
        return [indexed_text(self.docs[d], c) for d, c in self.chunks]

    @cached_property
    def chunk_position(self) -> dict[str, int]:
        """Chunk id -> its place in `chunks` (made once: at 100,000 chunks, 40 ms a question)."""
        return {c.id: i for i, (_, c) in enumerate(self.chunks)}

    @cached_property
    def vocabulary(self):
        """The corpus's word tables, for the answerer (`rag.vocabulary`)."""
        from rag.vocabulary import Vocabulary

        # the BM25 postings only where chunks hold the documents (a library of documents alone reads them)
        return Vocabulary(self.docs, self.units, postings=self.documents_using if self.chunks else None)

    def documents_using(self, term: str) -> frozenset[str]:
        """The documents with a chunk whose indexed text has the term (a stemmed `terms` word):
        the postings of the BM25 index, read without reading any document."""
        import numpy as np

        model = _bm25(self)
        column = model.vocab_dict.get(term)
        if column is None:
            return frozenset()
        start, end = model.scores["indptr"][column], model.scores["indptr"][column + 1]
        ids = self._doc_ids
        return frozenset(ids[i] for i in np.unique(self._chunk_doc[model.scores["indices"][start:end]]))

    @cached_property
    def _doc_ids(self) -> list[str]:
        return list(self.docs)

    @cached_property
    def _chunk_doc(self):
        """Per chunk, the place of its document in `_doc_ids` (numpy)."""
        import numpy as np

        place = {d: i for i, d in enumerate(self._doc_ids)}
        return np.array([place[d] for d, _ in self.chunks], dtype=np.int32)


_libraries: dict[tuple, Library] = {}
_load_lock = threading.Lock()


def library(settings: Settings | None = None) -> Library:
    """The loaded index for these settings (built by `rag ingest` or `rag.ingest.ensure_index`)."""
    settings = settings or get_settings()
    with _load_lock:
        key = settings.index_key()
        if key not in _libraries or _changed_elsewhere(_libraries[key]):
            _libraries[key] = _load(settings)
        return _libraries[key]


def _changed_elsewhere(lib: Library) -> bool:
    """With a Chroma server: whether another machine has ingested since this library was loaded
    (asked of the server at most every `RECHECK_SECONDS`)."""
    if not lib.settings.chroma_url or time.monotonic() - lib.checked < RECHECK_SECONDS:
        return False
    lib.checked = time.monotonic()
    return remote.version(lib.settings) != lib.version


def forget(settings: Settings | None = None) -> None:
    """Drop the loaded index (after an ingest), so the next call reloads it."""
    with _load_lock:
        if settings is None:
            _libraries.clear()
        else:
            _libraries.pop(settings.index_key(), None)


def _load(settings: Settings) -> Library:
    if not is_built(settings):
        raise IndexStoreError(
            f"the index in {settings.index_dir} is empty: run `rag ingest` to build it from {settings.corpus_dir}"
        )
    version = None
    if settings.chroma_url:  # the server holds the index's files; this folder is a copy of them
        version = remote.version(settings)
        remote.pull(settings)
    col = index.collection(settings)
    docs, units = {}, {}
    stored = {p.name.split(".", 1)[0] for p in settings.store_dir.glob("*.json") if not p.name.startswith("_")}
    for doc_id in sorted(stored):
        try:
            docs[doc_id], units[doc_id] = load_document(doc_id, settings)
        except IndexStoreError as exc:
            raise _damaged(exc) from None
    vectors = PerDocument(units, partial(_read_vectors, units, settings))
    if not docs:
        raise IndexStoreError(f"the index is empty: no readable documents in {settings.corpus_dir}")
    _warn_if_stale(settings, docs)
    load_legal(settings)
    chunks = [(d, c) for d in docs for c in units[d].chunks]
    return Library(settings, docs, units, vectors, chunks, col, version=version, checked=time.monotonic())


def _damaged(exc: IndexStoreError) -> IndexStoreError:
    return IndexStoreError(f"the index is damaged ({exc}); run `rag ingest` to repair it")


def _read_vectors(units: dict[str, Units], settings: Settings, doc_id: str):
    """A document's sentence vectors, read when a question first reaches it (at 100,000 chunks,
    reading them all took seconds of every start and most of the memory)."""
    try:
        return load_sentence_vectors(doc_id, units[doc_id], settings)
    except IndexStoreError as exc:
        raise _damaged(exc) from None


def _warn_if_stale(settings: Settings, docs: dict[str, Document]) -> None:
    """Log when the corpus folder no longer matches the index (files added, changed or removed)."""
    try:
        on_disk = {file_sha256(p) for p in corpus_files(settings.corpus_dir)} - skipped_files(settings)
        manifest = load_manifest(settings.corpus_dir)
    except Exception:  # a broken corpus folder is ingest's business, not retrieval's
        return
    indexed = {d.sha256 for d in docs.values()}
    if settings.chroma_url and not on_disk:  # an app server without the corpus: the Chroma server's copy is the index
        return
    entries_changed = any(
        e.id in docs and docs[e.id].meta.model_dump(mode="json") != e.model_dump(mode="json") for e in manifest.values()
    )
    if on_disk != indexed or entries_changed:
        log.warning("the corpus folder has changed since the last ingest; run `rag ingest` to update the index")


def _bm25(lib: Library):
    """The BM25 index of the library's chunks: the one ingest saved, else one built here."""
    with lib._lock:
        if lib.bm25 is None:
            ids = [c.id for _, c in lib.chunks]
            saved = lexical.load(ids, lib.settings)
            lib.bm25 = saved if saved is not None else lexical.build(lib.chunk_texts())
        return lib.bm25


def check_question(question: str, settings: Settings) -> str:
    """The question, stripped; QuestionError when it is empty or too long."""
    if not isinstance(question, str) or not question.strip():
        raise QuestionError("the question is empty")
    question = " ".join(question.split())
    try:
        question.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate: what a broken decoder makes of invalid bytes
        raise QuestionError(f"the question has a character that is not valid text at position {exc.start}") from None
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


def search(
    question: str, k: int | None = None, filters: Filters | dict | None = None, settings: Settings | None = None
) -> Hits:
    """Dense and BM25 rankings of the chunks, fused, and merged into passages (best first)."""
    settings = settings or get_settings()
    question = check_question(question, settings)
    filters = Filters(**filters) if isinstance(filters, dict) else (filters or Filters())
    lib = library(settings)
    if unknown := [d for d in filters.doc_ids or () if d not in lib.docs]:
        raise QuestionError(f"no document with id {unknown[0]!r} in the index; `rag docs` lists the ids")
    qvec = index.embed_question(question, settings)
    dense, best_cos = _dense(lib, qvec, filters)
    fused: dict[int, float] = {}
    for weight, ranking in ((_dense_weight(best_cos), dense), (1.0, _sparse(lib, question, filters))):
        for rank, i in enumerate(ranking):
            fused[i] = fused.get(i, 0.0) + weight / (RRF_K + rank + 1)
    ranked = sorted(fused.items(), key=lambda item: -item[1])
    chunks = [(*lib.chunks[i], score) for i, score in ranked]
    return Hits(passages=_merge(lib, chunks, k or settings.top_k), chunks=chunks, qvec=qvec)


def _dense_weight(best_cos: float) -> float:
    """How much the dense ranking counts: fully when its best match is a real one, not at all for noise.

    For a bare docket number or a name MiniLM has never seen, every chunk scores about 0.15
    and the dense order is noise that would drown BM25's exact match.
    """
    return min(1.0, max(0.0, (best_cos - NOISE_COS) / 0.2))


def _dense(lib: Library, qvec, filters: Filters) -> tuple[list[int], float]:
    position = lib.chunk_position
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

    model = _bm25(lib)
    query = [t for t in terms(question) if t in model.vocab_dict]
    if not query:
        return []
    scores = model.get_scores(query)
    if filters != Filters():  # checking every chunk against no filter took 40 ms at 100,000 chunks
        allowed = np.array([filters.admits(lib.docs[d].meta) for d, _ in lib.chunks])
        scores = np.where(allowed, scores, 0.0)
    best = np.argsort(-scores)[:CANDIDATES]
    return [int(i) for i in best if scores[i] > 0]


def _merge(lib: Library, chunks: list[tuple[str, Chunk, float]], k: int) -> list[Passage]:
    """The k best passages: one per run of overlapping retrieved chunks, scored by its best chunk."""
    by_doc: dict[str, list[tuple[Chunk, float]]] = {}
    for doc_id, chunk, score in chunks:
        by_doc.setdefault(doc_id, []).append((chunk, score))
    spans = []  # (doc_id, start, end, best score)
    for doc_id, hits in by_doc.items():
        hits.sort(key=lambda h: h[0].start)
        start, end, best = hits[0][0].start, hits[0][0].end, hits[0][1]
        for chunk, score in hits[1:]:
            if chunk.start < end:
                end, best = max(end, chunk.end), max(best, score)
            else:
                spans.append((doc_id, start, end, best))
                start, end, best = chunk.start, chunk.end, score
        spans.append((doc_id, start, end, best))
    spans.sort(key=lambda span: -span[3])
    return [_passage(lib.docs[d], start, end, score) for d, start, end, score in spans[:k]]


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


def retrieve(
    question: str, k: int | None = None, filters: Filters | dict | None = None, settings: Settings | None = None
):
    """The passages that best match a question, best first (public API)."""
    return search(question, k=k, filters=filters, settings=settings).passages
