"""The default answer backend: extractive, offline, deterministic, and the same method for every ruling.

1. **Scope.** A question that names documents (a party or the judge, else the court: see
   `rag.vocabulary`) is answered from every sentence of those documents, and so is one whose
   search was kept to one document (a conversation's follow-up: "How much did it demand?");
   any other from the sentences of the best-ranked chunks of the search.
2. **Refuse early**, from what the corpus contains, before scoring anything, when the question
   - has no content words;
   - names something (a capitalised word, a long number) that no document or its metadata
     contains ("Chinese" counts as known where a document says "China");
   - presupposes a disposition ("Why did the court reverse ...") that the named ruling's own
     opening and conclusion contradict ("We affirm"), or asks what a higher court decided in a
     case the corpus holds only from a lower one, or what happened after the named ruling
     ("After the Tenth Circuit's 2010 order, did the Supreme Court grant certiorari?", "Did
     they win an injunction afterwards?");
   - asks about an event of litigation (a settlement, a verdict, a remand) that no document in
     its scope mentions.
   Dispositions, events, court levels: rag/legal.toml, the same for every ruling.
3. **Score** each candidate sentence:

       match = lexical * brevity + dense_weight * cosine
       score = match + passage_weight / (1 + chunk_rank) + context_weight * match_of_previous
               + position_weight * place + holding_bonus * states_holding
               - argument_penalty * attributes_argument - framing_penalty * frames_issue
               - citation_penalty * cites_authority
               + type_bonus * kinds_asked_for ± separate_opinion - keep_within * secondary

   `lexical` is the share of the question's terms found in the sentence, each weighted by its
   IDF among the candidates (the forms of one disposition count as one word: "refused" is found
   in "DENIED"), a term only of what the question tells before it asks ("Wilson argued X. How
   did the court answer?") at half weight; `brevity` discounts it for a sentence longer than a
   typical one, which holds more words of any question; `cosine` compares the question's and
   the sentence's embeddings; `chunk_rank` is the rank the search gave the best chunk holding
   the sentence (0 for the best: the search read the sentence's neighbours too, and a holding
   that does not repeat the question's words sits in a passage that does); `match_of_previous`
   is the match of the sentence just before it (a ruling names a subject, "The plaintiff argues
   that ...", "The test has two parts.", and answers in the sentences after it, which need not
   repeat its words); `place` is the sentence's place in its document, 0 for the first and 1
   for the last (conclusions come late), unless the question asks for a particular (who,
   when, where, which, how much: stated wherever it falls, often first); `states_holding` is
   1 when the question asks what was decided and the sentence is phrased as a decision ("We
   affirm", "The motion is DENIED"); `attributes_argument` is 1 when the sentence gives a
   party's position ("The plaintiff argues ...", "According to Acme, ...") and the question
   does not ask what was argued (one asking what the court made of an argument does not): it
   restates the dispute rather than resolving it; `frames_issue` is 1 for a sentence stating
   the question to decide ("The issue on appeal is whether ...", rag/legal.toml [issues])
   when the question does not ask what the issue was: it repeats the question's words without
   answering it (a sentence doing both loses the larger penalty only); `cites_authority` is 1
   for a sentence citing a case or the record ("550 U.S. 544", "Id.", "See ...": rag/legal.toml
   [citations]): it gives another court's words, not this court's decision; `kinds_asked_for`
   counts the kinds of answer the question asks for that the sentence gives (rag/legal.toml
   [answer_types]: a standard of review, the judges, a reason for "why", ...; a figure only if
   it is not one the question states itself; a party's account when the question asks what a
   party said, "What did Roe say his lawyer did wrong?": [arguments] `asking`);
   `separate_opinion` is the type bonus for a sentence of a concurrence or a dissent when the
   question asks about one, and minus the argument penalty otherwise (rag/legal.toml
   [opinions]): it is not the court's holding; `secondary` is 1 for a sentence of commentary or
   of a file that is no court's text, when it discusses (by case name or docket) a ruling whose
   sentences are also candidates: the court's own words come first unless none of them would be
   kept beside it. Headings and caption fragments are skipped. A "how much", "how many",
   "when" (asking a date: not "When does the right arise?" nor "When a court reviews ...,
   does it ...?"), "what price / fee / rate", "how old" or case-number question keeps only sentences
   with an amount, a number, a date, an age or the docket (and "what sentence" one with a term
   of imprisonment, "how long" one with a length of time: rag/legal.toml), and, of those, only
   ones giving a figure the question does not ("How much of the $500 deposit ..." is not
   answered by a sentence about the $500) when there are any. An amount or a count must also
   be of what is asked: "How much back pay ..." keeps only sentences with every word of "back
   pay" ("How many grams of cocaine ...": with "grams"), and none is an answer where the ruling
   gives amounts of other things; and of whom is asked: one naming someone that is not the
   ruling's own party, judge or court ("How much did the Acme Pension Fund assess?") keeps only
   sentences that name them too.
4. **Refuse late**: when no sentence reaches the floor by its own score (without
   `match_of_previous` and `place`: they order relevant sentences but make none relevant; a
   footnote at the end of a ruling is no answer for being there); when the best sentence's
   ruling contradicts a presupposed disposition (as above, for a question naming no ruling); when a
   why/how question presupposes that something was not so and the best passages say it was;
   when it says the court concluded something ("Why did the court hold that the search was
   unlawful?") or ordered it ("Why did the court order the lender to refund ...?") and one of
   the best passages, in the court's voice (not a party's position), says the opposite, or
   when it says the court concluded something and none of the best sentences states it (a
   party's claim or allegation does not).
5. **Answer** with the best relevant sentences within `keep_within` of the top one, best first,
   grouped by document. A yes/no question about what was decided ("Did she win her appeal?",
   "In Roe, did the court quash the subpoena, and why?") opens with the best sentence in which
   the ruling states its own disposition ("We affirm ...", "The motion is DENIED"), chosen or
   not: that is its yes or no; so does a question asking how a whole appeal, case or motion
   came out ("How did the court resolve the appeal?"). One asking only that of the ruling it is
   about ("What did the Seventh Circuit decide in Roe?") leaves no word to match: it is
   answered with the disposition, and so is a yes/no question about it that no sentence
   answers closely ("Did she let them have it?"), unless it asks what came later. "Who wrote
   it?" of one ruling opens with the line naming the author that ingest found ("ROE, Circuit
   Judge:", "PER CURIAM").

The weights and the floor are settings (`RAG_ANSWER_*`), calibrated by `evals/calibrate.py`
on the tuning halves of the gold sets. A refusal still carries the closest passages.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from rag import legal, verify
from rag.retrieve import Hits, Library
from rag.settings import Settings
from rag.text import (
    AMOUNT,
    AMOUNT_FIGURE,
    CASE_NAME,
    COUNT,
    DATE,
    DOCKET,
    MONEY_WORDS,
    NAME,
    NAME_LINKS,
    NUMBER,
    digits,
    later_names,
    name_parts,
    numbered_items,
    place_forms,
    sentences_of,
    terms,
)
from rag.vocabulary import Vocabulary, office_terms
from rag.voice import argument_pattern, attributes_argument, states_holding

REFUSAL = "The rulings in this corpus don't answer that."
MIN_WORDS = 3  # shorter "sentences" are caption fragments and headings
# a word, not an abbreviation: a piece of a citation ("F.3d 100, 104 (9th Cir. 1999).", "Id. at 5.") has none
PROSE_WORD = re.compile(r"\b[^\W\d_]{3,}\b(?!\.\s*\S)")
PREMISE_WEIGHT = 0.5  # a term only of what the question tells before it asks counts this much
TYPICAL_WORDS = 25  # a sentence of a ruling; a longer one's lexical score is discounted
PREMISE_REACH = 8  # the best sentences of which one must state what a question says the court concluded
DECISIVE_SHARE = 0.15  # a ruling's opening and conclusion: this share of its sentences at each end
DECISIVE_MIN = 8  # ... and at least this many (a caption takes several)
PER_PERIOD = r"(?:monthly|weekly|annual|yearly|hourly|daily)"  # "What monthly benefit did it pay?": an amount
QUANTITY_NOUNS = (
    r"(?:prices?|fines?|fees?|amounts?|sums?|costs?|salary|salaries|wages?|rates?|percentage|percent)\b(?! of time)"
)
AGE = re.compile(r"\b(?:\w+[\s-]+years?[\s-]+old|years? of age|aged?\s+(?:of\s+)?\d+)\b", re.I)  # "aged 19"
ANSWER_TYPES = [  # (what the question opens with, what a sentence that answers it contains)
    (re.compile(r"\bhow much\b(?=.*(?:" + MONEY_WORDS.pattern + "))", re.I), AMOUNT),
    (re.compile(r"\bhow many\b", re.I), COUNT),
    (
        re.compile(r"\b(?:when\b|(?:on |in |between |from )?(?:what|which) (?:dates?|years?|days?|months?)\b)", re.I),
        DATE,
    ),
    (
        re.compile(
            rf"(?:what|which)\s+(?:was |were |is |are )?(?:the )?(?:\w+\s+){{0,2}}?"
            rf"(?:{QUANTITY_NOUNS}|{PER_PERIOD}\s+\w(?=.*(?:{MONEY_WORDS.pattern})))",
            re.I,
        ),
        AMOUNT,
    ),
    (re.compile(r"how old\b", re.I), AGE),
    (re.compile(r"\bhow (?:big|large|small|high|low|far off)\b", re.I), COUNT),  # a size asks for a figure
]
# A figure a question states, with the names that say what it is of ("the $2,000 EAJA award").
STATED_FIGURE = re.compile(r"[$€£]?\s?\d[\d,.]*(?:\s+[A-Z][\w&.’'-]*)*")
# What a quantity question asks the amount of: the words after "how much", "how many" or "what"
# up to its verb ("How much back pay did ...", "What hourly rates were ...", "How many books came
# from ...", "How many copies pirated by ...", not "How many pirated copies ..."; none in "How
# many came from ...?").
MEASURED = re.compile(
    r"^\W*(?:how\s+(?:much|many)|(?:what|which)(?:\s+(?:was|were|is|are))?(?:\s+the)?)\b(.*?)"
    r"(?=\s+(?:did|does|do|was|were|is|are|has|have|had|would|could|will|can|should|might|may)\b"
    r"|\s+(?:\w{2,}ed|came|went|got|made|took|gave|found|left|kept|held|paid|sent|brought|bought|sold|won|lost"
    r"|stole|spent)\s+(?:by|from|to|in|into|on|at|for|with|out|up|off|the|a|an|his|her|its|their)\b|\?|$)",
    re.I,
)
MEASURE_ASKED = re.compile(  # "How long", "how often": the form of the question, not its subject
    r"\bhow\s+(long|often|frequently|far|soon|late|early|old|much|many|big|large|small|high|low|close)\b", re.I
)
QUANTITY_WORDS = frozenset(
    terms("much many amount sum total figure number money dollar time exact exactly approximately per")
)
AFTER_RULING = re.compile(  # "after the Supreme Court ruled", "once the Tenth Circuit's February 2010 order"
    r"\b(?:after|once)\s+(?:the\s+)?(?:[\w.’'-]+\s+){0,6}?"
    r"(?:ruled|ruling|decided|decision|opinion|order|judgment|affirmed|reversed|granted|denied|vacated)\b",
    re.I,
)
THE_RULING = re.compile(r"(?:after|once)\s+(?:the|this|that|its)\s+(?:decision|ruling|opinion|judgment)\b", re.I)
AFTERWARDS = re.compile(r"\b(?:afterwards?|after\s+(?:that|this)|thereafter)\W*$", re.I)  # closing a follow-up
APPEALED_TO = re.compile(  # "did the union take it up to the", "did she appeal to the", "was the order appealed to the"
    r"\b(?:(?:did|does|do|has|have|had|will|would)\s+(?:[\w.’'-]+\s+){0,3}?"
    r"(?!(?:the|an?|its|their|his|her|on|of|for|in|that|this|any)\b)[\w.’'-]+\s+"  # a subject, not "the appeal"
    r"(?:appeal(?:ed)?|take\s+(?:it|this|that|the\s+\w+)\s+up|seek\s+review)"
    r"|(?:was|were|is)\s+(?:it|this|that|the\s+\w+)\s+appealed)\b[^?.;]{0,20}?\b(?:to|in|before|with)\s+(?:the\s+)?$",
    re.I,
)
ASKS_DOCKET = re.compile(  # not "put on the public docket", "docket entries 26-2"
    r"\b(?:case|docket|file)\s+(?:number|no)\b"
    r"|\b(?:what|which)\s+(?:is\s+|was\s+)?(?:the\s+)?(?:\w+\s+)?docket\b(?!\s+entr)",
    re.I,
)
# "When" asking a condition, not a date: "When does the right to rescind arise?", "When a court
# reviews ..., does it defer?"
CONDITIONAL_WHEN = re.compile(
    r"^when\s+(?:(?:does|do|can|may|must|should|could|might)\b"
    r"|(?!(?:did|was|were|is|are|had|has|have|will|would)\b)[^?,]+,)",
    re.I,
)
NOT_SO = re.compile(
    r"\b(?:is|was|were|are|be)\s+not\s+((?:[\w’'-]+\s+){0,3}?[\w’'-]+)"  # "was not" and what was not
    r"\s*(?:\?|$|,|\bbecause\b|\bunder\b|\bin\b)",
    re.I,
)
MOTION_TO = re.compile(r"\b(?:motions?|requests?|applications?)\s+(?:\w+\s+){0,3}?to\s+([a-z]{4,})\b", re.I)
CONCLUDED_THAT = re.compile(  # "Why did the court conclude that <premise>?", "... order <party> to <premise>?"
    r"^\W*(?:(?:why|how|on what (?:basis|grounds?))\s+(?:did|does|do|was|were|has|had|is)"
    r"|what\s+(?:led|prompted|caused|persuaded|moved))\b[^?]*?"
    r"\b(?:(?:conclud|hold|held|find|found|rul|decid|determin)\w*\s+that\s+([^?]+)"
    r"|((?:order|direct|requir|compel)\w*)\s+((?:[\w.’'&-]+\s+){0,4}?to\s+[^?]+)"
    r"|(?:find|finds|found|hold|holds|held|deem\w*|declar\w*)\s+(?!that\b)([^?]+))",  # "find <party> liable"
    re.I,
)
ASKS_FACT = re.compile(  # a particular (a person, a date, a place, an amount), stated wherever it falls
    r"^\W*(?:who|whom|whose|when|where|which|how\s+(?:much|many|long|old))\b", re.I
)
PRESUPPOSES = re.compile(r"^\W*(why|how|what|when|where|which|who|whom|whose|on what|in what)\b", re.I)  # not yes/no
SECOND_YES_NO = re.compile(r",\s+and\s+(?:did|does|do|was|were|is|are|has|have|had|could|would|will)\s", re.I)
CONDITIONAL = re.compile(r"\b(?:if|unless|whether|until|once)\b(?!.*[.;:])", re.I)
AUTHOR_ASKED = re.compile(  # "Who wrote it?", "Which judge authored the opinion?", "Who decided the appeal?"
    r"^\W*(?:who|which\s+(?:judge|justice)|what\s+judge)\b[^?]*?"
    r"\b(?:wrote|write|authored|signed|delivered|penned|decided)\b",
    re.I,
)
LATER = re.compile(r"\b(?:after|afterwards?|later|eventually|end(?:ed|s)?\s+up|subsequently|ultimately|since)\b", re.I)
WHETHER = re.compile(r"\bwhether\b", re.I)  # "the parties dispute whether X": X is asked, not stated
PROPOSES = re.compile(r"\b(?:recommend|request|ask|urge|move|propose|suggest|pray|seek|demand)\w*\b(?!.*[.;:])", re.I)
# A question asking yes or no ("Did the court ...?", "In Roe, was ...?"), whatever clause follows.
YES_NO = re.compile(
    r"^\W*(?:[^?,;:]{1,80}?,\s*)?"
    r"(?:did|does|do|was|were|is|are|has|have|had|can|could|would|will|should|may|might|must)\b",
    re.I,
)
LEAD = re.compile(  # "In Crane v. Rodriguez, " / "On remand after Gall, " before the question word
    r"^\W*(?!(?:did|does|do|was|were|is|are|has|have|had|can|could|would|will|should|shall|may|might|must"
    r"|why|how|what|when|where|which|who|whom|whose)\b)"
    r"[^?,;:]{1,80}?,\s*(?=(?:why|how|what|when|where|which|who|whom|whose|on what|in what|for what)\b)",
    re.I,
)
ASKING_WH = re.compile(  # a question word that opens the question or one joined to it
    r"(?:^\W*|[,;:]\s*|\b(?:and|or|but|also|then)\s+)(?:(?:in|on|at|over|for|from|by|under|during|through)\s+)?"
    r"(?:when|how|what|who|whom|which|where|why)\b",  # "and over what dates", "and on what basis"
    re.I,
)


@dataclass
class Scored:
    doc_id: str
    start: int
    end: int
    score: float
    prior: float = 0.0  # of the score, what the sentence's place adds (the one before it, its position)

    @property
    def own(self) -> float:
        """The score of the sentence's own words and meaning: what decides whether it is relevant at
        all. Its place orders relevant sentences; it does not make a footnote at the end relevant."""
        return self.score - self.prior


def extract(
    question: str, hits: Hits, lib: Library, settings: Settings, shown: frozenset = frozenset()
) -> tuple[list[Scored], str | None]:
    """The sentences that answer, best first within their document, or why none do.

    `shown`: (doc_id, start, end) of sentences the conversation has just shown, not to be
    given again ("Why?" after an answer asks for more than that answer).
    """
    vocab = lib.vocabulary
    in_hits = {doc_id for doc_id, _, _ in hits.chunks}
    named = vocab.named(question) & in_hits
    # the ruling a question is about: the one it names, or the only one searched (a conversation's)
    about = named or (in_hits if len(in_hits) == 1 else set())
    reason = _unanswerable(question, vocab, lib, named) or _after_itself(question, lib, about)
    reason = reason or (not named and _higher_court(question, vocab, lib, about))  # a conversation's ruling
    if reason:
        return [], reason
    ranked = _rank(question, hits, _candidates(hits, lib, about, settings.answer_pool), named, lib, settings)
    ranked = [s for s in _of_expected_type(question, ranked, lib) if (s.doc_id, s.start, s.end) not in shown]
    relevant = [s for s in ranked if s.own >= settings.answer_min_score]
    author = _author_line(question, ranked, lib, about)
    if not relevant and (alone := author or _outcome_alone(question, ranked, lib, about)):
        return [alone], None
    if not relevant:
        return [], "None of their passages addresses the question closely enough."
    best = relevant[:3]
    conflict = not named and _contradicted_premise(question, {best[0].doc_id}, lib)
    conflict = conflict or _negated_premise(question, best, lib) or _opposed_premise(question, best, lib)
    conflict = conflict or _unstated_premise(question, relevant[:PREMISE_REACH], lib)
    if conflict:
        return [], conflict
    chosen = _select(relevant, settings)
    rival = _opposing(chosen[0], relevant, lib)
    disposition = _disposition(question, chosen, ranked, lib, about)
    chosen = [disposition, *(s for s in chosen if s != disposition)] if disposition else chosen
    chosen = [author, *(s for s in chosen if s != author)] if author else chosen
    return chosen + ([rival] if rival and rival not in chosen else []), None


# ---- 2. Refuse early ---------------------------------------------------------------------


def _unanswerable(question: str, vocab: Vocabulary, lib: Library, named: set[str]) -> str | None:
    """Why the corpus cannot answer, when that is clear from what it contains."""
    if not terms(question):
        return "Ask about the rulings: their holdings, facts, parties or reasoning."
    unknown = _unknown_names(question, vocab) or _unknown_cases(question, lib)
    if unknown:
        return f"No document in it mentions {_quoted(unknown)}."
    contradicted = _contradicted_premise(question, named, lib) or _higher_court(question, vocab, lib, named)
    if contradicted:
        return contradicted
    scope = named or set(lib.docs)
    unmentioned = _unmentioned_events(question, vocab, scope, not _asks_own_disposition(question, scope, lib))
    if unmentioned and named:
        titles = " and ".join(lib.docs[d].meta.title for d in sorted(named))
        return f"{titles}: no mention of {_quoted(unmentioned)}."
    if unmentioned:
        return f"No document in it mentions {_quoted(unmentioned)}."
    return None


def _unknown_names(question: str, vocab: Vocabulary) -> list[str]:
    """Capitalised words and long numbers of the question (after its first word) that no document
    contains, except an acronym a document spells out ("TRO": "temporary restraining order"). A
    compound is known by its names ("USDA-backed" where a document says "USDA")."""
    unknown = []
    for name in later_names(question):
        word = name.rstrip(".")
        key = re.sub(r"[’']s$", "", word).rstrip(".").lower()  # "Jr.'s" is "jr"
        named = [part.lower() for part in name_parts(word) if part != word]
        known = _known(vocab, key) or (bool(named) and all(_known(vocab, part) for part in named))
        if not known and word not in unknown and not vocab.spells_out(re.sub(r"(?<=[A-Z])[’']?s$", "", word)):  # "TROs"
            unknown.append(word)
    return unknown


def _known(vocab: Vocabulary, key: str) -> bool:
    return vocab.knows(key) or digits(key) in vocab.numbers or any(map(vocab.knows, place_forms(key)))


def _unknown_cases(question: str, lib: Library) -> list[str]:
    """Cases the question names ("Smith v. Jones") that no document is or cites, though each
    party's name is known on its own ("Smith" of another case, "Jones" of a witness)."""
    unknown = []
    for m in CASE_NAME.finditer(question):
        # "Doe v. Acme, Judge Roe's order": the second party's first word, without its comma
        first, second = m.group(1).split()[-1], re.sub(r"[’']s$", "", m.group(2).split()[0].rstrip(".,;:"))
        if not _case_known(lib, first, second):
            unknown.append(re.sub(r"^(?:In|Under|After|Before|Per|See)\s+", "", f"{m.group(1)} v. {second}"))
    return unknown


