"""chromadb and bm25s imported the cheap way (rag.imports) still behave as they do otherwise.

Each test runs in a fresh interpreter: what an import does depends on what is loaded already.
"""

from __future__ import annotations

import subprocess
import sys

from conftest import ruling_file


def _python(script: str, *args: str) -> None:
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]


def test_bm25s_comes_without_scipy_and_its_index_of_a_ruling_finds_a_paragraph_by_its_words():
    script = (
        "import sys; from pathlib import Path\n"
        "from rag import imports, lexical; from rag.readers import read_file; from rag.text import terms\n"
        "bm25s = imports.bm25s(); assert 'scipy.sparse' not in sys.modules, 'scipy.sparse was imported'\n"
        "text = read_file(Path(sys.argv[1]))[0]; words = text.split()\n"
        "texts = [' '.join(words[i : i + 150]) for i in range(0, len(words), 150)]\n"
        "model = lexical.build(texts); assert len(texts) > 10\n"
        "for i in (0, len(texts) // 2, len(texts) - 1):\n"
        "    query = [t for t in terms(texts[i]) if t in model.vocab_dict][:25]\n"
        "    docs, _ = model.retrieve([query], k=1, show_progress=False)\n"
        "    assert docs[0][0] == i, (i, docs)\n"
        "import scipy.sparse  # hidden only while bm25s was imported\n"
    )
    _python(script, str(ruling_file("ca7_lopez")))


def test_chromadb_comes_without_the_override_checks_and_still_stores_and_finds(tmp_path):
    script = (
        "import sys, overrides; checks = sys.modules['overrides.overrides']\n"
        "calls = []; real = checks._get_base_classes  # what each check calls first\n"
        "checks._get_base_classes = lambda *a: calls.append(1) or real(*a)\n"
        "original = overrides.override\n"
        "from rag import imports; chromadb = imports.chromadb()\n"
        "assert not calls, f'{len(calls)} override checks ran'\n"
        "assert overrides.override is original, 'the decorator was not put back'\n"
        "from chromadb.config import Settings\n"
        "client = chromadb.PersistentClient(path=sys.argv[1], settings=Settings(anonymized_telemetry=False))\n"
        "col = client.get_or_create_collection('rulings', configuration={'hnsw': {'space': 'cosine'}}, embedding_function=None)\n"
        "col.add(ids=['a', 'b', 'c'], embeddings=[[1.0, 0.0], [0.0, 1.0], [0.7, 0.7]], documents=['x', 'y', 'z'])\n"
        "got = col.query(query_embeddings=[[0.9, 0.1]], n_results=2)\n"
        "assert got['ids'] == [['a', 'c']], got['ids']\n"
        "import chromadb.api.fastapi  # a module imported later gets the real decorator, checks and all\n"
        "assert calls, 'the checks stayed off after the import'\n"
    )
    _python(script, str(tmp_path / "chroma"))
