"""Follow-up questions: what a question means after the earlier turns of a conversation.

"How much did it have to pay?" names nothing; alone it is searched across every ruling and
answered from whichever sentence shares its few words. After "And in the Ultraman case, who was
held liable?" it is a question about that ruling, on that subject. `resolve` works this out
without a model, the same way for any ruling:

- the conversation's documents are those the most recent turn cited (or, when it cited none,
  the ones it was kept to or named); "back to the first case" takes the ones before them;
- a question that names another document, by a party's or judge's name or its court (names
  found at ingest), switches to it, unless the name is also the conversation's document's and
  the search keeps to that one ("Did Anthropic appeal?");
- "turning to …", "switching to …" leave the conversation's documents unless the question's
  own search finds them among its best passages;
- a question that leans on the earlier turns (a pronoun, "that …", a leading "and", "what
  about", "instead", a party or court by its role: "the defendant", "the panel", the ruling
  itself: "the opinion", "the order") stays; one
  with no content word of its own ("Why?") also takes the previous question as its subject
  and is searched with it; one that has words of its own is read beside it: its sentences
  are scored against the two questions' meanings together ("How big had it gotten?" after a
  question about a litigation's cases), the earlier one weighing `answer_history_weight`;
- any other question stays too, unless it names someone the conversation's documents never
  mention, or uses a word they never use that marks out other documents ("pirated" after a
  conversation about an injunction) and its own search finds other documents first: then the
  history is left aside and it is answered as a first question.

A model backend rewrites the follow-up into a standalone question instead (`condense`), and
the same rules then decide the documents from that rewrite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rag import legal
from rag.text import NAME, later_names, terms

OWN_TERMS = 1  # a question with no content word of its own ("Why?") takes the previous question as its subject
LEANS = (  # words that point back at an earlier turn; ROLES: rag/legal.toml [parties] roles
    r"^\W*(?:and|but|so|also|then|what about|how about|as for)\b"
    r"|\b(?:it|its|they|them|their|theirs|he|him|his|she|her|hers|this|these|those|there|thereafter"
    r"|the same|such|the latter|the former|either|neither|instead)\b"
    r"|\bthe (?:ROLES|prosecution|jury|panel|judge|majority|dissent|(?:trial|district|lower) court|court below)\b"
    r"|\bthe (?:opinion|ruling|decision|judgment|order)\b(?!\s+(?:in|of)\b)"  # the one discussed, not "the order in Roe"
    r"|^\W*(?:\w+\W+){0,2}that\b|\b(?:for|on|about|with|by|from|after|before|of|than) that\b|\bthat\W*$"
    r"|(?:\b(?:is|was|are|were|did|does|do|has|had|have|would|could|can|will)|n[’']t) that\b"  # "How big was that loan?"
    r"|\bthat\s+(?:reasoning|argument|ruling|decision|holding|conclusion|point|claim|issue|theory|finding|result"
    r"|approach|view|reading|position|request|motion|order|opinion|standard|test|rule|question|analysis)\b"
)
SWITCH = re.compile(  # words that leave the document of the last turns for another one
    r"\b(?:turning to|switching to|moving (?:on )?to|unrelated|separately|a different (?:case|ruling|matter)"
    r"|another (?:case|ruling|matter)|(?:in|on) the other hand)\b|^\W*now\b",
    re.I,
)
BACK = re.compile(  # a question that returns to a document discussed before the last one ("Going back to the
    # church case, ...", not "Why send it back to the trial court?" nor "Did the judge revisit her ruling?")
    r"^\W*(?:(?:and|so|now|then|ok(?:ay)?|let[’']?s|let us)\W+)?(?:(?:go(?:ing)?|com(?:e|ing)|turn(?:ing)?"
    r"|get(?:ting)?|head(?:ing)?|switch(?:ing)?)\s+)?(?:back (?:to|in|on|with)|return(?:ing)? to|revisit(?:ing)?)\b"
    r"|\bthe (?:first|earlier|previous|prior|original|other)"
    r" (?:case|ruling|opinion|order|decision|one|court|dispute)\b",
    re.I,
)
COURT_AS_DOCUMENT = re.compile(  # a court's name standing for its ruling: "the Ninth Circuit's opinion", "the Bankruptcy Court case"
    r"\b(?:Circuit|Court|Cir\.|Appeals)(?:[’']s\b|\s+(?:case|opinion|ruling|decision|order|judgment|appeal|matter|memo\w*)\b)",
    re.I,
)
STAYS_WITHIN = 3  # "turning to …" stays only if the conversation's documents hold one of its best passages
CONDENSE = """Given a conversation between a user and a legal research assistant about court rulings, and a
follow-up question, rewrite the follow-up as one standalone question that names the ruling or parties it is about
and keeps the user's meaning. Write only the question.