def _case_known(lib: Library, first: str, second: str) -> bool:
    """Whether a document's title or text has the two parties' names on either side of "v."
    (only the second after an abbreviation: "U.S. v. Vinton"). Only documents with both words
    are read."""
    first = first if first.isalpha() else ""
    before = rf"\b{re.escape(first)}\b.{{0,60}}?" if first else ""
    case = re.compile(rf"{before}\bv\.?\s.{{0,60}}?\b{re.escape(second)}\b", re.I | re.S)
    words = set(terms(f"{first} {second}"))
    candidates = frozenset.intersection(*map(lib.vocabulary.using, words)) if words else lib.docs
    return any(case.search(lib.docs[d].meta.title) or case.search(lib.docs[d].text) for d in candidates)


def _unmentioned_events(question: str, vocab: Vocabulary, scope: set[str], dispositions: bool = True) -> list[str]:
    """Events of litigation the question asks about that no document in scope mentions (with
    `dispositions`, their dispositions too)."""
    events = _event_terms(dispositions)
    given = _not_given().sub(r"\g<between>", question)  # "Why did it decline to vacate?": no vacatur asked
    asked = [w for w in dict.fromkeys(re.findall(r"[A-Za-z]+", given)) if set(terms(w)) & events]
    return [w for w in asked if not any(vocab.using(t) & scope for t in _forms(w))]


