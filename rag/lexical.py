"""BM25 over the chunks (bm25s, English stemming, NLTK stop words): built once at ingest, saved
beside the index, and loaded memory-mapped by every process that answers, instead of being
rebuilt from every chunk's text in each of them.

The saved index lists the chunk ids it was built over, in order; a process whose library does
not hold exactly those chunks (an index changed by hand, an ingest under way) builds its own.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

from rag import imports
from rag.settings import Settings
from rag.text import terms_many

log = logging.getLogger(__name__)
ORDER_FILE = "chunk_ids.json"


def folder(settings: Settings) -> Path:
    return settings.store_dir / "bm25"


def build(texts: list[str]):
    """A BM25 index of `texts`, one document per text, over their `terms` (the question's too)."""
    model = imports.bm25s().BM25()
    model.index(terms_many(texts), show_progress=False)
    return model


def save(model, chunk_ids: list[str], settings: Settings) -> None:
    """Write the index and the chunk order it was built over, whole or not at all."""
    target = folder(settings)
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    model.save(str(partial), show_progress=False)
    (partial / ORDER_FILE).write_text(json.dumps(chunk_ids))
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)


def load(chunk_ids: list[str], settings: Settings):
    """The saved index, memory-mapped, if it was built over exactly these chunks; else None."""
    bm25s = imports.bm25s()
    try:
        if json.loads((folder(settings) / ORDER_FILE).read_text()) != chunk_ids:
            return None
        return bm25s.BM25.load(str(folder(settings)), mmap=True, show_progress=False)
    except (OSError, ValueError) as exc:
        log.info("no usable saved BM25 index (%s); building one in memory", type(exc).__name__)
        return None
