"""Read a court filing from PDF into one canonical text, keeping the court's pinpoints.

Works from the word boxes of `rag.pdfwords` (pypdfium2's text layer, or OCR for a page
that is only an image). For each page it drops what is not the ruling's text (the ECF
header, pleading-paper margin numbers, rotated margin text, the printed page number,
running headers and footers, text under a redaction box), keeps the court's page number and
gives every text line the margin line number beside it, so a quote can be cited
"at 31:12-15". Lines are joined into paragraphs; hyphenated line breaks are joined;
footnotes stay on their page, after its body text; paragraphs the court numbers ("¶ 12")
keep their numbers.

Page numbers are what the court prints, found at the head or foot of each page ("7",
"- 7 -", "Page 7 of 31", "No. 21-4567 7", "Cite as: 601 U. S. ___ (2024) 7") and accepted
when they run in sequence (continuous slip-opinion pagination may skip numbers); a page
without one is numbered from its neighbours; without any, the ECF header's "Page N" (district
"Page N of M" or appellate "Page: N"), else the PDF's own page index. Where the numbering
starts again at 1 (a Supreme Court slip opinion's syllabus, then its opinion), each run is a
part named by its running head ("Syllabus", "Opinion of the Court").

The layout pass is an improvement on a reading that cannot fail: a page whose layout cannot
be worked out is still read, line by line, without line numbers. What it gives up:
multi-column layouts beyond a case caption, and footnotes that run over to the next page
(their continuation is read as part of that page's footnotes).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rag import legal, pdfwords
from rag.errors import CorpusError
from rag.layout import Layout
from rag.text import LEGAL_ABBREVIATIONS, dictionary_words

log = logging.getLogger(__name__)

# The header CM/ECF stamps on every page of a filing, district ("Case 1:23-cv-04567-ABC Document 89 Filed
# 03/14/24 Page 2 of 9") or appellate ("Case: 23-1234 Document: 00118765432 Page: 2 Date Filed: 03/14/2024
# Entry ID: 6612345"); rag.naming reads and strips it in text that still carries it.
ECF_HEADER = re.compile(
    r"Case\s*:?\s+(?P<case>\S+)\s+Document\s*:?\s+(?P<doc>[\w-]+)\s+"
    r"(?:Filed\s+(?P<filed>\S+)\s+Page\s+(?P<page>\d+)\s+of\s+\d+|Page\s*:\s*(?P<apage>\d+)\s+Date Filed\s*:\s*(?P<afiled>\S+)"
    r"(?:\s+Entry ID\s*:\s*\d+)?)"
)
PAGE_NUMBER = [  # a printed page number alone on its line, or at either end of a running head
    re.compile(r"^[-–—\s]*(\d{1,5})[-–—\s]*$"),
    re.compile(r"^page\s+(\d{1,5})(?:\s+of\s+\d+)?$", re.I),
]
RUNNING_NUMBER = [re.compile(r"^(\d{1,5})\s+\S"), re.compile(r"\S\s+(?:page\s+)?(\d{1,5})$", re.I)]
MARK = re.compile(r"^\[?¶\s*(\d{1,4})\]?\s")  # a paragraph the court numbers
EDGE = 0.15  # share of the page height where running heads, footers and page numbers sit
SUPERSCRIPT = 0.75  # a word under this share of the body size is a superscript mark
BULLETS = ("•", "◦", "▪", "·")
INCH = 72.0  # PDF points
GLYPHS = {"\uf0b7": "•", "\u00a0": " ", "\ufb01": "fi", "\ufb02": "fl"}
PROGRESS_PAGES = 10  # a file of this many pages shows a bar per page while it is read (on a terminal)


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
    mark: int | None = None  # the court's paragraph number when this row starts one


@dataclass
class Page:
    label: int
    index: int = 0  # position in the PDF, from 0
    width: float = 0.0
    height: float = 0.0
    rows: list[Row] = field(default_factory=list)
    ecf: dict | None = None
    numbers: list[int] = field(default_factory=list)  # printed page numbers found at its edges
    printed: int | None = None  # the one of them that runs in sequence with the other pages
    part: str | None = None
    ocr: bool = False


def read_pdf(path: Path) -> tuple[str, Layout, dict]:
    """Return the canonical text, its layout (pages, lines, paragraphs, footnotes) and file metadata."""
    pdf = _open(path)
    try:
        pages, unread = _read_pages(pdf, path.name)
    finally:
        pdf.close()
    if not any(p.rows for p in pages):
        raise CorpusError(f"{path.name}: no text on any of its {len(pages)} pages ({_unread_reason(unread)})")
    if unread:
        log.warning("%s: %s not read (%s)", path.name, _page_list(unread), _unread_reason(unread))
    _label_pages(pages)
    _drop_running_lines(pages)
    text, layout = _assemble(pages)
    meta = _geometry(pages)
    meta["unread_pages"] = [i + 1 for i in unread]
    ecf = next((p.ecf for p in pages if p.ecf), None)
    if ecf:
        meta.update(case=ecf["case"], ecf_document=ecf["doc"], filed=ecf["filed"])
    return text, layout, meta


def _open(path: Path):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise CorpusError(f"{path.name}: not a readable PDF ({exc})") from exc


def _read_pages(pdf, name: str = "") -> tuple[list[Page], list[int]]:
    """Every page read (by OCR where its text layer has no body text); the indexes of pages left unread."""
    from tqdm import tqdm

    pages, unread = [], []
    # A bar per page for a long file (OCR takes seconds a page), on a terminal only.
    for i in tqdm(
        range(len(pdf)), desc=name, unit="page", leave=False, disable=None if len(pdf) >= PROGRESS_PAGES else True
    ):
        page = pdf[i]
        words = pdfwords.page_words(page)
        read = _read_page(words, i, page.get_width(), page.get_height())
        if not read.rows and pdfwords.has_images(page):
            read = _ocr_page(page, words, read) if pdfwords.tesseract() else read
            unread += [] if read.rows else [i]
        pages.append(read)
        page.close()
    return pages, unread


def _ocr_page(page, words: list[dict], read: Page) -> Page:
    """The page read again with the words OCR finds where the text layer has none (a scanned page
    may carry a stamped header as text)."""
    found = [w for w in pdfwords.ocr_words(page) if not any(_inside(w, t) for t in words)]
    again = _read_page(words + found, read.index, read.width, read.height)
    again.ecf = again.ecf or read.ecf
    again.ocr = bool(found)
    return again


def _inside(word: dict, box: dict) -> bool:
    cx, cy = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
    return box["x0"] <= cx <= box["x1"] and box["top"] <= cy <= box["bottom"]


def _unread_reason(unread: list[int]) -> str:
    if not unread:
        return "no text layer"
    if pdfwords.tesseract() is None:
        return "scanned images; install Tesseract (apt-get install tesseract-ocr) to read them"
    return "scanned images in which OCR found no text"


def _page_list(indexes: list[int]) -> str:
    return ("page " if len(indexes) == 1 else "pages ") + ", ".join(str(i + 1) for i in indexes)


def _read_page(words: list[dict], index: int, width: float, height: float) -> Page:
    """One page's rows; the careful layout pass first, a plain line-by-line reading if it fails."""
    out = Page(label=index + 1, index=index, width=width, height=height)
    try:
        _classify(out, words)
    except (ValueError, IndexError, ZeroDivisionError, KeyError) as exc:
        log.debug("page %d: layout pass failed (%s); reading it line by line", index + 1, exc)
        out.rows = [_plain_row(r) for r in _group_rows(words)]
    return out