@lru_cache(maxsize=2)
def _event_terms(dispositions: bool = True) -> frozenset[str]:
    """The terms of every event word of rag/legal.toml and, with `dispositions`, of every disposition form."""
    events = frozenset(terms(" ".join(legal.phrases("events", "words"))))
    return events | verify._disposition_terms() if dispositions else events


def _forms(word: str) -> set[str]:
    """The terms of a word and, for a disposition, of all its forms ("refused" is said by "DENIED")."""
    return {f for t in terms(word) for f in _same_disposition(t) | {t}}


def _higher_court(question: str, vocab: Vocabulary, lib: Library, named: set[str]) -> str | None:
    """ "What did the Supreme Court decide in <a case the corpus holds only from a district court>?",
    or "Did the insurer appeal it to the Ninth Circuit?" in a conversation about a district
    court's ruling (`named`: the rulings the question names, or the conversation's)."""
    decider = _decider(question)
    if decider is None or not named:
        return None
    level, said = decider
    levels = [legal.court_level(lib.docs[d].meta.court) for d in named]
    texts = [lib.docs[d].text for d in named]
    if not all(0 < lv < level for lv in levels) or _names_another_case(question, vocab, said, texts):
        return None
    courts = " and ".join(dict.fromkeys(lib.docs[d].meta.court for d in sorted(named)))
    stop = "" if courts.endswith(".") else "."  # "... of the 11th Cir."
    return f"It holds no decision of the {said} in that case, only the ruling of the {courts}{stop}"


def _after_itself(question: str, lib: Library, about: set[str]) -> str | None:
    """ "After the Supreme Court ruled, did the board grant the permit?" of the Supreme Court's
    ruling (`about`: the ruling the question names, or the only one searched, as in a
    conversation; the court said to have ruled is of its level), "... once the decision came
    down?", or a step of litigation asked "afterwards" ("Did they win an injunction after that?"):
    no ruling tells what came after it. One naming another case ("after the Supreme Court's
    decision in Gall") asks what followed that case, which the ruling may tell; "What did he
    tell the officers after that?" asks what followed a fact."""
    if not about:
        return None
    titles = " and ".join(lib.docs[d].meta.title for d in sorted(about))
    itself = f"It holds {titles} itself, and a ruling cannot tell what happened after it."
    if AFTERWARDS.search(question) and _asks_litigation(question):  # "Did they win an injunction after that?"
        return itself
    after = AFTER_RULING.search(question)
    if not after:
        return None
    levels = {legal.court_level(lib.docs[d].meta.court) for d in about}
    other = re.match(r"\s+in\s+((?:[A-Z][\w.’'&-]*\s*(?:v\.\s*)?)+)", question[after.end() :])
    own = set().union(*(terms(lib.docs[d].meta.title) for d in about))
    said = _court_named(after.group(0))
    if other and not set(terms(other.group(1))) <= own:
        return None
    if (said is None and not THE_RULING.match(after.group(0))) or (said is not None and levels != {said[0]}):
        return None  # after another court's ruling, or after some event
    return itself


def _asks_litigation(question: str) -> bool:
    """Whether a question asks about a step of litigation: an event or a disposition of
    rag/legal.toml ("an injunction", "a verdict", "affirm") or a court ("the Supreme Court")."""
    return bool(set(terms(question)) & _event_terms()) or _court_named(question) is not None


def _decider(question: str) -> tuple[int, str] | None:
    """The level of the court a question says decided something, and the words it calls it by:
    a court named before a decision verb ("did the Second Circuit rule") or after it with "by"
    ("affirmed by the Second Circuit"), not one only mentioned further on ("How much did Judge
    Roe award for the argument in the Ninth Circuit?")."""
    verbs = "|".join(legal.phrases("decisions", "verbs"))
    named = _court_named(question)
    if named is None:
        return None
    at = question.lower().find(named[1].lower())
    if APPEALED_TO.search(question[:at]):  # the court a case was taken to decides it
        return named
    for verb in re.finditer(rf"\b(?:{verbs})\b", question, re.I):
        if at < verb.start() or re.match(r"\s+by\s+(?:the\s+)?", question[verb.end() : at], re.I):
            return named
    return None


def _court_named(text: str) -> tuple[int, str] | None:
    """The level of the highest court a text names ("the Tenth Circuit's order": 2), and its words."""
    for level, phrases in sorted(legal.level_phrases().items(), reverse=True):
        for phrase in sorted(phrases, key=len, reverse=True):
            found = re.search(rf"\b(?:\w+\s)?{re.escape(phrase)}\b", text, re.I)
            if found:
                return level, re.sub(r"^(?:the|a|an)\s+", "", found.group(0), flags=re.I)
    return None


