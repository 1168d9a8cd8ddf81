"""Where things are in a canonical text: pages, margin lines, paragraphs and footnotes as offsets.

A reader records the spans while it builds the text; afterwards any span of the text can be
turned into a pinpoint ("at 31:12-15", "at 3 n.1", "¶ 8") by lookup alone. Because the
pinpoint is computed from offsets, it is the same at ingest, at answer time and in the
verifier, and cannot drift from the quote.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

DASH = "\u2013"
SPANS = ("pages", "lines", "paragraphs", "footnotes", "parts", "marks", "ocr")


@dataclass(frozen=True)
class Pinpoint:
    """Where a span of text is: page range (with margin lines) or paragraph range."""

    page: int | None = None
    page_end: int | None = None
    lines: tuple[int, int] | None = None  # first line (on `page`), last line (on `page_end`)
    paragraph: int | None = None
    paragraph_end: int | None = None
    footnote: int | None = None
    part: str | None = None  # a separately paginated part ("Syllabus", "Opinion of the Court")

    def __str__(self) -> str:
        if self.paragraph is not None:  # unpaginated text, or a court that numbers its paragraphs
            if self.paragraph_end in (None, self.paragraph):
                return f"¶ {self.paragraph}"
            return f"¶¶ {self.paragraph}{DASH}{self.paragraph_end}"
        if self.page is None:
            return ""
        if self.part is not None:
            return self._slip()
        if self.footnote is not None:
            return f"at {self.page} n.{self.footnote}"
        if self.lines is None:
            pages = str(self.page) if self.page_end == self.page else f"{self.page}{DASH}{self.page_end}"
            return f"at {pages}"
        first, last = self.lines
        if self.page_end != self.page:
            return f"at {self.page}:{first}{DASH}{self.page_end}:{last}"
        return f"at {self.page}:{first}" if first == last else f"at {self.page}:{first}{DASH}{last}"

    def _slip(self) -> str:
        """A slip opinion's pinpoint: "slip op., at 7", with the part when it is not the opinion of
        the court ("slip op., at 2 (Syllabus)"), as the Supreme Court cites its own slip opinions."""
        from rag.legal import is_main_opinion

        pages = str(self.page) if self.page_end in (None, self.page) else f"{self.page}{DASH}{self.page_end}"
        note = f", n. {self.footnote}" if self.footnote is not None else ""
        part = "" if is_main_opinion(self.part) else f" ({self.part})"
        return f"slip op., at {pages}{note}{part}"


@dataclass
class Layout:
    """Spans of a canonical text. Every list is sorted by start offset; ends are exclusive."""

    pages: list[tuple[int, int, int]] = field(default_factory=list)  # (page, start, end); a page may have runs apart
    lines: list[tuple[int, int | None, int, int]] = field(default_factory=list)  # (page, line, start, end)
    paragraphs: list[tuple[int, int, int]] = field(default_factory=list)  # (number, start, end)
    footnotes: list[tuple[int, int, int, int]] = field(default_factory=list)  # (page, number, start, end)
    parts: list[tuple[str, int, int]] = field(default_factory=list)  # (name, start, end) of separately paginated parts
    marks: list[tuple[int, int, int]] = field(default_factory=list)  # (number, start, end) of the court's ¶ numbers
    ocr: list[tuple[int, int]] = field(default_factory=list)  # (start, end) of text read by OCR
    _starts: dict = field(default_factory=dict, repr=False, compare=False)  # span kind -> (count, their starts)

    def add_page(self, page: int, start: int, end: int, part: str | None = None, ocr: bool = False) -> None:
        self.pages.append((page, start, end))
        if part is not None:
            if self.parts and self.parts[-1][0] == part:
                self.parts[-1] = (part, self.parts[-1][1], end)
            else:
                self.parts.append((part, start, end))
        if ocr:
            self.ocr.append((start, end))

    def add_mark(self, number: int, start: int) -> None:
        self.marks.append((number, start, -1))

    def close_marks(self, text: str) -> None:
        """End each numbered paragraph where the next one starts (the last at the end of the text)."""
        ends = [s - 1 for _, s, _ in self.marks[1:]] + [len(text)]
        self.marks = [(n, s, e) for (n, s, _), e in zip(self.marks, ends)]

    def add_line(self, page: int, line: int | None, start: int, end: int) -> None:
        self.lines.append((page, line, start, end))

    def add_paragraph(self, start: int, end: int) -> None:
        if end > start:
            self.paragraphs.append((len(self.paragraphs) + 1, start, end))

    def add_footnote(self, page: int, number: int, start: int) -> None:
        self.footnotes.append((page, number, start, -1))

    def close_footnotes(self, text: str) -> None:
        """End each footnote where the next one starts or its page ends."""
        page_ends = {page: end for page, _, end in self.pages}
        closed = []
        for i, (page, number, start, _) in enumerate(self.footnotes):
            end = page_ends.get(page, len(text))
            if i + 1 < len(self.footnotes) and self.footnotes[i + 1][0] == page:
                end = min(end, self.footnotes[i + 1][2] - 1)
            closed.append((page, number, start, end))
        self.footnotes = closed

    @property
    def paginated(self) -> bool:
        return bool(self.pages)

    @property
    def page_labels(self) -> list[int]:
        """The pages in order, each once: a page's footnotes may be read after the sentence that
        goes on to the next page ends there (`rag.pdf`), which gives the page runs of text apart."""
        return list(dict.fromkeys(page for page, _, _ in self.pages))

    def locate(self, start: int, end: int) -> Pinpoint:
        """The pinpoint of text[start:end]."""
        if end <= start:
            raise ValueError(f"empty span {start}:{end}")
        if not self.paginated:
            first = self._containing("paragraphs", start)
            last = self._containing("paragraphs", end - 1)
            return Pinpoint(paragraph=first and first[0], paragraph_end=last and last[0])
        first = self._containing("pages", start)
        last = self._containing("pages", end - 1)
        note = next((n for p, n, s, e in self.footnotes if s <= start and end <= e), None)
        part = self._containing("parts", start) if self.parts else None
        marks = (None, None)
        if self.marks and start >= self.marks[0][1]:  # the caption above the first ¶ has no number
            marks = (self._containing("marks", start), self._containing("marks", end - 1))
        return Pinpoint(
            page=first and first[0], page_end=last and last[0], lines=self._line_range(start, end), footnote=note,
            part=part and part[0], paragraph=marks[0] and marks[0][0], paragraph_end=marks[1] and marks[1][0],
        )

    def _line_range(self, start: int, end: int) -> tuple[int, int] | None:
        first = self._containing("lines", start)
        last = self._containing("lines", end - 1)
        if not first or not last or first[1] is None or last[1] is None:
            return None
        return (first[1], last[1])

    def _containing(self, kind: str, offset: int) -> tuple | None:
        """`_containing` over one kind of span, its starts kept between calls (made again when spans are added)."""
        spans, key = getattr(self, kind), 2 if kind == "lines" else 1  # a line is (page, line, start, end)
        kept = self._starts.get(kind)
        if kept is None or kept[0] != len(spans):
            kept = self._starts[kind] = (len(spans), [s[key] for s in spans])
        return _containing(spans, offset, key, kept[1])

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in SPANS}

    @classmethod
    def from_dict(cls, data: dict) -> Layout:
        return cls(**{k: [tuple(x) for x in data.get(k, [])] for k in SPANS})


def _containing(spans: list[tuple], offset: int, key: int, starts: list[int]) -> tuple | None:
    """The span whose [start, end] holds offset (a gap between spans resolves to the span after it);
    `starts` is each span's start, in order."""
    i = bisect_right(starts, offset) - 1
    if i >= 0 and offset < spans[i][key + 1]:
        return spans[i]
    return spans[i + 1] if i + 1 < len(spans) else (spans[i] if i >= 0 else None)
