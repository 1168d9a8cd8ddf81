"""Shared fixtures: one real index of the real corpus per test session (MiniLM + embedded Chroma)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
BARTZ_PDF = CORPUS / "bartz-v-anthropic-order-on-fair-use-2025-06-23.pdf"
BARTZ = "bartz-v-anthropic-2025-06-23"
CONCORD = "concord-v-anthropic-commentary"
ULTRAMAN = "ultraman-lora-hangzhou-commentary"


@pytest.fixture(scope="session")
def settings(tmp_path_factory):
    """Settings pointing at a private copy of the corpus and a fresh index built from it."""
    from rag.ingest import ingest
    from rag.settings import Settings

    base = tmp_path_factory.mktemp("main")
    corpus = base / "corpus"
    shutil.copytree(CORPUS, corpus)
    s = Settings(corpus_dir=corpus, index_dir=base / "index")
    report = ingest(settings=s)
    assert report.errors == [], report.errors
    return s


@pytest.fixture(scope="session")
def lib(settings):
    from rag.retrieve import library

    return library(settings)


def small_settings(tmp_path: Path, files: list[str], **overrides):
    """Settings over a corpus of just the named files (fast to embed), manifest included."""
    from rag.settings import Settings

    corpus = tmp_path / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for name in files:
        shutil.copy(CORPUS / name, corpus / name)
    shutil.copy(CORPUS / "manifest.toml", corpus / "manifest.toml")
    return Settings(corpus_dir=corpus, index_dir=tmp_path / "index", **overrides)


TESTBED = ROOT.parent / "shared" / "testbed"


@pytest.fixture(scope="session")
def testbed_settings(tmp_path_factory):
    """Settings over all 27 testbed rulings (rulings nobody tuned for), indexed; several minutes."""
    from rag.ingest import ingest
    from rag.settings import Settings

    base = tmp_path_factory.mktemp("testbed")
    corpus = base / "corpus"
    corpus.mkdir()
    for pdf in sorted(TESTBED.glob("*.pdf")):
        (corpus / pdf.name).symlink_to(pdf)
    s = Settings(corpus_dir=corpus, index_dir=base / "index")
    report = ingest(settings=s)
    assert report.errors == [] and len(report.added) == 27, report
    return s


def memory_library(paths: list[Path], base: Path, embed: bool = True):
    """A Library of these files, read, named and split as ingest does (and their sentences
    embedded, if `embed`), held in memory: no index, no Chroma."""
    from rag import encoder
    from rag.ingest import build_units, embed_units, read_document
    from rag.retrieve import Library
    from rag.settings import Settings

    settings = Settings(corpus_dir=base, index_dir=base)
    docs = {doc.id: doc for doc in map(read_document, paths)}
    units = {doc_id: build_units(doc, settings) for doc_id, doc in docs.items()}
    if embed:
        encoder.export(settings)  # sentences are embedded as ingest embeds them (from the machine's export)
    vectors = {d: embed_units(docs[d], units[d], settings)[1] for d in docs} if embed else {}
    chunks = [(d, c) for d in docs for c in units[d].chunks] if embed else []
    return Library(settings, docs, units, vectors, chunks, collection=None)


def ruling_file(name: str) -> Path:
    """A real ruling of the shared testbed (rulings nobody tuned for), by the start of its file name."""
    found = sorted(TESTBED.glob(f"{name}*"))
    assert found, f"no testbed file {name}* in {TESTBED}"
    return found[0]


# Fixtures that build an index (MiniLM + Chroma), start a server or launch a browser: any test that
# uses one, directly or through another fixture, is left out of the fast lane (`pytest -m "not slow"`).
SLOW_FIXTURES = frozenset(
    {
        "settings",  # ingests the whole corpus
        "testbed_settings",  # ingests the 27 testbed rulings
        "lib",
        "llm",  # scripted OpenAI-compatible server (test_backends.py)
        "chroma_url",  # `chroma run` subprocess (test_chroma_server.py)
        "app_url",  # the gradio app (test_ui.py)
        "browser",  # Chromium through Playwright (test_ui.py)
        "upload_settings",  # small indexes built in test_ui.py
        "hostile_settings",  # (same)
    }
)


def pytest_collection_modifyitems(config, items):
    """Mark as `slow` every test that needs one of SLOW_FIXTURES, so `-m "not slow"` is the fast lane."""
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
