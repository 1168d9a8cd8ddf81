"""With a Chroma server (`RAG_CHROMA_URL`), the server holds everything an app needs, not one machine.

The chunk vectors were always there; the rest of the index (each document's canonical text and
layout, its sentences and sentence vectors, the saved BM25 index, the files ingest could not
read) used to stay in the index folder of whichever machine ran `rag ingest`, so a second app
server could not answer, let alone verify a citation. Now ingest mirrors those files into a
second collection on the server (`<collection>-files`: one record per piece of a file, its
bytes base64-encoded, with the file's sha256), and an app server brings its own index folder
up to date from it before loading, fetching only the files whose hash differs. Any number of
`rag serve` processes, each with its own empty index folder, then answer with the same citations.

A record "_version" holds a hash of every file's hash, so an app server notices an ingest made
elsewhere (`version`, asked by `rag.retrieve.library` every few seconds) without listing the files.

The question encoder (the ONNX export, `rag.encoder`) is not mirrored: each machine makes its
own from the installed model.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
from pathlib import Path

from rag.errors import IndexStoreError, first_line
from rag.settings import Settings, redact

log = logging.getLogger(__name__)

PIECE = 1 << 19  # bytes of a file per record (512 KiB before base64)
VERSION = "_version"
SKIP_DIRS = ("encoder",)  # made on each machine


def files(settings: Settings) -> dict[str, Path]:
    """The index's own files, by their path relative to the store folder."""
    store = settings.store_dir
    if not store.is_dir():
        return {}
    return {
        p.relative_to(store).as_posix(): p
        for p in sorted(store.rglob("*"))
        if p.is_file() and p.relative_to(store).parts[0] not in SKIP_DIRS and not p.name.endswith(".partial")
    }


def push(settings: Settings) -> int:
    """Mirror the index folder into the server: changed files written, removed ones deleted; files sent."""
    col = _collection(settings, create=True)
    local = files(settings)
    mine = {name: _sha256(path) for name, path in local.items()}

    def mirror() -> int:
        theirs = _hashes(col)
        sent = [name for name, sha in mine.items() if theirs.get(name) != sha]
        gone = [name for name in theirs if name not in mine]
        _delete(col, sent + gone)
        for name in sent:
            _put(col, name, local[name].read_bytes(), mine[name])
        _put_version(col, mine)
        return len(sent) + len(gone)

    return _call(mirror, settings)


def pull(settings: Settings) -> int:
    """Bring the local index folder up to date with the server's copy; files fetched or removed."""
    col = _collection(settings)
    if col is None:
        return 0
    theirs = _call(lambda: _hashes(col), settings)
    mine = files(settings)
    changed = 0
    for name, sha in theirs.items():
        path = settings.store_dir / name
        if name in mine and _sha256(path) == sha:
            continue
        _write(path, _call(lambda name=name, sha=sha: _get(col, name, sha), settings))
        changed += 1
    for name, path in mine.items():
        if name not in theirs:
            path.unlink()
            changed += 1
    if changed:
        log.info("fetched %d index file(s) from the Chroma server", changed)
    return changed


def version(settings: Settings) -> str | None:
    """The server's hash of the whole index (None without a server copy)."""
    col = _collection(settings)
    if col is None:
        return None
    got = _call(lambda: col.get(ids=[VERSION], include=["metadatas"]), settings)
    return got["metadatas"][0]["sha256"] if got["ids"] else None


# ---- records ---------------------------------------------------------------------------------


def _collection(settings: Settings, create: bool = False):
    from rag import index

    client = index.client(settings)
    name = f"{settings.collection}-files"
    if create:
        return _call(lambda: client.get_or_create_collection(name, embedding_function=None), settings)
    return _call(lambda: index.existing_collection(client, name), settings)


def _hashes(col) -> dict[str, str]:
    """name -> sha256 of every file the server holds (from its first piece)."""
    got = col.get(where={"piece": 0}, include=["metadatas"])
    return {m["name"]: m["sha256"] for m in got["metadatas"] or [] if m["name"] != VERSION}


def _put(col, name: str, data: bytes, sha: str) -> None:
    pieces = [data[i : i + PIECE] for i in range(0, len(data), PIECE)] or [b""]
    for n, piece in enumerate(pieces):
        col.add(
            ids=[f"{name}#{n}"],
            embeddings=[[0.0]],
            documents=[base64.b64encode(piece).decode("ascii")],
            metadatas=[{"name": name, "piece": n, "pieces": len(pieces), "sha256": sha}],
        )


def _get(col, name: str, sha: str) -> bytes:
    got = col.get(where={"name": name}, include=["documents", "metadatas"])
    parts = sorted(zip(got["metadatas"], got["documents"]), key=lambda pair: pair[0]["piece"])
    data = b"".join(base64.b64decode(doc) for _, doc in parts)
    if not parts or len(parts) != parts[0][0]["pieces"] or hashlib.sha256(data).hexdigest() != sha:
        raise IndexStoreError(f"the Chroma server's copy of {name} is incomplete; run `rag ingest` again")
    return data


def _delete(col, names: list[str]) -> None:
    for name in names:
        col.delete(where={"name": name})


def _put_version(col, hashes: dict[str, str]) -> None:
    col.upsert(
        ids=[VERSION],
        embeddings=[[0.0]],
        documents=[""],
        metadatas=[{"name": VERSION, "piece": -1, "pieces": 0, "sha256": _version_of(hashes)}],
    )


def _version_of(hashes: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(sorted(hashes.items())).encode()).hexdigest()


def _write(path: Path, data: bytes) -> None:
    """Write a file whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")  # two processes may fetch into one folder
    partial.write_bytes(data)
    partial.replace(path)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _call(fn, settings: Settings):
    try:
        return fn()
    except IndexStoreError:
        raise
    except Exception as exc:
        where = redact(settings.chroma_url)
        raise IndexStoreError(f"Chroma at {where} failed: {type(exc).__name__}: {first_line(exc)}") from exc
