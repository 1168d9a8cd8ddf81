"""The document view: any corpus document, readable, with a span highlighted and in view.

A court filing (PDF) is shown a page at a time: the page image with the cited lines
highlighted, beside the page's text line by line with its margin line numbers, the quote
marked. Other documents are shown whole, paragraph by paragraph (¶ 1, ¶ 2, …), the cited
paragraph set off and the quote marked. The view is a small dict kept in gradio state:
{"doc": id, "page": court page or None, "start": offset or None, "end": offset or None}.
"""

from __future__ import annotations

from ui.pages import page_image
from ui.text import esc, marked

EMPTY = '<div class="docview empty"><p>Open a document from a citation, the corpus list, or the menu above.</p></div>'


def view_at(docs: dict, doc_id: str, start: int | None = None, end: int | None = None) -> dict:
    """The view of a document opened at text[start:end] (its first page when no span is given)."""
    doc = docs[doc_id]
    page = None
    if doc.layout.pages:
        page = doc.locate(start, end).page if start is not None and end and end > start else doc.layout.pages[0][0]
    return {"doc": doc_id, "page": page, "start": start, "end": end}


def turn_page(docs: dict, view: dict, step: int) -> dict:
    """The same view, `step` pages on (clamped to the document)."""
    pages = docs[view["doc"]].layout.page_labels
    if not pages or view.get("page") not in pages:
        return view
    i = min(max(pages.index(view["page"]) + step, 0), len(pages) - 1)
    return {**view, "page": pages[i]}


def document_html(docs: dict, corpus_dir, view: dict | None) -> str:
    """The header and body of the document view."""
    if not view or view.get("doc") not in docs:
        return EMPTY
    doc = docs[view["doc"]]
    start, end = view.get("start"), view.get("end")
    body = _pdf_page(doc, corpus_dir, view["page"], start, end) if view.get("page") else _paragraphs(doc, start, end)
    return f'<div class="docview">{_header(doc, view)}{body}</div>'


def _header(doc, view: dict) -> str:
    """Title, citation facts and, for a filing, the page; when a span is open, its pinpoint."""
    m = doc.meta
    facts = [m.court, m.date.isoformat() if m.date else "", m.docket, m.kind, m.file]
    where = []
    if view.get("page"):
        where.append(f'Page <strong>{view["page"]}</strong> of {doc.layout.page_labels[-1]}')
    if view.get("start") is not None and view.get("end"):
        where.append(f'Highlighted: <strong class="pin">{esc(doc.locate(view["start"], view["end"]))}</strong>')
    line = f'<p class="doc-where">{" · ".join(where)}</p>' if where else ""
    facts = " · ".join(esc(f) for f in facts if f)
    return f'<header class="doc-head"><h2>{esc(m.title)}</h2><p class="doc-facts">{facts}</p>{line}</header>'


def _paragraphs(doc, start: int | None, end: int | None) -> str:
    """The whole text, paragraph by paragraph, the cited ones marked."""
    rows = []
    for n, s, e in doc.layout.paragraphs or [(1, 0, len(doc.text))]:
        hit = start is not None and end is not None and s < end and e > start
        text = marked(doc.text, start, end, s, e) if hit else esc(doc.text[s:e])
        rows.append(f'<p class="para{" cited" if hit else ""}" id="para-{n}"><span class="pno">¶ {n}</span>{text}</p>')
    return f'<article class="doc-text scroller">{"".join(rows)}</article>'


def _pdf_page(doc, corpus_dir, page: int, start: int | None, end: int | None) -> str:
    """The page image beside its text, line by line."""
    figure, lines = _page_figure(doc, corpus_dir, page, start, end), _page_lines(doc, page, start, end)
    return f'<div class="pdf-page">{figure}{lines}</div>'


def _page_figure(doc, corpus_dir, page: int, start: int | None, end: int | None) -> str:
    """The rendered page with the cited lines highlighted, and an anchor at the first of them."""
    where = doc.info.get("pdf_pages", {}).get(str(page))
    path = corpus_dir / doc.meta.file
    if not where or not path.is_file():
        why = "is no longer in the corpus folder" if where else "was indexed without page positions (run `rag ingest`)"
        return f'<div class="page-figure missing scroller"><p>No page image: {esc(doc.meta.file)} {why}.</p></div>'
    index, _, height = where
    boxes = _boxes(doc, page, start, end)
    src = page_image(str(path), path.stat().st_mtime, index, boxes)
    anchor = f'<span class="hl-anchor" style="top:{100 * boxes[0][1] / height:.2f}%"></span>' if boxes else ""
    alt = esc(f"Page {page} of {doc.meta.title}")
    image = f'<img src="{src}" alt="{alt}">'
    return f'<figure class="page-figure scroller"><div class="page-wrap">{image}{anchor}</div></figure>'


def _boxes(doc, page: int, start: int | None, end: int | None) -> tuple[tuple[float, ...], ...]:
    """The boxes of the lines on `page` that overlap text[start:end], cut to the quoted part."""
    if start is None or end is None:
        return ()
    boxes = doc.info.get("line_boxes", [])
    return tuple(
        _part_of_box(boxes[i], s, e, start, end)
        for i, (p, _, s, e) in enumerate(doc.layout.lines)
        if p == page and s < end and e > start and i < len(boxes) and boxes[i]
    )


def _part_of_box(box, s: int, e: int, start: int, end: int) -> tuple[float, ...]:
    """The share of a line's box that the quote covers, assuming even character widths."""
    x0, top, x1, bottom = box
    width = (x1 - x0) / max(e - s, 1)
    right = x1 if end >= e else min(x1, x0 + width * (end - s + 0.5))  # half a character of slack
    return (x0 + width * max(start - s, 0), top, right, bottom)


def _page_lines(doc, page: int, start: int | None, end: int | None) -> str:
    """The page's canonical text, one row per line with its margin number, the quote marked."""
    rows, last = [], None
    for p, line, s, e in doc.layout.lines:
        if p != page:
            continue
        number = "" if line is None or line == last else str(line)
        last = line
        text = marked(doc.text, start, end, s, e) if start is not None and end is not None else esc(doc.text[s:e])
        rows.append(f'<div class="line"><span class="lno">{number}</span><span class="ltext">{text}</span></div>')
    return f'<div class="page-text scroller"><div class="page-text-head">Text of page {page}</div>{"".join(rows)}</div>'