def _plain_row(words: list[dict]) -> Row:
    """A row of words with no layout knowledge: no line number, no footnote."""
    text = " ".join(w["text"] for w in words)
    size = Counter(round(w["size"]) for w in words).most_common(1)[0][0]
    return Row(
        text=text,
        x0=words[0]["x0"],
        x1=words[-1]["x1"],
        top=words[0]["top"],
        bottom=max(w["bottom"] for w in words),
        size=size,
    )


def _classify(out: Page, words: list[dict]) -> None:
    """Sort a page's words into header, margin numbers, page number and body rows."""
    margin = _margin_numbers(words, out.width)
    margin_ids = {id(w) for w in margin}
    body: list[list[dict]] = []
    rows = [r for r in ([w for w in row if id(w) not in margin_ids] for row in _group_rows(words)) if r]
    for i, row in enumerate(rows):
        text = " ".join(w["text"] for w in row)
        edge = row[0]["top"] < out.height * EDGE or row[0]["top"] > out.height * (1 - EDGE)
        if edge and (m := ECF_HEADER.search(text)):
            out.ecf = {
                "case": m["case"],
                "doc": m["doc"],
                "filed": m["filed"] or m["afiled"],
                "page": int(m["page"] or m["apage"]),
            }
        elif edge and (i < 2 or i >= len(rows) - 2) and (number := _standalone_number(text)):
            out.numbers.append(number)
        else:
            body.append(row)
    out.rows = _body_rows(body, margin)