def _names_another_case(question: str, vocab: Vocabulary, said: str, texts: list[str]) -> bool:
    """Whether the question names something besides the corpus's own cases ("in Campbell"), which
    a higher court may well have decided. A party's given name before the name the case goes by
    ("Jane" of "Jane Roe's appeal") is theirs when the ruling writes the two together ("JANE Q. ROE").
    A judge's title, a month and a year name no case ("Judge Roe's September 2013 decision"), nor
    do initials the ruling itself uses ("Did the IRS appeal?")."""
    own = vocab.all_name_terms | set(terms(said)) | office_terms()  # "Judge Illston": a name and a title

    def theirs(m: re.Match) -> bool:
        after = re.match(r"\s+([A-Z][\w-]*)", question[m.end() :])
        if not after or not set(terms(after[1])) <= own:
            return False
        full = re.compile(rf"\b{re.escape(m.group(0))}\s+(?:[A-Z]\.\s+)?{re.escape(after[1])}\b", re.I)
        return any(full.search(text) for text in texts)

    def acting(word: str) -> bool:  # an agency or a party by its initials ("the IRS", "the union's appeal")
        initials = re.sub(r"[’']s$", "", word)
        used = re.compile(rf"\b{re.escape(initials)}\b")
        return bool(re.fullmatch(r"[A-Z]{2,6}", initials)) and any(used.search(text) for text in texts)

    words = [m for m in NAME.finditer(question) if m.start() > 0 and terms(m.group(0)) and not DATE.fullmatch(m[0])]
    return any(not set(terms(m.group(0))) <= own and not theirs(m) and not acting(m[0]) for m in words)


def _quoted(words: list[str]) -> str:
    return ", ".join(f"“{w}”" for w in words)


# ---- 3. Score ----------------------------------------------------------------------------


def _candidates(hits: Hits, lib: Library, about: set[str], pool: int) -> dict[str, set[int]]:
    """Sentence indices to score, per document: every one of the documents the question is
    about, else those of the best chunks."""
    if about:
        return {d: set(range(len(lib.units[d].sentences))) for d in about}
    out: dict[str, set[int]] = {}
    for doc_id, chunk, _ in hits.chunks[:pool]:
        out.setdefault(doc_id, set()).update(range(*chunk.sentences))
    return out


def _rank(
    question: str, hits: Hits, candidates: dict[str, set[int]], named: set[str], lib: Library, settings: Settings
) -> list[Scored]:
    """Every candidate sentence scored, best first."""
    import numpy as np

    vocab = lib.vocabulary
    asked = set(terms(MEASURE_ASKED.sub("how", question))) | set(terms(" ".join(legal.plain_meanings(question))))
    if named:
        asked -= set().union(*(vocab.name_terms(d) for d in named))  # the same for every sentence in scope
    told = _told_terms(question)
    weights = {t: w * (PREMISE_WEIGHT if t in told else 1.0) for t, w in _local_idf(asked, candidates, vocab).items()}
    bonus = _Bonus(question, settings)
    yields = {d for d in candidates if any(_discusses(lib, d, r) for r in candidates if r != d)}
    ranks = _passage_ranks(hits)
    place = 0.0 if ASKS_FACT.match(_unled(question)) else settings.answer_position_weight
    items = _asked_items(question)
    out = []
    for doc_id, indices in candidates.items():
        # A secondary source comes first only if no sentence of the ruling it discusses would be kept beside it.
        secondary = settings.answer_keep_within if doc_id in yields else 0.0
        separate = _separate_opinion(question, vocab.separate_opinions[doc_id], settings)
        order = sorted(indices)
        cosines = lib.sentence_vectors[doc_id][order] @ np.asarray(hits.qvec)
        lexical = _lexical(weights, [vocab.sentence_terms[doc_id][i] for i in order], vocab.name_terms(doc_id))
        text, spans = lib.docs[doc_id].text, lib.units[doc_id].sentences
        brevity = _brevity([text[spans[i][0] : spans[i][1]] for i in order], settings.answer_length_norm)
        passage = settings.answer_passage_weight * np.array([ranks.get((doc_id, i), 0.0) for i in order])
        match = lexical * brevity + settings.answer_dense_weight * cosines
        pieces = {i for i in order if _is_citation_piece(text[spans[i][0] : spans[i][1]])}
        context = settings.answer_context_weight * _preceding(order, match, pieces)
        position = place * np.array(order) / max(1, len(spans) - 1)
        for i, base, prior in zip(order, match + passage, context + position):
            sentence = text[spans[i][0] : spans[i][1]]
            if (not _is_heading(sentence) or bonus.keeps_heading(sentence)) and not _another_item(items, sentence):
                aside = settings.answer_footnote_penalty if _in_footnote(lib, doc_id, spans[i][0]) else 0.0
                own = base + bonus(sentence) - secondary + separate(i) - aside
                out.append(Scored(doc_id, *spans[i], float(own + prior), float(prior)))
    return sorted(out, key=lambda s: (-s.score, s.doc_id, s.start))


def _asked_items(question: str) -> set[tuple[int, frozenset[str]]]:
    """The items of numbered series a question names ("the second prong"), but not a court
    ("the Fifth Circuit": rag/legal.toml [court_levels.phrases])."""
    courts = {t for phrases in legal.level_phrases().values() for phrase in phrases for t in terms(phrase)}
    return {item for item in numbered_items(question) if not item[1] & courts}


def _another_item(asked: set[tuple[int, frozenset[str]]], sentence: str) -> bool:
    """Whether a sentence names another item of a numbered series the question asks about ("the
    first prong" when "the second prong" is asked), and not the one asked."""
    if not asked:
        return False
    named = numbered_items(sentence)
    pairs = [(a == b, bool(words & other)) for a, words in asked for b, other in named]
    return any(related and not same for same, related in pairs) and not any(same and related for same, related in pairs)


def _preceding(order: list[int], values, pieces: set[int] = frozenset()):
    """Per sentence (by index, in `order`), the value of the sentence just before it (over any
    citation `pieces` between them: "... the Court GRANTS the motion. Id. It ..."), 0 when that
    one is not a candidate: a ruling states a subject ("The test has two parts.", "The plaintiff
    argues that ...") and answers in the sentences after it, which need not repeat its words."""
    import numpy as np

    at = {i: k for k, i in enumerate(order)}
    before = {}
    for i in order:
        j = i - 1
        while j in pieces:
            j -= 1
        before[i] = j
    return np.array([values[at[before[i]]] if before[i] in at else 0.0 for i in order])


def _is_citation_piece(sentence: str) -> bool:
    """ "Id.", "Id. at 5.", "See id.": a citation sentence without a word of prose."""
    return not PROSE_WORD.search(sentence) or len(re.findall(r"\w+", sentence)) < MIN_WORDS


def _separate_opinion(question: str, authors: list[str | None], settings: Settings):
    """Per sentence index, what belonging to a concurrence or a dissent adds: the type bonus when
    the question asks about one (and names its author, or no author of the ruling), else minus
    the argument penalty: a separate opinion is not what the court decided; minus the whole
    reach of an answer when the question asks what the majority held and not about a separate
    opinion ("Did any judge write separately from the majority?" asks about one)."""
    if not any(authors):
        return lambda i: 0.0
    _, _, asks, majority = legal.opinion_patterns()
    if majority.search(question) and not asks.search(question):
        return lambda i: -settings.answer_keep_within if authors[i] else 0.0
    if not asks.search(question):
        return lambda i: -settings.answer_argument_penalty if authors[i] else 0.0
    asked = {w.lower() for w in re.findall(r"[\w’'-]+", question)} & {a for a in authors if a}
    return lambda i: settings.answer_type_bonus if authors[i] and (not asked or authors[i] in asked) else 0.0


def _told_terms(question: str) -> set[str]:
    """The terms only of what a question tells before it asks ("Balmert never saw the examiner's
    report. What did the court say?"): they find the passage, but the answer is what the asking
    sentence wants, not a sentence that repeats the telling one."""
    *told, asking = sentences_of(question)
    return set(terms(" ".join(told))) - set(terms(asking))


def _passage_ranks(hits: Hits) -> dict[tuple[str, int], float]:
    """Per (doc_id, sentence index), 1 / (1 + the rank of the best chunk holding it): the search
    weighed the sentence's neighbours too, which its own words may not repeat."""
    out: dict[tuple[str, int], float] = {}
    for rank, (doc_id, chunk, _) in enumerate(hits.chunks):
        for i in range(*chunk.sentences):
            out.setdefault((doc_id, i), 1.0 / (1 + rank))
    return out


def _discusses(lib: Library, doc_id: str, ruling_id: str) -> bool:
    """Whether a secondary source (commentary, or a file that is no court's text) discusses a
    ruling of the corpus: then the court's own words come before it."""
    doc, ruling = lib.docs[doc_id], lib.docs[ruling_id].meta
    if doc.meta.kind == "ruling" or ruling.kind != "ruling":
        return False
    return _names_parties(lib, doc_id, ruling.title) or _gives_docket(doc.text, ruling.docket)


def _names_parties(lib: Library, doc_id: str, title: str) -> bool:
    """Whether a document names the case of this title ("Doe v. Acme"). Its text is read only
    when it uses both names (the BM25 index's postings say so without reading it)."""
    for a, b in CASE_NAME.findall(title)[:1]:
        first, second = a.split()[-1], b.split()[0]
        if all(doc_id in lib.vocabulary.using(t) for t in terms(f"{first} {second}")):
            return _names_case(lib.docs[doc_id].text, first, second)
    return False


@lru_cache(maxsize=1 << 16)  # one per (document, ruling) pair that met as candidates
def _names_case(text: str, first: str, second: str) -> bool:
    """Whether a text names the case of these two parties ("Doe v. Acme", "DOE vs ACME")."""
    name = rf"\b{re.escape(first)},?\s+v(?:s)?\.?\s+{re.escape(second)}\b"
    return re.search(name, text, re.I) is not None


