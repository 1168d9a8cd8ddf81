"""The result objects every interface serialises: `Passage`, `Citation`, `Answer`.

They are frozen pydantic models; `to_dict()` gives JSON-safe data for the CLI's `--json`,
the UI's API endpoint and the eval reports.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class Filters(BaseModel):
    """Restrict retrieval to some documents: by id, kind, court, or a date range (inclusive)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    doc_ids: tuple[str, ...] | None = None
    kind: str | None = None
    court: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def chroma_where(self) -> dict | None:
        """The same restriction as a Chroma `where` clause."""
        clauses: list[dict] = []
        if self.doc_ids:
            clauses.append({"doc_id": {"$in": list(self.doc_ids)}})
        if self.kind:
            clauses.append({"kind": self.kind})
        if self.court:
            clauses.append({"court": self.court})
        if self.date_from:
            clauses.append({"date": {"$gte": date_int(self.date_from)}})
        if self.date_to:
            clauses.append({"date": {"$lte": date_int(self.date_to)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def admits(self, meta) -> bool:
        """Whether a document (its `DocMeta`) passes the filters."""
        if self.doc_ids and meta.id not in self.doc_ids:
            return False
        if self.kind and meta.kind != self.kind:
            return False
        if self.court and meta.court != self.court:
            return False
        if (self.date_from or self.date_to) and meta.date is None:
            return False
        if self.date_from and meta.date < self.date_from:
            return False
        return not (self.date_to and meta.date > self.date_to)


class Passage(BaseModel):
    """A retrieved span of one document (overlapping chunks merged)."""

    model_config = ConfigDict(frozen=True)

    doc_id: str
    title: str
    start: int
    end: int
    text: str
    pinpoint: str
    page: int | None = None
    page_end: int | None = None
    paragraph: int | None = None
    score: float = Field(description="fused retrieval score (reciprocal rank fusion)")


class Citation(BaseModel):
    """A verified pinpoint citation: the quote is canonical_text[start:end] at the stated place."""

    model_config = ConfigDict(frozen=True)

    number: int
    doc_id: str
    title: str
    source: str = Field(description="corpus-relative path of the document file")
    page: int | None
    page_end: int | None
    paragraph: int | None
    lines: tuple[int, int] | None = Field(description="first line (on page), last line (on page_end)")
    pinpoint: str
    citation: str
    quote: str
    start: int
    end: int
    score: float


class Answer(BaseModel):
    """An answer with its citations, what was retrieved, and how long each step took."""

    model_config = ConfigDict(frozen=True)

    question: str
    text: str
    citations: tuple[Citation, ...] = ()
    refused: bool = False
    passages: tuple[Passage, ...] = ()
    timings: dict[str, float] = Field(default_factory=dict, description="milliseconds per step")
    backend: str = "extractive"
    unsupported: tuple[str, ...] = Field((), description="model sentences no passage supports (flagged, uncited)")
    notice: str | None = Field(None, description="one line on what went wrong, e.g. a model backend that failed")
    resolved: str | None = Field(None, description="the question answered, when the conversation added to it")
    scope: tuple[str, ...] = Field((), description="the documents the conversation kept the answer to")

    def to_dict(self) -> dict:
        """JSON-safe representation."""
        return self.model_dump(mode="json")


def date_int(d: dt.date) -> int:
    """A date as the integer YYYYMMDD, the form Chroma can compare."""
    return int(d.strftime("%Y%m%d"))