def _standalone_number(text: str) -> int | None:
    """A page number printed alone on its line ("7", "- 7 -", "Page 7 of 31")."""
    for pattern in PAGE_NUMBER:
        if m := pattern.match(text.strip()):
            return int(m[1])
    return None


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
        text = _row_text(words, body_size)
        number = first["text"]
        if starts_note and not text[len(number) : len(number) + 1].isspace():  # "11Of course": set apart
            text = f"{number} {text[len(number) :]}"
        row = Row(
            text=text,
            x0=min(w["x0"] for w in words),
            x1=max(w["x1"] for w in words),
            top=min((w["top"] for w in words if not _is_superscript(w, body_size)), default=first["top"]),
            bottom=max(w["bottom"] for w in words),
            size=body_size,
            footnote=int(first["text"]) if starts_note else None,
            in_footnote=in_footnote,
        )
        row.line = _line_number(row, margin)
        row.mark = int(m[1]) if not in_footnote and (m := MARK.match(row.text)) else None
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
            parts.append(" " if w.get("space") or w["x0"] - prev["x1"] > 1.5 else "")
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


def _edge_rows(page: Page) -> list[Row]:
    """The first three and last three body rows of a page: where running heads and footers sit
    (a head can take three lines: the case name, its citation, "Opinion of the Court")."""
    body = [r for r in page.rows if not r.in_footnote]
    return body[:3] + body[-3:] if len(body) > 6 else body


def _key(row: Row) -> str:
    return re.sub(r"\d+", "#", row.text.lower())


def _running_keys(pages: list[Page], share: float) -> set[str]:
    """Edge lines (digits masked) repeated on at least `share` of the pages, and on three or more."""
    counts = Counter(k for p in pages for k in {_key(r) for r in _edge_rows(p)})
    return {k for k, n in counts.items() if n >= max(3, share * len(pages))}


def _drop_running_lines(pages: list[Page]) -> None:
    """Remove running headers and footers: over the whole document, and within each part."""
    running = _running_keys(pages, 0.3)
    for part in _parts(pages):
        running |= _running_keys(part, 0.5)
    for page in pages:
        drop = {id(r) for r in _edge_rows(page) if _key(r) in running}
        page.rows = [r for r in page.rows if id(r) not in drop]


def _label_pages(pages: list[Page]) -> None:
    """Give each page the number the court printed on it, in sequence; parts where it restarts."""
    running = _running_keys(pages, 0.2)
    for page in pages:
        page.numbers += [n for r in _edge_rows(page) if _key(r) in running for n in _running_number(r.text)]
    runs = _sequence(pages)
    if not runs:
        for page in pages:
            page.label = page.ecf["page"] if page.ecf else page.index + 1
        return
    for number, (start, end) in enumerate(runs):
        _number_run(pages[start:end])
        for page in pages[start:end]:
            page.part = str(number) if len(runs) > 1 else None
    if len(runs) > 1:
        _name_parts(pages)


def _running_number(text: str) -> list[int]:
    """The page number at either end of a running head ("No. 21-4567 7", "2 SMITH v. JONES")."""
    return [int(m[1]) for p in RUNNING_NUMBER if (m := p.search(text.strip()))][:1]


