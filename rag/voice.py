"""Whose voice a sentence of a ruling is in: the court deciding ("We affirm", "The motion is
DENIED") or a party arguing ("Plaintiffs contend ...", "According to Acme, ..."), the words of
rag/legal.toml [holdings] and [arguments]. The answerer ranks a party's position below the
court's words; the support check does not let a sentence credit the court with what a passage
gives only as a party's position ("The Ninth Circuit held that ..." of "The insurer
counters that ...")."""

from __future__ import annotations

import re
from functools import lru_cache

from rag import legal
from rag.text import sentences_of

CLAUSE_BREAK = re.compile(r"[;:]|\b(?:but|however|nevertheless|yet)\b", re.I)  # what follows is not what went before
NEGATED = re.compile(r"\b(?:not|never|no longer)\s+$|n[’']t\s+$", re.I)  # "The government does not argue otherwise."


@lru_cache(maxsize=1 << 16)
def states_holding(sentence: str) -> bool:
    """Whether a sentence is phrased as a decision ("We affirm", "The motion is DENIED")."""
    return bool(holding_pattern().search(sentence))


@lru_cache(maxsize=1)
def holding_pattern() -> re.Pattern:
    phrases = sorted(legal.phrases("holdings", "phrases"), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b", re.I)


@lru_cache(maxsize=1 << 16)
def attributes_argument(sentence: str) -> bool:
    """Whether a sentence gives a party's position ("Plaintiffs contend ...") rather than a
    decision: a word of decision counts only before the party's verb or in a clause of its own
    after it ("Acme argues X; we disagree."), not inside what the party says ("Acme maintains
    that it was therefore obligated ..."). A party that does not argue something ("The State
    does not argue otherwise.") is the court's observation."""
    verb, according = argument_pattern()
    return bool(according.search(sentence)) or _by_party(sentence, verb)


@lru_cache(maxsize=1 << 16)
def reports_position(sentence: str) -> bool:
    """Whether a sentence gives what a party argued, claimed, alleged or conceded ("Plaintiff
    alleges that ...", "the defendant has conceded that ..."): the verbs of rag/legal.toml
    [arguments] `verbs`, and those of `claims` and `stances` before "that", read as
    `attributes_argument` reads its own."""
    return attributes_argument(sentence) or _by_party(sentence, _position_pattern())


def _by_party(sentence: str, verb: re.Pattern) -> bool:
    """Whether `verb` gives a party's position in the sentence: not negated ("The State does not
    argue otherwise."), and no word of decision before it or in a clause of its own after it."""
    argued = verb.search(sentence)
    return (
        bool(argued)
        and not NEGATED.search(sentence[: argued.start()])
        and not any(
            decided.start() < argued.start() or CLAUSE_BREAK.search(sentence, argued.end(), decided.start())
            for decided in holding_pattern().finditer(sentence)
        )
    )


@lru_cache(maxsize=1)
def _position_pattern() -> re.Pattern:
    words = [*legal.phrases("arguments", "claims"), *legal.phrases("arguments", "stances")]
    # with "that" after it: "alleges that X", not "the claimed defect" nor "as Roe concedes, we ..."
    return re.compile(r"(?<!\bas )\b(?:" + "|".join(re.escape(w) for w in words) + r")\s+that\b", re.I)


@lru_cache(maxsize=1)
def argument_pattern() -> tuple[re.Pattern, re.Pattern]:
    """The verbs that attribute a position to a party ("Tarrant argues"), and "according to
    <someone>" ("Therefore, according to Acme, ...": someone's account even beside a word of
    decision)."""
    words = legal.phrases("arguments", "verbs")
    verbs = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.I)
    return verbs, re.compile(legal.load()["arguments"]["according"])


@lru_cache(maxsize=4096)
def credits_court(sentence: str) -> bool:
    """Whether a sentence says that a court decided or said something ("The Ninth Circuit held
    that ...", "Judge Lee found ..."), as its own conclusion: not what it made of a party's
    argument or motion ("The court rejected Acme's argument ..."), nor a party's account of it."""
    table = legal.load()["arguments"]
    voices = "|".join(re.escape(w) for w in table["court_voices"] if w != "we")
    verbs = "|".join([*legal.phrases("decisions", "verbs"), "agree", "agreed", "agrees"])
    said = re.search(rf"\b(?:{voices})\b[^.;:]{{0,40}}?\b(?:{verbs})\b", sentence, re.I)
    of_party = "|".join(re.escape(w) for w in [*table["asked"], "claim", "claims", "motion", "motions", "request"])
    return bool(said) and not attributes_argument(sentence) and not re.search(rf"\b(?:{of_party})\b", sentence, re.I)


def in_court_voice(passage: str) -> str | None:
    """The sentences of a passage that are not a party's position, or None when all of them are not."""
    sentences = sentences_of(passage)
    kept = [s for s in sentences if not reports_position(s)]
    return " ".join(kept) if len(kept) < len(sentences) else None
