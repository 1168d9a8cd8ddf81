"""What the corpus says, as word tables the answerer reads: built once per loaded index (the
per-document ones when a document is first read: a question reads the few its search found).

- the content terms of every indexed sentence (for the answerer's lexical score);
- which sentences belong to a concurrence or a dissent, and whose (rag/legal.toml [opinions]);
- every word of every document and of its metadata, lower-cased (to tell whether a name in a
  question is one the corpus knows), made for the few documents whose index terms include it;
- the names that point at each document: its parties (from the case name found at ingest or
  in the manifest), the proper names of what it is about, its judge, its court in citation
  form and by its full name in courts-db ("9th Cir." is also "Ninth Circuit"). Words that
  name no one in particular ("United States", "Court", "Inc.", see rag/legal.toml) do not
  point at any.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from rag import legal
from rag.text import DATE, NUMBER, digits, name_runs, place_forms, terms, terms_many


@dataclass
class Vocabulary:
    docs: dict  # doc_id -> Document
    units: dict  # doc_id -> Units
    postings: Callable[[str], frozenset[str]] | None = None  # term -> the documents whose chunks use it

    def using(self, term: str) -> frozenset[str]:
        """The documents that use a term, in their text or their metadata. From the postings of
        the BM25 index when given: no document is read (reading every one took 19 s at 100,000
        chunks, the first time a question named a word no document uses)."""
        if term not in self._used:
            if self.postings is None:
                self._used[term] = frozenset(d for d, found in self.doc_terms.items() if term in found)
            else:
                self._used[term] = self.postings(term) | self._about_postings.get(term, frozenset())
        return self._used[term]

    @cached_property
    def _used(self) -> dict[str, frozenset[str]]:
        return {}

    @cached_property
    def _about_postings(self) -> dict[str, frozenset[str]]:
        """term -> the documents whose metadata (title, court, docket, judge, dates) use it."""
        found: dict[str, set[str]] = {}
        for doc_id, words in zip(self.docs, terms_many([self._about(d) for d in self.docs.values()])):
            for t in words:
                found.setdefault(t, set()).add(doc_id)
        return {t: frozenset(ds) for t, ds in found.items()}

    @cached_property
    def sentence_terms(self) -> Mapping[str, Sequence[frozenset[str]]]:
        """The content terms of every indexed sentence, per document (each sentence's worked out
        the first time it is read: a question reads a few sentences of each document it meets)."""
        return PerDocument(self.units, self._sentence_terms)

    @cached_property
    def doc_terms(self) -> Mapping[str, frozenset[str]]:
        """Every content term each document uses, in its text or its metadata."""
        return PerDocument(self.units, self._doc_terms)

    @cached_property
    def separate_opinions(self) -> Mapping[str, list[str | None]]:
        """Per document, per sentence: the author of the separate opinion (a concurrence or a
        dissent, rag/legal.toml [opinions]) it belongs to, lower-cased, or None for the court's own."""
        return PerDocument(self.units, self._separate_opinions)

    def _separate_opinions(self, doc_id: str) -> list[str | None]:
        separate, court, *_ = legal.opinion_patterns()
        text, out, author = self.docs[doc_id].text, [], None
        for s, e in self.units[doc_id].sentences:
            if opened := separate.search(text[s:e]):
                author = opened["name"].lower()
            elif court.search(text[s:e]):
                author = None
            out.append(author)
        return out

    def _sentence_terms(self, doc_id: str) -> Sequence[frozenset[str]]:
        return SentenceTerms(self.docs[doc_id].text, self.units[doc_id].sentences)

    def _doc_terms(self, doc_id: str) -> frozenset[str]:
        return frozenset().union(*self.sentence_terms[doc_id], terms(self._about(self.docs[doc_id])))

    def knows(self, word: str) -> bool:
        """Whether a document or its metadata has this lower-cased word, with or without a
        possessive 's. Only the documents whose index terms include the word's are read (reading
        every document took 12 s at 100,000 chunks, the first time a question named anyone)."""
        stems = terms(word)
        candidates = frozenset.intersection(*map(self.using, stems)) if stems else self.docs
        return any(word in self._doc_words[d] for d in candidates)

    @cached_property
    def _doc_words(self) -> Mapping[str, frozenset[str]]:
        return PerDocument(self.units, self._words_of)

    def _words_of(self, doc_id: str) -> frozenset[str]:
        doc = self.docs[doc_id]
        lowered = f"{doc.text} {self._about(doc)}".lower()
        found = {w.rstrip(".") for w in re.findall(r"[\w’'.-]+", lowered)} | set(re.findall(r"\w+", lowered))
        return frozenset(found | {re.sub(r"[’']s$", "", w) for w in found})

    def spells_out(self, acronym: str) -> bool:
        """Whether a document writes out an acronym of capitals: as capitalised words its letters
        begin ("DCF": "Department of Children and Families"), or, for an acronym of legal usage
        (rag/legal.toml [acronyms], "TRO"), as its words ("temporary restraining order")."""
        if not re.fullmatch(r"[A-Z]{2,6}", acronym):
            return False
        if acronym not in self._spelled:
            link = r"[\s-]+(?:(?:of|and|for|the|on|in)[\s-]+)*"  # the small words an acronym skips
            capitalised = link.join(f"{c}[a-z]{{2,}}" for c in acronym)
            usage = legal.load()["acronyms"].get(acronym)
            written = [r"(?i:" + r"[\s-]+".join(map(re.escape, re.split(r"[\s-]+", usage))) + ")"] if usage else []
            pattern = re.compile(r"\b(?:" + "|".join([capitalised, *written]) + r")\b")
            self._spelled[acronym] = any(pattern.search(doc.text) for doc in self.docs.values())
        return self._spelled[acronym]

    @cached_property
    def _spelled(self) -> dict[str, bool]:
        return {}

    @cached_property
    def numbers(self) -> frozenset[str]:
        """Every number of every document and its metadata, digits only ("3,000" is "3000")."""
        found = (NUMBER.findall(f"{doc.text} {self._about(doc)}") for doc in self.docs.values())
        return frozenset(digits(n) for numbers in found for n in numbers)

    @cached_property
    def party_terms(self) -> dict[str, frozenset[str]]:
        """The terms of the names that point at each document: its parties, what it is about, its judge."""
        return self._distinctive([f"{d.meta.names()}" for d in self.docs.values()])

    @cached_property
    def court_terms(self) -> dict[str, frozenset[str]]:
        """The terms of each document's court, in citation form and by its full name."""
        return self._distinctive([f"{d.meta.court} {legal.court_name(d.meta.court)}" for d in self.docs.values()])

    def name_terms(self, doc_id: str) -> frozenset[str]:
        return self.party_terms[doc_id] | self.court_terms[doc_id]

    def named(self, question: str) -> set[str]:
        """The documents a question points at by a party's or the judge's name ("in Holley"), if any.

        Only the question's capitalised words name anything; of the documents a name points at,
        those matching the most of the question's names win ("Judge Smith's order in Doe v.
        Acme" is Smith's, not every Acme case). A court's name alone does not point at its
        rulings (the question may name the court below); it counts in the scoring instead.
        """
        runs = self._name_runs(question)
        matches = {doc_id: self._pointing(doc_id, names, runs) for doc_id, names in self.party_terms.items()}
        best = max(matches.values(), default=0)
        return {doc_id for doc_id, n in matches.items() if n == best} if best else set()

    def foreign_names(self, question: str, doc_id: str) -> frozenset[str]:
        """The terms of the names the question gives of someone or something that is not the
        document's own (its parties, what it is about, its judge, its court): "Smith" of "What did
        Smith's May 2011 audit find Acme owed?" in Roe v. Acme. A name with a word of
        the document's own or of its title is its own ("Jane Roe" of Roe v. Commissioner,
        "the Italian case" of a ruling of a court in Italy); the question's first word, months
        and years, courts ("the Ninth Circuit") and abbreviations ("U.S.C.") are no one's."""
        own = self.name_terms(doc_id) | set(terms(self._about(self.docs[doc_id])))
        plain = _generic_terms() | office_terms()
        runs = name_runs(_court_phrases().sub(" ", DATE.sub(" ", question)))
        if runs and question.lstrip(" \"'“(").startswith(runs[0]):
            runs = runs[1:]
        foreign: set[str] = set()
        for run in runs:
            named = set(terms(run)) - plain
            places = {t for word in run.split() for form in place_forms(word) for t in terms(form)}  # "Italian"
            if not re.fullmatch(r"(?:[A-Z][a-z]?\.)+[A-Z]?", run) and not (named | places) & own:  # "U.S.C."
                foreign |= named
        return frozenset(foreign)

    def _name_runs(self, question: str) -> list[frozenset[str]]:
        """The terms of each name of the question, without the words of a judge's office ("Judge")
        or of no one in particular ("State"); a name of an institution's noun alone ("the Fund",
        "the A&B Fund", its letters too short to be terms) names no one either."""
        plain = _generic_terms() | office_terms()
        runs = [frozenset(t) - plain for t in terms_many(name_runs(question))]
        return [run for run in runs if not run <= _institution_terms()]

    def _pointing(self, doc_id: str, names: frozenset[str], runs: list[frozenset[str]]) -> int:
        """How many of a document's name terms the question uses, counting only names the
        document knows whole: "Jane Smith", a witness, is not the Smith of another case's caption."""
        pointing = [run for run in runs if run & names]
        if not pointing:
            return 0  # most documents: their word table is not needed (nor made)
        terms_of, names_of = self.doc_terms[doc_id], self.name_terms(doc_id)
        whole = [run for run in pointing if all(t in terms_of or t in names_of for t in run)]
        return len(set().union(*(run & names for run in whole)))

    @cached_property
    def all_name_terms(self) -> frozenset[str]:
        """Every term of every document's names, generic words included."""
        names = [f"{d.meta.names()} {d.meta.court} {legal.court_name(d.meta.court)}" for d in self.docs.values()]
        return frozenset().union(*map(frozenset, terms_many(names)))

    def _distinctive(self, names: list[str]) -> dict[str, frozenset[str]]:
        """Name terms per document, without the words that name no one in particular."""
        return {d: frozenset(t) - _generic_terms() for d, t in zip(self.docs, terms_many(names))}

    @staticmethod
    def _about(doc) -> str:
        return f"{doc.meta.about_text()} {legal.court_name(doc.meta.court)}"


