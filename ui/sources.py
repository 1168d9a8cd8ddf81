"""The sources panel beside the chat: an answer's citations, or a refusal's closest passages.

A citation card leads with what a lawyer reads first, the title and pinpoint ("Bartz v.
Anthropic PBC, Order on Fair Use at 31:23"), then the full citation, then the quoted words
highlighted inside their paragraph, and a button that opens the document at that place.
Closest passages are drawn plainly and labelled as not being citations.
"""

from __future__ import annotations

from ui.text import clip, esc, in_context

EXCERPT_CHARS = 420


def sources_html(turn, docs: dict, focus: int | None = None, question_shown: bool = False) -> str:
    """The panel for one turn (None before any question).

    `focus` is the citation to emphasise; `question_shown` names the question the panel is
    for (useful once the chat has more than one).
    """
    answer = getattr(turn, "answer", None)
    if answer is None:
        return _placeholder(turn)
    asked = f'<p class="for-question">For: “{esc(clip(answer.question, 160))}”</p>' if question_shown else ""
    if answer.refused:
        return _closest(answer.passages, asked)
    cards = "".join(_card(c, docs, c.number == focus) for c in answer.citations)
    count = f"{len(answer.citations)} citation{'s' if len(answer.citations) != 1 else ''}"
    head = f'<div class="panel-head">Sources <span class="count">{count}</span></div>{asked}'
    return f'<div class="sources">{head}<ol class="cards">{cards}</ol></div>'


def _placeholder(turn) -> str:
    """Before any question (what will appear here), or while an answer is being checked."""
    if turn is not None and not turn.error:
        return '<div class="sources empty"><p>Checking each citation against its document…</p></div>'
    return (
        '<div class="sources empty"><div class="panel-head">Sources</div><p>Each citation of an answer appears '
        "here: the pinpoint, the full citation, the quoted words in their paragraph, and a link to that place in "
        "the document.</p></div>"
    )


def _card(c, docs: dict, focused: bool) -> str:
    """One citation."""
    doc = docs.get(c.doc_id)
    context = in_context(doc, c.start, c.end) if doc else f"<mark>{esc(c.quote)}</mark>"
    cls = "card focus" if focused else "card"
    return (
        f'<li class="{cls}" id="source-{c.number}" data-cite="{c.number}">'
        f'<div class="card-head"><span class="num">{c.number}</span><div>'
        f'<div class="label"><span class="title">{esc(c.title)}</span> <span class="pin">{esc(c.pinpoint)}</span></div>'
        f'<div class="full-cite">{esc(c.citation)}</div></div></div>'
        f'<blockquote class="context">{context}</blockquote>'
        f"{open_button(c.doc_id, c.start, c.end, 'Open at ' + c.pinpoint.removeprefix('at '))}</li>"
    )


def _closest(passages, asked: str) -> str:
    """A refusal's nearest passages: for orientation, not citations."""
    head = '<div class="panel-head">Closest passages <span class="not-cites">not citations</span></div>' + asked
    if not passages:
        return f'<div class="sources closest">{head}<p class="panel-note">Nothing in the corpus came close.</p></div>'
    items = "".join(_passage(p) for p in passages)
    return (
        f'<div class="sources closest">{head}'
        '<p class="panel-note">The passages nearest the question. None of them answers it.</p>'
        f'<ul class="cards">{items}</ul></div>'
    )


def _passage(p) -> str:
    """One closest passage: where it is and how it begins."""
    return (
        f'<li class="card passage"><div class="label"><span class="title">{esc(p.title)}</span> '
        f'<span class="pin">{esc(p.pinpoint)}</span></div>'
        f'<p class="excerpt">{esc(clip(p.text, EXCERPT_CHARS))}</p>'
        f"{open_button(p.doc_id, p.start, p.end, 'Open in document')}</li>"
    )


def open_button(doc_id: str, start: int | None, end: int | None, label: str) -> str:
    """A button that opens the document view at [start, end) (the page script handles the click)."""
    target = f"{doc_id}|{'' if start is None else start}|{'' if end is None else end}"
    button = f'<button class="open-doc" data-open="{esc(target)}">{esc(label)} <span aria-hidden="true">→</span>'
    return f'<div class="card-foot">{button}</button></div>'
