"""The question encoder without torch: the ONNX export that ingest leaves beside the index gives
the vectors sentence-transformers gives, the same dense top-k, and a cold `rag ask` never
imports torch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT
from rag import encoder, index

pytestmark = pytest.mark.slow


def reference(texts, settings):
    """What sentence-transformers itself gives (index.embed runs the export when there is one)."""
    return index.load_model(settings.embed_model).encode(texts, batch_size=32, normalize_embeddings=True)


def test_ingest_exports_the_encoder_beside_the_index(settings):
    assert encoder.is_exported(settings)
    assert (encoder.folder(settings) / encoder.ONNX_FILE).stat().st_size > 10_000_000


def test_onnx_vectors_agree_with_sentence_transformers_on_1000_sentences_of_27_rulings(testbed_settings):
    from rag.retrieve import library

    lib = library(testbed_settings)
    sentences = [lib.docs[d].text[s:e] for d in sorted(lib.docs) for s, e in lib.units[d].sentences]
    texts = sentences[:: max(1, len(sentences) // 1000)][:1000]  # spread over every ruling
    assert len(texts) == 1000 and encoder.is_exported(testbed_settings)
    ours = np.vstack([encoder.encode(texts[i : i + 64], testbed_settings) for i in range(0, len(texts), 64)])
    cosines = (ours * reference(texts, testbed_settings)).sum(axis=1)
    assert cosines.min() >= 0.999, texts[int(cosines.argmin())]


def test_the_same_dense_top_k_on_the_gold_questions(settings, lib):
    questions = [json.loads(line)["question"] for line in (ROOT / "evals" / "gold.jsonl").read_text().splitlines()]
    ours, theirs = encoder.encode(questions, settings), reference(questions, settings)
    for q, a, b in zip(questions, ours, theirs):
        top = [lib.collection.query(query_embeddings=[v.tolist()], n_results=settings.top_k)["ids"][0] for v in (a, b)]
        assert top[0] == top[1], q


def test_a_cold_ask_answers_without_importing_torch(settings):
    script = (
        "import sys; from rag import answer; "
        "a = answer('How many books did Anthropic download from LibGen?'); "
        "print(len(a.citations), 'torch' in sys.modules, 'transformers' in sys.modules)"
    )
    env = {**os.environ, "RAG_CORPUS_DIR": str(settings.corpus_dir), "RAG_INDEX_DIR": str(settings.index_dir)}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    cited, torch_loaded, transformers_loaded = out.stdout.split()
    assert int(cited) >= 1 and torch_loaded == "False" and transformers_loaded == "False"


def test_without_an_export_questions_fall_back_to_sentence_transformers(settings, tmp_path):
    other = settings.model_copy(update={"index_dir": tmp_path})
    assert encoder.encode(["a question"], other) is None
    vector = index.embed_question("a question", other)
    assert abs(float(vector @ reference(["a question"], settings)[0]) - 1.0) < 1e-4


def test_the_export_is_made_once_per_machine_and_linked_into_each_index(settings, tmp_path):
    import time

    other = settings.model_copy(update={"index_dir": tmp_path})
    started = time.perf_counter()
    assert encoder.export(other) and encoder.is_exported(other)
    assert time.perf_counter() - started < 3  # no torch export: taken from the cache
    ours, theirs = (encoder.folder(s) / encoder.ONNX_FILE for s in (settings, other))
    assert os.path.samefile(ours, theirs) or ours.read_bytes() == theirs.read_bytes()


def test_the_machine_cache_keeps_one_export_per_model_wherever_it_is_installed(settings, tmp_path, monkeypatch):
    import shutil

    from rag.index import resolve_model

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    installed = Path(resolve_model(settings.embed_model))
    copy = tmp_path / "another-venv" / "model"  # as a fresh clone's own virtual environment has it
    shutil.copytree(installed, copy)
    first = encoder._cached_export(installed, settings.embed_model)
    assert encoder._cached_export(copy, settings.embed_model) == first
    (copy / "config.json").write_text((copy / "config.json").read_text() + " ")  # another model's files
    assert encoder._cached_export(copy, settings.embed_model) != first
    assert len(list((tmp_path / "cache" / "rag-rulings" / "encoders").iterdir())) == 2


def test_an_export_that_fails_leaves_ingest_and_questions_working(tmp_path, monkeypatch, caplog):
    from conftest import CONCORD, small_settings
    from rag import answer
    from rag.ingest import ingest

    def broken(settings):
        raise ImportError("No module named 'onnx'")

    s = small_settings(tmp_path, ["concord-v-anthropic-injunction-commentary.txt"])
    monkeypatch.setattr(encoder, "export", broken)
    report = ingest(settings=s)
    assert report.added == [CONCORD] and not report.errors and not encoder.is_exported(s)
    assert "could not export the question encoder (ImportError: No module named 'onnx')" in caplog.text
    assert answer("What did the publishers ask the court to restrain Anthropic from doing?", settings=s).citations


def test_an_int8_index_whose_export_failed_never_gets_int8_questions_later(tmp_path, monkeypatch):
    from conftest import small_settings
    from rag.ingest import ensure_index, ingest

    s = small_settings(tmp_path, ["concord-v-anthropic-injunction-commentary.txt"], embed_int8=True)
    real = encoder.export
    monkeypatch.setattr(encoder, "export", lambda settings: False)  # as for a model that cannot be exported
    ingest(settings=s)  # its vectors come from sentence-transformers
    monkeypatch.setattr(encoder, "export", real)
    assert ensure_index(s) is None and not encoder.is_exported(s)  # so questions do too, not int8


def test_ingest_with_an_exported_encoder_embeds_without_torch_and_as_sentence_transformers(settings, tmp_path):
    from conftest import small_settings
    from rag.ingest import load_stored

    encoder.export(settings)  # the machine's export exists (made at most once per machine)
    other = small_settings(tmp_path, ["concord-v-anthropic-injunction-commentary.txt"])
    script = (
        "import json, sys; from rag.ingest import ingest; r = ingest(); "
        "print(json.dumps([r.added, 'torch' in sys.modules, 'sentence_transformers' in sys.modules]))"
    )
    env = {**os.environ, "RAG_CORPUS_DIR": str(other.corpus_dir), "RAG_INDEX_DIR": str(other.index_dir)}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    added, torch_loaded, st_loaded = json.loads(out.stdout.splitlines()[-1])
    assert added == ["concord-v-anthropic-commentary"] and not torch_loaded and not st_loaded, out.stderr[-2000:]
    doc, units, vectors = load_stored(added[0], other)
    expected = late_reference(doc, units, other)
    assert vectors.shape == expected.shape and (vectors * expected).sum(axis=1).min() >= 0.999


def late_reference(doc, units, settings):
    """Each sentence's vector as transformers itself gives it: the normalised mean of its tokens'
    states in the pass over the first chunk that holds it, title in front."""
    import torch

    from rag.index import _plain_model, resolve_model
    from rag.ingest import indexed_text

    tokenizer, model, max_length = _plain_model(resolve_model(settings.embed_model))
    out = {}
    for chunk in units.chunks:
        text = indexed_text(doc, chunk)
        shift = len(text) - (chunk.end - chunk.start)
        batch = tokenizer(
            [text], truncation=True, max_length=max_length, return_offsets_mapping=True, return_tensors="pt"
        )
        offsets = batch.pop("offset_mapping")[0].numpy()
        with torch.inference_mode():
            states = model(**batch).last_hidden_state[0].numpy()
        for i in range(*chunk.sentences):
            start, end = (x - chunk.start + shift for x in units.sentences[i])
            inside = (offsets[:, 0] >= start) & (offsets[:, 1] <= end) & (offsets[:, 1] > offsets[:, 0])
            mean = states[inside].mean(axis=0)
            out.setdefault(i, mean / np.linalg.norm(mean))
    return np.vstack([out[i] for i in range(len(units.sentences))])


def test_a_span_is_read_in_its_text_and_the_texts_vectors_are_unchanged(settings):
    sentence = "The motion is denied."
    texts = [
        f"The publishers sought a preliminary injunction against Anthropic. {sentence}",
        f"The defendant moved to dismiss the indictment for delay. {sentence}",
    ]
    spans = [[(len(t) - len(sentence), len(t)), (0, 0)] for t in texts]
    vectors, pooled = encoder.encode_many(texts, settings, spans=spans)
    assert np.allclose(vectors, encoder.encode_many(texts, settings), atol=1e-6)  # the same pass, the same vectors
    first, second = (p[0] for p in pooled)
    alone = reference([sentence], settings)[0]
    assert min(first @ alone, second @ alone) > 0.6  # still the sentence ...
    assert first @ second < 0.98  # ... read in two contexts
    injunction, indictment = reference(["preliminary injunction", "indictment"], settings)
    assert first @ injunction > second @ injunction and second @ indictment > first @ indictment
    assert all(np.isnan(p[1]).all() for p in pooled)  # a span holding no token has no vector


def test_many_texts_come_back_in_the_order_given(settings):
    texts = ["A much longer sentence about the fair use of books in training.", "Short.", "Medium length one."] * 5
    many = encoder.encode_many(texts, settings, batch=4)
    one_by_one = np.vstack([encoder.encode([t], settings) for t in texts])
    assert np.allclose(many, one_by_one, atol=1e-5)


def test_the_int8_encoder_is_a_separate_index_that_ingests_and_answers_without_torch(settings, tmp_path):
    from conftest import small_settings

    other = small_settings(tmp_path, ["concord-v-anthropic-injunction-commentary.txt"], embed_int8=True)
    assert other.collection != other.model_copy(update={"embed_int8": False}).collection  # fp32 vectors not mixed in
    script = (
        "import json, sys; from rag.ingest import ingest; from rag import answer; r = ingest(); "
        "a = answer('Why did the court deny the preliminary injunction against Anthropic?'); "
        "print(json.dumps([r.added, len(a.citations), 'torch' in sys.modules]))"
    )
    env = {**os.environ, "RAG_CORPUS_DIR": str(other.corpus_dir), "RAG_INDEX_DIR": str(other.index_dir)}
    env["RAG_EMBED_INT8"] = "true"
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    added, cited, torch_loaded = json.loads(out.stdout.splitlines()[-1])
    assert added == ["concord-v-anthropic-commentary"] and cited >= 1 and not torch_loaded, out.stderr[-2000:]
    assert (encoder.folder(other) / encoder.INT8_FILE).is_file()
    assert not (encoder.folder(other) / encoder.ONNX_FILE).exists()
    texts = ["The court denied the motion for a preliminary injunction.", "Anthropic trained Claude on lyrics."]
    int8, fp32 = encoder.encode(texts, other), reference(texts, other)
    cosines = (int8 * fp32).sum(axis=1)
    assert 0.85 < cosines.min() and cosines.max() < 0.9999  # close to the fp32 vectors, and not them