def _sequence(pages: list[Page]) -> list[tuple[int, int]]:
    """The runs of pages (start, end) whose printed numbers rise in step; [] when none do.

    Each page's candidates are chained greedily: a number is kept when it follows the last
    kept one by at least the pages between them and at most a few more (slip opinions skip
    numbers). A 1 followed by a 2 starts a new run (a new part of the document).
    """
    chosen: dict[int, int] = {}
    starts = [0]
    last: tuple[int, int] | None = None
    for i, page in enumerate(pages):
        nxt = pages[i + 1].numbers if i + 1 < len(pages) else []
        if last and 1 in page.numbers and 2 in nxt and last[1] > 1:
            starts.append(i)
            last = None
        fits = [n for n in page.numbers if last is None or 0 < i - last[0] <= n - last[1] <= i - last[0] + 5]
        if fits and (last or _confirmed(pages, i, fits[0])):
            chosen[i] = fits[0]
            last = (i, fits[0])
    for i, page in enumerate(pages):
        page.printed = chosen.get(i)
    kept = len(chosen) >= 2 or any(n == i + 1 for i, n in chosen.items())
    return list(zip(starts, starts[1:] + [len(pages)])) if kept else []


def _confirmed(pages: list[Page], i: int, number: int) -> bool:
    """A first number is trusted when the next page continues it, or it is the page's own position."""
    following = pages[i + 1].numbers if i + 1 < len(pages) else []
    return number + 1 in following or (number == i + 1 and not following) or number == 1


def _number_run(run: list[Page]) -> None:
    """Printed numbers where there are some, the pages between numbered from their neighbours."""
    known = [(i, p.printed) for i, p in enumerate(run) if p.printed is not None]
    for i, page in enumerate(run):
        before = [(j, n) for j, n in known if j <= i]
        j, n = before[-1] if before else known[0]
        page.label = max(1, n + i - j) if known else (page.ecf["page"] if page.ecf else page.index + 1)


def _parts(pages: list[Page]) -> list[list[Page]]:
    groups: dict[str | None, list[Page]] = {}
    for page in pages:
        groups.setdefault(page.part, []).append(page)
    return list(groups.values())