@lru_cache(maxsize=1 << 16)
def _gives_docket(text: str, docket: str) -> bool:
    """Whether a text gives the number of this docket ("21-01234" of "No. 3:21-cv-01234 ABC")."""
    number = re.search(r"\d+[-:]\d+(?:[-:]\d+)?", docket)
    if not number or number.group(0) not in text:  # a plain search first: a regex's is ten times slower
        return False
    return re.search(rf"(?<![\d-]){re.escape(number.group(0))}(?![\d])", text) is not None


def _lexical(weights: dict[str, float], sentences: list[frozenset[str]], names: frozenset[str]):
    """Per sentence, the weighted share of the question's terms present in it."""
    import numpy as np

    total = sum(weights.values()) or 1.0
    return np.array(
        [sum(w for t, w in weights.items() if _present(t, present, names)) / total for present in sentences]
    )


def _brevity(sentences: list[str], power: float):
    """Per sentence, (TYPICAL_WORDS / words) ** power, at most 1."""
    import numpy as np

    words = np.array([max(1, len(s.split())) for s in sentences], dtype=float)
    return np.minimum(1.0, (TYPICAL_WORDS / words) ** power)


class _Bonus:
    """What a sentence scores beyond its words: stating a decision when one is asked for, and
    being of the kind the question asks for (a standard of review, the judges, a date); less
    when it only gives a party's position and the question does not ask what was argued."""

    def __init__(self, question: str, settings: Settings):
        self.holding = settings.answer_holding_bonus if _asks_decision(question) else 0.0
        self.argument = 0.0 if _asks_argument(question) else settings.answer_argument_penalty
        self.framing = 0.0 if _asks_issue(question) else settings.answer_framing_penalty
        self.per_type = settings.answer_type_bonus
        self.citation = settings.answer_citation_penalty
        filters = legal.answer_filters()  # these keep sentences rather than favour them
        unled = _unled(question)
        self.wanted = [
            has
            for asks, has in legal.answer_types().values()
            if (asks.search(question) or asks.search(unled)) and (asks, has) not in filters
        ]
        # a question asking several things is not filtered by type (`_of_expected_type`): favoured instead
        either = [*ANSWER_TYPES, *filters]
        self.wanted += [has for asks, has in either if asks.search(question)] if _compound(question) else []
        self.kept = [has for asks, has in filters if asks.search(question) or asks.search(unled)]  # a line they give
        self.position = _asks_position(question)
        self.asks_docket = bool(ASKS_DOCKET.search(question))
        self.asks_outcome = _asks_decision(question) or _asks_outcome(question)
        self.given = _figures(question)

    def __call__(self, sentence: str) -> float:
        decided = self.holding and states_holding(sentence) and not _disposition_asked_for(sentence)
        stated = self.holding if decided else 0.0
        argued = max(
            self.argument if self.argument and attributes_argument(sentence) else 0.0,
            self.framing if self.framing and _frames_issue(sentence) else 0.0,
        )
        kinds = sum(1 for has in self.wanted if has.search(sentence)) + (self.position and _gives_position(sentence))
        cited = self.citation if _cites_authority(sentence) else 0.0
        return stated - argued - cited + (self.per_type * kinds if kinds and _tells_more(self.given, sentence) else 0.0)

    def keeps_heading(self, sentence: str) -> bool:
        """A heading or caption line answers only a case-number question, one asking for what it
        states ("Before SMITH and JONES, Circuit Judges.") or, when it is the court's disposition
        ("AFFIRMED."), one asking what was decided."""
        return (
            self.asks_docket
            or any(has.search(sentence) for has in [*self.wanted, *self.kept])
            or (self.asks_outcome and bool(_own_disposition().search(sentence)))
        )


def _disposition_asked_for(sentence: str) -> bool:
    """Whether a sentence's decision is one someone asks for ("asking that the judgment be
    vacated"), not what the court decides (`_proposed`)."""
    return any(_proposed(sentence[: m.start()], m.group(0)) for m in re.finditer(r"\bbe\s+\w+ed\b", sentence))


def _present(term: str, sentence_terms: frozenset[str], names: frozenset[str]) -> bool:
    """Whether a question term is in a sentence: itself, another form of the same disposition,
    or a name of the sentence's document."""
    return term in sentence_terms or term in names or not _same_disposition(term).isdisjoint(sentence_terms)


@lru_cache(maxsize=4096)
def _same_disposition(term: str) -> frozenset[str]:
    """The stems of every form of the disposition a term is a form of ("refus" -> "deni", "declin", ...)."""
    for disposition in legal.dispositions().values():
        stems = frozenset(t for form in disposition["forms"] for t in terms(form))
        if term in stems:
            return stems
    return frozenset()


def _local_idf(asked: set[str], candidates: dict[str, set[int]], vocab: Vocabulary) -> dict[str, float]:
    """IDF of each question term among the candidate sentences: a word every candidate shares
    (the river of a water-rights case) tells them apart less than one only a few have."""
    sentence_terms = [vocab.sentence_terms[d][i] for d, indices in candidates.items() for i in indices]
    n = len(sentence_terms)
    df = {t: sum(1 for present in sentence_terms if t in present) for t in asked}
    return {t: math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5)) for t in asked}


@lru_cache(maxsize=1 << 16)  # per sentence text: the same sentences come back question after question
def _is_heading(sentence: str) -> bool:
    """A caption fragment or a heading ("Plaintiffs,", "ANALYSIS", "FOR THE FIFTH CIRCUIT
    United States Court of Appeals") or a piece of a citation ("Id. at 5.") answers
    nothing: too short, or without a word that is no abbreviation, or mostly capitals, or a
    line of under sixteen words without a sentence's closing punctuation ("Appeal from the United
    States District Court for the Southern District of Ohio"), or an unclosed line that ends in a
    comma or gives a docket number (a caption: "IN RE: ACME Products No. MDL 15-0264 Liability
    Litigation,"), or a short line naming the judges ("Before SMITH and JONES, Circuit
    Judges.", unless the question asks for them), or a line of counsel ("Jane Roe, Roe LLP,
    Boston, for Appellant.") or of a party's designation in the caption ("JANE ROE, in her
    official capacity as Governor, Defendant, Appellee."), unless the question asks for counsel,
    or a short line of names only ("* Western District of Roe County.", a footnote to the
    caption)."""
    words = re.findall(r"\w+", sentence)
    dated = bool(DATE.search(sentence))  # "Dated: May 1, 2020." gives a date
    named = not dated and all(w[:1].isupper() or w in NAME_LINKS for w in words)
    letters = [c for c in sentence if c.isalpha()]
    closed = bool(re.search(r"[.?!:;][\s”’\"')]*$", sentence))
    return (
        _is_citation_piece(sentence)
        or sum(c.isupper() for c in letters) > 0.6 * len(letters)
        or (not closed and (len(words) < 16 or sentence.rstrip().endswith(",") or bool(DOCKET.search(sentence))))
        or (len(words) < 15 and bool(legal.answer_types()["judges"][1].search(sentence)))
        or _caption_line(sentence)
        or (len(words) < 8 and named)
    )


def _caption_line(sentence: str) -> bool:
    """Whether a sentence is a line of the caption that gives a party's role ("JANE ROE, in her
    official capacity as Governor, Defendant, Appellee.") or its counsel ("Jane Roe, Roe LLP,
    Boston, for Appellant."): rag/legal.toml [parties] roles, [answer_types.counsel]."""
    designation, represents = _caption_patterns()
    closes = designation.search(sentence) or represents.search(sentence)
    return bool(closes and (closes.re is designation or legal.answer_types()["counsel"][1].search(sentence)))


@lru_cache(maxsize=1)
def _caption_patterns() -> tuple[re.Pattern, re.Pattern]:
    role = rf"(?:{legal.party_roles()})(?:-\w+)?"
    designation = re.compile(rf",\s*{role}(?:\s*[-–,]\s*{role})*\W*$", re.I)  # ", Defendant, Appellee."
    represents = re.compile(rf"\bfor\s+(?:the\s+)?{role}\W*$", re.I)  # "..., for Appellant."
    return designation, represents


def _unled(question: str) -> str:
    """The question from its question word on, without a phrase that leads into it ("In Crane v.
    Rodriguez, why was ..." -> "why was ..."): what it asks opens there."""
    return LEAD.sub("", question, count=1)


def _presupposes(question: str) -> bool:
    """Whether a question asks with a question word (its premise is presupposed), not yes/no."""
    return bool(PRESUPPOSES.search(_unled(question)))


def _asks_decision(question: str) -> bool:
    """Whether the question asks what a court decided (a yes/no question, or one with a decision
    verb), not what a party said ("Did the authors claim ...?")."""
    verbs = "|".join(legal.phrases("decisions", "verbs"))
    decided = not _presupposes(question) or bool(re.search(rf"\b(?:{verbs})\b", question, re.I))
    return decided and not _asks_position(question)


@lru_cache(maxsize=1 << 16)
def _restates_position(sentence: str) -> bool:
    """Whether a sentence gives a party's position or speaks of one ("reiterating his original
    arguments, and asking that his sentence be vacated"): what it says may be no more than what
    a party says, even beside words of decision."""
    nouns = "|".join(re.escape(n) for n in legal.phrases("arguments", "asked"))
    return bool(any(p.search(sentence) for p in argument_pattern()) or re.search(rf"\b(?:{nouns})\b", sentence, re.I))


