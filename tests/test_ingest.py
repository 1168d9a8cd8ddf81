"""Ingest into real Chroma with the real MiniLM model: exact offsets, the model's window, incremental runs."""

from __future__ import annotations

import logging
import os
import shutil

import pytest

from conftest import BARTZ, CONCORD, CORPUS, ULTRAMAN, ruling_file, small_settings
from rag import index
from rag.ingest import ingest
from rag.retrieve import forget, library

CONCORD_FILE = "concord-v-anthropic-injunction-commentary.txt"
ULTRAMAN_FILE = "ultraman-lora-hangzhou-commentary.txt"


def test_every_chunk_is_an_exact_slice_of_its_document(settings, lib):
    col = index.collection(settings)
    got = col.get(include=["documents", "metadatas"])
    assert len(got["ids"]) == len(lib.chunks) > 100
    for chunk_id, text, meta in zip(got["ids"], got["documents"], got["metadatas"]):
        doc = lib.docs[meta["doc_id"]]
        assert doc.text[meta["start"] : meta["end"]] == text, chunk_id
        assert meta["pinpoint"] == str(doc.locate(meta["start"], meta["end"]))
    assert {m["doc_id"] for m in got["metadatas"]} == {BARTZ, CONCORD, ULTRAMAN}


def test_what_is_indexed_is_read_a_page_at_a_time_and_whole(settings, lib):
    from rag.ingest import _indexed

    col = index.collection(settings)
    whole = _indexed(col)  # one page at the default size
    assert _indexed(col, page=97) == whole  # pages whose edges fall inside documents
    assert {doc_id: n for doc_id, (_, n) in whole.items()} == {
        d: sum(1 for doc_id, _ in lib.chunks if doc_id == d) for d in lib.docs
    }


def test_chunks_fit_the_models_window_with_their_title(settings, lib):
    window = index.max_tokens(settings)
    texts = [f"{lib.docs[d].meta.title}\n{lib.docs[d].text[c.start : c.end]}" for d, c in lib.chunks]
    counts = index.count_tokens(texts, settings)
    assert max(counts) + 2 <= window  # [CLS] and [SEP] included: nothing is truncated unseen


def test_sentences_lie_inside_their_chunks_and_never_cross_documents(lib):
    for doc_id, units in lib.units.items():
        for chunk in units.chunks:
            first, last = chunk.sentences
            for s, e in units.sentences[first:last]:
                assert chunk.start <= s < e <= chunk.end
        assert lib.sentence_vectors[doc_id].shape == (len(units.sentences), 384)


def test_repeated_paragraphs_are_indexed_once_at_their_first_occurrence(lib):
    doc, units = lib.docs[ULTRAMAN], lib.units[ULTRAMAN]
    sentence_texts = [doc.text[s:e] for s, e in units.sentences]
    assert len(sentence_texts) == len(set(sentence_texts))
    last_kept = max(e for _, e in units.sentences)
    assert str(doc.locate(last_kept - 1, last_kept)) == "¶ 21"  # ¶¶ 22–38 repeat ¶¶ 5–21


def test_fingerprint_names_the_collection_after_model_and_chunking(settings):
    other = settings.model_copy(update={"chunk_tokens": 128})
    assert settings.collection != other.collection
    assert settings.collection == settings.model_copy().collection


@pytest.mark.slow
def test_incremental_ingest(tmp_path):
    s = small_settings(tmp_path, [CONCORD_FILE, ULTRAMAN_FILE])
    first = ingest(settings=s)
    assert sorted(first.added) == [CONCORD, ULTRAMAN] and first.chunks_embedded > 0

    again = ingest(settings=s)
    assert again.chunks_embedded == 0 and sorted(again.unchanged) == [CONCORD, ULTRAMAN]

    path = s.corpus_dir / CONCORD_FILE
    path.write_text(path.read_text(encoding="utf-8") + "\nA new closing paragraph about remedies.\n", encoding="utf-8")
    changed = ingest(settings=s)
    assert changed.updated == [CONCORD] and changed.unchanged == [ULTRAMAN]
    col = index.collection(s)
    texts = col.get(where={"doc_id": CONCORD}, include=["documents"])["documents"]
    assert any("A new closing paragraph about remedies." in t for t in texts)

    (s.corpus_dir / ULTRAMAN_FILE).unlink()
    removed = ingest(settings=s)
    assert removed.removed == [ULTRAMAN]
    assert col.get(where={"doc_id": ULTRAMAN})["ids"] == []
    assert not (s.store_dir / f"{ULTRAMAN}.json").exists()


