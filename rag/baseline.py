"""LlamaIndex's own quickstart pipeline over the same corpus: the comparison point, not the product.

`evals/bench.py` measures it beside `rag.answer()`. It is the quickstart as written:
SimpleDirectoryReader, the default SentenceSplitter, the same embedding model, an embedded
Chroma collection, and `index.as_retriever()` with its default top-k. Nothing is tuned.
What it gives up, on purpose: there is no LLM (the answer is the retrieved chunks, joined),
it never refuses, and its citations are raw chunks located only by the reader's page label,
with offsets into that page's text. They are NOT checked by `rag.verify`. Its default chunks
(up to 1024 tokens) are longer than MiniLM's 256-word-piece window, so each vector sees only
the opening of its chunk.
Needs the `baseline` extra (llama-index-core, -vector-stores-chroma, -embeddings-huggingface)
plus llama-index-readers-file, which supplies the PDF reader.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from functools import lru_cache
from pathlib import Path

from rag.corpus import load_manifest, slug
from rag.models import Answer, Citation
from rag.settings import Settings, get_settings

COLLECTION = "llamaindex-quickstart"
BACKEND = "llamaindex-quickstart"
EXTENSIONS = [".pdf", ".txt", ".md"]  # manifest.toml is not a document


def build(settings: Settings | None = None):
    """Read, chunk, embed and store the corpus the quickstart way; reuses a non-empty collection."""
    from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex

    settings = settings or get_settings()
    store = _vector_store(settings)
    if store.client.count():
        return _from_store(store, settings)
    documents = SimpleDirectoryReader(str(settings.corpus_dir), required_exts=EXTENSIONS).load_data()
    return VectorStoreIndex.from_documents(
        documents,
        storage_context=StorageContext.from_defaults(vector_store=store),
        embed_model=_embed_model(settings.embed_model),
    )


def load(settings: Settings | None = None):
    """The persisted index, built first when the collection is missing or empty."""
    settings = settings or get_settings()
    store = _vector_store(settings)
    return _from_store(store, settings) if store.client.count() else build(settings)


def answer(question: str, settings: Settings | None = None) -> Answer:
    """The quickstart retriever's chunks as the answer, each one a (deliberately unverified) citation."""
    settings = settings or get_settings()
    started = time.perf_counter()
    hits = _index(settings).as_retriever().retrieve(question)
    retrieved = time.perf_counter()
    manifest = load_manifest(settings.corpus_dir)
    citations = tuple(_citation(i + 1, hit, manifest) for i, hit in enumerate(hits))
    done = time.perf_counter()
    timings = {"retrieve_ms": (retrieved - started) * 1000, "answer_ms": (done - retrieved) * 1000}
    timings["total_ms"] = (done - started) * 1000
    return Answer(
        question=question,
        text="\n\n".join(c.quote for c in citations),
        citations=citations,
        timings={key: round(value, 1) for key, value in timings.items()},
        backend=BACKEND,
    )


def _citation(number: int, hit, manifest: dict) -> Citation:
    """One retrieved chunk as a Citation, named from the manifest entry of its file."""
    node, text = hit.node, hit.node.get_content()
    file_name = node.metadata.get("file_name", "")
    meta = manifest.get(file_name)
    title = meta.title if meta else Path(file_name).stem
    page = _page(node.metadata.get("page_label"))
    pinpoint = f"at {page}" if page is not None else ""
    start = node.start_char_idx if node.start_char_idx is not None else 0
    end = node.end_char_idx if node.end_char_idx is not None else start + len(text)
    return Citation(
        number=number, doc_id=meta.id if meta else slug(Path(file_name).stem), title=title, source=file_name,
        page=page, page_end=page, paragraph=None, lines=None, pinpoint=pinpoint,
        citation=f"{title} {pinpoint}".strip(), quote=text, start=start, end=end, score=float(hit.score or 0.0),
    )


def _page(label) -> int | None:
    """The PDF reader's page label as a number, when it is one."""
    return int(label) if isinstance(label, str) and label.isdigit() else None


@lru_cache(maxsize=2)
def _index(settings: Settings):
    """The loaded index, once per process and settings."""
    return load(settings)


def _from_store(store, settings: Settings):
    from llama_index.core import VectorStoreIndex

    return VectorStoreIndex.from_vector_store(store, embed_model=_embed_model(settings.embed_model))


def _vector_store(settings: Settings):
    """The quickstart's Chroma collection, embedded under the index folder."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from llama_index.vector_stores.chroma import ChromaVectorStore

    path = settings.index_dir / "baseline-chroma"
    client = chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))
    return ChromaVectorStore(chroma_collection=client.get_or_create_collection(COLLECTION))


@lru_cache(maxsize=2)
def _embed_model(name: str):
    """The same sentence-transformers model as ours, through LlamaIndex's wrapper; no LLM anywhere."""
    from llama_index.core import Settings as LlamaSettings
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    from rag.index import resolve_model

    path = resolve_model(name)
    if path != name:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    with contextlib.redirect_stdout(sys.stderr):  # its "LLM is explicitly disabled" notice is not output
        LlamaSettings.llm = None  # otherwise the first use resolves the default, OpenAI
    return HuggingFaceEmbedding(model_name=path)
