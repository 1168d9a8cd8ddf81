"""Ingest: corpus files -> canonical texts -> sentences and chunks -> Chroma.

Sentences come from NLTK's Punkt with a list of legal abbreviations ("Opp. Exh. 27",
"F. Supp.", "Id. at 5" do not end sentences). A chunk is a run of whole paragraphs of one
document that fits the embedding model's window with the document title in front of it;
a paragraph too long for one chunk is split at sentence boundaries (one sentence of overlap),
a sentence too long for one chunk at word boundaries, so nothing is ever truncated unseen.
A paragraph repeated verbatim in a document is indexed once, at its first occurrence.

Incremental: a document is re-read and re-embedded only when its file's hash differs from
what the index holds; documents whose files are gone are dropped. Chroma holds the chunk
vectors; the canonical texts, sentence spans and sentence vectors are kept in the index
folder (`Settings.store_dir`), where the verifier and the UI read them. A sentence's vector
is pooled from its tokens in the pass over its chunk (`embed_units`), so short conclusions
keep their topic.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rag import encoder, index, legal, lexical, remote
from rag.corpus import Document, corpus_files, file_sha256, guess_meta, load_manifest, slug
from rag.errors import CorpusError, IndexStoreError, first_line
from rag.models import date_int
from rag.readers import read_file
from rag.settings import PIPELINE_VERSION, Settings, get_settings
from rag.text import LEGAL_ABBREVIATIONS

log = logging.getLogger(__name__)

SKIPPED = "_skipped-files.json"  # in the store: the files the last ingest could not read
COURTS = "_courts.json"  # in the store: the courts-db entries of the documents' courts (`rag.legal.court`)
ABBREVIATIONS = "_abbreviations.json"  # in the store: `rag.legal.sentence_abbreviations`, worked out once
SHAPING = "_shaping.json"  # in the store: the settings and pipeline version that made it (`Settings.shaping`)


HEADING_NUMBER = re.compile(r"^(\(?[ivx]+\)|[A-Z0-9]{1,2}\.)\s")
BRACKET_WORDS = 6  # a sentence ending this few words after "(" it leaves open was cut in a citation


@dataclass(frozen=True)
class Chunk:
    """A contiguous span of one document, with the sentences it contains."""

    id: str
    start: int
    end: int
    sentences: tuple[int, int]  # index range [first, last) into the document's sentence list


@dataclass
class Units:
    """What is indexed of one document: its sentences and its chunks."""

    sentences: list[tuple[int, int]]
    chunks: list[Chunk]


@dataclass
class IngestReport:
    """What an ingest run did, for the CLI and for tests."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)  # files whose content another file already brought
    chunks_embedded: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        parts = [f"{len(v)} {k}" for k, v in self._counts().items() if v]
        return f"{', '.join(parts) or 'nothing to do'}; {self.chunks_embedded} chunks embedded in {self.seconds:.1f} s"

    def _counts(self) -> dict[str, list]:
        counts = {"added": self.added, "updated": self.updated, "unchanged": self.unchanged, "removed": self.removed}
        return counts | {"duplicates skipped": self.duplicates}


@lru_cache(maxsize=1)
def _punkt():
    punkt = _punkt_module()
    params = punkt.PunktParameters()
    params.abbrev_types = set(LEGAL_ABBREVIATIONS) | legal.sentence_abbreviations()
    return punkt.PunktSentenceTokenizer(params)


