"""General legal vocabulary, kept as data in `rag/legal.toml` and read once.

Everything here holds for any court's rulings alike (citation forms, document types,
dispositions); nothing names a particular document. Each section of the data file says
where its entries come from.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("legal.toml")


@lru_cache(maxsize=1)
def load() -> dict:
    """The data file as a dict of sections."""
    return tomllib.loads(DATA.read_text(encoding="utf-8"))


@lru_cache(maxsize=64)
def is_main_opinion(part: str | None) -> bool:
    """Whether a separately paginated part is the opinion itself ("Opinion of the Court",
    "Per Curiam"), which a slip-opinion pinpoint cites without naming it."""
    names = load().get("slip_opinion", {}).get("main_parts", [])
    return bool(part) and any(re.search(rf"\b{re.escape(n)}\b", part, re.I) for n in names)


_COURTS: dict[str, dict | None] = {}  # courts-db entries looked up, or given (`remember_courts`), by citation
COURT_FIELDS = ("id", "name", "citation_string", "level", "type")  # what is read of an entry here


def court(citation: str) -> dict | None:
    """The courts-db entry of a court written in citation form ("9th Cir.", "N.D. Cal.", "U.S."),
    with the fields read here (`COURT_FIELDS`)."""
    if citation not in _COURTS:
        entry = _look_up(citation)
        _COURTS[citation] = {k: entry[k] for k in COURT_FIELDS if k in entry} if entry else None
    return _COURTS[citation]


def remember_courts(entries: dict[str, dict | None]) -> None:
    """Entries of `court` looked up before (saved beside the index at ingest): loading courts-db
    takes a fifth of a second, a large part of a cold question's."""
    _COURTS.update(entries)


def _look_up(citation: str) -> dict | None:
    from courts_db import courts

    if not citation:
        return None
    ours = {v: k for k, v in load().get("court_citation", {}).items()}
    wanted = citation.strip()
    for entry in courts:
        if entry["id"] == ours.get(wanted) or entry.get("citation_string") == wanted:
            return entry
    return None


def court_level(citation: str) -> int:
    """1 for a trial court, 2 for an intermediate appellate court, 3 for a court of last resort, 0 if unknown."""
    entry = court(citation)
    if entry is None:
        return 0
    by_id = load()["court_levels"]["by_id"]
    if entry["id"] in by_id:
        return by_id[entry["id"]]
    if entry.get("level") == "colr":
        return 3
    if re.match(load()["court_levels"]["trial_name"], entry.get("name") or ""):
        return 1
    return 2 if entry.get("type") == "appellate" else 1


def court_name(citation: str) -> str:
    """The court's full name ("Court of Appeals for the Ninth Circuit"), as a question may call it."""
    entry = court(citation)
    return entry["name"] if entry else ""


def level_phrases() -> dict[int, list[str]]:
    """What a question calls a court of each level (see [court_levels.phrases])."""
    return {int(level): names for level, names in load()["court_levels"]["phrases"].items()}


def dispositions() -> dict[str, dict]:
    """Each disposition with its word forms and the dispositions that contradict it."""
    return load()["dispositions"]


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, str]:
    """Citation abbreviations and the words they stand for ("r." -> "rule"), lower case."""
    return dict(load()["abbreviations"])


_GIVEN_ABBREVIATIONS: list[frozenset[str]] = []  # `sentence_abbreviations` as ingest saved it


def remember_sentence_abbreviations(words: list[str]) -> None:
    """`sentence_abbreviations` as worked out at ingest: reading courts-db and reporters-db again
    would take a fifth of a second of a cold question."""
    _GIVEN_ABBREVIATIONS[:] = [frozenset(words)]


def sentence_abbreviations() -> frozenset[str]:
    """Abbreviations of citations that end no sentence, as NLTK's Punkt takes them (lower case,
    without the last period: "d.c", "n.d", "ga"): [sentence_abbreviations] and every word of two
    periods or more in courts-db's court citations ("D.C. Cir.", "S.D.N.Y.") and reporters-db's
    reporters ("U.C.C. Rep. Serv."), and the abbreviations of [abbreviations] ("Bankr.", "Evid.")."""
    return _GIVEN_ABBREVIATIONS[0] if _GIVEN_ABBREVIATIONS else _worked_out_abbreviations()


