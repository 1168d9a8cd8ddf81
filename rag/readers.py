"""Turn a corpus file into its canonical text and layout.

PDFs keep pages and margin lines (see `rag.pdf`). Every other format becomes numbered
paragraphs, one per line of the canonical text: for plain text, each non-empty line is a
paragraph, or each blank-line-separated block when the file has such blocks (its wrapped
lines joined by spaces); HTML and DOCX paragraphs come from their block elements, RTF ones
(a format Westlaw and Lexis deliver rulings in) from its paragraph marks.
"""

from __future__ import annotations

import re
from pathlib import Path

from rag.errors import CorpusError
from rag.layout import Layout

WRAP_WIDTH = 100  # a plain-text file whose lines are all this short is read as hard-wrapped
REPEATED_RUN = 3  # this many paragraphs repeated in order are a second copy of the text, not the text


def read_file(path: Path) -> tuple[str, Layout, dict]:
    """Canonical text, layout and file-level facts (title, ECF case number...) of one file."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from rag.pdf import read_pdf

        text, layout, info = read_pdf(path)
    elif suffix in (".txt", ".md"):
        text, layout, info = from_paragraphs(text_paragraphs(_decode(path)))
    elif suffix in (".html", ".htm"):
        text, layout, info = from_paragraphs(html_paragraphs(_decode(path)))
    elif suffix == ".docx":
        text, layout, info = from_paragraphs(docx_paragraphs(path))
    elif suffix == ".rtf":
        text, layout, info = from_paragraphs(rtf_paragraphs(path))
    else:
        raise CorpusError(f"{path.name}: unsupported file type {suffix!r}")
    if not text.strip():
        raise CorpusError(f"{path.name}: no text in the file")
    return text, layout, info


def from_paragraphs(paragraphs: list[str]) -> tuple[str, Layout, dict]:
    """Join paragraphs one per line and number them 1, 2, ... (a repeated run of them once: see `unrepeated`)."""
    layout = Layout()
    parts: list[str] = []
    offset = 0
    for para in unrepeated(paragraphs):
        layout.add_paragraph(offset, offset + len(para))
        parts.append(para)
        offset += len(para) + 1
    return "\n".join(parts), layout, {}


def unrepeated(paragraphs: list[str]) -> list[str]:
    """The paragraphs without a run of `REPEATED_RUN` or more that repeats, word for word and in
    order, a run before it: a page saved with its article twice (once for print, once for the
    screen) holds one text, and its second copy would only give each sentence two pinpoints. A
    single paragraph said again ("So ordered.") stays."""
    first: dict[str, int] = {}
    out: list[str] = []
    i = 0
    while i < len(paragraphs):
        j = first.get(paragraphs[i])
        run = _common_run(paragraphs, j, i) if j is not None else 0
        if run >= REPEATED_RUN:
            i += run
            continue
        first.setdefault(paragraphs[i], i)
        out.append(paragraphs[i])
        i += 1
    return out


def _common_run(paragraphs: list[str], earlier: int, later: int) -> int:
    """How many paragraphs from `later` on repeat, in order, those from `earlier` (up to `later`)."""
    run = 0
    while earlier + run < later and later + run < len(paragraphs):
        if paragraphs[earlier + run] != paragraphs[later + run]:
            break
        run += 1
    return run


def text_paragraphs(raw: str) -> list[str]:
    """Paragraphs of a plain-text file.

    One paragraph per non-empty line, unless the file is hard-wrapped (no line longer than
    a printed line, and blank lines between blocks): then each block, its lines joined.
    """
    lines = [line.strip() for line in raw.strip().replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    wrapped = max(map(len, lines), default=0) <= WRAP_WIDTH and "" in lines
    if wrapped:
        blocks = re.split(r"\n\s*\n", "\n".join(lines))
        return [" ".join(b.split()) for b in blocks if b.strip()]
    return [line for line in lines if line]


def html_paragraphs(raw: str) -> list[str]:
    """Text of an HTML page's block elements, scripts and styles removed."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(raw, "html.parser")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    blocks = soup.find_all(["p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td"])
    texts = [" ".join(b.get_text().split()) for b in blocks if not b.find(["p", "li", "blockquote"])]
    if not any(texts):
        texts = [" ".join(line.split()) for line in soup.get_text("\n").split("\n")]
    return [t for t in texts if t]


def docx_paragraphs(path: Path) -> list[str]:
    """Paragraphs of a Word document."""
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several types for a damaged file
        raise CorpusError(f"{path.name}: not a readable .docx file ({type(exc).__name__})") from exc
    return [" ".join(p.text.split()) for p in document.paragraphs if p.text.strip()]


def rtf_paragraphs(path: Path) -> list[str]:
    """Paragraphs of a Rich Text Format file: its text between paragraph and line marks.

    RTF is 7-bit text; other characters are escapes, in the code page its header names
    (\\ansicpg1252, the default) or as Unicode (\\u8220?).
    """
    from striprtf.striprtf import rtf_to_text

    raw = path.read_bytes().decode("latin-1")
    if not raw.lstrip().startswith("{\\rtf"):
        raise CorpusError(f"{path.name}: not a readable .rtf file (it does not begin with {{\\rtf)")
    codepage = re.search(r"\\ansicpg(\d+)", raw)
    try:
        text = rtf_to_text(raw, encoding=f"cp{codepage.group(1)}" if codepage else "cp1252", errors="replace")
    except (LookupError, ValueError, IndexError, OverflowError) as exc:  # what a damaged file makes striprtf raise
        raise CorpusError(f"{path.name}: not a readable .rtf file ({type(exc).__name__})") from exc
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _decode(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path.name}: not UTF-8 text (byte {exc.start}); re-save it as UTF-8") from exc
