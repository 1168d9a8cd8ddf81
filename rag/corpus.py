"""The corpus: its manifest, its documents, and the canonical texts kept beside the index.

A `Document` is one ruling or commentary as the rest of the package sees it: metadata
(from `corpus/manifest.toml`, or read from the file when it has no entry), the one canonical
text every citation is checked against, and the layout that turns offsets into pinpoints.
Documents are saved as JSON under the index directory (format version in the file).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ValidationError

from rag import legal
from rag.errors import CorpusError, first_line
from rag.layout import Layout, Pinpoint
from rag.text import CASE_NAME, IN_RE, PROPER_NAME

MANIFEST = "manifest.toml"
SUPPORTED = (".pdf", ".txt", ".md", ".html", ".htm", ".docx", ".rtf")
STORE_FORMAT = 1


class DocMeta(BaseModel):
    """One manifest entry: how a document is named, cited and filtered."""

    id: str
    file: str
    title: str
    cite: str = ""
    court: str = ""
    date: dt.date | None = None
    docket: str = ""
    kind: Literal["ruling", "commentary"] = "ruling"
    about: str = ""
    judge: str = ""
    doc_type: str = ""  # "order", "opinion", "memorandum opinion", "judgment" ...
    published: dt.date | None = None
    source: str = ""

    def about_text(self) -> str:
        """What a reader knows of the document besides its text: names, court, dates, docket."""
        dates = [f"{d.isoformat()} {_cite_date(d)} {d:%B} {d.day}, {d.year}" for d in (self.date, self.published) if d]
        court = f"{self.court} {legal.court_name(self.court)}" if self.court else ""
        return " ".join([self.title, self.cite, court, self.docket, self.about, self.judge, *dates])

    def names(self) -> str:
        """The names a question uses to point at this document: the parties, the proper names of
        what it is about, the court, the judge."""
        cases = [f"{a} {b}" for a, b in CASE_NAME.findall(self.title)] + IN_RE.findall(self.title)
        return " ".join([*cases, *PROPER_NAME.findall(self.about), self.court, self.judge])

    def full_citation(self, pinpoint: Pinpoint) -> str:
        """The citation with its pinpoint, e.g. "Doe v. Acme Corp., No. 3:21-cv-01234, Order at 31 (N.D. Cal. June 23, 2025)"."""
        stem = f"{self.cite or self.title} {pinpoint}".strip()
        if self.kind == "commentary":
            when = f" ({_cite_date(self.published)})" if self.published else ""
            about = f" (discussing {self.about})" if self.about else ""
            return f"{stem}{when}{about}"
        parts = " ".join(p for p in (self.court, _cite_date(self.date) if self.date else "") if p)
        return f"{stem} ({parts})" if parts else stem


@dataclass
class Document:
    """A document with its canonical text and layout."""

    meta: DocMeta
    text: str
    layout: Layout
    sha256: str
    info: dict = field(default_factory=dict)  # what the reader found in the file (ECF case number, ...)

    @property
    def id(self) -> str:
        return self.meta.id

    def locate(self, start: int, end: int) -> Pinpoint:
        return self.layout.locate(start, end)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        data = {
            "format": STORE_FORMAT,
            "meta": self.meta.model_dump(mode="json"),
            "sha256": self.sha256,
            "info": self.info,
            "layout": self.layout.to_dict(),
            "text": self.text,
        }
        tmp = folder / f".{self.id}.json.tmp"
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        tmp.replace(folder / f"{self.id}.json")

    @classmethod
    def load(cls, path: Path) -> Document:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != STORE_FORMAT:
            raise CorpusError(f"{path}: stored in an older format; run `rag ingest` again")
        return cls(
            meta=DocMeta(**data["meta"]),
            text=data["text"],
            layout=Layout.from_dict(data["layout"]),
            sha256=data["sha256"],
            info=data.get("info", {}),
        )


def load_manifest(corpus_dir: Path) -> dict[str, DocMeta]:
    """Manifest entries by file name. A missing manifest is an empty one."""
    path = corpus_dir / MANIFEST
    if not path.exists():
        return {}
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        entries = [DocMeta(**e) for e in raw.get("document", [])]
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: the manifest is not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except (tomllib.TOMLDecodeError, ValidationError, TypeError) as exc:
        raise CorpusError(f"{path}: invalid manifest ({first_line(exc, type(exc).__name__)})") from exc
    ids = [e.id for e in entries]
    if dupes := sorted({i for i in ids if ids.count(i) > 1}):
        raise CorpusError(f"{path}: duplicate document id {dupes[0]!r}")
    return {e.file: e for e in entries}


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The document files in the corpus folder, sorted; hidden files and the manifest are skipped."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder not found: {corpus_dir}")
    return sorted(
        p for p in corpus_dir.iterdir() if p.is_file() and p.suffix.lower() in SUPPORTED and not p.name.startswith((".", "_"))
    )


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def guess_meta(path: Path, text: str, info: dict, layout: Layout | None = None) -> DocMeta:
    """Metadata for a file with no manifest entry, from what its caption, headers and signature
    say (`rag.naming`); a file that names no court, docket or case is filed as commentary."""
    from rag.naming import name_document

    head, end = _head(text, layout)
    found = name_document(head, info, end=end)
    is_ruling = bool(found.court or found.docket or info.get("case"))
    caption = found.title if is_ruling else ""  # a caption's case name only where there is a caption
    title = caption or _first_line(text) or path.stem.replace("-", " ").replace("_", " ")
    return DocMeta(
        id=slug(path.stem),
        file=path.name,
        title=title,
        cite=f"{title}, {found.docket}," if found.docket else title,
        court=found.court,
        date=found.date or _filed_date(info.get("filed")),
        docket=found.docket,
        kind="ruling" if is_ruling else "commentary",
        judge=found.judge,
        doc_type=found.doc_type,
        source=f"{path.name} (no manifest entry; metadata read from the file)",
    )


def _head(text: str, layout: Layout | None, pages: int = 3, chars: int = 8000) -> tuple[str, str]:
    """Where naming looks: the first pages of a document (its caption, title and opening) and,
    apart, its last page where those do not reach it (the signature block, with its "Dated:" and
    the judge's name). Unpaginated text is cut by characters, its end a page's worth of them."""
    spans = layout.pages if layout is not None else []
    head = text[: spans[pages - 1][2]] if len(spans) > pages else text[:chars]
    start, end = spans[-1][1:] if spans else (len(text) - chars // 3, len(text))
    return head, text[max(start, len(head)) : end]


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "document"


def _first_line(text: str) -> str:
    line = text.strip().split("\n", 1)[0].strip() if text.strip() else ""
    return line if 3 <= len(line) <= 160 else ""


def _filed_date(filed: str | None) -> dt.date | None:
    match = re.fullmatch(r"(\d{2})/(\d{2})/(\d{2,4})", filed or "")
    if not match:
        return None
    month, day, year = (int(g) for g in match.groups())
    return dt.date(year + 2000 if year < 100 else year, month, day)


def _cite_date(d: dt.date) -> str:
    months = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
    return f"{months[d.month - 1]} {d.day}, {d.year}"