@lru_cache(maxsize=1)
def _worked_out_abbreviations() -> frozenset[str]:
    from courts_db import courts
    from reporters_db import REPORTERS

    forms = [entry.get("citation_string") or "" for entry in courts] + list(REPORTERS)
    dotted = {w.lower().rstrip(".") for form in forms for w in form.split() if re.fullmatch(r"(?:[A-Za-z]+\.){2,}", w)}
    expanded = {short.rstrip(".") for short in abbreviations()}
    return frozenset(load()["sentence_abbreviations"]["words"]) | expanded | dotted


def phrases(section: str, key: str) -> list[str]:
    """A list of words or phrases from the data file, e.g. phrases("holdings", "phrases")."""
    return list(load()[section][key])


@lru_cache(maxsize=1)
def party_roles() -> str:
    """[parties] roles as one alternation of regular expressions, without a leading "the"
    ("plaintiffs?|...|government|commissioner"): how rulings call a party by its role."""
    return "|".join(re.sub(r"^the\s+", "", role) for role in phrases("parties", "roles"))


@lru_cache(maxsize=1)
def opinion_patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern, re.Pattern]:
    """[opinions]: how a separate opinion opens (its author in group "name"), how the court's own
    opinion opens, what a question asking about a separate opinion says, and what one asking
    about the majority's says."""
    table = load()["opinions"]
    return tuple(re.compile(table[key], re.I) for key in ("separate", "court", "asks", "majority"))


@lru_cache(maxsize=1)
def issue_patterns() -> tuple[re.Pattern, re.Pattern]:
    """[issues]: how a ruling frames the question it must decide, and what a question asking
    for that issue says."""
    table = load()["issues"]
    return _either(table["framing"]), re.compile(table["asked"], re.I)


@lru_cache(maxsize=1)
def citation_pattern() -> re.Pattern:
    """[citations]: how a sentence cites authority ("550 U.S. 544", "Id.", "See ...")."""
    return re.compile("|".join(f"(?:{p})" for p in load()["citations"]["patterns"]))


def plain_meanings(text: str) -> list[str]:
    """[plain_words]: the legal words a text says in plain English ("sent back": "remand")."""
    return [word for word, says in _plain_patterns().items() if says.search(text)]


@lru_cache(maxsize=1)
def _plain_patterns() -> dict[str, re.Pattern]:
    return {
        word: re.compile(rf"\b(?:{'|'.join(map(re.escape, says))})\b", re.I)
        for word, says in load()["plain_words"].items()
    }


@lru_cache(maxsize=1)
def answer_types() -> dict[str, tuple[re.Pattern, re.Pattern]]:
    """Per [answer_types] entry: (what a question asking for it matches, what a sentence giving it matches)."""
    return {name: (_either(t["asks"]), _either(t["answers"])) for name, t in load()["answer_types"].items()}


def answer_filters() -> list[tuple[re.Pattern, re.Pattern]]:
    """The [answer_types] marked `only`: a question opening with what it asks is answered only by
    a sentence that gives it."""
    return [answer_types()[name] for name, t in load()["answer_types"].items() if t.get("only")]


@lru_cache(maxsize=1)
def absolutes() -> dict[str, str]:
    """[absolutes]: each word or phrase that makes a claim absolute, and the group of those that
    say the same ("every" -> "all", "in full" -> "entirely")."""
    return {word: group for group, words in load()["absolutes"].items() for word in words}


@lru_cache(maxsize=1)
def undecided() -> re.Pattern:
    """[undecided]: how a court leaves a question undecided, or a restatement says it was left."""
    return _either(load()["undecided"]["patterns"])


def _either(patterns: list[str]) -> re.Pattern:
    from rag.text import NUMBER_WORD

    return re.compile("|".join(f"(?:{p.replace('NUMBER_WORD', NUMBER_WORD)})" for p in patterns), re.I)