@pytest.mark.slow
def test_a_bad_file_is_reported_and_the_rest_still_indexed(tmp_path):
    s = small_settings(tmp_path, [CONCORD_FILE])
    (s.corpus_dir / "scanned.pdf").write_bytes(b"%PDF-1.4 not really")
    (s.corpus_dir / "latin1.txt").write_bytes("d\xe9cision".encode("latin-1"))
    report = ingest(settings=s)
    assert report.added == [CONCORD]
    assert len(report.errors) == 2
    assert any(e.startswith("scanned.pdf:") for e in report.errors)
    assert any(e.startswith("latin1.txt:") for e in report.errors)


@pytest.mark.slow
def test_a_file_ingest_could_not_read_does_not_make_the_index_look_stale(tmp_path, caplog):
    s = small_settings(tmp_path, [CONCORD_FILE])
    (s.corpus_dir / "scanned.pdf").write_bytes(b"%PDF-1.4 not really")
    ingest(settings=s)
    forget(s)
    with caplog.at_level(logging.WARNING, logger="rag.retrieve"):
        library(s)
    assert "changed since the last ingest" not in caplog.text
    (s.corpus_dir / "new.txt").write_text("A later ruling on remedies, dropped in after the ingest.", encoding="utf-8")
    forget(s)
    with caplog.at_level(logging.WARNING, logger="rag.retrieve"):
        library(s)
    assert "changed since the last ingest" in caplog.text


@pytest.mark.slow
def test_a_file_without_manifest_entry_is_indexed_under_its_own_name(tmp_path):
    s = small_settings(tmp_path, [])
    (s.corpus_dir / "Getty v Stability.txt").write_text(
        "Getty Images v. Stability AI\nThe court dismissed the secondary infringement claim.\n", encoding="utf-8"
    )
    report = ingest(settings=s)
    assert report.added == ["getty-v-stability"]
    from rag.corpus import Document

    doc = Document.load(s.store_dir / "getty-v-stability.json")
    assert doc.meta.title == "Getty Images v. Stability AI" and doc.meta.kind == "commentary"


@pytest.mark.slow
def test_ingest_paths_copies_files_into_the_corpus(tmp_path):
    s = small_settings(tmp_path, [])
    outside = tmp_path / "downloads"
    outside.mkdir()
    shutil.copy(CORPUS / CONCORD_FILE, outside / CONCORD_FILE)
    report = ingest(paths=[outside / CONCORD_FILE], settings=s)
    assert report.added == [CONCORD] and (s.corpus_dir / CONCORD_FILE).exists()


def test_missing_file_argument_is_an_error(tmp_path):
    from rag.errors import CorpusError

    s = small_settings(tmp_path, [])
    with pytest.raises(CorpusError, match="no such file"):
        ingest(paths=[tmp_path / "nope.pdf"], settings=s)


@pytest.mark.slow
def test_a_ruling_without_manifest_entry_is_named_from_its_caption(tmp_path):
    from conftest import ruling_file
    from rag.corpus import Document

    s = small_settings(tmp_path, [])
    report = ingest(paths=[ruling_file("ca8_us_v_wilson")], settings=s)
    assert report.errors == [] and len(report.added) == 1
    doc = Document.load(s.store_dir / f"{report.added[0]}.json")
    assert (doc.meta.title, doc.meta.court, doc.meta.docket, doc.meta.kind) == (
        "United States v. Wilson",
        "8th Cir.",
        "No. 07-1306",
        "ruling",
    )
    start = doc.text.index("We affirm the judgment of the district court.")
    assert (
        doc.meta.full_citation(doc.locate(start, start + 10))
        == "United States v. Wilson, No. 07-1306, at 2 (8th Cir. Feb. 5, 2010)"
    )


