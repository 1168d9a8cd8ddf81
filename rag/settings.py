"""Every setting in one object, read from `RAG_*` environment variables (or passed in).

`index_fingerprint()` hashes the settings that shape the vectors (embedding model, chunk
size, extraction and chunking versions); the Chroma collection is named after it, so a
change to any of them builds a new collection instead of mixing vectors.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from rag.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
# Bump when readers, chunking or how sentences are embedded change what is stored, so old collections are not reused.
PIPELINE_VERSION = 14


class Settings(BaseSettings):
    """Settings for ingest, retrieval and answering. Environment: RAG_<FIELD>."""

    model_config = SettingsConfigDict(env_prefix="RAG_", frozen=True)

    corpus_dir: Path = Field(PROJECT_ROOT / "corpus", description="Folder of rulings, with manifest.toml")
    index_dir: Path = Field(PROJECT_ROOT / "index", description="Where the index and extracted texts live")
    embed_model: str = Field(DEFAULT_MODEL, description="sentence-transformers model name or path")
    chroma_url: str | None = Field(None, description="Chroma server URL; embedded Chroma under index_dir if unset")
    chunk_tokens: int = Field(200, ge=32, le=512, description="Chunk size in the embedding model's word pieces")
    embed_int8: bool = Field(
        False,
        description="Embed with the int8-quantised encoder: ingest about 1.9x faster, answers measured a little worse",
    )
    top_k: int = Field(6, ge=1, le=50, description="Passages returned by retrieval")
    max_sentences: int = Field(4, ge=1, le=10, description="Most sentences in an extractive answer")
    # The extractive answerer's knobs (rag/extractive.py), calibrated by evals/calibrate.py.
    answer_dense_weight: float = Field(0.8, ge=0, description="Weight of the embedding cosine beside the lexical score")
    answer_holding_bonus: float = Field(
        0.1, ge=0, description="Added for a sentence stating a decision, if one is asked for"
    )
    answer_type_bonus: float = Field(
        0.2, ge=0, description="Added for the date, number or amount a compound question asks for"
    )
    answer_passage_weight: float = Field(
        0.1, ge=0, description="Added, divided by 1 + its rank, for a sentence of a chunk the search ranked"
    )
    answer_length_norm: float = Field(
        0.3, ge=0, description="A sentence of n > 25 words keeps (25/n)**this of its lexical score"
    )
    answer_argument_penalty: float = Field(
        0.2, ge=0, description="Taken from a sentence attributing a position to a party, unless one is asked for"
    )
    answer_framing_penalty: float = Field(
        0.1, ge=0, description="Taken from a sentence stating the question to decide, unless the issue is asked for"
    )
    answer_context_weight: float = Field(
        0.2, ge=0, description="Added, times the match of the sentence just before (an answer follows its subject)"
    )
    answer_position_weight: float = Field(
        0.2, ge=0, description="Added, times a sentence's place in its document (0 first, 1 last)"
    )
    answer_citation_penalty: float = Field(
        0.2, ge=0, description='Taken from a sentence citing authority ("550 U.S. 544", "Id.", "See")'
    )
    answer_footnote_penalty: float = Field(
        0.1, ge=0, description="Taken from a sentence of a footnote: an aside, less often the answer"
    )
    answer_min_score: float = Field(
        0.55, description="Refuse when no sentence scores this much by its own words (its place aside)"
    )
    answer_keep_within: float = Field(
        0.45, ge=0, description="Further sentences must score within this of the best one"
    )
    answer_history_weight: float = Field(
        0.3, ge=0, description="A follow-up's sentences are scored beside the previous question, at this weight"
    )
    answer_pool: int = Field(30, ge=1, le=200, description="Sentences are drawn from this many best chunks")
    max_question_chars: int = Field(2000, ge=10, description="Longest question accepted")
    max_file_mb: float = Field(
        10.0, gt=0, description="Largest corpus file ingest reads (a 300-page opinion is 1-5 MB; raise it for scans)"
    )
    llm: Literal["extractive", "openai", "anthropic", "ollama", "local"] = Field(
        "extractive", description="Answer backend"
    )
    llm_base_url: str | None = Field(None, description="Model server URL (OpenAI-compatible /v1, Ollama, Anthropic)")
    llm_model: str | None = Field(None, description="Model name on that server; for `local`, the path of a GGUF file")
    llm_api_key: SecretStr | None = Field(None, description="API key for the model server (never shown)")
    llm_timeout: float = Field(60.0, gt=0, description="Seconds to wait for the model")
    llm_max_retries: int = Field(2, ge=0, le=5, description="Retries on 429, 5xx and refused connections")
    llm_stream: bool = Field(True, description="Stream tokens (turn off for servers without SSE streaming)")
    llm_structured: bool = Field(
        True, description="Ask for JSON: each sentence with its passage and the exact words that prove it"
    )
    llm_max_tokens: int = Field(512, ge=16, le=8192, description="Longest answer a model may write, in tokens")
    unsupported: Literal["flag", "drop"] = Field("flag", description="Model sentences no passage supports")
    model_check: bool = Field(
        False,
        description="Also ask the model whether each cited quote supports its sentence (after the offline check)",
    )
    feedback_path: Path = Field(PROJECT_ROOT / "feedback.jsonl", description="Where thumbs up/down votes are appended")

    def shaping(self) -> dict:
        """Everything that decides what the vectors and stored texts are."""
        shaping = {"model": self.embed_model, "chunk_tokens": self.chunk_tokens, "version": PIPELINE_VERSION}
        if self.embed_int8:  # another encoder, other vectors: another collection (fp32 indexes keep their name)
            shaping["encoder"] = "onnx-int8"
        return shaping

    def index_fingerprint(self) -> str:
        """Short hash of `shaping`."""
        return hashlib.sha256(json.dumps(self.shaping(), sort_keys=True).encode()).hexdigest()[:12]

    def index_key(self) -> tuple:
        """The settings that decide which index is loaded (answering options are not among them)."""
        return (self.corpus_dir, self.index_dir, self.chroma_url, self.collection)

    @property
    def collection(self) -> str:
        """Chroma collection name: fixed prefix plus the fingerprint."""
        return f"rulings-{self.index_fingerprint()}"

    @property
    def store_dir(self) -> Path:
        """Where the extracted canonical texts for this collection are kept."""
        return self.index_dir / self.collection

    def public(self) -> dict:
        """The effective settings as JSON-safe values (for `rag settings`), URLs without credentials."""
        data = self.model_dump(mode="json")
        data["collection"] = self.collection
        for name in ("llm_base_url", "chroma_url"):
            data[name] = redact(data[name])
        return data


SECRET_PARAMS = re.compile(r"key|token|secret|password|auth|sig", re.I)


def redact(url: str | None) -> str | None:
    """A URL fit to print: without a user and password ("http://user:key@host") or secret query values."""
    if not url:
        return url
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    parts = urlsplit(url if "://" in url else f"//{url}")
    host = parts.hostname or ""
    netloc = f"{'***@' if parts.username or parts.password else ''}{host}{f':{parts.port}' if parts.port else ''}"
    query = urlencode([(k, "***" if SECRET_PARAMS.search(k) else v) for k, v in parse_qsl(parts.query)], safe="*")
    clean = urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    return clean if "://" in url else clean.removeprefix("//")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings from the environment, read once per process."""
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as exc:
        err = exc.errors()[0]
        name = "RAG_" + str(err["loc"][0]).upper() if err.get("loc") else "a RAG_ variable"
        raise ConfigError(f"{name}: {err['msg']}") from None