def _reports_claim(sentence: str) -> bool:
    """Whether a sentence reports what a party claimed or alleged ("The Chapel claimed violations
    of ..."): no conclusion of the court's (rag/legal.toml [arguments] `claims`)."""
    words = "|".join(re.escape(w) for w in legal.phrases("arguments", "claims"))
    return bool(re.search(rf"\b(?:{words})\b", sentence, re.I))


def _asks_position(question: str) -> bool:
    """Whether a question asks what a party said ("What did Roe say his lawyer did wrong?", "How
    much did the union say Hostess owed?"), not what the court said ("What did the Seventh
    Circuit say about ...?"), nor whether a party said it ("Did the authors allege ...?": the
    court says whether they did): the party's own account answers it (rag/legal.toml [arguments])."""
    asking = _unled(sentences_of(question)[-1])
    return _presupposes(asking) and bool(_position_asked().search(asking))


@lru_cache(maxsize=1)
def _position_asked() -> re.Pattern:
    table = legal.load()["arguments"]
    voices = "|".join(re.escape(w) for w in table["court_voices"])
    verbs = "|".join(re.escape(w) for w in table["asking"])
    speaker = rf"(?:(?!(?:{voices})\b)[\w.’'&-]+\s+){{1,8}}?"  # none of its words the court's
    pronoun = rf"(?:he|she|it|they)\s+(?:{verbs})\b"  # may be the judge: "what did she say about ..."
    return re.compile(rf"\b(?:did|does|do|has|have|had)\s+(?!{pronoun}){speaker}(?:{verbs})\b", re.I)


@lru_cache(maxsize=1 << 16)
def _gives_position(sentence: str) -> bool:
    """Whether a sentence reports someone's account ("Roe claims that ...", "The union
    asserted ...", "According to Acme, ...")."""
    words = "|".join(re.escape(w) for w in legal.phrases("arguments", "reports"))
    return (
        any(p.search(sentence) for p in argument_pattern())
        or _reports_claim(sentence)
        or bool(re.search(rf"\b(?:{words})\b", sentence, re.I))
    )


def _asks_argument(question: str) -> bool:
    """Whether a question asks what a party argued ("What did the plaintiffs argue?", "What was the
    government's position?"), not what the court made of an argument ("Why did the court reject
    the argument that ...?", "How did the panel treat that argument?"): only then does a party's
    position answer it. Only the question's last sentence asks: one before it may tell what was
    argued ("The insurer argued X. How did the court deal with that?")."""
    asking = _unled(sentences_of(question)[-1])
    if argument_pattern()[0].search(asking) or _asks_position(question):
        return True
    nouns = "|".join(re.escape(n) for n in legal.phrases("arguments", "asked"))
    which = re.search(rf"^\W*(?:what|which)\s+(?:\w+\s+)?(?:{nouns})\b", asking, re.I)
    what_was = re.search(rf"^\W*what\s+(?:was|were|is|are)\s+((?:[\w.’'-]+\s+){{0,5}}?)(?:{nouns})\b", asking, re.I)
    return bool(which) or bool(
        what_was and not re.search(r"\b(?:to|of|on|about|with|against|for)\b", what_was[1], re.I)
    )


@lru_cache(maxsize=1 << 16)
def _cites_authority(sentence: str) -> bool:
    """Whether a sentence cites authority ("See Roe, 550 U.S. at 556.", "Id. at 5."): it gives
    another court's words or the record's, not what this court decides (rag/legal.toml [citations])."""
    return bool(legal.citation_pattern().search(sentence))


@lru_cache(maxsize=1 << 16)
def _frames_issue(sentence: str) -> bool:
    """Whether a sentence states the question to be decided ("The issue on appeal is
    whether ...") rather than deciding it."""
    return bool(legal.issue_patterns()[0].search(sentence)) and not states_holding(sentence)


def _asks_issue(question: str) -> bool:
    """Whether the question asks what the issue was ("What was the issue on appeal?")."""
    return bool(legal.issue_patterns()[1].search(sentences_of(question)[-1]))


def _compound(question: str) -> bool:
    """Whether the question asks several things ("Who ruled, and when?", "How much was owed, and
    did the court grant summary judgment?"). A question word after a noun opens a clause, not a
    second question ("the judge who signed the order")."""
    return len(ASKING_WH.findall(question)) > 1 or bool(SECOND_YES_NO.search(question))


def _of_expected_type(question: str, ranked: list[Scored], lib: Library) -> list[Scored]:
    """Only sentences that can answer a question opening "How much" / "How many" / "When" /
    "What price" / "What monthly benefit did it pay" / "How old" (or an `only` answer type of
    rag/legal.toml), or asking for a case number: ones with an amount, a number, a date, an
    age, the docket."""
    if _compound(question):
        return ranked  # one of its parts may be answered without a number (`_rank` favours those with one)
    if ASKS_DOCKET.search(question):
        return [s for s in ranked if _states_docket(lib, s)]
    opening = re.sub(r"^\W+", "", _unled(question))
    for asks, has in [*ANSWER_TYPES, *legal.answer_filters()]:
        if asks.match(opening) and not (has is DATE and CONDITIONAL_WHEN.match(opening)):
            kept = [(s, lib.docs[s.doc_id].text[s.start : s.end]) for s in ranked]
            kept = [(s, text) for s, text in kept if has.search(text)]
            measured = _measured(opening) if has in (AMOUNT, COUNT) else set()
            kept = [(s, text) for s, text in kept if measured <= set(terms(text))]
            if has in (AMOUNT, COUNT):  # of whom: "How much did the Acme Pension Fund assess?"
                whose = STATED_FIGURE.sub(" ", question)  # not "EAJA" of "beyond the $2,000 EAJA award"
                foreign = {d: lib.vocabulary.foreign_names(whose, d) for d in {s.doc_id for s, _ in kept}}
                short = _initials(question)
                kept = [(s, text) for s, text in kept if _names_them(text, foreign[s.doc_id], short)]
            given = _figures(question, has)
            return [s for s, text in kept if _tells_more(given, text, has)] or [s for s, _ in kept]
    return ranked


def _names_them(sentence: str, names: frozenset[str], initials: set[str]) -> bool:
    """Whether a sentence names the ones whose `names` (terms) a question gives: in full, or
    written short with the `initials` of the question's names ("IRS" for "Internal
    Revenue Service")."""
    return names <= set(terms(sentence)) or bool(initials & _acronyms(sentence))


def _initials(text: str) -> set[str]:
    """The initials of each run of capitalised words, joined or not by "and", "&", "of", "for"
    or "the" ("Internal Revenue Service" -> "IRS"): how a ruling may write the name short ("the
    IRS")."""
    runs = re.findall(r"[A-Z][\w’'-]*(?:\s+(?:(?:and|&|of|for|the)\s+)*[A-Z][\w’'-]*)+", text)
    return {"".join(w[0] for w in re.findall(r"\b[A-Z][\w’'-]*", run)) for run in runs}


def _acronyms(text: str) -> set[str]:
    """The acronyms a text writes ("IRS", "U.S.", "A&P"), as their capitals alone."""
    return {re.sub(r"[^A-Z]", "", a) for a in re.findall(r"\b[A-Z](?:[&.]?[A-Z])+\b\.?", text)}


def _measured(question: str) -> set[str]:
    """The terms of the measure a quantity question asks for, all of which an answer states
    ("How much back pay did ...": back, pay; "How many grams of cocaine ...": grams, which
    "three bags of cocaine" does not give), less the words of quantity themselves, the period
    of an amount ("What hourly rates ...": rates, which "$350 an hour" gives) and the whole a
    part is taken of ("How much of the deposit was returned?" is answered by "$129.41 was
    refunded")."""
    asked = MEASURED.match(question)
    if not asked:
        return set()
    measure = re.split(r"\bof\b", asked.group(1), maxsplit=1, flags=re.I)[0]
    measure = re.sub(rf"\b{PER_PERIOD}\b", " ", measure, flags=re.I)
    return set(terms(measure)) - QUANTITY_WORDS


def _figures(text: str, kind: re.Pattern | None = None) -> set[str]:
    """The numbers a text writes in digits, compared digit for digit; of an amount `kind`, only
    the amounts' ("$500" and not the 3 of "on March 3")."""
    if kind is AMOUNT:
        return {digits(a or b) for a, b in AMOUNT_FIGURE.findall(text)}
    return {digits(n) for n in NUMBER.findall(text)}


def _tells_more(given: set[str], sentence: str, kind: re.Pattern | None = None) -> bool:
    """Whether a sentence gives a number (of the `kind` asked) the question does not (`given`:
    the question's `_figures`): "How much of the $500 deposit was refunded?" is not answered by
    "On March 3 it refused to return the $500 deposit." (A sentence with no figure in digits
    may spell its answer out, and is kept.)"""
    stated = _figures(sentence, kind)
    return not stated or not stated <= given


def _states_docket(lib: Library, s: Scored) -> bool:
    """Whether the sentence gives its document's own docket number (any docket number, if it has none on file)."""
    doc = lib.docs[s.doc_id]
    text = doc.text[s.start : s.end]
    own = re.sub(r"^Nos?\.\s*", "", doc.meta.docket).split(",")[0].strip()
    return own in text if own else bool(DOCKET.search(text))


# ---- 4. Refuse late ----------------------------------------------------------------------