DAMAGES = {
    "deleted": lambda path: path.unlink(),
    "truncated": lambda path: path.write_bytes(path.read_bytes()[: path.stat().st_size // 2]),
    "garbage": lambda path: path.write_bytes(b"\x00garbage\xff" * 7),
}


@pytest.mark.parametrize("piece", [".json", ".units.json", ".sentences.npy", "chroma", "one chunk"])
def test_a_damaged_piece_is_named_and_the_next_ingest_restores_identical_answers(tmp_path, piece):
    from rag.answer import answer
    from rag.errors import IndexStoreError

    s = small_settings(tmp_path, [CONCORD_FILE, ULTRAMAN_FILE])
    assert ingest(settings=s).errors == []
    question = "Why did the court refuse the injunction?"
    clean = answer(question, settings=s).to_dict()
    for damage in DAMAGES if not piece.startswith(("chroma", "one")) else ["deleted"]:
        if piece == "chroma":  # the document's chunks gone from the vector store
            index.collection(s).delete(where={"doc_id": CONCORD})
        elif piece == "one chunk":  # one of them gone
            index.collection(s).delete(ids=[f"{CONCORD}:0000"])
        else:
            DAMAGES[damage](s.store_dir / f"{CONCORD}{piece}")
        forget(s)
        try:
            damaged = answer(question, settings=s).to_dict()
            assert damaged["citations"] == clean["citations"] or piece in ("chroma", "one chunk")  # never a wrong one
        except IndexStoreError as exc:  # or it says what to run
            assert str(exc).endswith("run `rag ingest` to repair it") and CONCORD in str(exc)
        report = ingest(settings=s)
        assert report.added + report.updated == [CONCORD] and report.unchanged == [ULTRAMAN], (piece, damage)
        forget(s)
        repaired = answer(question, settings=s).to_dict()
        assert repaired["citations"] == clean["citations"] and repaired["text"] == clean["text"], (piece, damage)


def test_sentence_vectors_are_read_when_a_question_first_reaches_their_document(tmp_path):
    """Loading the library reads no document's sentence vectors (at 100,000 chunks they were most
    of its memory and seconds of every start); a question reads those of the documents it
    reaches, so a damaged file stops only the questions that need it, and says what to run."""
    from rag.answer import answer
    from rag.errors import IndexStoreError

    s = small_settings(tmp_path, [CONCORD_FILE, ULTRAMAN_FILE])
    assert ingest(settings=s).errors == []
    DAMAGES["garbage"](s.store_dir / f"{ULTRAMAN}.sentences.npy")
    forget(s)
    lib = library(s)
    assert set(lib.docs) == {CONCORD, ULTRAMAN}
    kept = answer("Why did the court refuse the injunction?", settings=s, filters={"doc_ids": [CONCORD]})
    assert kept.citations and {c.doc_id for c in kept.citations} == {CONCORD}
    with pytest.raises(IndexStoreError, match=rf"{ULTRAMAN}\.sentences\.npy.*run `rag ingest` to repair it"):
        answer("Who was held liable?", settings=s, filters={"doc_ids": [ULTRAMAN]})


def test_the_same_ruling_under_two_names_is_indexed_once_and_names_without_letters_get_their_own_ids(tmp_path, caplog):
    s = small_settings(tmp_path, [CONCORD_FILE])
    shutil.copy(s.corpus_dir / CONCORD_FILE, s.corpus_dir / "copy-of-the-concord-commentary.txt")
    wilson = ruling_file("ca8_us_v_wilson")
    lopez = ruling_file("ca7_lopez")
    shutil.copy(wilson, s.corpus_dir / "１２３.pdf")  # names whose slug is empty
    shutil.copy(lopez, s.corpus_dir / "４５６.pdf")
    with caplog.at_level(logging.WARNING):
        report = ingest(settings=s)
    assert report.errors == [] and report.duplicates == ["copy-of-the-concord-commentary.txt"]
    assert "copy-of-the-concord-commentary.txt has the same content as" in caplog.text
    ids = set(library(s).docs)
    assert len(ids) == 3 and CONCORD in ids and "document" in ids, (ids, report)
    other = (ids - {CONCORD, "document"}).pop()
    assert other.startswith("document-")
    assert {library(s).docs[d].meta.title for d in ids - {CONCORD}} == {"United States v. Wilson", "Lopez v. Thurmer"}
    assert "1 duplicates skipped" in report.summary()


def test_an_empty_corpus_folder_never_empties_the_index(tmp_path):
    from rag.errors import CorpusError

    s = small_settings(tmp_path, [CONCORD_FILE])
    assert ingest(settings=s).added == [CONCORD]
    (s.corpus_dir / CONCORD_FILE).unlink()
    with pytest.raises(CorpusError, match=r"holds no rulings but the index holds 1; nothing was removed"):
        ingest(settings=s)
    forget(s)
    assert set(library(s).docs) == {CONCORD}


def test_a_file_over_the_size_limit_is_named_and_the_rest_indexed(tmp_path):
    s = small_settings(tmp_path, [CONCORD_FILE], max_file_mb=0.5)
    (s.corpus_dir / "huge.txt").write_text("The court held that the motion is denied. " * 20_000, encoding="utf-8")
    report = ingest(settings=s)
    assert report.added == [CONCORD]
    assert report.errors == [
        "huge.txt is 0.8 MB, over the 0.5 MB limit (RAG_MAX_FILE_MB); split it, or raise the limit if it really is one ruling"
    ]


def test_a_manifest_that_is_not_utf8_is_named(tmp_path):
    from rag.errors import CorpusError

    s = small_settings(tmp_path, [CONCORD_FILE])
    (s.corpus_dir / "manifest.toml").write_bytes("title = 'Caf\u00e9'\n".encode("latin-1"))
    with pytest.raises(
        CorpusError, match=r"manifest.toml: the manifest is not UTF-8 text \(byte 12\); save it as UTF-8"
    ):
        ingest(settings=s)


def test_ingest_check_reports_what_needs_doing_and_changes_nothing(tmp_path):
    from rag.ingest import check

    s = small_settings(tmp_path, [CONCORD_FILE, ULTRAMAN_FILE])
    assert check(s) == [f"the index is empty: `rag ingest` builds it from {s.corpus_dir}"]
    ingest(settings=s)
    assert check(s) == []
    (s.store_dir / f"{CONCORD}.sentences.npy").unlink()
    (s.corpus_dir / ULTRAMAN_FILE).unlink()
    (s.corpus_dir / "new.txt").write_text("A new memo on the injunction.\n", encoding="utf-8")
    before = sorted(p.name for p in s.store_dir.iterdir())
    assert check(s) == [
        "new.txt: new, not indexed yet",
        f"{CONCORD}: {CONCORD}.sentences.npy is missing",
        f"{ULTRAMAN}: its file is gone from the corpus folder",
    ]
    assert sorted(p.name for p in s.store_dir.iterdir()) == before  # nothing changed
    ingest(settings=s)
    assert check(s) == []


def test_a_damaged_chroma_database_is_moved_aside_and_rebuilt(tmp_path):
    """As a user meets it: each command in its own process."""
    import json
    import os
    import subprocess
    import sys

    s = small_settings(tmp_path, [CONCORD_FILE, ULTRAMAN_FILE])
    env = {**os.environ, "RAG_CORPUS_DIR": str(s.corpus_dir), "RAG_INDEX_DIR": str(s.index_dir)}

    def rag(*args):
        return subprocess.run([sys.executable, "-m", "rag.cli", *args], capture_output=True, text=True, env=env)

    question = ["ask", "Why did the court refuse the injunction?", "--json"]
    assert rag("ingest").returncode == 0
    clean = json.loads(rag(*question).stdout)
    database = s.index_dir / "chroma" / "chroma.sqlite3"
    database.write_bytes(database.read_bytes()[: database.stat().st_size // 2])
    damaged = rag(*question)
    assert damaged.returncode == 1 and damaged.stdout == ""
    assert damaged.stderr.startswith(f"error: the Chroma database in {s.index_dir / 'chroma'} cannot be opened (")
    assert damaged.stderr.strip().endswith("run `rag ingest`") and len(damaged.stderr.strip().splitlines()) == 1
    rebuilt = rag("ingest")
    assert rebuilt.returncode == 0 and "moved it to" in rebuilt.stderr and rebuilt.stdout.startswith("2 added;")
    [aside] = [p for p in s.index_dir.iterdir() if p.name.startswith("chroma.damaged-")]
    assert (aside / "chroma.sqlite3").is_file()  # the damaged database is kept, not deleted
    assert json.loads(rag(*question).stdout)["citations"] == clean["citations"]


def test_an_index_of_another_pipeline_version_is_rebuilt_with_a_notice_that_says_why(tmp_path, caplog):
    from rag.ingest import ensure_index

    s = small_settings(tmp_path, [CONCORD_FILE])
    (s.index_dir / "rulings-0123456789ab").mkdir(parents=True)  # as an older version left it
    with caplog.at_level(logging.WARNING):
        report = ensure_index(s)
    assert report.added == [CONCORD] and library(s).docs
    assert "built by an older version or with other settings: building it again" in caplog.text
    assert "the index is empty" not in caplog.text


def test_the_index_an_older_version_built_is_removed_and_one_of_other_settings_kept(tmp_path, caplog):
    """Each pipeline version builds its own store (with its own copy of the encoder) beside the
    last; once a build of this version is done, the stores and embedded collections of older
    versions go, and one of this version with other settings (another chunk size) stays."""
    import json

    from rag.ingest import SHAPING, ensure_index

    s = small_settings(tmp_path, [CONCORD_FILE])
    other = s.model_copy(update={"chunk_tokens": s.chunk_tokens - 40})
    assert ensure_index(other).added == [CONCORD] and ensure_index(s).added == [CONCORD]
    assert other.store_dir.is_dir() and index.collection(other) is not None  # this version's: kept
    shaping = json.loads((other.store_dir / SHAPING).read_text())
    (other.store_dir / SHAPING).write_text(json.dumps({**shaping, "version": shaping["version"] - 1}))
    (s.index_dir / "rulings-0123456789ab").mkdir()  # made before stores recorded their version
    with caplog.at_level(logging.WARNING):
        ingest(settings=s)
    assert sorted(p.name for p in s.index_dir.glob("rulings-*")) == [s.collection]
    assert index.collection(other) is None and index.collection(s).count() > 0
    assert f"removed {other.store_dir}, the index an older version of rag built" in caplog.text
    assert library(s).docs[CONCORD].text


def test_sentences_are_split_without_importing_all_of_nltk_and_nltk_still_loads_whole_afterwards():
    """Punkt alone is imported for splitting (all of NLTK is 2.5 s of an ingest); a later
    `import nltk` gets the whole package, and its Punkt splits a ruling the same way."""
    import subprocess
    import sys

    script = (
        "import sys; from rag.ingest import _punkt, split_sentences; from rag.readers import read_file\n"
        "from pathlib import Path; text = read_file(Path(sys.argv[1]))[0]; first = split_sentences(text, 0, len(text))\n"
        "assert not [m for m in sys.modules if m.startswith(('nltk', 'scipy.stats'))], 'whole NLTK imported'\n"
        "import nltk; assert callable(nltk.download) and callable(nltk.sent_tokenize)\n"
        "_punkt.cache_clear(); assert split_sentences(text, 0, len(text)) == first and len(first) > 100\n"
    )
    ruling = ruling_file("us_tax_court_")
    done = subprocess.run([sys.executable, "-c", script, str(ruling)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.mark.slow
def test_an_answering_process_knows_the_rulings_courts_from_the_index_without_loading_courts_db(tmp_path):
    """Ingest saves the courts-db entries of the rulings' courts and the citation abbreviations
    that end no sentence; a process that loads the library gets the same court names, levels and
    sentences from them, and never loads courts-db or reporters-db (a fifth of a second of a
    cold question each)."""
    import json
    import subprocess
    import sys

    from rag import legal
    from rag.settings import Settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("ca7_lopez", "us_tax_court_", "alvarado_v_fedex"):  # 7th Cir., T.C., N.D. Cal.
        shutil.copy(ruling_file(name), corpus)
    s = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    assert len(ingest(settings=s).added) == 3
    script = (
        "import json, sys; from rag import legal; from rag.retrieve import library\n"
        "lib = library(); lib.vocabulary.knows('court')\n"
        "courts = {d.meta.court: [legal.court_name(d.meta.court), legal.court_level(d.meta.court)] for d in lib.docs.values()}\n"
        "from rag.verify import split_claims; claims = split_claims(sys.argv[1])\n"
        "assert 'courts_db' not in sys.modules, 'courts-db was loaded'\n"
        "assert 'reporters_db' not in sys.modules, 'reporters-db was loaded'\n"
        "print(json.dumps([courts, len(claims)]))\n"
    )
    two = "See Doe v. Roe, 1 F. Supp. 3d 2 (S.D.N.Y. 2020) (holding so). The motion is denied. [1]"
    env = {**os.environ, "RAG_CORPUS_DIR": str(s.corpus_dir), "RAG_INDEX_DIR": str(s.index_dir)}
    done = subprocess.run([sys.executable, "-c", script, two], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    there, sentences = json.loads(done.stdout.splitlines()[-1])
    here = {court: [legal.court_name(court), legal.court_level(court)] for court in there}
    assert there == here and len(there) == 3 and all(name and level for name, level in there.values()), there
    assert sentences == 2, "the saved abbreviations cut the citation inside S.D.N.Y."
