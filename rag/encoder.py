"""Embedding without torch: the embedding model exported once to ONNX, run by ONNX Runtime.

Importing torch and transformers to embed one question is most of a cold `rag ask`, and loading
them is about 5 s of every ingest. So ingest first exports a plain sentence-transformers model
(Transformer, then mean pooling, then normalisation, as all-MiniLM-L6-v2 is) to
`<store_dir>/encoder/model.onnx`, with the pooling and normalisation inside the graph, beside
the model's own fast tokenizer (`tokenizer.json`). The graph also gives the vector of every
token, from which `run_many` pools the spans of a text it is asked for (a chunk's sentences,
`rag.ingest.embed_units`) in the same pass. `rag.index.embed`, `embed_question` and the
token counts of chunking use it when it is there and fall back to sentence-transformers when it
is not (another kind of model, or an index built before). The export is made once per
machine and model, in the user's cache folder (`~/.cache/rag-rulings/encoders`). tests/test_encoder.py checks
that the two give the same vectors.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from functools import lru_cache
from pathlib import Path

from rag.settings import Settings

log = logging.getLogger(__name__)
ONNX_FILE, TOKENIZER_FILE, CONFIG_FILE = "model.onnx", "tokenizer.json", "encoder.json"
INT8_FILE = "model-int8.onnx"  # ONNX Runtime's dynamic int8 quantisation of ONNX_FILE (RAG_EMBED_INT8)
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
EXPORT_VERSION = 2  # bump when the exported graph changes (2: the token vectors as a second output)
PROGRESS_TEXTS = 2000  # embedding this many texts takes about half a minute here: worth a bar


def folder(settings: Settings) -> Path:
    """Where the exported encoder of this index lives."""
    return settings.store_dir / "encoder"


def graph(settings: Settings) -> str:
    """The file of the graph this index embeds with: fp32, or int8 when `embed_int8` is set."""
    return INT8_FILE if settings.embed_int8 else ONNX_FILE


def is_exported(settings: Settings) -> bool:
    """Whether this index has an exported encoder for its embedding model (in the wanted precision)."""
    try:
        config = json.loads((folder(settings) / CONFIG_FILE).read_text())
    except (OSError, ValueError):
        return False
    current = config.get("model") == settings.embed_model and config.get("version") == EXPORT_VERSION
    return current and (folder(settings) / graph(settings)).is_file()


def export(settings: Settings) -> bool:
    """Put the ONNX export of the embedding model beside the index; False when it is not a plain
    model (or has no fast tokenizer file), which leaves questions to sentence-transformers.

    The export itself (torch, about 5 s) is made once per machine and model, in the user's cache
    folder, and linked (or copied) into each index from there.
    """
    from rag.index import resolve_model

    path = Path(resolve_model(settings.embed_model))
    if not (path / TOKENIZER_FILE).is_file():
        return False
    made = _cached_export(path, settings.embed_model)
    if made is None:
        return False
    if settings.embed_int8 and not (made / INT8_FILE).is_file():
        _quantise(made / ONNX_FILE, made / INT8_FILE)
    target = folder(settings)
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    for name in (graph(settings), TOKENIZER_FILE):
        _link_or_copy(made / name, partial / name)
    config = json.loads((made / CONFIG_FILE).read_text())
    (partial / CONFIG_FILE).write_text(json.dumps({**config, "model": settings.embed_model}))
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)  # whole or not at all: a reader never sees half an export
    _session.cache_clear()
    _counter.cache_clear()
    return True


def _cached_export(path: Path, name: str) -> Path | None:
    """The export of the model at `path` in the machine's cache, made now if it is not there.

    Keyed by the model's files, not by where they are: every virtual environment (each fresh
    clone makes one) that installs the same model shares one export instead of adding another.
    """
    import hashlib

    from rag.index import _plain_model

    stamp = hashlib.sha256(f"{EXPORT_VERSION}\n".encode())
    for file in sorted(p for p in path.iterdir() if p.suffix in (".safetensors", ".bin", ".json")):
        stamp.update(f"{file.name}\n".encode())
        stamp.update(hashlib.sha256(file.read_bytes()).digest())  # the model itself, wherever installed
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "rag-rulings" / "encoders"
    cached = root / stamp.hexdigest()[:16]
    if (cached / CONFIG_FILE).is_file():
        return cached
    plain = _plain_model(str(path))
    if plain is None:
        return None
    tokenizer, model, max_length = plain
    partial = cached.with_name(cached.name + f".partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    _to_onnx(model, tokenizer, partial / ONNX_FILE)
    shutil.copyfile(path / TOKENIZER_FILE, partial / TOKENIZER_FILE)
    (partial / CONFIG_FILE).write_text(json.dumps({"model": name, "max_length": max_length, "version": EXPORT_VERSION}))
    try:
        partial.rename(cached)
    except OSError:  # another process made it meanwhile
        shutil.rmtree(partial, ignore_errors=True)
    return cached


def _quantise(source: Path, target: Path) -> None:
    """The int8 (dynamic) quantisation of an exported graph, written whole or not at all."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    partial = target.with_name(f"{target.stem}.partial-{os.getpid()}.onnx")
    quantize_dynamic(str(source), str(partial), weight_type=QuantType.QInt8)
    partial.replace(target)


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system
        shutil.copyfile(source, target)