def _contradicted_premise(question: str, scope: set[str], lib: Library) -> str | None:
    """When a why/how question presupposes a disposition that the ruling's opening and conclusion
    contradict: "Why did the court reverse ..." of an opinion that says "We affirm", or "Why did
    the court decline to affirm ..." of one that does."""
    if not _presupposes(question) or _by_a_lower_court(question, scope, lib):
        return None
    dispositions = legal.dispositions()
    verbs = {
        name: [f for f in d["forms"] if not f.endswith(("al", "ance", "atur"))] for name, d in dispositions.items()
    }
    done = _not_given().sub(r"\g<negating>\g<between>", question)  # "decline to reverse": no reversal
    asked = {name for name, forms in verbs.items() if _says(done, forms)}  # "the denial of" is history
    denied = {name for name, forms in verbs.items() if _says(question, forms) and not _says(done, forms)} - asked
    own = {doc_id: _stated_dispositions(lib, doc_id) for doc_id in sorted(scope)} if asked or denied else {}
    for name in sorted(asked):
        opposites = [o for o in dispositions[name]["opposite"] if o not in asked]
        for doc_id, stated in own.items():
            contrary = [o for o in opposites if o in stated and name not in stated]
            if contrary:
                said = f"{lib.docs[doc_id].meta.title} says “{contrary[0]}”"
                return f"Its premise does not match the ruling: the question assumes “{name}”, {said}."
    for name in sorted(denied):  # "Why didn't the court affirm?" of "AFFIRMED."
        for doc_id, stated in own.items():
            if name in stated and stated.isdisjoint(dispositions[name]["opposite"]):
                said = f"{lib.docs[doc_id].meta.title} says “{name}”"
                return f"Its premise does not match the ruling: the question assumes no “{name}”, {said}."
    return _denied_motion_premise(question, scope, lib)


def _denied_motion_premise(question: str, scope: set[str], lib: Library) -> str | None:
    """When a why/how question says the court did what a motion asked ("Why did the court quash
    the subpoena?") and the ruling's opening or conclusion denies such a motion ("the motion to
    quash is DENIED") and grants none ("GRANTED as to the first expert, DENIED as to ...")."""
    forms = legal.dispositions()
    for doc_id in sorted(scope):
        ruled: dict[str, set[str]] = {}
        for sentence in _decisive_sentences(lib, doc_id):
            for way in ("grant", "deny"):
                if _says(sentence, forms[way]["forms"]):
                    for m in MOTION_TO.finditer(sentence):
                        ruled.setdefault(m.group(1).lower(), set()).add(way)
        for action, ways in sorted(ruled.items()):
            if action not in legal.phrases("motions", "acts"):
                continue
            done = re.search(rf"(?<!\bto )(?<![\w-]){action}\w*", question, re.I)  # "moved to quash": asked, not done
            if done and ways == {"deny"}:
                title = lib.docs[doc_id].meta.title
                return (
                    f"Its premise does not match the ruling: the question assumes the court did "
                    f"“{done.group(0)}”, {title} denies the motion to {action}."
                )
    return None


def _negated_premise(question: str, best: list[Scored], lib: Library) -> str | None:
    """When a why/how question presupposes that something was not so ("Why was the use not a fair
    use?") and the best passages say that it was, never that it was not."""
    asserted = NOT_SO.search(question) if _presupposes(question) else None
    if not asserted:
        return None
    phrase = re.escape(asserted.group(1)).replace(r"\ ", r"\s+")
    texts = [lib.docs[s.doc_id].text[s.start : s.end] for s in best]
    affirmed = [t for t in texts if re.search(rf"\b(?:is|was|were|are|be)\s+(?:\w+\s+){{0,2}}?{phrase}\b", t, re.I)]
    denied = [t for t in texts if re.search(rf"\bnot\s+(?:\w+\s+){{0,2}}?{phrase}\b", t, re.I)]
    if affirmed and not denied:
        assumed = f"not {asserted.group(1)}"
        said = "the closest passages say otherwise"
        return f"Its premise does not match them: the question assumes “{assumed}”, {said}."
    return None


def _opposed_premise(question: str, best: list[Scored], lib: Library) -> str | None:
    """When a why/how question says the court concluded something ("Why did the court hold that
    the search was unlawful?", "... find counsel ineffective?") or ordered it done ("Why
    did the court order the lender to refund the deposit?") and one of the best passages, in the
    court's own voice, says the opposite of it, or of one of its clauses joined by "and" ("the
    search was lawful", "not obligated to refund the deposit") about the same things
    (`rag.verify.opposes`)."""
    said = CONCLUDED_THAT.search(_unled(question))
    if not said:
        return None
    premise = said.group(1) or said.group(4) or said.group(3)  # what the court concluded, or ordered done
    shown = said.group(1) or said.group(4) or f"{said.group(2)} {said.group(3)}"
    clauses = [c for c in re.split(r",?\s+and\s+", premise) if len(c.split()) > 1]  # "... ineffective and let her ..."
    for s in best:
        text = lib.docs[s.doc_id].text[s.start : s.end]
        if not _restates_position(text) and any(verify.opposes(c, text) for c in clauses):
            doc = lib.docs[s.doc_id]
            where = doc.meta.full_citation(doc.locate(s.start, s.end))
            return f"Its premise does not match the ruling: the question assumes “{shown.strip()}”; {where}: “{text}”"
    return None


def _unstated_premise(question: str, best: list[Scored], lib: Library) -> str | None:
    """When a why-question says the court concluded something ("Why did the First Circuit hold
    that the orders violated the church's rights?") and none of the best sentences states it
    (`rag.verify.supports`, which accepts a paraphrase) other than as a party's claim ("The
    Chapel claimed violations of ...") or as an open question ("the parties dispute whether
    ..."): the ruling never concluded it."""
    said = CONCLUDED_THAT.search(_unled(question))
    premise = said and (said.group(1) or said.group(4))
    if not premise:
        return None
    first = re.split(r",?\s+and\s+", premise)[0]  # "... rights, and what relief did it order"
    for s in best:
        doc = lib.docs[s.doc_id]
        text = doc.text[s.start : s.end]
        if _restates_position(text) or _reports_claim(text) or WHETHER.search(text):
            continue  # a party's claim, or a question still open, is no conclusion of the court's
        if verify.supports(first, text, about=doc.meta.about_text(), document=doc.text):
            return None
    return f"Its premise is not in the rulings: none of the passages closest to the question says that {first}."


def _by_a_lower_court(question: str, scope: set[str], lib: Library) -> bool:
    """Whether the question says a court below the rulings' own decided ("Which district court
    granted ..." of an appellate opinion): its disposition is not theirs."""
    decider = _decider(question)
    levels = [legal.court_level(lib.docs[d].meta.court) for d in scope]
    return decider is not None and all(decider[0] < lv for lv in levels)


def _asks_own_disposition(question: str, scope: set[str], lib: Library) -> bool:
    """Whether a yes/no question asks how the rulings in scope themselves disposed of something
    ("Did the court grant the motion?", "Did the Eighth Circuit reverse?" of the Eighth
    Circuit's opinion): the ruling's "The motion is DENIED" is its answer, not a missing event.
    "Did the Third Circuit reverse?" of a district court's order asks what another court did."""
    if not YES_NO.match(_unled(sentences_of(question)[-1])):
        return False
    decider = _decider(question)
    return decider is None or any(legal.court_level(lib.docs[d].meta.court) == decider[0] for d in scope)


def _all_forms() -> list[str]:
    """Every form of every disposition, longest first (so an alternation takes "affirmed" whole)."""
    return sorted({f for d in legal.dispositions().values() for f in d["forms"]}, key=len, reverse=True)


@lru_cache(maxsize=1)
def _requested() -> re.Pattern:
    """A disposition a party asks for, not one the court gives: "asking that his sentence be
    vacated", "urges us to reverse"."""
    forms = "|".join(_all_forms())
    asking = r"(?:ask|seek|sought|request|mov(?:e|es|ed|ing)\b|urg|argu|contend)\w*"
    return re.compile(rf"\b{asking}[^.;]{{0,80}}?\b(?:to|be)\s+(?:\w+\s+)?(?:{forms})\b", re.I)


@lru_cache(maxsize=1)
def _not_given() -> re.Pattern:
    """A disposition a question says the court did not give ("decline to reverse", "not grant",
    "didn't the Eighth Circuit vacate"), with the `negating` words and those `between`."""
    forms = "|".join(_all_forms())
    negating = r"(?P<negating>\bnot|\bnever|n[’']t|\b(?:declin|refus|fail)\w*\s+to)"
    return re.compile(rf"{negating}(?P<between>\s+(?:[\w.’'-]+\s+){{0,4}}?)(?:{forms})\b", re.I)


def _says(text: str, forms: list[str]) -> bool:
    return bool(re.search(r"\b(?:" + "|".join(forms) + r")\b", text, re.I))


def _decisive_sentences(lib: Library, doc_id: str) -> list[str]:
    """The sentences of a ruling's opening and conclusion, where it states its disposition."""
    spans = lib.units[doc_id].sentences
    n = max(DECISIVE_MIN, int(len(spans) * DECISIVE_SHARE))
    text = lib.docs[doc_id].text
    return [text[s:e] for s, e in [*spans[:n], *spans[-n:]]]


def _stated_dispositions(lib: Library, doc_id: str) -> set[str]:
    """The dispositions a ruling's opening and conclusion give as the court's own: every one
    named in a sentence that states one ("is AFFIRMED in part and VACATED in part"), not one a
    party asks for ("asking that his sentence be vacated") nor another court's ("the district
    court vacated Park's sentence")."""
    stated = set()
    for sentence in _decisive_sentences(lib, doc_id):
        sentence = _requested().sub(" ", sentence)
        if _own_disposition().search(sentence):
            stated |= {name for name, d in legal.dispositions().items() if _says(sentence, d["forms"])}
    return stated