Conversation:
{history}

Follow-up question: {question}
Standalone question:"""


@dataclass(frozen=True)
class Resolved:
    """A question as the conversation makes it: the text to search and answer, and where to look."""

    question: str  # what is searched and answered (the asked question when nothing was added)
    doc_ids: tuple[str, ...] = ()  # the conversation's documents; () means every document
    following: str | None = None  # the earlier question whose subject was carried over, if any
    subject: str | None = None  # the earlier question a follow-up on the same documents is read beside

    @property
    def changed(self) -> bool:
        return bool(self.doc_ids) or self.following is not None


def resolve(question: str, history: list, lib, search, rewritten: str | None = None) -> Resolved:
    """What `question` asks after the `history` of earlier answers (most recent last).

    `search(text, doc_ids)` gives the passages a text retrieves from those documents (None:
    every document); `rewritten` is a model's standalone version of the question, if any (used
    when it is a question that keeps the follow-up's words).
    """
    focus, previous = conversation(history, lib, question)
    if not focus and previous is None:
        return Resolved(question)
    rewritten = rewritten if rewritten and _keeps(question, rewritten) else None
    text = rewritten or question
    own = len(terms(question))
    following = previous if rewritten is None and previous and own < OWN_TERMS else None
    searched = f"{text} {following}" if following else text
    named = _named(text, lib)
    if named and focus and _court_acting(text, lib) and not SWITCH.search(question):
        return Resolved(searched, focus, following, None if following or rewritten else previous)
    if named and not set(named) <= set(focus):  # another document, unless the search keeps to this one
        stay = tuple(d for d in focus if d in named)
        keep = stay and _among_best(stay, searched, lambda t: search(t, tuple(sorted(named))))
        if keep:
            return Resolved(searched, stay, following, None if following or rewritten else previous)
        return Resolved(searched, tuple(sorted(named)), following)
    if not focus:
        return Resolved(text)
    if SWITCH.search(question) and not named:  # "Turning to …": stays only if its own search finds this document
        keep = _among_best(focus, searched, lambda t: search(t, None))
        return Resolved(searched, focus, following) if keep else Resolved(text)
    leans = rewritten is None and (_leans(question) or own < OWN_TERMS)
    if named or leans or _stays(text, focus, lib.vocabulary, search):
        return Resolved(searched, focus, following, None if following or rewritten else previous)
    return Resolved(text)


def conversation(history: list, lib, question: str = "") -> tuple[tuple[str, ...], str | None]:
    """The documents the conversation is on and the last question's subject.

    The documents are those of the most recent turn that had any; a question that goes back
    ("back to the first case", "in the earlier ruling") takes the ones before them.
    """
    history = [h for h in history or () if h is not None]
    if not history:
        return (), None
    turns = [_documents(h, lib) for h in history]
    turns = [docs for docs in turns if docs]
    focus = turns[-1] if turns else ()
    if BACK.search(question):
        focus = next((docs for docs in reversed(turns) if docs != focus), focus)
    last = history[-1]
    return focus, (last.resolved or last.question)


def _documents(earlier, lib) -> tuple[str, ...]:
    """What one earlier turn was about: the documents its answer cited, else those it kept to or named."""
    cited = tuple(dict.fromkeys(c.doc_id for c in earlier.citations))
    return cited or tuple(earlier.scope) or tuple(sorted(_named(earlier.question, lib)))


def _stays(question: str, focus: tuple[str, ...], vocab, search) -> bool:
    """Whether a question that does not lean on the earlier turns still stays on their documents:
    it names no one they never mention, and a word of other documents it uses does not take its
    own search elsewhere."""
    if _foreign_names(question, focus, vocab):
        return False
    return not _foreign_words(question, focus, vocab) or _among_best(focus, question, lambda t: search(t, None))


def _foreign_names(question: str, focus: tuple[str, ...], vocab) -> bool:
    """Whether the question names someone the conversation's documents never mention ("Kadrey v. Meta")."""
    here = frozenset().union(*(vocab.doc_terms[d] for d in focus))
    return bool(set(terms(" ".join(later_names(question)))) - here)


