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

from conftest import CONCORD, small_settings
from rag import answer
from rag.errors import IndexStoreError
from rag.ingest import ingest

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
