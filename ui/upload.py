"""Adding rulings from the browser: check the uploaded files, ingest them, say what happened.

`rag.ingest.ingest` does the work (it copies the files into the corpus folder and brings the
index up to date); this module refuses what ingest would ignore or overwrite, drops the loaded
index so every handler reloads it, and takes back out of the corpus folder an uploaded file
that did not become a document, so a broken upload is not reported again by every later ingest.

What this gives up: an upload never replaces a corpus file of the same name (rename the file,
or use `rag ingest` to update a document), and a file ingest could not read is not kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ui.text import esc

KINDS = "PDF, TXT, MD, DOCX or HTML"


@dataclass(frozen=True)
class Outcome:
    """What an upload did: the documents added or updated, and one line per file that was not."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    summary: str = ""


def add_rulings(paths: list[Path], settings, progress: bool = False) -> Outcome:
    """Ingest the uploaded files that can be added and reload the index; errors become one-line problems."""
    from rag.errors import RagError
    from rag.ingest import ingest
    from rag.retrieve import forget

    accepted, refused = check(paths, settings.corpus_dir)
    if not accepted:
        return Outcome(problems=tuple(refused), summary="Nothing was added.")
    new = [p.name for p in accepted if not (settings.corpus_dir / p.name).exists()]
    try:
        report = ingest(paths=accepted, settings=settings, progress=progress)
        forget(settings)
        unread = _take_back_unread(new, settings)
    except (RagError, OSError) as exc:
        forget(settings)
        return Outcome(problems=(*refused, _one_line(exc)), summary="The upload failed.")
    problems = (*refused, *report.errors, *unread)
    return Outcome(tuple(report.added), tuple(report.updated), problems, report.summary())


def check(paths: list[Path], corpus_dir: Path) -> tuple[list[Path], list[str]]:
    """The files ingest can take, and a one-line reason for each one it cannot."""
    accepted, refused = [], []
    for path in paths:
        reason = _refusal(path, corpus_dir)
        if reason:
            refused.append(f"{path.name}: {reason}")
        else:
            accepted.append(path)
    return accepted, refused


def _refusal(path: Path, corpus_dir: Path) -> str | None:
    """Why this file cannot be added (None if it can)."""
    from rag.corpus import SUPPORTED, file_sha256

    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        return f"not a supported file type ({suffix or 'no extension'}); add {KINDS} files"
    if path.name.startswith((".", "_")):
        return "the corpus skips files whose names start with '.' or '_'; rename it"
    there = corpus_dir / path.name
    if there.exists() and file_sha256(there) != file_sha256(path):
        return "a different file of that name is already in the corpus; rename it to add it"
    return None


def _take_back_unread(names: list[str], settings) -> list[str]:
    """Remove newly copied files that no document was made from; a line for any that cannot be removed."""
    from rag.retrieve import library

    made = {d.meta.file for d in library(settings).docs.values()}
    problems = []
    for name in names:
        if name not in made:
            try:
                (settings.corpus_dir / name).unlink(missing_ok=True)
            except OSError as exc:
                problems.append(f"{name}: could not be removed from the corpus folder ({exc.strerror or exc})")
    return problems


def _one_line(exc: Exception) -> str:
    """A package error as it is; a file-system error as what failed and why."""
    if isinstance(exc, OSError):
        return f"could not copy into the corpus folder: {exc.strerror or exc}"
    return str(exc)


def upload_note() -> str:
    """What the upload box does, shown until the first upload."""
    return (
        '<div class="upload-report note"><p class="upload-summary">Files dropped or chosen here are read, embedded '
        "and added to the corpus; a file that cannot be read is listed here with the reason.</p></div>"
    )


def outcome_html(outcome: Outcome, docs: dict) -> str:
    """The upload's result: what was added, then one line per file that was not."""
    done = [f"<li>Added: {esc(docs[d].meta.title)}</li>" for d in outcome.added if d in docs]
    done += [f"<li>Updated: {esc(docs[d].meta.title)}</li>" for d in outcome.updated if d in docs]
    problems = "".join(f'<li class="problem">{esc(line)}</li>' for line in outcome.problems)
    state = "failed" if outcome.problems and not done else "partial" if outcome.problems else "done"
    return (
        f'<div class="upload-report {state}"><p class="upload-summary">{esc(outcome.summary)}</p>'
        f'<ul>{"".join(done)}{problems}</ul></div>'
    )
