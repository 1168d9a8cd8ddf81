"""The `rag` command as a user runs it: real processes, real index, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BARTZ, CONCORD, small_settings

RAG = [sys.executable, "-m", "rag.cli"]


def run(args, settings, **kw):
    env = {**os.environ, "RAG_CORPUS_DIR": str(settings.corpus_dir), "RAG_INDEX_DIR": str(settings.index_dir)}
    return subprocess.run(RAG + args, capture_output=True, text=True, env=env, timeout=600, **kw)


def test_help_lists_the_commands_without_loading_models():
    out = subprocess.run(
        [sys.executable, "-c", "import sys; from rag.cli import app; import rag; print('torch' in sys.modules)"],
        capture_output=True,
        text=True,
    )
    assert out.stdout.strip() == "False"  # heavy libraries load on first use, not on import
    help_text = subprocess.run(RAG + ["--help"], capture_output=True, text=True).stdout
    for command in ("ingest", "ask", "docs", "settings"):
        assert command in help_text


def test_ask_prints_the_answer_with_pinpoints(settings):
    out = run(["ask", "How many books did Anthropic download from LibGen?"], settings)
    assert out.returncode == 0, out.stderr
    assert "[1]" in out.stdout and "Bartz v. Anthropic PBC, No. C 24-05417 WHA, Order on Fair Use at 3:" in out.stdout
    assert "five million" in out.stdout


def test_ask_json_is_the_answer_object(settings):
    out = run(["ask", "Did Anthropic destroy the print books it scanned?", "--json", "--k", "4"], settings)
    data = json.loads(out.stdout)
    assert data["refused"] is False and data["citations"] and len(data["passages"]) <= 4
    assert {"pinpoint", "citation", "quote", "start", "end", "page", "lines"} <= set(data["citations"][0])


def test_ask_restricted_to_one_document(settings):
    out = run(["ask", "What harm did the publishers claim?", "--json", "--doc", CONCORD], settings)
    data = json.loads(out.stdout)
    assert {c["doc_id"] for c in data["citations"]} <= {CONCORD}


def test_refusal_offers_closest_passages_not_citations(settings):
    out = run(["ask", "What did the court hold in Kadrey v. Meta?"], settings)
    assert out.returncode == 0
    assert out.stdout.startswith("The rulings in this corpus don't answer that.")
    assert "Closest passages (not citations):" in out.stdout and "[1]" not in out.stdout


def test_bad_questions_are_one_line_errors(settings):
    invalid = "Why was the injunction \udcff denied?"  # how Python passes an invalid UTF-8 byte of argv
    bad = (("", "the question is empty"), ("x" * 50_000, "characters long"), (invalid, "not valid text at position 23"))
    for question, message in bad:
        out = run(["ask", question], settings)
        assert out.returncode == 1
        assert out.stderr.startswith("error: ") and message in out.stderr
        assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr


def test_chat_answers_follow_ups_and_survives_bad_questions(settings):
    turns = [
        "What harm did the publishers claim in the Concord case?",
        "",  # an empty line is skipped
        "x" * 3000,  # too long: one line, and the conversation goes on
        "Why?",
        "/new",
        "Why?",
        "/quit",
    ]
    out = run(["chat"], settings, input="\n".join(turns) + "\n")
    assert out.returncode == 0, out.stderr
    errors = [line for line in out.stderr.splitlines() if line.startswith("error:")]
    assert errors == ["error: the question is 3,000 characters long; the limit is 2,000"]
    answers = out.stdout.split("(new conversation)")
    assert len(answers) == 2
    follow_up = answers[0][answers[0].index("Answering: Why? (following “What harm did the publishers claim") :]
    assert "from Injunctive Relief Is Not Yet a Viable Remedy" in follow_up.splitlines()[0]
    assert "[1] Injunctive Relief Is Not Yet a Viable Remedy" in follow_up and "¶ " in follow_up
    assert "Answering:" not in answers[1]  # a new conversation: "Why?" alone names nothing
    assert answers[1].strip().startswith("The rulings in this corpus don't answer that.")


def test_an_unknown_document_id_is_named(settings):
    out = run(["ask", "What harm did the publishers claim?", "--doc", "no-such-ruling"], settings)
    assert out.returncode == 1 and out.stdout == ""
    assert out.stderr.strip() == "error: no document with id 'no-such-ruling' in the index; `rag docs` lists the ids"


def test_docs_and_settings(settings):
    out = run(["docs", "--json"], settings)
    assert {d["id"] for d in json.loads(out.stdout)} >= {BARTZ, CONCORD}
    shown = json.loads(run(["settings"], settings).stdout)
    assert shown["index_dir"] == str(settings.index_dir) and shown["collection"] == settings.collection


def test_invalid_setting_is_a_one_line_error(settings):
    env = {**os.environ, "RAG_TOP_K": "many"}
    out = subprocess.run(RAG + ["settings"], capture_output=True, text=True, env=env)
    assert (
        out.returncode == 1
        and out.stderr.strip()
        == "error: RAG_TOP_K: Input should be a valid integer, unable to parse string as an integer"
    )


@pytest.mark.slow
def test_ingest_reports_a_broken_pdf_and_indexes_the_rest(tmp_path):
    s = small_settings(tmp_path, ["concord-v-anthropic-injunction-commentary.txt"])
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.5\nnot a pdf at all")
    out = run(["ingest", str(broken)], s)
    assert out.returncode == 1
    assert "error: broken.pdf: not a readable PDF" in out.stderr and "Traceback" not in out.stderr
    assert "1 added" in out.stdout
    assert (Path(s.corpus_dir) / "broken.pdf").exists()  # nothing the user gave is lost


@pytest.mark.slow
def test_the_first_ask_builds_the_index_and_says_so(tmp_path):
    s = small_settings(tmp_path, ["concord-v-anthropic-injunction-commentary.txt"])
    first = run(["ask", "Why was the preliminary injunction denied?"], s)
    assert first.returncode == 0, first.stderr
    assert "the index is empty: building it from" in first.stderr and "[1]" in first.stdout
    again = run(["ask", "Why was the preliminary injunction denied?"], s)
    assert again.returncode == 0 and "building it" not in again.stderr and again.stdout == first.stdout


def test_the_server_logs_one_line_per_rejected_input(settings, tmp_path):
    import socket
    import time
    import urllib.request

    from gradio_client import Client

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "RAG_CORPUS_DIR": str(settings.corpus_dir), "RAG_INDEX_DIR": str(settings.index_dir)}
    log = tmp_path / "serve.log"
    server = subprocess.Popen(
        RAG + ["serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb")
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        for _ in range(240):
            try:
                urllib.request.urlopen(url, timeout=1)
                break
            except OSError:
                assert server.poll() is None, log.read_text()[-2000:]
                time.sleep(0.5)
        client = Client(url, verbose=False)
        for bad in ("   ", "x" * 5000):
            with pytest.raises(Exception):
                client.predict(bad, api_name="/ask")
        time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=20)
    lines = log.read_text().splitlines()
    assert "Traceback (most recent call last):" not in lines
    assert "warning: /ask rejected: the question is empty" in lines
    assert "warning: /ask rejected: the question is 5,000 characters long; the limit is 2,000" in lines


def test_a_built_index_answers_from_a_read_only_folder_and_ingest_says_why_it_cannot(settings, tmp_path):
    import shutil

    copy, ro = tmp_path / "copy", tmp_path / "ro"
    shutil.copytree(settings.index_dir, copy)
    ro.mkdir()
    mount = subprocess.run(["mount", "--bind", str(copy), str(ro)], capture_output=True)
    if mount.returncode != 0:
        pytest.skip("a read-only mount needs privileges this machine does not give")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(ro)], check=True)
        assert subprocess.run(["touch", str(ro / "x")], capture_output=True).returncode != 0  # root cannot write either
        read_only = settings.model_copy(update={"index_dir": ro})
        question = "How many books did Anthropic download from LibGen?"
        want = json.loads(run(["ask", question, "--json"], settings).stdout)
        out = run(["ask", question, "--json"], read_only)
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout)["citations"] == want["citations"]
        assert "is read-only: reading a copy of its Chroma database" in out.stderr
        out = run(["ingest"], read_only)
        assert out.returncode == 1 and out.stderr.startswith("error: the index folder") and "read-only" in out.stderr
        assert len(out.stderr.strip().splitlines()) == 1
    finally:
        subprocess.run(["umount", str(ro)], capture_output=True)