def _name_parts(pages: list[Page]) -> None:
    """Name each part by a running line of its own ("Syllabus", "Opinion of the Court")."""
    parts = _parts(pages)
    own = [Counter(_key(r) for p in part for r in _edge_rows(p) if not re.search(r"\d", r.text)) for part in parts]
    for i, part in enumerate(parts):
        others = set().union(*(set(c) for j, c in enumerate(own) if j != i))
        names = [k for k, n in own[i].most_common() if k not in others and n >= max(1, len(part) // 2)]
        text = next((r.text for p in part for r in _edge_rows(p) if names and _key(r) == names[0]), None)
        for page in part:
            page.part = text or f"Part {i + 1}"


def _assemble(pages: list[Page]) -> tuple[str, Layout]:
    """Join rows into paragraphs and pages, recording the offsets of every page, line and paragraph."""
    vocab = Counter(re.findall(r"\w+", " ".join(r.text for p in pages for r in p.rows).lower()))
    marks = _court_marks(pages)
    layout = Layout()
    text = ""
    para_start = 0
    prev: Row | None = None
    prev_opens = True
    margins = {page.index: _margins(page.rows) for page in pages}
    for page, rows in _reading_order(pages):
        page_start = None
        left, right = margins[page.index]
        for row in rows:
            mark = row.mark if marks else None
            new_para = prev is None or mark is not None or _starts_paragraph(row, prev, left, right, prev_opens)
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
            if mark is not None:
                layout.add_mark(mark, start)
            prev = row
        if page_start is not None:
            layout.add_page(page.label, page_start, len(text), part=page.part, ocr=page.ocr)
    layout.add_paragraph(para_start, len(text))
    layout.close_footnotes(text)
    layout.close_marks(text)
    return text, layout


def _reading_order(pages: list[Page]) -> list[tuple[Page, list[Row]]]:
    """The pages' rows in the order they are read, as runs of one page each.

    Page by page, except where a sentence breaks off at the foot of a page's text, above its
    footnotes, and goes on at the top of the next page: there the footnotes are read after the
    row that ends the sentence, so that it is one sentence (quoted "at 4:27–5:2") rather than
    two pieces with the footnotes between them. Each row keeps its own page and line.
    """
    order: list[tuple[Page, list[Row]]] = []
    held: tuple[Page, list[Row]] | None = None  # footnotes waiting for the sentence above them to end
    for i, page in enumerate(pages):
        rows = page.rows
        if held:
            body = [r for r in rows if not r.in_footnote]
            end = next((k for k, r in enumerate(body) if _ends_sentence(r.text)), None)
            if end is not None:
                order.append((page, rows[: end + 1]))
                rows = rows[end + 1 :]
            order.append(held)
            held = None
        first_note = next((k for k, r in enumerate(rows) if r.in_footnote), None)
        following = pages[i + 1].rows[:1] if i + 1 < len(pages) else []
        if (
            first_note  # body text above footnotes
            and following
            and not following[0].in_footnote
            and not _ends_sentence(rows[first_note - 1].text)
            and _continues(rows[first_note - 1].text, following[0].text)
        ):
            order.append((page, rows[:first_note]))
            held = (page, rows[first_note:])
        elif rows:
            order.append((page, rows))
    return order + ([held] if held else [])


def _ends_sentence(line: str) -> bool:
    """Whether a line ends a sentence: closing punctuation (before any closing quotes or
    brackets) after a word that is no abbreviation ("Cir.", "S.D.N.Y.")."""
    end = re.search(r"(\S*?)[.?!:;][”’\"')\]]*$", line)
    if not end:
        return False
    word = end[1].lower().lstrip("(“\"'[")
    if len(word) == 1 and word.isalpha():  # an initial: "John Q."
        return False
    return word not in LEGAL_ABBREVIATIONS and word not in legal.sentence_abbreviations()


def _court_marks(pages: list[Page]) -> bool:
    """Whether the court numbers its paragraphs ("¶ 1", "¶ 2", ...): three or more marks, rising."""
    marks = [r.mark for p in pages for r in p.rows if r.mark is not None]
    return len(marks) >= 3 and all(b > a for a, b in zip(marks, marks[1:]))


def _geometry(pages: list[Page]) -> dict:
    """Where each court page is in the PDF and where each text line sits on it (for page images).

    `pdf_pages` maps a page label to [PDF index, width, height]; `line_boxes` lists
    [x0, top, x1, bottom] in PDF points for each entry of `Layout.lines`, in the same order.
    """
    return {
        "pdf_pages": {str(p.label): [p.index, p.width, p.height] for p in reversed(pages) if p.rows},
        "line_boxes": [
            [round(r.x0, 1), round(r.top, 1), round(r.x1, 1), round(r.bottom, 1)] for p in pages for r in p.rows
        ],
    }


def _margins(rows: list[Row]) -> tuple[float, float]:
    body = [r for r in rows if not r.in_footnote] or rows
    lefts = Counter(round(r.x0) for r in body)
    rights = Counter(round(r.x1) for r in body)
    return (lefts.most_common(1)[0][0] if lefts else 0, max(rights) if rights else 0)


def _starts_paragraph(row: Row, prev: Row, left: float, right: float, prev_opens: bool) -> bool:
    """Whether row opens a new paragraph (prev_opens: prev was the first line of its paragraph).

    New paragraph: a footnote starts or body gives way to footnotes; a bullet; the line after a
    heading. Not one: a line that goes on with the sentence of the line before (`_continues`).
    New paragraph: a heading (no lower-case letters); the previous line stops well short of the
    right margin; the line moves right of the previous one (first-line indent, block quote);
    it moves left other than from a first-line indent back to the margin; or two lines in a
    row sit at the first-line indent (a one-line paragraph, then the next paragraph).
    A line that begins in the left margin (a paragraph number hung outside it) opens a
    paragraph that the next line at the margin continues. A first-line indent is up to 2.5 ems, or up to an inch when that first line runs (nearly)
    to the right margin (court filings indent half an inch: 36 points, 3 ems of 12-point type).
    """
    step = row.size * 1.5
    if row.footnote is not None or row.in_footnote != prev.in_footnote or row.text.startswith(BULLETS):
        return True
    if _is_heading(prev):
        return True
    if _continues(prev.text, row.text):
        return False
    if _is_heading(row):
        return True
    if prev.x1 < left + (right - left) * 0.6:
        return True
    first_line_indent = row.size * 2.5
    if prev.x0 < left - step and abs(row.x0 - left) <= step:
        return False  # the line before began in the left margin (a court's "¶ 12"): the paragraph goes on
    if abs(row.x0 - prev.x0) <= step:
        return prev_opens and step < row.x0 - left < first_line_indent
    if row.x0 > prev.x0:
        return True
    indent = prev.x0 - left
    filled = prev.x1 >= left + (right - left) * 0.85  # ragged right stops short of the margin
    return not (prev_opens and (indent < first_line_indent or (filled and indent <= INCH)))


ELLIPSIS = re.compile(r"\.\s?\.\s?\.")  # ". . ." or "...", where a quotation leaves words out
# English words no sentence ends on: articles, prepositions, conjunctions, and "is" of "... is"
# / "DENIED." (a disposition set on a line of its own).
OPEN_ENDINGS = frozenset(
    "a an the of to in on at by for from with into upon and or nor but that than is are was were be".split()
)


def _continues(line: str, nxt: str) -> bool:
    """Whether the next line goes on with the sentence of this one, whatever its place on the page:
    this one ends on a word or a comma and the next opens with a small letter ("the plaintiff
    argues that" / "the statute ..."), as across a page break, in a block quote or after a short
    line of a numbered list, but not with a caption's "v." between the parties; this one ends on a
    comma and the next opens with a parenthesis ("in the amount of $1,000," / "(ECF No. 12), is
    GRANTED;"); or this one ends on a word no sentence ends on ("filed suit on" / "March 3, 2010",
    "the motion is" / "DENIED.", a line in capitals that would otherwise be a heading); or the
    next one opens with an ellipsis (". . . .”)": a quotation cut short goes on)."""
    if (line.endswith(",") and nxt.startswith("(")) or ELLIPSIS.match(nxt):
        return True
    last = re.search(r"([^\W\d_]+)(,?)$", line)
    if not last:
        return False
    if last[1].lower() in OPEN_ENDINGS and not last[2] and " " in line.strip():  # not a heading's lone "A"
        return nxt[:1].isalnum()
    opening = nxt.split(maxsplit=1)[0] if nxt.strip() else ""
    return nxt[:1].islower() and opening not in legal.phrases("caption", "versus")


def _is_heading(row: Row) -> bool:
    """A caption line or section heading (letters, none lower-case) or a "* * *" break."""
    letters = [c for c in row.text if c.isalpha()]
    if not any(c.isalnum() for c in row.text):
        return True
    return len(letters) >= 4 and not any(c.islower() for c in letters) and len(row.text) < 120


def _join(text: str, nxt: str, vocab: Counter) -> tuple[str, str]:
    """How the next line joins the text so far: a space, or nothing after a line-end hyphen or dash.

    A hyphen is dropped only when the joined word is a word: it occurs unhyphenated elsewhere
    in the document, or it is in the system's English word list ("govern-" + "ment"), a
    soft break; otherwise it is a real hyphen ("bulk-acquired", "well-known") and stays.
    """
    if text.endswith("-") and nxt[:1].isalnum():
        head = re.search(r"([^\W\d]+)-$", text)
        tail = re.match(r"[^\W\d]+", nxt)
        joined = (head[1] + tail[0]).lower() if head and tail else ""
        if joined and (vocab[joined] > 0 or joined in dictionary_words()):
            return text[:-1], ""
        return text, ""
    if text.endswith(("–", "—")) and len(text) > 1 and not text[-2].isspace():
        return text, ""
    return text, " "
