"""Safe text for HTML, and the small pieces of document text the UI shows around a quote.

Every string that comes from a document, a question or an answer goes through `esc` before
it is put into HTML, so a ruling that contains `<script>` or a Markdown link shows it as
text. Nothing here is ever interpreted as Markdown either: the UI renders HTML it built itself.
"""

from __future__ import annotations

import html
import re

CONTEXT_CHARS = 320  # shown on each side of a quote, at most, inside its paragraph
MARKDOWN_SPECIAL = re.compile(r"([\\`*_<>~]|\[(?=\^)|\](?=[(\[:]))")  # brackets only where they would make a link


def esc(value: object) -> str:
    """The value as HTML text (quotes escaped too, so it is also safe inside attributes)."""
    return html.escape(str(value), quote=True)


def marked(text: str, start: int, end: int, lo: int, hi: int) -> str:
    """text[lo:hi] as HTML, with the part inside [start, end) wrapped in <mark>."""
    a, b = max(lo, min(start, hi)), min(hi, max(end, lo))
    if a >= b:
        return esc(text[lo:hi])
    return f"{esc(text[lo:a])}<mark>{esc(text[a:b])}</mark>{esc(text[b:hi])}"


def surrounding(doc, start: int, end: int, width: int = CONTEXT_CHARS) -> tuple[int, int]:
    """The span to show around text[start:end]: its paragraph(s), clipped to `width` a side."""
    paras = [(s, e) for _, s, e in doc.layout.paragraphs if s < end and e > start]
    lo, hi = (paras[0][0], paras[-1][1]) if paras else (start, end)
    lo, hi = max(lo, start - width), min(hi, end + width)
    return _word_start(doc.text, lo, start), _word_end(doc.text, hi, end)


def in_context(doc, start: int, end: int, width: int = CONTEXT_CHARS) -> str:
    """The quote highlighted inside its surrounding text, with … where the text was cut."""
    lo, hi = surrounding(doc, start, end, width)
    before = "… " if lo > 0 and doc.text[lo - 1] not in "\n" else ""
    after = " …" if hi < len(doc.text) and doc.text[hi] not in "\n" else ""
    return f"{before}{marked(doc.text, start, end, lo, hi)}{after}"


def clip(text: str, width: int) -> str:
    """One line of at most `width` characters, cut at a word, with … when cut."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    return text[:width].rsplit(" ", 1)[0].rstrip(",;:") + " …"


def markdown_text(text: str) -> str:
    """Document text made literal for Markdown: links, footnotes, emphasis and tags stay text.

    Brackets are escaped only where they would start a link or footnote, so a quote's
    "ha[d]" is copied as it reads.
    """
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _word_start(text: str, lo: int, limit: int) -> int:
    """Move lo forward to the start of a word (never past limit)."""
    if lo == 0 or text[lo - 1].isspace():
        return lo
    space = text.find(" ", lo, limit)
    return space + 1 if space != -1 else lo


def _word_end(text: str, hi: int, limit: int) -> int:
    """Move hi back to the end of a word (never before limit)."""
    if hi >= len(text) or text[hi].isspace():
        return hi
    space = text.rfind(" ", limit, hi)
    return space if space != -1 else hi
