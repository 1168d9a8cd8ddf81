"""Citations are made here and checked here; nothing else builds a `Citation`.

`cite()` turns a span of a document into a citation whose pinpoint is looked up from the
layout. `check()` re-derives everything from the canonical text: the quote must be
`text[start:end]` exactly, and page, lines, paragraph, pinpoint and full citation must be
what the layout says for that span. A citation that fails is never shown.
"""

from __future__ import annotations

from rag.corpus import Document
from rag.models import Citation


def cite(doc: Document, start: int, end: int, number: int, score: float = 0.0) -> Citation:
    """A citation of doc.text[start:end], with its pinpoint from the document's layout."""
    pin = doc.locate(start, end)
    return Citation(
        number=number,
        doc_id=doc.id,
        title=doc.meta.title,
        source=doc.meta.file,
        page=pin.page,
        page_end=pin.page_end,
        paragraph=pin.paragraph,
        lines=pin.lines,
        pinpoint=str(pin),
        citation=doc.meta.full_citation(pin),
        quote=doc.text[start:end],
        start=start,
        end=end,
        score=round(float(score), 4),
    )


def check(citation: Citation, docs: dict[str, Document]) -> str | None:
    """None when the citation is exact; otherwise why it is not."""
    doc = docs.get(citation.doc_id)
    if doc is None:
        return f"unknown document {citation.doc_id!r}"
    if not 0 <= citation.start < citation.end <= len(doc.text):
        return f"offsets {citation.start}:{citation.end} outside the document"
    if doc.text[citation.start : citation.end] != citation.quote:
        return "quote is not the text at its offsets"
    expected = cite(doc, citation.start, citation.end, citation.number, citation.score)
    for field in ("page", "page_end", "paragraph", "lines", "pinpoint", "citation", "title", "source"):
        if getattr(expected, field) != getattr(citation, field):
            return f"{field} is {getattr(citation, field)!r}, the text says {getattr(expected, field)!r}"
    return None


def verified(citations: list[Citation], docs: dict[str, Document]) -> list[Citation]:
    """Only the citations that pass `check`."""
    return [c for c in citations if check(c, docs) is None]
