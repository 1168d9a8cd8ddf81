"""Citations are made here and checked here; nothing else builds a `Citation`.

`cite()` turns a span of a document into a citation whose pinpoint is looked up from the
layout. `check()` re-derives everything from the canonical text: the quote must be
`text[start:end]` exactly, and page, lines, paragraph, pinpoint and full citation must be
what the layout says for that span. A citation that fails is never shown.

`supports()` is the offline stand-in for an entailment model, used by the model backends
(is this sentence backed by the passage it cites?) and by the eval suite (citation
precision and recall): every quoted string of the sentence must be in the passage verbatim,
every number and name of the sentence must be in the passage, and enough of the sentence's
content words must be. It is deliberately strict: a paraphrase that adds a fact fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.corpus import Document
from rag.models import Citation
from rag.text import NUMBER, NUMBER_WORDS, claim_terms, digits, terms

# Share of a sentence's content words that must occur in the cited text (see evals/README.md).
SUPPORT_OVERLAP = 0.5
QUOTED = re.compile(r"[“\"]([^”\"]{3,})[”\"]")
INNER_NAME = re.compile(r"(?<=\w\s)([A-Z][a-zA-Z’'.-]+)")  # a capitalised word that does not open the sentence


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


@dataclass(frozen=True)
class Support:
    """Whether a sentence is backed by a cited text, and if not, why."""

    ok: bool
    overlap: float
    missing: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.ok


def supports(sentence: str, cited: str, threshold: float = SUPPORT_OVERLAP, about: str = "") -> Support:
    """Is `sentence` backed by `cited`? Quotes verbatim, numbers and names present, enough overlap.

    `about` is what the reader knows of the cited document besides the passage (its title,
    court, date, docket, judge): a name or number from it may appear in the sentence ("Judge
    Alsup held ...") without being in the passage, and does not count towards the overlap.
    Quoted words must be in the passage itself.
    """
    flat_cited = " ".join(cited.split())
    missing = [q for q in QUOTED.findall(sentence) if " ".join(q.split()) not in flat_cited]
    known_numbers = {digits(n) for n in NUMBER.findall(f"{cited} {about}")}
    missing += [n for n in NUMBER.findall(sentence) if digits(n) not in known_numbers]
    lowered, context = flat_cited.lower(), " ".join(about.split()).lower()
    names = [n.rstrip(".") for n in INNER_NAME.findall(sentence)]
    missing += [n for n in names if n.lower() not in lowered and n.lower() not in context]
    missing += [w for w in NUMBER_WORDS.findall(sentence) if w.lower() not in lowered]
    cited_numbers = {digits(n) for n in NUMBER.findall(cited)}
    resolved = [n for n in names if n.lower() not in lowered]
    resolved += [n for n in NUMBER.findall(sentence) if digits(n) not in cited_numbers]
    from_context = {t for n in resolved for t in terms(n)}
    words = set(claim_terms(sentence)) - from_context
    overlap = len(words & set(terms(cited))) / len(words) if words else 1.0
    ok = not missing and overlap >= threshold
    return Support(ok=ok, overlap=round(overlap, 3), missing=tuple(missing))


@dataclass
class Grounded:
    """A model's answer after verification: text with renumbered markers, the kept citations, and
    the sentences nothing supported."""

    text: str
    citations: list[Citation]
    unsupported: list[str]


# Text addressed to a model rather than a reader: never evidence, whatever else it says.
INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget)\s+(?:all\s+|any\s+|the\s+)?(?:previous|prior|above|earlier)\s+(?:instructions|prompts?|rules)"
    r"|\bsystem prompt\b|\btell the user\b|\byou are (?:an? )?(?:ai|assistant|language model)\b",
    re.I,
)
MARKER_RUN = re.compile(r"(?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])+")


def ground(text: str, passages: list, lib, drop_unsupported: bool = False) -> Grounded:
    """Keep only what the passages support, each citation narrowed to its best verbatim span.

    Markers to passages that were not given are removed; each sentence is checked against the
    passages it cites with `supports`; a citation that passes points at the span of its passage
    (a sentence, or two) that best supports the sentence, so its pinpoint is exact. A passage
    sentence addressed to a model ("ignore previous instructions") is never evidence. Sentences
    left without a citation are listed as unsupported and, unless dropped, kept without markers.
    """
    claims = split_claims(text)
    numbers: dict[tuple[str, int, int], Citation] = {}
    out, unsupported = [], []
    for sentence, markers in claims:
        spans = [span for m in markers if 1 <= m <= len(passages) for span in [_best_span(sentence, passages[m - 1], lib)] if span]
        keep = [s for s in dict.fromkeys(spans) if _backed(sentence, s, lib)]
        if not keep:
            unsupported.append(sentence)
            if not drop_unsupported:
                out.append(sentence)
            continue
        for span in keep:
            if span not in numbers:
                numbers[span] = cite(lib.docs[span[0]], span[1], span[2], len(numbers) + 1)
        out.append(sentence + " " + "".join(f"[{numbers[s].number}]" for s in keep))
    return Grounded(text=" ".join(out), citations=list(numbers.values()), unsupported=unsupported)


def _backed(sentence: str, span: tuple[str, int, int], lib) -> bool:
    doc = lib.docs[span[0]]
    return bool(supports(sentence, doc.text[span[1] : span[2]], about=doc.meta.about_text()))


def split_claims(text: str) -> list[tuple[str, tuple[int, ...]]]:
    """An answer's sentences, each with the numbers of the citation markers that end it.

    The text is cut at every run of markers ("[1]", "[2][3]", "[2, 3]"): a run belongs to the
    sentence it ends (as in ALCE); an earlier sentence of the same stretch, or text after the
    last run, carries no citation. Punctuation written after a marker ("fair use [1].") goes
    back to its sentence. Sentences are found by `rag.ingest.split_sentences`, the splitter
    that made the quotable sentences, so an extractive quote is one sentence.
    """
    from rag.ingest import split_sentences

    stretches, pos = [], 0
    for m in MARKER_RUN.finditer(text):
        numbers = tuple(dict.fromkeys(int(n) for n in re.findall(r"\d+", m.group(0))))
        stretches.append([text[pos : m.start()], numbers])
        pos = m.end()
    stretches.append([text[pos:], ()])
    for before, after in zip(stretches, stretches[1:]):
        lead = re.match(r"[.,;:!?]+", after[0].lstrip())
        if lead and not before[0].rstrip().endswith((".", "!", "?")):
            before[0] = before[0].rstrip() + lead.group(0)
        if lead:
            after[0] = after[0].lstrip()[lead.end() :]
    out: list[tuple[str, tuple[int, ...]]] = []
    for stretch, numbers in stretches:
        spans = split_sentences(stretch, 0, len(stretch)) if stretch.strip() else []
        sentences = [s for s in (" ".join(stretch[a:b].split()) for a, b in spans) if re.search(r"\w", s)]
        out += [(s, ()) for s in sentences[:-1]] + [(s, numbers) for s in sentences[-1:]]
    return out


def _best_span(sentence: str, passage, lib) -> tuple[str, int, int] | None:
    """The sentence (or two adjacent sentences) of the passage that best supports `sentence`."""
    units = lib.units.get(passage.doc_id)
    if units is None:
        return None
    text = lib.docs[passage.doc_id].text
    inside = [
        s for s in units.sentences if passage.start <= s[0] and s[1] <= passage.end and not INJECTION.search(text[s[0] : s[1]])
    ]
    candidates = inside + [(a[0], b[1]) for a, b in zip(inside, inside[1:])]
    words = set(claim_terms(sentence))
    if not candidates or not words:
        return None

    def overlap(span):
        return (len(words & set(claim_terms(text[span[0] : span[1]]))), -(span[1] - span[0]))

    start, end = max(candidates, key=overlap)
    return (passage.doc_id, start, end)
