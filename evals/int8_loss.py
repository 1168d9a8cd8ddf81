"""What an int8-quantised encoder would cost in retrieval, measured before it is adopted.

    python evals/int8_loss.py evals/gold.jsonl                      # over the index of RAG_INDEX_DIR
    RAG_CORPUS_DIR=... RAG_INDEX_DIR=... python evals/int8_loss.py evals/testbed-tune.jsonl evals/testbed-test.jsonl

The ONNX export of the question encoder (`rag.encoder`) is quantised with ONNX Runtime's
dynamic int8 quantisation; every chunk of the built index is embedded again with it into an
in-memory Chroma collection, and each answerable gold question is searched twice with the
product's own `rag.retrieve.search`: once as built (fp32 chunks, fp32 question) and once with
the int8 chunks and the int8 question. Printed: hit@k and recall@k (pinpoint level, as in
`rag eval`), the encoder's time for the chunks both ways, and the cosine between fp32 and int8
vectors. Sentence vectors (the answerer's) are left as they are: this measures retrieval only.
A benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(golds: list[str]) -> None:
    import numpy as np

    from rag import encoder, index
    from rag.encoder import run_many
    from rag.evaluate import load_gold
    from rag.metrics import locate_evidence, retrieval, span_of
    from rag.retrieve import library
    from rag.settings import get_settings

    settings = get_settings()
    lib = library(settings)
    texts = lib.chunk_texts()
    fp32_session, tokenizer = encoder._session(str(encoder.folder(settings)))
    int8 = _quantised(encoder.folder(settings) / encoder.ONNX_FILE)
    started = time.perf_counter()
    fp32_vectors = run_many(fp32_session, tokenizer, texts)
    fp32_seconds = time.perf_counter() - started
    started = time.perf_counter()
    int8_vectors = run_many(int8, tokenizer, texts)
    int8_seconds = time.perf_counter() - started
    cosines = (fp32_vectors * int8_vectors).sum(axis=1)
    items = [i for path in golds for i in load_gold(Path(path)) if i["answerable"]]
    as_built = _scores(items, lib, settings, retrieval, locate_evidence, span_of)
    lib.collection = _collection([c.id for _, c in lib.chunks], int8_vectors)
    index.embed_question = lambda text, s: run_many(int8, tokenizer, [text])[0]
    quantised = _scores(items, lib, settings, retrieval, locate_evidence, span_of)
    print(f"{len(items)} answerable questions from {', '.join(golds)}; {len(texts)} chunks")
    print(f"encoder over the chunks: fp32 {fp32_seconds:.1f} s, int8 {int8_seconds:.1f} s")
    print(f"cosine fp32/int8: mean {np.mean(cosines):.3f}, min {np.min(cosines):.3f}")
    print("| | fp32 (as built) | int8 |\n|---|---:|---:|")
    for key in ("hit_at_k", "recall_at_k", "mrr"):
        print(f"| {key} | {as_built[key]:.3f} | {quantised[key]:.3f} |")


def _quantised(model: Path):
    """An ONNX Runtime session of the int8 quantisation of the exported encoder (as RAG_EMBED_INT8 makes it)."""
    import onnxruntime

    from rag.encoder import _quantise

    out = Path(tempfile.mkdtemp()) / "encoder-int8.onnx"
    _quantise(model, out)
    return onnxruntime.InferenceSession(str(out), providers=["CPUExecutionProvider"])


def _collection(ids: list[str], vectors):
    """An in-memory Chroma collection of these chunk vectors (cosine, as the product's)."""
    import chromadb

    client = chromadb.EphemeralClient()
    col = client.create_collection("int8", configuration={"hnsw": {"space": "cosine"}}, embedding_function=None)
    for b in range(0, len(ids), 1000):
        col.add(ids=ids[b : b + 1000], embeddings=vectors[b : b + 1000].tolist())
    return col


def _scores(items, lib, settings, retrieval, locate_evidence, span_of) -> dict[str, float]:
    """Mean hit@k, recall@k and MRR of `rag.retrieve.search` over the questions."""
    from rag.retrieve import search

    totals: dict[str, float] = {"hit_at_k": 0.0, "recall_at_k": 0.0, "mrr": 0.0}
    for item in items:
        golds = [locate_evidence(e, lib.docs) for e in item["evidence"]]
        spans = [span_of(p, lib.docs) for p in search(item["question"], settings=settings).passages]
        got = retrieval(golds, spans, lib.docs)
        for key in totals:
            totals[key] += got[key][0]
    return {key: value / len(items) for key, value in totals.items()}


if __name__ == "__main__":
    main(sys.argv[1:] or [str(ROOT / "evals" / "gold.jsonl")])