def _punkt_module():
    """NLTK's Punkt module, without the rest of NLTK when NLTK is not loaded yet.

    `import nltk` imports all of NLTK (parsers, taggers, and scipy.stats for collocations):
    2.5 s of every ingest, for one tokenizer. So the package is entered as a bare namespace
    while Punkt and the few modules it needs are imported, and every NLTK module is taken out
    of `sys.modules` again afterwards: a later `import nltk` anywhere loads the whole of it as
    usual, and this Punkt keeps the modules it was made from.
    """
    import importlib
    import importlib.util
    import sys
    import types

    if "nltk" in sys.modules:
        return importlib.import_module("nltk.tokenize.punkt")
    spec = importlib.util.find_spec("nltk")
    bare = types.ModuleType("nltk")
    bare.__path__, bare.__spec__ = list(spec.submodule_search_locations), spec
    sys.modules["nltk"] = bare
    try:
        return importlib.import_module("nltk.tokenize.punkt")
    finally:
        for name in [m for m in sys.modules if m == "nltk" or m.startswith("nltk.")]:
            del sys.modules[name]


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside text[start:end] (a paragraph), as absolute offsets.

    A piece that does not begin like a sentence (lower case, a digit, "¶") is joined to the
    sentence before it: Punkt breaks after abbreviations it does not know ("Expert Zhao ¶¶ 2-3").
    So is one after a bracket just opened: Punkt also breaks after abbreviations it knows when a
    capital follows ("(Mot. Dismiss, ECF No. 12)", "(D. Mass. Jan. 5, 2009)").
    """
    spans: list[tuple[int, int]] = []
    for s, e in _punkt().span_tokenize(text[start:end]):
        piece = text[start + s : start + e]
        if spans and (not _opens_sentence(piece) or _opens_bracket(text[spans[-1][0] : spans[-1][1]])):
            spans[-1] = (spans[-1][0], start + e)
        else:
            spans.append((start + s, start + e))
    return spans


def _opens_bracket(sentence: str) -> bool:
    """Whether a sentence ends a few words after a bracket it leaves open ("... reconsideration
    (Mot."): a citation in parentheses, not the end of a sentence."""
    opened = sentence.rfind("(")
    return opened >= 0 and ")" not in sentence[opened:] and len(sentence[opened:].split()) <= BRACKET_WORDS


def _opens_sentence(piece: str) -> bool:
    """Whether a piece Punkt split off begins a sentence: not a lower-case word, a digit, "¶" or
    "§", nor the rest of an ellipsis (". . . choose to withdraw"), at which Punkt breaks too, nor
    a comma, semicolon or closing bracket (", Inc., the jury awarded ...")."""
    first = piece.lstrip("“\"'‘([")[:1]
    return bool(first) and (first.isupper() or not first.isalnum()) and first not in "¶§.,;:)]"


def build_units(doc: Document, settings: Settings) -> Units:
    """Sentences and chunks of a document; repeated paragraphs are skipped."""
    budget = index.max_tokens(settings) - 2 - index.count_tokens([doc.meta.title], settings)[0] - 1
    budget = min(budget, settings.chunk_tokens)
    groups = [split_sentences(doc.text, s, e) or [(s, e)] for s, e in _distinct_paragraphs(doc)]
    counts = iter(index.count_tokens([doc.text[s:e] for g in groups for s, e in g], settings))
    sized = [[p for s, e in g for p in _fit_sentence(doc.text, s, e, next(counts), budget, settings)] for g in groups]
    sentences: list[tuple[int, int]] = []
    chunks: list[Chunk] = []
    for run in _contiguous_runs(doc.text, sized):
        chunks += _pack(doc.id, run, budget, len(sentences), len(chunks))
        sentences += [(s, e) for para in run for s, e, _ in para]
    return Units(sentences=sentences, chunks=chunks)


def _distinct_paragraphs(doc: Document) -> list[tuple[int, int]]:
    """Paragraph spans, leaving out any paragraph whose text appeared earlier in the document."""
    seen: set[str] = set()
    kept = []
    for start, end in _signatures_joined(doc):
        key = " ".join(doc.text[start:end].split()).lower()
        if key and key not in seen:
            seen.add(key)
            kept.append((start, end))
    return kept


def _signatures_joined(doc: Document) -> list[tuple[int, int]]:
    """Paragraph spans, with a signature's name joined to the office under it: "JANE Q. ROE" and
    "United States District Judge" are one sentence, which says who signed."""
    from rag.naming import signs

    spans: list[tuple[int, int]] = []
    for _, start, end in doc.layout.paragraphs:
        if spans and signs(doc.text[slice(*spans[-1])], doc.text[start:end]):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def _fit_sentence(text: str, start: int, end: int, n_tokens: int, budget: int, settings: Settings):
    """The sentence as (start, end, tokens), split at word boundaries when it exceeds the budget."""
    if n_tokens <= budget:
        return [(start, end, n_tokens)]
    words = [m.span() for m in re.finditer(r"\S+", text[start:end])]
    counts = index.count_tokens([text[start + s : start + e] for s, e in words], settings)
    pieces, first, used = [], 0, 0
    for i, n in enumerate(counts):
        if used + n > budget and i > first:
            pieces.append((start + words[first][0], start + words[i - 1][1], used))
            first, used = i, 0
        used += n
    pieces.append((start + words[first][0], start + words[-1][1], used))
    return pieces


def _contiguous_runs(text: str, paragraphs: list[list[tuple[int, int, int]]]):
    """Split the kept paragraphs wherever a skipped (repeated) paragraph lay between two of them."""
    run: list[list[tuple[int, int, int]]] = []
    for para in paragraphs:
        if run and text[run[-1][-1][1] : para[0][0]].strip():
            yield run
            run = []
        run.append(para)
    if run:
        yield run


def _pack(doc_id: str, run, budget: int, first_sentence: int, first_chunk: int) -> list[Chunk]:
    """Greedy chunks over contiguous paragraphs: whole paragraphs while they fit, else sentence windows."""
    flat = [(s, e, n, p) for p, para in enumerate(run) for s, e, n in para]
    chunks: list[Chunk] = []
    i = 0
    while i < len(flat):
        j, used = i, 0
        while j < len(flat) and used + flat[j][2] + 1 <= budget:
            used += flat[j][2] + 1
            j += 1
        j = max(j, i + 1)
        if j < len(flat) and flat[j][3] == flat[j - 1][3]:
            # stopped inside a paragraph: end at the last paragraph boundary if there is one
            boundary = max((k for k in range(i + 1, j) if flat[k][3] != flat[k - 1][3]), default=None)
            j = boundary or j
        cid = f"{doc_id}:{first_chunk + len(chunks):04d}"
        chunks.append(Chunk(cid, flat[i][0], flat[j - 1][1], (first_sentence + i, first_sentence + j)))
        split_paragraph = j < len(flat) and flat[j][3] == flat[j - 1][3]
        i = j - 1 if split_paragraph and j - 1 > i else j
    return chunks


def skipped_files(settings: Settings) -> set[str]:
    """The hashes of the corpus files the last ingest could not read (so they are not "new" files)."""
    try:
        return set(json.loads((settings.store_dir / SKIPPED).read_text()))
    except (OSError, ValueError):
        return set()


def is_built(settings: Settings) -> bool:
    """Whether the index for these settings holds any document (on a Chroma server: whether the
    server does; its files come to the index folder when the library loads, `rag.remote`)."""
    col = index.collection(settings)
    return col is not None and col.count() > 0 and (bool(settings.chroma_url) or settings.store_dir.is_dir())


def _save_derived(settings: Settings) -> None:
    """Save what every answering process would otherwise work out again from the stored documents:
    BM25 over every chunk, in the order the library loads them, their courts' entries, and the
    abbreviations that end no sentence (from courts-db and reporters-db: a fifth of a second)."""
    ids, texts, courts = [], [], {}
    for path in sorted(settings.store_dir.glob("*.units.json")):
        doc_id = path.name.removesuffix(".units.json")
        doc = Document.load(settings.store_dir / f"{doc_id}.json")
        courts[doc.meta.court] = legal.court(doc.meta.court)
        for chunk in load_units(path).chunks:
            ids.append(chunk.id)
            texts.append(indexed_text(doc, chunk))
    if texts:
        lexical.save(lexical.build(texts), ids, settings)
    (settings.store_dir / COURTS).write_text(json.dumps(courts, sort_keys=True))
    (settings.store_dir / ABBREVIATIONS).write_text(json.dumps(sorted(legal.sentence_abbreviations())))


def load_legal(settings: Settings) -> None:
    """Give `rag.legal` the courts' entries and the abbreviations ingest saved (an index saved
    before either was: it works them out)."""
    try:
        legal.remember_courts(json.loads((settings.store_dir / COURTS).read_text()))
        legal.remember_sentence_abbreviations(json.loads((settings.store_dir / ABBREVIATIONS).read_text()))
    except (OSError, ValueError):
        pass


def _export_encoder(settings: Settings) -> None:
    """Export the question encoder (rag.encoder); questions fall back to sentence-transformers if it cannot be."""
    try:
        if not encoder.export(settings):
            log.info("questions are embedded with sentence-transformers: %s is not a plain model", settings.embed_model)
    except Exception as exc:  # an optimisation only: never a reason for ingest to fail
        log.warning(
            "could not export the question encoder (%s: %s); questions use sentence-transformers",
            type(exc).__name__,
            first_line(exc),
        )


def ensure_index(settings: Settings | None = None, progress: bool = False) -> IngestReport | None:
    """Build the index on first use (when it holds no document); None when it is already built.

    The command line and the chat UI call this before answering, and say so; `rag.answer()`
    itself never ingests: it reads the index that `rag ingest` built.
    """
    settings = settings or get_settings()
    if is_built(settings):
        # An fp32 index built before questions went through ONNX gets its export now; an int8 one
        # without it was embedded by sentence-transformers (its export failed): its questions must be too.
        if not encoder.is_exported(settings) and not settings.embed_int8:
            log.warning("exporting the question encoder beside the index (once)")
            _export_encoder(settings)
        return None
    older = [p for p in settings.index_dir.glob("rulings-*") if p.is_dir() and p != settings.store_dir]
    if older:  # another pipeline version or other settings: their vectors cannot be reused
        log.warning(
            "the index in %s was built by an older version or with other settings: building it again from %s (once)",
            settings.index_dir,
            settings.corpus_dir,
        )
    else:
        log.warning(
            "the index is empty: building it from %s (first use; later, `rag ingest` updates it)", settings.corpus_dir
        )
    report = ingest(settings=settings, progress=progress)
    for error in report.errors:
        log.warning(error)
    return report


def ingest(paths: list[Path] | None = None, settings: Settings | None = None, progress: bool = False) -> IngestReport:
    """Bring the index up to date with the corpus folder (after copying in `paths`, if given)."""
    settings = settings or get_settings()
    started = time.perf_counter()
    if Path(settings.index_dir).is_dir() and not index.writable(str(settings.index_dir)):
        raise IndexStoreError(
            f"the index folder {settings.index_dir} is read-only: `rag ingest` writes there "
            "(questions can still be asked of it); make it writable or set RAG_INDEX_DIR to another folder"
        )
    for path in paths or []:
        _add_to_corpus(Path(path), settings.corpus_dir)
    report = IngestReport()
    if not encoder.is_exported(settings):  # before anything is counted or embedded: then torch is never loaded
        _export_encoder(settings)
    manifest = load_manifest(settings.corpus_dir)
    col = index.collection(settings, create=True)
    if settings.chroma_url:  # what another machine ingested need not be embedded again here
        remote.pull(settings)
    indexed = _indexed(col)
    seen: set[str] = set()
    files = corpus_files(settings.corpus_dir)
    skipped: list[str] = []
    if indexed and not files:  # an empty folder (a wrong RAG_CORPUS_DIR, an unmounted disk) empties nothing
        raise CorpusError(
            f"the corpus folder {settings.corpus_dir} holds no rulings but the index holds {len(indexed)}; "
            f"nothing was removed (to empty the index, delete {settings.index_dir})"
        )
    contents: dict[str, str] = {}  # file hash -> the file indexed with that content
    for path in _progress(files, progress, "Reading and embedding"):
        try:
            _ingest_file(path, manifest, indexed, seen, contents, col, settings, report)
        except CorpusError as exc:
            report.errors.append(str(exc))
            skipped.append(file_sha256(path))
    for doc_id in sorted(set(indexed) - seen):
        _drop(doc_id, col, settings)
        report.removed.append(doc_id)
    settings.store_dir.mkdir(parents=True, exist_ok=True)
    (settings.store_dir / SKIPPED).write_text(json.dumps(sorted(skipped)))
    (settings.store_dir / SHAPING).write_text(json.dumps(settings.shaping(), sort_keys=True))
    _remove_outdated(settings)
    if (
        report.added
        or report.updated
        or report.removed
        or not (lexical.folder(settings) / lexical.ORDER_FILE).is_file()
        or not (settings.store_dir / COURTS).is_file()
        or not (settings.store_dir / ABBREVIATIONS).is_file()
    ):
        _save_derived(settings)
    if settings.chroma_url:
        remote.push(settings)
    report.seconds = time.perf_counter() - started
    return report


def _remove_outdated(settings: Settings) -> None:
    """Remove the stores (and, embedded, the Chroma collections) an older pipeline version built
    in this index folder: nothing reads them again, and each holds its own copy of the encoder.
    Those of other settings at this version (the int8 encoder, another chunk size) stay; so do a
    Chroma server's collections, which other app servers may still be answering from."""
    for store in sorted(settings.index_dir.glob("rulings-*")):
        if not store.is_dir() or store == settings.store_dir:
            continue
        try:
            version = json.loads((store / SHAPING).read_text())["version"]
        except (OSError, ValueError, KeyError, TypeError):
            version = None  # made before stores recorded their version: by an older one
        if version is not None and version >= PIPELINE_VERSION:
            continue
        shutil.rmtree(store, ignore_errors=True)
        if not settings.chroma_url:
            index.drop_collection(settings, store.name)
        log.warning("removed %s, the index an older version of rag built", store)


def check(settings: Settings | None = None) -> list[str]:
    """What `ingest` would repair or change, one line each, without changing anything (empty: all sound)."""
    settings = settings or get_settings()
    col = index.collection(settings)
    if col is None:
        return [f"the index is empty: `rag ingest` builds it from {settings.corpus_dir}"]
    manifest = load_manifest(settings.corpus_dir)
    indexed = _indexed(col)
    hashes = {sha for sha, _ in indexed.values()}
    problems, ids, shas = [], set(), set()
    for path in corpus_files(settings.corpus_dir):
        entry = manifest.get(path.name)
        doc_id, sha = (entry.id if entry else slug(path.stem)), file_sha256(path)
        ids.add(doc_id)
        shas.add(sha)
        if sha in skipped_files(settings):
            problems.append(f"{path.name}: could not be read at the last ingest")
        elif indexed.get(doc_id, ("", 0))[0] != sha and sha not in hashes:
            problems.append(f"{path.name}: {'changed' if doc_id in indexed else 'new'}, not indexed yet")
    for doc_id, (sha, chunks) in sorted(indexed.items()):
        if doc_id not in ids and sha not in shas:
            problems.append(f"{doc_id}: its file is gone from the corpus folder")
        elif damage := stored_damage(doc_id, settings, chunks):
            problems.append(f"{doc_id}: {damage}")
    if indexed and not (lexical.folder(settings) / lexical.ORDER_FILE).is_file():
        problems.append("the saved BM25 index is missing")
    if indexed and not (settings.store_dir / COURTS).is_file():
        problems.append("the saved entries of the rulings' courts are missing")
    return problems


def _ingest_file(
    path: Path, manifest: dict, indexed: dict, seen: set, contents: dict, col, settings: Settings, report
) -> None:
    """Index one file unless the index already holds it unchanged (same bytes, same manifest entry),
    or another file of the same content is indexed already."""
    size_mb = path.stat().st_size / 1e6
    if size_mb > settings.max_file_mb:
        raise CorpusError(
            f"{path.name} is {size_mb:.1f} MB, over the {settings.max_file_mb:g} MB limit (RAG_MAX_FILE_MB); "
            "split it, or raise the limit if it really is one ruling"
        )
    sha = file_sha256(path)
    if sha in contents:
        log.warning("%s has the same content as %s: indexed once", path.name, contents[sha])
        report.duplicates.append(path.name)
        return
    contents[sha] = path.name
    entry = manifest.get(path.name)
    doc_id = entry.id if entry else slug(path.stem)
    if doc_id in seen and not entry:  # "ruling.pdf" and "Ruling!.pdf", or names without letters
        doc_id = f"{doc_id}-{sha[:8]}"
    if doc_id in seen:
        raise CorpusError(f"{path.name}: document id {doc_id!r} is already used by another file")
    seen.add(doc_id)
    sha_then, chunks = indexed.get(doc_id, ("", 0))
    unchanged = sha_then == sha and _stored_entry(settings.store_dir / f"{doc_id}.json") == _entry_key(entry)
    if unchanged and (damage := stored_damage(doc_id, settings, chunks)) is None:
        report.unchanged.append(doc_id)
        return
    if unchanged:
        log.warning("%s: %s; indexing it again", path.name, damage)
    doc = read_document(path, entry, sha, doc_id)
    units = build_units(doc, settings)
    if not units.chunks:
        raise CorpusError(f"{path.name}: nothing to index after extraction")
    _drop(doc_id, col, settings)
    _write(doc, units, col, settings)
    (report.updated if doc_id in indexed else report.added).append(doc_id)
    report.chunks_embedded += len(units.chunks)


def read_document(path: Path, entry=None, sha: str | None = None, doc_id: str | None = None) -> Document:
    """One file read into a Document: its canonical text and layout, named by its manifest entry
    or else from what its caption says (under `doc_id`, when ingest gave it another id than its name's)."""
    text, layout, info = read_file(path)
    info["manifest_entry"] = _entry_key(entry)
    meta = entry or guess_meta(path, text, info, layout)
    if doc_id and meta.id != doc_id:
        meta = meta.model_copy(update={"id": doc_id})
    return Document(meta=meta, text=text, layout=layout, sha256=sha or file_sha256(path), info=info)


def load_stored(doc_id: str, settings: Settings) -> tuple[Document, Units, object]:
    """A document's stored pieces: its text and layout, its sentences and chunks, its sentence
    vectors; IndexStoreError naming what is missing, unreadable or inconsistent."""
    doc, units = load_document(doc_id, settings)
    return doc, units, load_sentence_vectors(doc_id, units, settings)


def load_document(doc_id: str, settings: Settings) -> tuple[Document, Units]:
    """A document's text and layout, and its sentences and chunks (IndexStoreError as `load_stored`)."""
    store = settings.store_dir
    try:
        doc = Document.load(store / f"{doc_id}.json")
        units = load_units(store / f"{doc_id}.units.json")
    except FileNotFoundError as exc:
        raise IndexStoreError(f"{Path(exc.filename).name} is missing") from None
    except (OSError, ValueError, KeyError, TypeError, CorpusError) as exc:
        raise IndexStoreError(f"a stored piece of {doc_id} is unreadable ({type(exc).__name__})") from None
    if not units.chunks:
        raise IndexStoreError(f"{doc_id}.units.json has no chunks")
    if units.chunks[-1].end > len(doc.text):
        raise IndexStoreError(f"{doc_id}.units.json does not match its text")
    return doc, units


def load_sentence_vectors(doc_id: str, units: Units, settings: Settings):
    """A document's sentence vectors (IndexStoreError as `load_stored`)."""
    import numpy as np

    path = settings.store_dir / f"{doc_id}.sentences.npy"
    try:
        vectors = np.load(path)
    except FileNotFoundError:
        raise IndexStoreError(f"{path.name} is missing") from None
    except (OSError, ValueError) as exc:
        raise IndexStoreError(f"{path.name} is unreadable ({type(exc).__name__})") from None
    if vectors.ndim != 2 or len(vectors) != len(units.sentences):
        raise IndexStoreError(f"{path.name} does not match its sentences")
    return vectors


def stored_damage(doc_id: str, settings: Settings, chunks_in_chroma: int) -> str | None:
    """What is wrong with a document's stored pieces, or with the number of its chunks in Chroma;
    None when all are sound."""
    try:
        _, units, _ = load_stored(doc_id, settings)
    except IndexStoreError as exc:
        return str(exc)
    if chunks_in_chroma != len(units.chunks):
        return "its chunks in Chroma do not match its stored chunks"
    return None


def _entry_key(entry) -> dict | None:
    return entry.model_dump(mode="json") if entry else None


def _stored_entry(path: Path):
    """The manifest entry a stored document was built with ("missing" when there is no usable copy)."""
    try:
        return Document.load(path).info.get("manifest_entry")
    except (OSError, CorpusError, ValueError, KeyError):
        return "missing"


def _write(doc: Document, units: Units, col, settings: Settings) -> None:
    """Embed and store one document: chunk vectors in Chroma, text and sentence vectors on disk."""
    import numpy as np

    chunk_vectors, sentence_vectors = embed_units(doc, units, settings)
    col.add(
        ids=[c.id for c in units.chunks],
        embeddings=chunk_vectors.tolist(),
        documents=[doc.text[c.start : c.end] for c in units.chunks],
        metadatas=[_chunk_metadata(doc, c) for c in units.chunks],
    )
    doc.save(settings.store_dir)
    store = settings.store_dir
    np.save(store / f"{doc.id}.sentences.npy", np.asarray(sentence_vectors, dtype=np.float32))
    _save_units(store / f"{doc.id}.units.json", units)


def indexed_text(doc: Document, chunk: Chunk) -> str:
    """What is embedded and searched for a chunk: the document's title, then the chunk's exact text."""
    return f"{doc.meta.title}\n{doc.text[chunk.start : chunk.end]}"


def embed_units(doc: Document, units: Units, settings: Settings):
    """The vectors of a document's chunks and of its sentences, from one pass over the chunks.

    A sentence's vector is the mean of its tokens' vectors in the pass over the first chunk that
    holds it, title in front ("late chunking", `rag.encoder.run_many`): the sentence is read with
    its neighbours, so a short conclusion ("The motion is therefore denied.") carries what the
    passage is about, and nothing is encoded twice (encoding each sentence again, with the
    headings above it, took 2.4 times the tokens of the chunks alone, and most of an ingest).
    A sentence the pass cannot give (no ONNX export) is embedded with the headings above it.
    """
    import numpy as np

    texts = [indexed_text(doc, c) for c in units.chunks]
    spans = []
    for text, chunk in zip(texts, units.chunks):
        shift = len(text) - (chunk.end - chunk.start)  # the title in front of the chunk's text
        spans.append(
            [(s - chunk.start + shift, e - chunk.start + shift) for s, e in units.sentences[slice(*chunk.sentences)]]
        )
    chunk_vectors, pooled = index.embed_with_spans(texts, spans, settings)
    sentences = np.full((len(units.sentences), chunk_vectors.shape[1]), np.nan, dtype=np.float32)
    for chunk, vectors in zip(units.chunks, pooled or []):
        first, _ = chunk.sentences
        for k, vector in enumerate(vectors):
            if np.isnan(sentences[first + k, 0]):
                sentences[first + k] = vector
    missing = np.flatnonzero(np.isnan(sentences[:, 0]))
    if missing.size:
        contexts = sentence_contexts(doc, units)
        sentences[missing] = index.embed([contexts[i] for i in missing], settings)
    return chunk_vectors, sentences


def sentence_contexts(doc: Document, units: Units) -> list[str]:
    """Each sentence with the two headings above it: what its vector is made from when the pass
    over its chunk cannot give it (`embed_units`).

    A short conclusion ("The motion is therefore denied.") says little alone; under
    "III. DISCUSSION. B. THE MOTION TO DISMISS." it matches a question about that motion.
    """
    heads = [(s, doc.text[s:e]) for _, s, e in doc.layout.paragraphs if is_heading(doc.text[s:e])]
    out = []
    for s, e in units.sentences:
        above = [h for start, h in heads if start < s][-2:]
        out.append(" ".join([*above, doc.text[s:e]]))
    return out


def is_heading(paragraph: str) -> bool:
    """A short paragraph that is upper case, unpunctuated at its end, or numbered like "A." / "(ii)"."""
    text = paragraph.strip()
    if not text or len(text) > 110:
        return False
    upper = not any(c.islower() for c in text)
    return upper or not text.endswith((".", "!", "?", ":", ";", "”", '"', ",")) or bool(HEADING_NUMBER.match(text))


def _chunk_metadata(doc: Document, chunk: Chunk) -> dict:
    pin = doc.locate(chunk.start, chunk.end)
    return {
        "doc_id": doc.id,
        "sha256": doc.sha256,
        "kind": doc.meta.kind,
        "court": doc.meta.court,
        "date": date_int(doc.meta.date) if doc.meta.date else 0,
        "start": chunk.start,
        "end": chunk.end,
        "pinpoint": str(pin),
    }


def _save_units(path: Path, units: Units) -> None:
    import json

    data = {"sentences": units.sentences, "chunks": [[c.id, c.start, c.end, *c.sentences] for c in units.chunks]}
    path.write_text(json.dumps(data), encoding="utf-8")


def load_units(path: Path) -> Units:
    """Read the sentences and chunks saved by ingest."""
    import json

    data = json.loads(path.read_text(encoding="utf-8"))
    chunks = [Chunk(cid, s, e, (a, b)) for cid, s, e, a, b in data["chunks"]]
    return Units(sentences=[tuple(x) for x in data["sentences"]], chunks=chunks)


def _indexed(col, page: int = 5000) -> dict[str, tuple[str, int]]:
    """doc_id -> (file hash, number of chunks), for every document with chunks in the collection.
    The metadata is read a page at a time, not one query per document: Chroma's SQLite refuses a
    single read of about 100,000 chunks ("too many SQL variables")."""
    metas = []
    while batch := col.get(include=["metadatas"], limit=page, offset=len(metas))["metadatas"]:
        metas += batch
    counts = Counter(m["doc_id"] for m in metas)
    return {m["doc_id"]: (m["sha256"], counts[m["doc_id"]]) for m in metas}


def _drop(doc_id: str, col, settings: Settings) -> None:
    col.delete(where={"doc_id": doc_id})
    for suffix in (".json", ".sentences.npy", ".units.json"):
        (settings.store_dir / f"{doc_id}{suffix}").unlink(missing_ok=True)


def _add_to_corpus(path: Path, corpus_dir: Path) -> None:
    """Copy a file into the corpus folder (the index always mirrors that folder)."""
    if not path.is_file():
        raise CorpusError(f"{path}: no such file")
    target = corpus_dir / path.name
    if path.resolve() != target.resolve():
        corpus_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)


def _progress(items: list, enabled: bool, label: str):
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=label, unit="file")
