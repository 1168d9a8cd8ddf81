"""The chat transcript as HTML: each question, then its answer, refusal or error.

An answer's citation markers become small links to its sources; a refusal is drawn as a
notice, not as an answer. Each finished answer carries its tools: copy as Markdown with
footnotes, and thumbs up/down. The buttons only carry data attributes; the scripts in
`ui.scripts` turn clicks into events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ui.text import clip, esc, markdown_text

MARKER = re.compile(r"\[(\d+)\]")
PENDING = '<div class="reply pending" data-state="pending"><span class="dots"></span> Searching the rulings…</div>'
QUESTION_SHOWN = 300  # longest question shown in full in the transcript
_SVG = (
    '<svg viewBox="0 0 24 24" width="13" height="13" fill="none" stroke="currentColor" stroke-width="2" '
    'aria-hidden="true"><path d="{}"/></svg>'
)
THUMB = {  # Feather icons (MIT): thumbs-up, thumbs-down
    "up": _SVG.format(
        "M14 9V5a3 3 0 0 0-3-3l-4 9v11h11.28a2 2 0 0 0 2-1.7l1.38-9a2 2 0 0 0-2-2.3z"
        "M7 22H4a2 2 0 0 1-2-2v-7a2 2 0 0 1 2-2h3"
    ),
    "down": _SVG.format(
        "M10 15v4a3 3 0 0 0 3 3l4-9V2H5.72a2 2 0 0 0-2 1.7l-1.38 9a2 2 0 0 0 2 2.3zm7-13h2.67A2.31 2.31 0 0 1 22 4v7"
        "a2.31 2.31 0 0 1-2.33 2H17"
    ),
}


@dataclass
class Turn:
    """One question and what came back, as the chat keeps it."""

    question: str
    partial: str = ""  # streamed text so far
    answer: object = None  # rag.models.Answer once verified
    error: str | None = None
    vote: str | None = None  # "up" or "down"
    doc_ids: tuple[str, ...] = ()
    k: int | None = None
    backend: str | None = None
    understood: str | None = None  # what the conversation made of the question ("Answering: … in …")


def transcript_html(turns: list[Turn], examples: str = "") -> str:
    """The whole conversation, or (before the first question) a welcome with the example questions."""
    if not turns:
        return _welcome(examples)
    body = "".join(_turn(i, t) for i, t in enumerate(turns))
    return f'<div class="transcript">{body}</div>'


def _welcome(examples: str) -> str:
    """The empty chat: what the tool does, then the example questions."""
    return (
        '<div class="transcript empty"><p class="welcome-title">Ask a question about the rulings.</p>'
        '<p class="welcome-text">Every sentence of an answer is quoted verbatim from a ruling, with a pinpoint '
        "citation checked against the document. When the rulings do not answer a question, you are told so.</p>"
        f"{examples}</div>"
    )


def _turn(i: int, turn: Turn) -> str:
    """A question and its answer block."""
    question = esc(clip(turn.question, QUESTION_SHOWN))
    if len(turn.question) > QUESTION_SHOWN:
        question += f' <span class="muted">({len(turn.question):,} characters)</span>'
    understood = f'<p class="understood">{esc(clip(turn.understood, QUESTION_SHOWN))}</p>' if turn.understood else ""
    return (
        f'<section class="turn" data-turn="{i}"><div class="q"><p>{question}</p></div>{understood}'
        f"{_reply(i, turn)}</section>"
    )


def _reply(i: int, turn: Turn) -> str:
    """The answer block in whatever state it is: pending, streaming, done, refused or failed."""
    if turn.error:
        message = f"<p><strong>Could not answer:</strong> {esc(turn.error)}.</p>"
        return f'<div class="reply error" data-state="done">{message}</div>'
    if turn.answer is None and not turn.partial:
        return PENDING
    if turn.answer is None:
        text = _with_markers(turn.partial, i)
        return f'<div class="reply answer" data-state="streaming"><p class="answer-text">{text}</p></div>'
    if turn.answer.refused:
        return _refusal(i, turn)
    text = _flag_unsupported(_with_markers(turn.answer.text, i, {c.number for c in turn.answer.citations}), turn.answer)
    return (
        f'<div class="reply answer" data-state="done">{_notice(turn.answer)}<p class="answer-text">{text}</p>'
        f'<p class="provenance">{esc(_provenance(turn.answer))}</p>{_tools(i, turn)}</div>'
    )


def _provenance(answer) -> str:
    """How the answer was written and checked."""
    if answer.backend == "extractive":
        return "Quoted verbatim from the rulings; each pinpoint checked against the document."
    flagged = " Sentences marked unsupported have no citation." if answer.unsupported else ""
    return f"Written by the {answer.backend} model; each cited sentence checked against the passage it quotes.{flagged}"


def _notice(answer) -> str:
    """A one-line notice, e.g. that a model backend failed and the extractive answer is shown."""
    return f'<p class="notice" role="status">{esc(answer.notice)}</p>' if answer.notice else ""


def _flag_unsupported(html: str, answer) -> str:
    """Mark each sentence no passage supports (it stays visible, visibly uncited)."""
    for sentence in answer.unsupported:
        escaped = esc(sentence)
        html = html.replace(
            escaped,
            f'<span class="unsupported" title="No passage supports this sentence">{escaped}'
            '<span class="unsupported-tag">unsupported</span></span>',
            1,
        )
    return html


def _refusal(i: int, turn: Turn) -> str:
    """A refusal: the plain statement, the reason, and where the closest passages are."""
    from rag.answer import REFUSAL

    reason = turn.answer.text.removeprefix(REFUSAL).strip()
    note = "The closest passages are listed beside the chat, for orientation only: they are not citations."
    if not turn.answer.passages:
        note = "No passage came close."
    return (
        f'<div class="reply refusal" data-state="done" role="status"><p class="refusal-head">{esc(REFUSAL)}</p>'
        f'<p class="refusal-why">{esc(reason)}</p><p class="refusal-note">{note}</p>{_tools(i, turn, copy=False)}</div>'
    )


def _with_markers(text: str, turn: int, numbers: set[int] | None = None) -> str:
    """Escaped text with each [n] made a marker that shows source n of this turn."""

    def marker(m: re.Match) -> str:
        """[n] as a button, when n is one of the answer's citations."""
        n = int(m.group(1))
        if numbers is not None and n not in numbers:
            return m.group(0)
        return f'<button class="marker" data-turn="{turn}" data-cite="{n}" title="Show source {n}">[{n}]</button>'

    return MARKER.sub(marker, esc(text))