def _to_onnx(model, tokenizer, out: Path) -> None:
    import warnings

    import torch

    class Pooled(torch.nn.Module):
        """The transformer with mean pooling over real tokens and L2 normalisation."""

        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=1), hidden

    sample = tokenizer(["What did the court hold?"], return_tensors="pt")
    axes = {name: {0: "batch", 1: "tokens"} for name in INPUTS} | {"embedding": {0: "batch"}}
    axes["tokens"] = {0: "batch", 1: "tokens"}
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Pooled(model).eval(),
            tuple(sample[name] for name in INPUTS),
            str(out),
            input_names=list(INPUTS),
            output_names=["embedding", "tokens"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )


def encode(texts: list[str], settings: Settings):
    """Normalised embeddings of `texts` (numpy float32), or None when no encoder was exported."""
    if not is_exported(settings):
        return None
    return run(*_session(str(folder(settings)), graph(settings)), texts)


def encode_many(texts: list[str], settings: Settings, batch: int = 8, spans: list | None = None):
    """`encode` for many texts: in batches of similar length (little padding), rows in the given
    order; with `spans`, also the vectors of those spans of each text (`run_many`)."""
    if not is_exported(settings):
        return None
    return run_many(*_session(str(folder(settings)), graph(settings)), texts, batch, spans)


def run_many(session, tokenizer, texts: list[str], batch: int = 8, spans: list | None = None):
    """`run` over many texts in length-sorted batches, rows in the given order.

    With `spans` (per text, a list of (start, end) character offsets into it), also returns,
    per text, an array with the vector of each span: the normalised mean of the vectors of the
    tokens inside it, from the same pass over the whole text ("late chunking", Günther et al.,
    2024: the span is read in its context), or a row of NaN for a span without a whole token
    (one cut off by the model's window).
    """
    import numpy as np

    from tqdm import tqdm

    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out, pooled = None, [None] * len(texts)
    # A long document (minutes of embedding) shows a bar, on a terminal only.
    bar = tqdm(
        total=len(texts),
        desc="Embedding",
        unit="text",
        leave=False,
        disable=None if len(texts) >= PROGRESS_TEXTS else True,
    )
    for start in range(0, len(order), batch):
        rows = order[start : start + batch]
        if spans is None:
            vectors = run(session, tokenizer, [texts[i] for i in rows])
        else:
            vectors, per_text = run(session, tokenizer, [texts[i] for i in rows], tokens=True)
            for i, (offsets, states) in zip(rows, per_text):
                pooled[i] = _pool(offsets, states, spans[i])
        out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32) if out is None else out
        out[rows] = vectors
        bar.update(len(rows))
    bar.close()
    out = out if out is not None else np.zeros((0, 0), dtype=np.float32)
    return (out, pooled) if spans is not None else out


def _pool(offsets, states, spans: list[tuple[int, int]]):
    """The normalised mean token vector of each span (NaN where no whole token lies inside it)."""
    import numpy as np

    out = np.full((len(spans), states.shape[1]), np.nan, dtype=np.float32)
    for k, (start, end) in enumerate(spans):
        inside = (offsets[:, 0] >= start) & (offsets[:, 1] <= end) & (offsets[:, 1] > offsets[:, 0])
        if inside.any():
            mean = states[inside].mean(axis=0)
            out[k] = mean / max(float(np.linalg.norm(mean)), 1e-12)
    return out


def window(settings: Settings) -> int | None:
    """The exported model's window in word pieces (special tokens included), or None."""
    if not is_exported(settings):
        return None
    return int(json.loads((folder(settings) / CONFIG_FILE).read_text())["max_length"])


def count_tokens(texts: list[str], settings: Settings) -> list[int] | None:
    """Word pieces per text without special tokens, by the exported tokenizer, or None."""
    if not is_exported(settings):
        return None
    counter = _counter(str(folder(settings)))
    return [len(e.ids) for e in counter.encode_batch(texts, add_special_tokens=False)]


@lru_cache(maxsize=2)
def _counter(path: str):
    """The exported tokenizer without truncation: counts whole texts."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(Path(path) / TOKENIZER_FILE))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer


def run(session, tokenizer, texts: list[str], tokens: bool = False):
    """The vectors an ONNX Runtime session of the exported graph gives for `texts` (one padded
    batch); with `tokens`, also, per text, its tokens' character offsets (special tokens as
    (0, 0)) and their vectors, as a second element."""
    import numpy as np

    encodings = tokenizer.encode_batch(texts)
    width = max(len(e.ids) for e in encodings)

    def padded(rows):
        return np.array([list(r) + [0] * (width - len(r)) for r in rows], dtype=np.int64)

    feeds = {
        "input_ids": padded(e.ids for e in encodings),
        "attention_mask": padded(e.attention_mask for e in encodings),
        "token_type_ids": padded(e.type_ids for e in encodings),
    }
    if not tokens:
        return session.run(["embedding"], feeds)[0].astype(np.float32)
    vectors, states = session.run(["embedding", "tokens"], feeds)
    per_text = [
        (
            np.array(e.offsets, dtype=np.int64) * ~np.array(e.special_tokens_mask, dtype=bool)[:, None],
            states[i, : len(e.ids)],
        )
        for i, e in enumerate(encodings)
    ]
    return vectors.astype(np.float32), per_text


@lru_cache(maxsize=4)
def _session(path: str, name: str = ONNX_FILE):
    """The ONNX Runtime session and the tokenizer (truncating at the model's window), loaded once."""
    import onnxruntime
    from tokenizers import Tokenizer

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    session = onnxruntime.InferenceSession(str(Path(path) / name), options, providers=["CPUExecutionProvider"])
    tokenizer = Tokenizer.from_file(str(Path(path) / TOKENIZER_FILE))
    tokenizer.no_padding()
    tokenizer.enable_truncation(json.loads((Path(path) / CONFIG_FILE).read_text())["max_length"])
    return session, tokenizer
