"""The default answer backend: extractive, offline and deterministic.

Every sentence of the best-ranked chunks is scored against the question:

    score = lexical + 0.5 * cosine (+ 0.1 when the question asks about an outcome and the
                                      sentence states one: "favors", "was a fair use", "denies")

where `lexical` is the IDF-weighted share of the question's content words found in the
sentence (words that only frame a legal question, "court", "hold", "say", are left out, and a
document's own names, "Bartz", "the Hangzhou court", count as present in all its sentences)
and `cosine` compares the question with the sentence embedded under its headings. A compound
question ("Which court, and when?") adds 0.2 for a sentence with the date, number or amount it
asks for; a yes/no question about an outcome is answered with the sentences that state one.
The cosine weight and the floor were calibrated on `evals/gold.jsonl` with 5-fold
cross-validation; the bonuses were chosen on it and checked on the questions of
`evals/heldout.py`, written later (see evals/README.md). The answer is the
best few sentences, verbatim, each followed by its citation marker.

It refuses, plainly, when the corpus does not answer: a question with no content words; one
naming something no document mentions (another case, a party, a docket number, a settlement
or verdict), or asking for a thing no document has a word for ("What royalty rate ..."); an
appeal, award or verdict asked of a named document that never mentions one; what a higher
court or a jury decided in a case the corpus holds only at first instance; one whose premise
the best passages contradict ("Why did the court grant..." where they say "denying"); a
"how much" / "how many" / "when" / case-number question that no passage answers with an
amount, number, date or docket; or no sentence scoring above the floor. A refusal still
carries the closest passages.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from rag.corpus import Document
from rag.retrieve import Hits, Library, content_terms, terms
from rag.verify import CARDINALS

REFUSAL = "The rulings in this corpus don't answer that."
COSINE_WEIGHT = 0.5
MIN_SCORE = 0.40  # best sentence below this: the corpus does not answer
MIN_WORDS = 3  # shorter "sentences" are caption fragments and headings
KEEP_WITHIN = 0.15  # further sentences must score within this of the best one
POOL = 30  # sentences are drawn from this many top-ranked chunks
NAME = re.compile(r"(?<![\w’'])([A-Z][\w’'.-]*[A-Za-z0-9]|\d[\d,.-]{2,}\d)")
EVENT_WORDS = set(
    """settlement settlements settle settled verdict verdicts award awarded affirm affirmed affirmance reverse
    reversed reversal remand remanded vacate vacated overturn overturned sanction sanctions penalty penalties
    valuation statute limitations indicted convicted acquitted arbitration mediation""".split()
)
EVENT_ALSO = {w: "compensate" for w in ("award", "awarded")}  # an award is also "ordered to compensate"
ALIASES = {"ninth": "9th", "second": "2d", "third": "3d", "fourth": "4th", "federal": "fed", "circuit": "cir"}
_MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
ANSWER_TYPES = [  # (what the question asks for, what a sentence that answers it contains)
    (
        re.compile(r"\bhow much\b.*\b(?:damages|pay|paid|fee|fine|award|cost|compensat\w*|revenue|spen[dt]|worth|money|loss)", re.I),
        re.compile(r"\$\s?\d|\b(?:RMB|USD|EUR|dollars?|yuan)\b|\d\s*(?:million|billion)\b", re.I),
    ),
    (re.compile(r"\bhow many\b", re.I), re.compile(rf"\d|\b(?:{CARDINALS}|dozen)\b", re.I)),
    (
        re.compile(r"\b(?:when\b|(?:on |in )?(?:what|which) (?:date|year|day|month)\b)", re.I),
        re.compile(rf"\b{_MONTHS}\b|\b(?:19|20)\d\d\b|\b\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b"),
    ),
]
ASKS_DOCKET = re.compile(r"\b(?:case|docket|file)\s+(?:number|no)\b|\bdocket\b", re.I)
DOCKET = re.compile(r"\bNo\.\s*(?:[A-Za-z]{1,3}\s)?\d[\w:-]*")
TYPE_BONUS = 0.2  # a sentence with the date / number / amount a compound question asks for
OUTCOME_BONUS = 0.1  # a sentence stating an outcome, for a question asking about one
ASKS_OUTCOME = re.compile(
    r"\b(?:fair use|transformative|favou?r\w*|neutral|hold|held|rule[sd]?|decide[sd]?|conclude[sd]?|grant\w*|den(?:y|ied|ies)|"
    r"liab\w*|infring\w*|lawful|unlawful|excuse[sd]?|justif\w*|come out|cut|outcome|factor)\b",
    re.I,
)
STATES_OUTCOME = re.compile(
    r"\b(?:favors?|points? against|(?:is|was) (?:thus )?neutral|(?:is|was|were|are) (?:not |also |thus |itself )?(?:a |an )?fair use|"
    r"(?:not )?justified (?:as|by) a fair use|this order (?:holds|grants|denies|concludes|finds)|"
    r"grants? summary judgment|denies summary judgment|(?:the )?court (?:held|found|concluded|denied|granted|ruled|recognized|considered)|"
    r"(?:was|were) (?:exceedingly |quintessentially |spectacularly )?transformative|(?:is|was|not) liable|constituted|denying|"
    r"irredeemably infringing|not (?:itself )?a fair use)\b",
    re.I,
)
YES_NO = re.compile(r"^\W*(?:was|were|is|are|did|does|do|can|could|would|will|has|have|had|should)\b", re.I)
# ... unless it asks what a party claimed, or whether a ruling discussed something at all
ASKS_OTHER = re.compile(r"\b(?:claim\w*|argu\w*|alleg\w*|conten\w*|ask\w*|seek\w*|sought|request\w*|say|said|mention\w*|discuss\w*|address\w*)\b", re.I)
DECIDER = re.compile(  # a court named as deciding something
    r"\b(supreme court|(?:\w+ )?circuit|court of appeals?|appeals court|appellate court|high court|jury)\W+(?:\w+\W+){0,2}?"
    r"(?:decide[sd]?|h[oe]ld|holds|rule[sd]?|f[oi]u?nds?|affirm\w*|revers\w*|say|said|conclude[sd]?|award\w*|return\w*)\b",
    re.I,
)
ASKED_FOR = re.compile(  # "What royalty rate did ...": the noun phrase after the question word
    r"^\W*(?:what|which|whose|how much|how many)\s+((?:[\w’'-]+\s+){0,3}?)"
    r"(?:did|does|do|was|is|were|are|has|have|had|would|should|can|could|will|of|in|for|to|under|at)\b",
    re.I,
)
ANSWER_FORMS = set(
    """analogy analogies metaphor comparison example examples reasoning rationale argument arguments test standard
    approach basis explanation view point language words quote phrase statement takeaway takeaways lesson lessons
    significance holding outcome result conclusion exactly kind type sort""".split()
)
# A "why/how/what ..." question presupposes its outcome; yes/no questions do not.
PRESUPPOSES = re.compile(r"^\W*(why|how|what|when|where|which|on what|in what)\b", re.I)
OUTCOMES = {  # outcome -> (pattern, its opposite)
    "grant": (re.compile(r"\bgrant(?:s|ed|ing)?\b", re.I), "deny"),
    "deny": (re.compile(r"\b(?:den(?:y|ies|ied|ying|ial)|refus(?:e|ed|ing))\b", re.I), "grant"),
    "not fair use": (re.compile(r"\b(?:not|n[’']t|no)\b(?:\s+\w+){0,3}\s+(?:a\s+)?fair use\b", re.I), "fair use"),
    "fair use": (re.compile(r"\b(?:is|was|were|are|be|as)\s+(?:a\s+)?fair use\b", re.I), "not fair use"),
}


@dataclass
class Scored:
    doc_id: str
    start: int
    end: int
    score: float


def extract(question: str, hits: Hits, lib: Library, limit: int) -> tuple[list[Scored], str | None]:
    """The sentences that answer, or why none do."""
    reason = _unanswerable(question, lib)
    if reason:
        return [], reason
    ranked = _of_expected_type(question, _rank(_score(question, hits, lib)), lib)
    if not ranked or ranked[0].score < MIN_SCORE:
        return [], "None of their passages addresses the question closely enough."
    conflict = _premise_conflict(question, ranked[:3], lib)
    if conflict:
        return [], conflict
    return _select(_outcomes_first(question, ranked, lib), limit), None


def _unanswerable(question: str, lib: Library) -> str | None:
    """Why the corpus cannot answer, when that is clear before scoring anything."""
    if not terms(question):
        return "Ask about the rulings: their holdings, facts, parties or reasoning."
    unknown = _unknown_names(question, lib) or _unknown_asked_for(question, lib)
    if unknown:
        return f"No document in it mentions {_quoted(unknown)}."
    named = lib.named(question)
    other = _other_decider(question, lib, named)
    if other:
        return other
    unknown = _unknown_events(question, lib, named or set(lib.docs))
    if unknown and named:
        return f"{' and '.join(lib.docs[d].meta.title for d in sorted(named))}: no mention of {_quoted(unknown)}."
    if unknown:
        return f"No document in it mentions {_quoted(unknown)}."
    return None


def _other_decider(question: str, lib: Library, named: set[str]) -> str | None:
    """"What did the Supreme Court decide in Bartz?": a decision, in a named case, by a court
    (or a jury) that is not the one whose ruling the corpus holds."""
    said = DECIDER.search(question)
    if not said or not named:
        return None
    decider = said.group(1)
    metas = [lib.docs[d].meta for d in sorted(named)]
    if any(decider.lower() in f"{m.court} {m.about}".lower() for m in metas) or _names_another_case(question, lib, said):
        return None
    courts = " and ".join(dict.fromkeys(m.court.rstrip(".") for m in metas if m.court)) or "other courts"
    return f"It holds no decision of the {decider} in that case, only rulings of {courts}."


def _names_another_case(question: str, lib: Library, decider: re.Match) -> bool:
    """Whether the question names something besides the corpus's own cases ("in Campbell"), which
    the decider may well have decided."""
    own = set().union(*lib.name_terms.values())
    words = [m.group(0) for m in NAME.finditer(question) if m.start() > 0 and not decider.start() <= m.start() < decider.end()]
    return any(not set(content_terms(w)) <= own for w in words)


def _quoted(words: list[str]) -> str:
    return ", ".join(f"“{w}”" for w in words)


def _unknown_asked_for(question: str, lib: Library) -> list[str]:
    """What a "What royalty rate ..." / "Which penalty ..." question asks for, when no document uses the word.

    Words that name the form of an answer rather than its content ("What analogy did the judge
    use") are let through: the rulings draw analogies without calling them that.
    """
    asked = ASKED_FOR.match(question)
    words = asked.group(1).split() if asked else []
    return [w for w in words if w.lower() not in ANSWER_FORMS and terms(w) and not any(t in lib.term_df for t in terms(w))]


def _unknown_names(question: str, lib: Library) -> list[str]:
    """Capitalised words and long numbers in the question that appear in no document."""
    first_word = re.match(r"\W*(\w+)", question)
    unknown = []
    for match in NAME.finditer(question):
        word = match.group(0).rstrip(".")
        if first_word and match.start() == first_word.start(1):
            continue
        key = re.sub(r"[’']s$", "", word).lower()
        known = key in lib.vocabulary or ALIASES.get(key) in lib.vocabulary or _adjective_of_known(key, lib)
        if not known and word not in unknown:
            unknown.append(word)
    return unknown


def _unknown_events(question: str, lib: Library, scope: set[str]) -> list[str]:
    """Legal events the question asks about (a settlement, a verdict, an affirmance) that the documents in scope never mention.

    A question about an event the rulings never mention has a false premise or lies outside
    them; answering it from whatever passage is nearest would be the worst outcome. A question
    naming a document ("the Bartz trial") scopes the search to it.
    """
    events = [w for w in dict.fromkeys(re.findall(r"[A-Za-z]+", question)) if w.lower() in EVENT_WORDS]
    return [w for w in events if not _mentioned(terms(f"{w} {EVENT_ALSO.get(w.lower(), '')}"), lib, scope)]


def _mentioned(event_terms: list[str], lib: Library, scope: set[str]) -> bool:
    return any(t in lib.doc_terms[d] for t in event_terms for d in scope)


def _adjective_of_known(word: str, lib: Library) -> bool:
    """'Chinese' for a corpus that says 'China': a nationality adjective of a word the corpus has."""
    stem = re.sub(r"(ese|ian|ish|an|n)$", "", word)
    return len(stem) >= 4 and stem != word and any(v.startswith(stem) for v in lib.vocabulary)


def _score(question: str, hits: Hits, lib: Library) -> list[Scored]:
    """Every sentence of the best-ranked chunks, scored against the question."""
    import numpy as np

    weights = _term_weights(content_terms(question), lib)
    total = sum(weights.values()) or 1.0
    qvec = np.asarray(hits.qvec)
    bonus = OUTCOME_BONUS if ASKS_OUTCOME.search(question) else 0.0
    wanted = [has for asks, has in ANSWER_TYPES if asks.search(question)] if _compound(question) else []
    out: list[Scored] = []
    for doc_id, chunk, _ in hits.chunks[:POOL]:
        first, last = chunk.sentences
        cosines = lib.sentence_vectors[doc_id][first:last] @ qvec
        named = lib.name_terms[doc_id]
        for i, cos in zip(range(first, last), cosines):
            present = lib.sentence_terms[doc_id][i]
            lexical = sum(w for t, w in weights.items() if t in present or t in named) / total
            start, end = lib.units[doc_id].sentences[i]
            text = lib.docs[doc_id].text[start:end]
            if len(re.findall(r"\w+", text)) < MIN_WORDS:
                continue  # a caption fragment or a heading ("Plaintiffs,", "ANALYSIS") answers nothing
            outcome = bonus if bonus and STATES_OUTCOME.search(text) else 0.0
            typed = TYPE_BONUS * sum(1 for has in wanted if has.search(text))
            out.append(Scored(doc_id, start, end, lexical + COSINE_WEIGHT * float(cos) + outcome + typed))
    return out


def _compound(question: str) -> bool:
    """Whether the question asks several things ("Who ruled, and when?")."""
    return len(re.findall(r"\b(?:when|how|what|who|whom|which|where|why)\b", question, re.I)) > 1


def _term_weights(query_terms: list[str], lib: Library) -> dict[str, float]:
    """IDF of each question term over all indexed sentences (rarer words count more)."""
    n, df = lib.sentence_count, lib.term_df
    return {t: math.log(1 + (n - df.get(t, 0) + 0.5) / (df.get(t, 0) + 0.5)) for t in set(query_terms)}


def _rank(scored: list[Scored]) -> list[Scored]:
    """Distinct sentences, best first (a sentence in two overlapping chunks counts once)."""
    return sorted({(s.doc_id, s.start): s for s in scored}.values(), key=lambda s: (-s.score, s.doc_id, s.start))


def _of_expected_type(question: str, ranked: list[Scored], lib: Library) -> list[Scored]:
    """Only sentences that can answer a question opening "How much" / "How many" / "When", or asking
    for a case number: ones with an amount, a number, a date, the docket. Without one the rulings
    do not answer it."""
    if _compound(question):
        return ranked  # one of its parts may be answered without a number (`_score` favours those with one)
    if ASKS_DOCKET.search(question):
        named = lib.named(question) or set(lib.docs)
        return [s for s in ranked if s.doc_id in named and _states_docket(lib.docs[s.doc_id], s)]
    opening = re.sub(r"^\W+", "", question)
    for asks, has in ANSWER_TYPES:
        if asks.match(opening):
            return [s for s in ranked if has.search(lib.docs[s.doc_id].text[s.start : s.end])]
    return ranked


def _states_docket(doc: Document, s: Scored) -> bool:
    """Whether the sentence gives the document's own docket number (any docket number, if it has none on file)."""
    text = doc.text[s.start : s.end]
    own = re.sub(r"^No\.\s*", "", doc.meta.docket)
    return own in text if own else bool(DOCKET.search(text))


def _premise_conflict(question: str, best: list[Scored], lib: Library) -> str | None:
    """When a why/how question presupposes an outcome that the best passages state the opposite of."""
    if not PRESUPPOSES.search(question):
        return None
    texts = [lib.docs[s.doc_id].text[s.start : s.end] for s in best]
    for outcome, (pattern, opposite) in OUTCOMES.items():
        asserted = pattern.search(question) and not OUTCOMES[opposite][0].search(question)
        if asserted and not any(pattern.search(t) for t in texts) and OUTCOMES[opposite][0].search(texts[0]):
            return f"Its premise does not match them: the question assumes “{outcome}”, the closest passage says otherwise."
    return None


def _outcomes_first(question: str, ranked: list[Scored], lib: Library) -> list[Scored]:
    """For a yes/no question about an outcome ("Was training a fair use?"), the sentences within
    reach of the best one that state an outcome, when there are any: the answer is the holding."""
    if not (YES_NO.search(question) and ASKS_OUTCOME.search(question)) or ASKS_OTHER.search(question):
        return ranked
    floor = ranked[0].score - KEEP_WITHIN
    stating = [s for s in ranked if s.score >= floor and STATES_OUTCOME.search(lib.docs[s.doc_id].text[s.start : s.end])]
    return stating or ranked


def _select(ranked: list[Scored], limit: int) -> list[Scored]:
    """The best sentences within reach of the top one, grouped by document in reading order."""
    floor = max(MIN_SCORE, ranked[0].score - KEEP_WITHIN)
    chosen = [s for s in ranked if s.score >= floor][:limit]
    doc_order = {d: i for i, d in enumerate(dict.fromkeys(s.doc_id for s in chosen))}
    return sorted(chosen, key=lambda s: (doc_order[s.doc_id], s.start))