def _tools(i: int, turn: Turn, copy: bool = True) -> str:
    """Copy-with-citations (answers only) and the two votes, under a finished reply."""
    votes = "".join(
        f'<button class="tool vote{" chosen" if turn.vote == v else ""}" data-turn="{i}" data-vote="{v}" '
        f'title="{label}" aria-pressed="{str(turn.vote == v).lower()}">{THUMB[v]} {label}</button>'
        for v, label in (("up", "Helpful"), ("down", "Not helpful"))
    )
    thanks = '<span class="voted">Thanks, your vote is recorded.</span>' if turn.vote else ""
    button = f'<button class="tool copy" data-md="{esc(markdown(turn.answer))}">Copy answer with citations</button>'
    return f'<div class="tools">{button if copy else ""}{votes}{thanks}</div>'


def markdown(answer) -> str:
    """The answer as Markdown: the text with footnote references, then one footnote per citation."""
    numbers = {c.number for c in answer.citations}
    parts, last = [], 0
    for m in MARKER.finditer(answer.text):
        if int(m.group(1)) in numbers:
            parts.append(markdown_text(answer.text[last : m.start()]).rstrip() + f"[^{m.group(1)}]")
            last = m.end()
    parts.append(markdown_text(answer.text[last:]))
    notes = [_footnote(c, answer.text) for c in answer.citations]
    return "\n\n".join(["".join(parts).strip(), *(["\n".join(notes)] if notes else [])])


def _footnote(citation, text: str) -> str:
    """`[^n]: full citation.` and, when the answer does not quote it verbatim, the quote."""
    note = f"[^{citation.number}]: {markdown_text(citation.citation)}"
    if citation.quote not in text:
        note += f" (quoting “{markdown_text(citation.quote)}”)"
    return note + "."
