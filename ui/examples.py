"""Example questions, a few per document, shown as chips the user can click to ask.

They are written by hand for the documents in `corpus/` (each one checked to be answered
from its document); a document added later gets one general question made from its title
until some are written here.
"""

from __future__ import annotations

from ui.text import esc

EXAMPLES = {
    "bartz-v-anthropic-2025-06-23": (
        "Was training Claude on the authors' books a fair use?",
        "Why did Anthropic prefer pirating books to buying them?",
        "Could Anthropic invoke fair use for the pirated books it downloaded into its central library?",
    ),
    "concord-v-anthropic-commentary": (
        "Why was the injunction denied?",
        "How did the court handle the publishers' claim of reputational harm?",
    ),
    "ultraman-lora-hangzhou-commentary": (
        "What was the AI company ordered to do and pay in the Ultraman judgment?",
        "Did the Hangzhou court find unfair competition?",
    ),
}


def examples_html(docs: dict, heading: bool = True) -> str:
    """The example questions grouped under a short name of their document."""
    groups = [
        f'<div class="ex-group"><div class="ex-doc">{esc(short_title(docs[d].meta.title))}</div>'
        + "".join(f'<button class="ex" data-ask="{esc(q)}">{esc(q)}</button>' for q in questions)
        + "</div>"
        for d, questions in questions_by_document(docs).items()
    ]
    title = '<div class="ex-title">Try one of these</div>' if heading else ""
    return f'<div class="examples">{title}{"".join(groups)}</div>' if groups else ""


def questions_by_document(docs: dict) -> dict[str, tuple[str, ...]]:
    """The written examples of the documents present, then one general question for each other document."""
    written = {d: questions for d, questions in EXAMPLES.items() if d in docs}
    return written | {d: (general_question(doc),) for d, doc in docs.items() if d not in written}


def general_question(doc) -> str:
    """A question any ruling (or commentary) answers, naming it by its short title."""
    name = short_title(doc.meta.title)
    return f"What did the court decide in {name}?" if doc.meta.kind == "ruling" else f"What does {name} say?"


def short_title(title: str) -> str:
    """A title without its parenthetical tail ("... (commentary on ...)")."""
    head = title.split(" (", 1)[0]
    return head if len(head) <= 90 else head[:88].rsplit(" ", 1)[0] + " …"