class SentenceTerms(Sequence):
    """The terms of each sentence of a text (given by its spans), each made when first read."""

    def __init__(self, text: str, spans: list[tuple[int, int]]):
        self._text, self._spans = text, spans
        self._made: list[frozenset[str] | None] = [None] * len(spans)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if self._made[i] is None:
            start, end = self._spans[i]
            self._made[i] = frozenset(terms(self._text[start:end]))
        return self._made[i]

    def __len__(self) -> int:
        return len(self._spans)


class PerDocument(Mapping):
    """doc_id -> a table made the first time that document is read, then kept."""

    def __init__(self, doc_ids, make: Callable[[str], object]):
        self._ids = list(doc_ids)
        self._known = set(self._ids)
        self._make = make
        self._made: dict[str, object] = {}

    def __getitem__(self, doc_id: str):
        if doc_id not in self._made:
            if doc_id not in self._known:
                raise KeyError(doc_id)
            self._made[doc_id] = self._make(doc_id)  # two threads at once make the same table: no harm
        return self._made[doc_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


@lru_cache(maxsize=1)
def _institution_terms() -> frozenset[str]:
    """The terms of the nouns that make a name an institution's ("Fund", "Bank"): rag/legal.toml
    [case_name] `institutions`."""
    return frozenset(terms(" ".join(legal.load()["case_name"]["institutions"])))


@lru_cache(maxsize=1)
def _generic_terms() -> frozenset[str]:
    data = legal.load()
    generic = [
        *data["names"]["generic"],
        *data["caption"]["roles"],
        *data["caption"]["court_words"],
        *data["case_name"]["entity_forms"],
    ]
    return frozenset(terms(" ".join(generic)))


@lru_cache(maxsize=1)
def _court_phrases() -> re.Pattern:
    """What a question calls a court of any level ("the Ninth Circuit", "the Supreme Court")."""
    phrases = (p for names in legal.level_phrases().values() for p in names)
    return re.compile("|".join(rf"\b(?:\w+\s)?{re.escape(p)}\b" for p in phrases), re.I)


@lru_cache(maxsize=1)
def office_terms() -> frozenset[str]:
    """The words of a judge's office ("Chief Judge", "Justice"): a title, not a name."""
    judges = legal.load()["judges"]
    return frozenset(terms(" ".join([*judges["titles"], *judges["qualifiers"]])))
