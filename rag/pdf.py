"""Read a court filing from PDF into one canonical text, keeping the court's pinpoints.

Works from pdfplumber's word boxes. For each page it drops what is not the ruling's text
(the ECF header, pleading-paper margin numbers, rotated margin text, the printed page
number, running headers and footers), keeps the court's page number (printed number first,
then the ECF "Page N of M", then the PDF index), and gives every text line the margin line
number beside it, so a quote can be cited "at 31:12-15". Lines are joined into paragraphs;
hyphenated line breaks are joined; footnotes stay on their page, after its body text.

What it gives up: scanned PDFs without a text layer (they are an error: no OCR here),
multi-column layouts beyond a case caption, and footnotes that run over to the next page
(their continuation is read as part of that page's footnotes).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import CorpusError
from rag.layout import Layout

ECF_HEADER = re.compile(
    r"Case\s+(?P<case>\S+)\s+Document\s+(?P<doc>[\w-]+)\s+Filed\s+(?P<filed>\S+)\s+Page\s+(?P<page>\d+)\s+of\s+\d+"
)
PRINTED_PAGE = re.compile(r"^[-–\s]*(\d{1,4})[-–\s]*$")
SUPERSCRIPT = 0.75  # a word under this share of the body size is a superscript mark
BULLETS = ("•", "◦", "▪", "·")
GLYPHS = {"\uf0b7": "•", "\u00a0": " ", "\ufb01": "fi", "\ufb02": "fl"}


@dataclass
class Row:
    """One text line of the page body, as it will appear in the canonical text."""

    text: str
    x0: float
    x1: float
    top: float
    size: float
    bottom: float = 0.0
    line: int | None = None
    footnote: int | None = None  # footnote number when this row starts a footnote
    in_footnote: bool = False


@dataclass
class Page:
    label: int
    index: int = 0  # position in the PDF, from 0
    width: float = 0.0
    height: float = 0.0
    rows: list[Row] = field(default_factory=list)
    ecf: dict | None = None
    printed: int | None = None


def read_pdf(path: Path) -> tuple[str, Layout, dict]:
    """Return the canonical text, its layout (pages, lines, paragraphs, footnotes) and file metadata."""
    import pdfplumber

    try:
        with pdfplumber.open(path) as pdf:
            meta = {k.lower(): v for k, v in (pdf.metadata or {}).items() if isinstance(v, str)}
            pages = [_read_page(p, i + 1) for i, p in enumerate(pdf.pages)]
    except CorpusError:
        raise
    except Exception as exc:  # pdfplumber raises many types for a damaged file
        raise CorpusError(f"{path.name}: not a readable PDF ({type(exc).__name__}: {exc})") from exc
    if not any(p.rows for p in pages):
        raise CorpusError(f"{path.name}: the PDF has no text layer (scanned? OCR it first)")
    _drop_running_lines(pages)
    _fix_labels(pages)
    text, layout = _assemble(pages)
    meta.update(_geometry(pages))
    ecf = next((p.ecf for p in pages if p.ecf), None)
    if ecf:
        meta.update(case=ecf["case"], ecf_document=ecf["doc"], filed=ecf["filed"])
    return text, layout, meta


def _read_page(page, index: int) -> Page:
    """Classify the words of one page into header, margin numbers, page number and body rows."""
    page = page.filter(lambda o: o.get("object_type") != "char" or o.get("upright", True))
    words = page.extract_words(extra_attrs=["size"], keep_blank_chars=False)
    rows = _group_rows(words)
    out = Page(label=index, index=index - 1, width=float(page.width), height=float(page.height))
    margin = _margin_numbers(words, page.width)
    margin_ids = {id(w) for w in margin}
    body: list[list[dict]] = []
    for row in rows:
        row = [w for w in row if id(w) not in margin_ids]
        if not row:
            continue
        text = " ".join(w["text"] for w in row)
        if (m := ECF_HEADER.search(text)) and row[0]["top"] < page.height * 0.12:
            out.ecf = m.groupdict()
            out.label = int(m["page"])
        elif row[0]["top"] > page.height * 0.88 and PRINTED_PAGE.match(text):
            out.printed = int(PRINTED_PAGE.match(text)[1])
        else:
            body.append(row)
    out.rows = _body_rows(body, margin)
    return out


def _group_rows(words: list[dict]) -> list[list[dict]]:
    """Group words into visual lines.

    Full-size words join a line when their vertical centre lies inside it; superscripts
    (footnote marks) then join the line whose top is nearest theirs, since a mark sits at the
    top of its line and may overlap the line above.
    """
    size = Counter(round(w["size"]) for w in words).most_common(1)[0][0] if words else 12
    small = [w for w in words if w["size"] < size * SUPERSCRIPT]
    rows: list[list[dict]] = []
    for w in sorted((w for w in words if w["size"] >= size * SUPERSCRIPT), key=lambda w: (w["bottom"], w["x0"])):
        centre = (w["top"] + w["bottom"]) / 2
        row = next((r for r in reversed(rows[-3:]) if r[0]["top"] <= centre <= r[0]["bottom"]), None)
        if row is None:
            rows.append([w])
        else:
            row.append(w)
    for w in small:
        near = min(rows, key=lambda r: abs(r[0]["top"] - w["top"]), default=None)
        if near is not None and abs(near[0]["top"] - w["top"]) < size * 0.75:
            near.append(w)
        else:
            rows.append([w])
    for row in rows:
        row.sort(key=lambda w: w["x0"])
    rows.sort(key=lambda r: min(w["top"] for w in r))
    return rows


def _margin_numbers(words: list[dict], width: float) -> list[dict]:
    """The pleading-paper line numbers: a run of small integers down the left margin."""
    cands = [w for w in words if w["text"].isdigit() and w["x1"] < width * 0.15 and int(w["text"]) <= 40]
    cands.sort(key=lambda w: w["top"])
    values = [int(w["text"]) for w in cands]
    if len(cands) < 5 or values != sorted(values) or len(set(values)) != len(values):
        return []
    return cands


def _body_rows(rows: list[list[dict]], margin: list[dict]) -> list[Row]:
    """Turn word rows into text rows with margin line numbers and footnote marks."""
    sizes = Counter(round(w["size"]) for row in rows for w in row)
    body_size = sizes.most_common(1)[0][0] if sizes else 12
    out: list[Row] = []
    in_footnote = False
    for words in rows:
        first = words[0]
        starts_note = _is_superscript(first, body_size) and first["text"].isdigit() and len(words) > 1
        in_footnote = in_footnote or starts_note
        row = Row(
            text=_row_text(words, body_size),
            x0=min(w["x0"] for w in words),
            x1=max(w["x1"] for w in words),
            top=min(w["top"] for w in words if not _is_superscript(w, body_size)) if len(words) > 1 else first["top"],
            bottom=max(w["bottom"] for w in words),
            size=body_size,
            footnote=int(first["text"]) if starts_note else None,
            in_footnote=in_footnote,
        )
        row.line = _line_number(row, margin)
        if row.text.strip():
            out.append(row)
    return out


def _is_superscript(word: dict, body_size: float) -> bool:
    return word["size"] < body_size * SUPERSCRIPT


def _row_text(words: list[dict], body_size: float) -> str:
    """Join the words of a line, spacing by the gaps between them.

    Superscript footnote references inside the body are dropped (the footnote itself keeps
    its number); small-caps runs, set in two sizes with no gap, are joined without a space.
    """
    parts: list[str] = []
    prev = None
    for i, w in enumerate(words):
        text = "".join(GLYPHS.get(c, c) for c in w["text"])
        if i > 0 and _is_superscript(w, body_size) and text.isdigit():
            continue
        if prev is not None:
            parts.append(" " if w["x0"] - prev["x1"] > 1.5 else "")
        parts.append(text)
        prev = w
    return "".join(parts).strip()


def _line_number(row: Row, margin: list[dict]) -> int | None:
    """The margin number level with this row, if any lies within half a line of it."""
    if not margin:
        return None
    centre = row.top + row.size / 2
    best = min(margin, key=lambda w: abs((w["top"] + w["bottom"]) / 2 - centre))
    pitch = (margin[-1]["top"] - margin[0]["top"]) / max(len(margin) - 1, 1)
    return int(best["text"]) if abs((best["top"] + best["bottom"]) / 2 - centre) <= pitch * 0.6 else None


def _drop_running_lines(pages: list[Page]) -> None:
    """Remove lines repeated at the top or bottom of most pages (running headers and footers)."""
    if len(pages) < 3:
        return

    def key(row: Row) -> str:
        return re.sub(r"\d+", "#", row.text.lower())

    edges = [[r for r in p.rows[:2] + p.rows[-2:] if not r.in_footnote] for p in pages]
    counts = Counter(k for rows in edges for k in {key(r) for r in rows})
    running = {k for k, n in counts.items() if n >= max(3, len(pages) // 2)}
    for page, rows in zip(pages, edges):
        drop = {id(r) for r in rows if key(r) in running}
        page.rows = [r for r in page.rows if id(r) not in drop]


def _fix_labels(pages: list[Page]) -> None:
    """Prefer printed page numbers; number the pages without one from their neighbours."""
    offsets = Counter(p.printed - i for i, p in enumerate(pages) if p.printed)
    if not offsets:
        return
    offset = offsets.most_common(1)[0][0]
    for i, p in enumerate(pages):
        p.label = p.printed or i + offset


def _assemble(pages: list[Page]) -> tuple[str, Layout]:
    """Join rows into paragraphs and pages, recording the offsets of every page, line and paragraph."""
    vocab = Counter(re.findall(r"\w+", " ".join(r.text for p in pages for r in p.rows).lower()))
    layout = Layout()
    text = ""
    para_start = 0
    prev: Row | None = None
    prev_opens = True
    for page in pages:
        page_start = None
        left, right = _margins(page.rows)
        for row in page.rows:
            new_para = prev is None or _starts_paragraph(row, prev, left, right, prev_opens)
            prev_opens = new_para
            if prev is not None:
                if new_para:
                    layout.add_paragraph(para_start, len(text))
                    text += "\n"
                    para_start = len(text)
                else:
                    joined, joiner = _join(text, row.text, vocab)
                    if len(joined) < len(text):  # a soft hyphen was dropped from the line before
                        page_no, line_no, line_start, _ = layout.lines[-1]
                        layout.lines[-1] = (page_no, line_no, line_start, len(joined))
                    text = joined + joiner
            start = len(text)
            page_start = start if page_start is None else page_start
            text += row.text
            layout.add_line(page.label, row.line, start, len(text))
            if row.footnote is not None:
                layout.add_footnote(page.label, row.footnote, start)
            prev = row
        if page_start is not None:
            layout.add_page(page.label, page_start, len(text))
    layout.add_paragraph(para_start, len(text))
    layout.close_footnotes(text)
    return text, layout


def _geometry(pages: list[Page]) -> dict:
    """Where each court page is in the PDF and where each text line sits on it (for page images).

    `pdf_pages` maps a page label to [PDF index, width, height]; `line_boxes` lists
    [x0, top, x1, bottom] in PDF points for each entry of `Layout.lines`, in the same order.
    """
    return {
        "pdf_pages": {str(p.label): [p.index, p.width, p.height] for p in pages if p.rows},
        "line_boxes": [[round(r.x0, 1), round(r.top, 1), round(r.x1, 1), round(r.bottom, 1)] for p in pages for r in p.rows],
    }


def _margins(rows: list[Row]) -> tuple[float, float]:
    body = [r for r in rows if not r.in_footnote] or rows
    lefts = Counter(round(r.x0) for r in body)
    rights = Counter(round(r.x1) for r in body)
    return (lefts.most_common(1)[0][0] if lefts else 0, max(rights) if rights else 0)


def _starts_paragraph(row: Row, prev: Row, left: float, right: float, prev_opens: bool) -> bool:
    """Whether row opens a new paragraph (prev_opens: prev was the first line of its paragraph).

    New paragraph: a footnote starts or body gives way to footnotes; a bullet; a heading
    (no lower-case letters) or the line after one; the previous line stops well short of the
    right margin; the line moves right of the previous one (first-line indent, block quote);
    it moves left other than from a first-line indent back to the margin; or two lines in a
    row sit at the first-line indent (a one-line paragraph, then the next paragraph).
    """
    step = row.size * 1.5
    if row.footnote is not None or row.in_footnote != prev.in_footnote or row.text.startswith(BULLETS):
        return True
    if _is_heading(row) or _is_heading(prev) or prev.x1 < left + (right - left) * 0.6:
        return True
    first_line_indent = row.size * 2.5
    if abs(row.x0 - prev.x0) <= step:
        return prev_opens and step < row.x0 - left < first_line_indent
    if row.x0 > prev.x0:
        return True
    return not (prev_opens and prev.x0 - left < first_line_indent)


def _is_heading(row: Row) -> bool:
    """A caption line or section heading (letters, none lower-case) or a "* * *" break."""
    letters = [c for c in row.text if c.isalpha()]
    if not any(c.isalnum() for c in row.text):
        return True
    return len(letters) >= 4 and not any(c.islower() for c in letters) and len(row.text) < 120


def _join(text: str, nxt: str, vocab: Counter) -> tuple[str, str]:
    """How the next line joins the text so far: a space, or nothing after a line-end hyphen or dash.

    A hyphen is dropped only when the joined word also occurs unhyphenated elsewhere in the
    document (a soft break); otherwise it is a real hyphen ("bulk-acquired") and stays.
    """
    if text.endswith("-") and nxt[:1].isalnum():
        head = re.search(r"([^\W\d]+)-$", text)
        tail = re.match(r"[^\W\d]+", nxt)
        if head and tail and vocab[(head[1] + tail[0]).lower()] > 0:
            return text[:-1], ""
        return text, ""
    if text.endswith(("–", "—")) and len(text) > 1 and not text[-2].isspace():
        return text, ""
    return text, " "
