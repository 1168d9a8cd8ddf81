"""The same ingest and answers against a real Chroma server (`chroma run`) on 127.0.0.1."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import CONCORD, CORPUS, ULTRAMAN, small_settings
from rag import answer
from rag.errors import IndexStoreError
from rag.ingest import ingest
from rag.retrieve import RECHECK_SECONDS

CHROMA = Path(sys.executable).with_name("chroma")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    if not CHROMA.exists() and not shutil.which("chroma"):
        pytest.fail("the chroma CLI is not installed (it comes with the chromadb package)")
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen(
        [str(CHROMA if CHROMA.exists() else "chroma"), "run", "--path", str(data), "--port", str(port), "--host", "127.0.0.1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1)
            break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("chroma run did not start within 60 s")
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def test_ingest_and_answer_through_a_chroma_server(tmp_path, chroma_url):
    s = small_settings(tmp_path, ["concord-v-anthropic-injunction-commentary.txt"], chroma_url=chroma_url)
    report = ingest(settings=s)
    assert report.added == [CONCORD] and report.chunks_embedded > 0
    assert not (s.index_dir / "chroma").exists()  # the vectors went to the server, not to disk here
    assert ingest(settings=s).chunks_embedded == 0  # incremental against the server too

    result = answer("Why did the court refuse the injunction against Anthropic?", settings=s)
    assert not result.refused and result.citations
    assert all(c.doc_id == CONCORD and c.pinpoint.startswith("¶") for c in result.citations)


def test_an_unreachable_server_is_a_one_line_error(tmp_path):
    s = small_settings(tmp_path, [], chroma_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(IndexStoreError) as err:
        ingest(settings=s)
    assert "\n" not in str(err.value) and "127.0.0.1" in str(err.value)


def serve_app(index_dir: Path, corpus_dir: Path, chroma_url: str, log: Path):
    """`rag serve` in its own process, over this index folder and the Chroma server; (process, url)."""
    import os

    port = free_port()
    env = {
        **os.environ,
        "RAG_CHROMA_URL": chroma_url,
        "RAG_INDEX_DIR": str(index_dir),
        "RAG_CORPUS_DIR": str(corpus_dir),
        "HF_HUB_OFFLINE": "1",
    }
    command = [sys.executable, "-m", "rag.cli", "serve", "--port", str(port)]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb"))
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 180
    while time.time() < deadline:
        assert proc.poll() is None, log.read_text(errors="replace")[-2000:]
        try:
            urllib.request.urlopen(url, timeout=1)
            return proc, url
        except OSError:
            time.sleep(0.5)
    proc.kill()
    pytest.fail(f"rag serve did not start within 180 s: {log.read_text(errors='replace')[-2000:]}")


def test_two_app_servers_with_empty_folders_answer_alike_from_one_chroma_server(tmp_path, chroma_url):
    """Ingest on one machine; app servers elsewhere, each with an empty index folder and no corpus,
    answer and verify from what the Chroma server holds, and see a later ingest without a restart."""
    from gradio_client import Client

    s = small_settings(tmp_path / "ingester", ["concord-v-anthropic-injunction-commentary.txt"], chroma_url=chroma_url)
    first = ingest(settings=s)  # the server may hold it already (an earlier test): then nothing is embedded again
    assert first.added + first.unchanged == [CONCORD] and first.errors == []
    apps = [serve_app(tmp_path / name, tmp_path / "no-corpus", chroma_url, tmp_path / f"{name}.log") for name in "ab"]
    try:
        question = "Why did the court refuse the injunction against Anthropic?"
        answers = [Client(url, verbose=False).predict(question, api_name="/ask") for _, url in apps]
        assert not answers[0]["refused"] and answers[0]["citations"]
        assert answers[0]["citations"] == answers[1]["citations"]  # the same quotes at the same pinpoints
        assert {c["doc_id"] for c in answers[0]["citations"]} == {CONCORD}
        assert not (tmp_path / "no-corpus").exists()  # the app servers have no corpus folder at all

        shutil.copy(CORPUS / "ultraman-lora-hangzhou-commentary.txt", s.corpus_dir)
        assert ingest(settings=s).added == [ULTRAMAN]
        time.sleep(RECHECK_SECONDS + 1)
        later = Client(apps[1][1], verbose=False).predict("Which court decided the Ultraman case?", api_name="/ask")
        assert not later["refused"] and {c["doc_id"] for c in later["citations"]} == {ULTRAMAN}
    finally:
        for proc, _ in apps:
            proc.terminate()
            proc.wait(timeout=20)