def _foreign_words(question: str, focus: tuple[str, ...], vocab) -> bool:
    """Whether the question uses a word the conversation's documents never use that marks out
    other documents (fewer than half of the rest use it: "pirated", not "asked"). Such a word
    may be plain English another ruling happens to use ("How big was that loan?"), so the
    question leaves the conversation only if its own search does too."""
    here = frozenset().union(*(vocab.doc_terms[d] for d in focus))
    focus, others = set(focus), len(vocab.docs) - len(focus)
    return any(0 < len(vocab.using(word) - focus) < others / 2 for word in set(terms(question)) - here)


def _keeps(question: str, rewritten: str) -> bool:
    """Whether a model's rewrite is a question that keeps every content word of the follow-up
    (a small model often answers instead, or drops the user's words)."""
    return rewritten.rstrip().endswith("?") and set(terms(question)) <= set(terms(rewritten))


def _leans(question: str) -> bool:
    return bool(_leaning().search(question) or BACK.search(question))


@lru_cache(maxsize=1)
def _leaning() -> re.Pattern:
    return re.compile(LEANS.replace("ROLES", legal.party_roles()), re.I)


def _named(question: str, lib) -> set[str]:
    """The documents a question names: by a party or judge, else by its court ("the Seventh Circuit")."""
    vocab = lib.vocabulary
    named = vocab.named(question)
    if named:
        return named
    asked = set(terms(" ".join(m.group(0) for m in NAME.finditer(question))))
    matches = {doc_id: len(court & asked) for doc_id, court in vocab.court_terms.items()}
    best = max(matches.values(), default=0)
    return {doc_id for doc_id, n in matches.items() if n == best} if best else set()


def _court_acting(question: str, lib) -> bool:
    """Whether a question names a court only as one acting on the conversation's case ("Did the
    Ninth Circuit affirm afterwards?", "Did she appeal to the Ninth Circuit?"), not as the name
    of its ruling ("the Ninth Circuit's opinion", "the Bankruptcy Court case") nor with a party."""
    return not lib.vocabulary.named(question) and not COURT_AS_DOCUMENT.search(question)


def _among_best(focus: tuple[str, ...], text: str, search) -> bool:
    """Whether a search finds the conversation's documents among its best passages."""
    return any(p.doc_id in focus for p in search(text)[:STAYS_WITHIN])


def condense_prompt(question: str, history: list) -> str:
    """The prompt that asks a model for the standalone form of a follow-up (llama-index's condense-question pattern)."""
    turns = []
    for earlier in history:
        turns.append(f"User: {earlier.question}")
        turns.append(f"Assistant: {' '.join(earlier.text.split())[:600]}")
    return CONDENSE.format(history="\n".join(turns), question=question)


def understood(answer, docs: dict) -> str | None:
    """What the conversation made of a question, for the user to check; None for a first question.

    "Answering from <title>", or "Answering: Why? (following “<previous question>”) from
    <title>", or a model's rewrite: "Answering: <standalone question> from <title>".
    """
    if answer.resolved is None and not answer.scope:
        return None
    titles = "; ".join(docs[d].meta.title for d in answer.scope if d in docs)
    where = f" from {titles}" if titles else ""
    asked, resolved = answer.question, answer.resolved or answer.question
    if resolved == asked:
        return f"Answering{where}" if where else None
    if resolved.startswith(asked):  # the previous question was carried over as the subject
        resolved = f"{asked} (following “{resolved[len(asked) :].strip()}”)"
    return f"Answering: {resolved}{where}"