# ---- 5. Answer ---------------------------------------------------------------------------


def _opposing(best: Scored, relevant: list[Scored], lib: Library) -> Scored | None:
    """The best-scoring relevant sentence of another document that states the opposite of the
    best answer (a memo saying "not a fair use" of what the ruling holds a fair use): shown
    beside it, so that the user sees that the documents disagree."""
    return next((s for s in relevant if s.doc_id != best.doc_id and _opposite(lib, best, s)), None)


def _disposition(
    question: str, chosen: list[Scored], ranked: list[Scored], lib: Library, about: set[str]
) -> Scored | None:
    """For a yes/no question about what a court decided ("Did she win her appeal?"), the best
    sentence in which the ruling states its own disposition ("we affirm", "the motion is
    DENIED"): it is the yes or the no, and the answer opens with it, whether it was chosen
    further down or not at all. The same for a question asking how a whole appeal, case or
    motion came out ("How did the court resolve the appeal?", "What did the court decide in
    Roe?": the ruling it is `about`)."""
    yes_no = bool(YES_NO.match(_unled(sentences_of(question)[-1])))
    if not yes_no and not _asks_outcome(question, bool(about)):
        return None
    doc_id = chosen[0].doc_id
    if _names_other_case(question, lib, doc_id):
        return None  # "What did the court decide in Doe v. Acme?", a case the ruling cites
    if stated := [s for s in chosen if _states_disposition(lib, s) and not _in_footnote(lib, s.doc_id, s.start)]:
        return stated[0] if stated[0].doc_id == doc_id else None
    if lib.docs[doc_id].meta.kind != "ruling":
        return None
    return _first_disposition(ranked, doc_id, lib)


def _outcome_alone(question: str, ranked: list[Scored], lib: Library, about: set[str]) -> Scored | None:
    """For a question that no sentence of the one ruling it is about answers closely, asking only
    how it came out ("What did the Seventh Circuit decide in Roe?", which leaves no word to
    match) or asking yes or no in other words than the ruling's ("Did she let them have it?"
    of an order denying a motion to quash), the ruling's own disposition; none when it names
    anyone else ("... in Doe v. Acme?", a case the ruling cites) or asks what came later ("Did
    he end up getting a new trial?")."""
    yes_no = bool(YES_NO.match(_unled(question))) and not LATER.search(question)
    if len(about) != 1 or not (yes_no or _asks_outcome(question, names_ruling=True)):
        return None
    doc_id = next(iter(about))
    if lib.docs[doc_id].meta.kind != "ruling" or lib.vocabulary.foreign_names(question, doc_id):
        return None
    return _first_disposition(ranked, doc_id, lib)


def _author_line(question: str, ranked: list[Scored], lib: Library, about: set[str]) -> Scored | None:
    """For a question asking who wrote or decided the one ruling it is about ("Who wrote it?",
    which leaves no word to match), the ruling's own line naming its author, as rag/legal.toml
    writes them: the line opening the court's opinion ([opinions] `court`: "ROE, Circuit Judge:",
    "JUSTICE ROE delivered the opinion of the Court."), else a line that opens with the judge
    ingest found and names a judge ([answer_types.judges]: "ROE, Circuit Judge.", "Jane Roe,
    Judge", "PER CURIAM"), else any such line naming them (the panel's)."""
    if len(about) != 1 or not AUTHOR_ASKED.match(_unled(question)):
        return None
    doc = lib.docs[next(iter(about))]
    lines = [(s, doc.text[s.start : s.end]) for s in ranked if s.doc_id == doc.meta.id]
    opening, names_judge = legal.opinion_patterns()[1], legal.answer_types()["judges"][1]
    ways = [opening.search]
    if doc.meta.judge:
        surname = re.escape(doc.meta.judge.split()[-1])
        lines = [(s, text) for s, text in lines if re.search(rf"\b{surname}\b", text, re.I)]
        opens = re.compile(rf"^\W*(?:(?:Chief\s+)?Justice\s+)?(?:[\w.]+\s+){{0,3}}?{surname}\b", re.I)
        ways += [lambda text: opens.search(text) and names_judge.search(text), names_judge.search]
    return next((s for way in ways for s, text in lines if way(text)), None)


def _first_disposition(ranked: list[Scored], doc_id: str, lib: Library) -> Scored | None:
    """The best-ranked sentence in which the document states its own disposition, in its body (a
    footnote's "The motion to proceed in forma pauperis is GRANTED" disposes of a side request,
    not of the case)."""
    ours = [s for s in ranked if s.doc_id == doc_id and _states_disposition(lib, s)]
    return next((s for s in ours if not _in_footnote(lib, s.doc_id, s.start)), ours[0] if ours else None)


def _in_footnote(lib: Library, doc_id: str, offset: int) -> bool:
    """Whether the text at `offset` of a document is in one of its footnotes."""
    return any(start <= offset < end for _, _, start, end in lib.docs[doc_id].layout.footnotes)


def _names_other_case(question: str, lib: Library, doc_id: str) -> bool:
    """Whether the question names a case ("Doe v. Acme") that is not the document's own."""
    own = set(terms(lib.docs[doc_id].meta.names()))
    return any(not set(terms(f"{m.group(1)} {m.group(2)}")) <= own for m in CASE_NAME.finditer(question))


def _asks_outcome(question: str, names_ruling: bool = False) -> bool:
    """Whether a question asks how a whole appeal, case or motion came out (rag/legal.toml
    [decisions]), not about one issue of it; a ruling it names is such a whole ("What did the
    court decide in Roe?")."""

    def matches(key: str) -> bool:
        return any(re.search(p, question, re.I) for p in legal.phrases("decisions", key))

    whole = names_ruling or matches("outcome_objects")
    return matches("outcome_asks") and whole and not matches("outcome_narrower")


def _states_disposition(lib: Library, s: Scored) -> bool:
    """Whether a sentence states the ruling's own disposition, and not what a party argues it
    should be ("Authors argue that computers should not be allowed to ...")."""
    text = lib.docs[s.doc_id].text[s.start : s.end]
    found = [m for m in _own_disposition().finditer(text) if not _proposed(text[: m.start()], m.group(0))]
    return bool(found) and not _restates_position(text)


def _proposed(before: str, stated: str) -> bool:
    """Whether "be denied" is what someone recommended or asked for ("The magistrate judge
    recommended the petition be denied", "asks that the motion be granted"), or "is denied" a
    condition ("If the application is denied, ..."), not what was decided."""
    verb = stated.split()[0].lower()
    return (verb == "be" and bool(PROPOSES.search(before))) or (
        verb in ("is", "are", "be") and bool(CONDITIONAL.search(before))
    )


@lru_cache(maxsize=1)
def _own_disposition() -> re.Pattern:
    """A court stating its own disposition: "we affirm", "We granted a COA and now affirm", "the
    Court GRANTS", "is DENIED", "REVERSED" (not "the district court denied" nor "we affirmed":
    the history; nor "we decline to address this issue": what it leaves undecided)."""
    forms = _all_forms()
    either = "|".join(forms)
    present = "|".join(f for f in forms if not f.endswith("ed"))  # "we affirmed" is an earlier appeal
    return re.compile(
        rf"\b(?:we|(?-i:the Court)|this court)\s+(?:(?:therefore|thus|hereby|accordingly|must|will)\s+)?"
        rf"(?:[a-z]+\s+and\s+)?(?:{present})\b(?!\s+to\b)"  # "we <verb> and affirm"; not "we decline to address"
        # "We granted a COA and now affirm"
        rf"|\bwe\s+[^.;]{{0,80}}?\band\s+(?:now|therefore|hereby|accordingly)\s+(?:{present})\b(?!\s+to\b)"
        rf"|\b(?:is|are|(?<!\bnot\s)be),?\s+(?:(?:hereby|therefore|thus|accordingly|also),?\s+)?(?:{either})\b"
        rf"|(?-i:\b(?:{'|'.join(f.upper() for f in forms)})\b)",
        re.I,
    )


def disagreement(chosen: list, lib: Library) -> str | None:
    """A notice when a sentence of the answer's first document and one of another document state
    opposite outcomes: which documents disagree."""
    first = [c for c in chosen if c.doc_id == chosen[0].doc_id]
    for c in chosen:
        if c.doc_id != chosen[0].doc_id and any(_opposite(lib, f, c) for f in first):
            a, b = (lib.docs[x.doc_id].meta.title.rstrip(".") for x in (chosen[0], c))
            return f"The documents disagree: {a} and {b} state opposite outcomes here; both are cited."
    return None


def _opposite(lib: Library, a, b) -> bool:
    """Whether two sentences (Scored or Citation) state opposite things of the same subject."""
    from rag.verify import opposes

    first, second = (lib.docs[x.doc_id].text[x.start : x.end] for x in (a, b))
    return bool(opposes(first, second) or opposes(second, first))


def _select(relevant: list[Scored], settings: Settings) -> list[Scored]:
    """The best relevant sentences within reach of the top one, best first, grouped by document."""
    floor = relevant[0].score - settings.answer_keep_within
    chosen = [s for s in relevant if s.score >= floor][: settings.max_sentences]
    doc_order = {d: i for i, d in enumerate(dict.fromkeys(s.doc_id for s in chosen))}
    return sorted(chosen, key=lambda s: (doc_order[s.doc_id], -s.score))
