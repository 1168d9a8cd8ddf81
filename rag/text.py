"""Text handling shared by retrieval, answering, verification and the evals: one definition each.

- `terms`: the lower-cased, stemmed content words of a text (NLTK's English stop words as
  bm25s ships them, minus the negations and the few function words that change what a legal
  sentence says). BM25, the answerer's lexical score and the support check all count these.
- `NAME`: a capitalised word or a long number, the words a question uses to name something.
- `NUMBER`, `digits`, `CARDINAL_RUN`: numbers as written, compared digit for digit.
- `DOCKET`, `DATE`, `AMOUNT`: what a case-number, "when" or "how much" answer contains.
- `dictionary_words`: the system's English word list, to tell a word broken at a line end
  ("govern-ment") from a hyphenated compound ("well-known").
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from rag import imports

KEPT_FUNCTION_WORDS = {
    "no",
    "not",
    "nor",
    "against",
    "before",
    "after",
    "all",
    "only",
    "same",
}  # they change what a passage says
# The system's English word list (Debian's wamerican, which the set-up installs; any of these will do).
DICTIONARIES = ("/usr/share/dict/words", "/usr/share/dict/american-english", "/usr/share/dict/british-english")
MORE_STOPWORDS = {"whether", "anything", "something", "would", "could", "also", "ever", "much", "many", "us"}
# Words that attribute a claim rather than state it ("The court held that ..."): the support
# check looks for the claim's own words in the cited passage, not these.
ATTRIBUTION_WORDS = (
    "judge court hold held holding rule ruled ruling say said says decide decided decision conclude concluded "
    "find found explain explained according"
)

# Abbreviations after which a period ends no sentence ("Doe v. Roe", "Acme Inc. sued").
LEGAL_ABBREVIATIONS = """
a.m am amd app art assn aff'd br c ca cal cert cf ch cir cl co compl const corp ct cv d del dep dept
dist dkt dr e.g ed eds eq esq et etc ex exh exhs f fed fig govt h.r i.e inc inst int intl j jj
jr l ld llc ltd mass mfg mot mr mrs ms n nat natl nn no nos ny op opp ord p p.m para pp proc pub r reg
rep rev rev'd s sec ser sess st stat sup supp tr u u.s u.s.c univ v vol vs
""".split()
NAME = re.compile(r"(?<![\w’'])([A-Z][\w’'.-]*[A-Za-z0-9]|\d[\d,.-]{2,}\d)")
NUMBER = re.compile(r"\d[\d,.\s]*\d|\d")
MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
DATE = re.compile(rf"\b{MONTHS}\b|\b(?:1[89]|20)\d\d\b|\b\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b")
AMOUNT = re.compile(r"\$\s?\d|\b(?:USD|EUR|RMB|dollars?|cents?)\b|\d\s*(?:million|billion)\b|\d%|\bpercent\b", re.I)
AMOUNT_FIGURE = re.compile(  # the figure of an amount: "$12.50", "1.5 million", "25 percent" (not a date's day)
    r"(?<=\$)\s?(\d[\d,.]*\d|\d)|(\d[\d,.]*\d|\d)(?=\s*(?:million|billion|%|percent|dollars?|cents?)\b)", re.I
)
# "How much" asks for an amount of money only with one of these ("How much did it pay?", not
# "How much suspicion does the standard require?").
MONEY_WORDS = re.compile(
    r"\$|\b(?:money|pay|paid|pays|cost|costs|fees?|damages|award(?:ed)?|fine[ds]?|dollars?|worth|price|"
    r"revenue|salary|refund(?:ed)?|owe[ds]?|compensation|penalty|deposit|recover(?:ed)?|collect(?:ed)?|sum|"
    r"assess(?:ed|es)?|demand(?:ed|s)?|sought|spen[dt]|earn(?:ed|s)?|settle(?:d|ment)?)\b",
    re.I,
)
ORDINAL_VALUES = {
    w: i + 1 for i, w in enumerate("first second third fourth fifth sixth seventh eighth ninth tenth".split())
}
ORDINALS = re.compile(rf"\b({'|'.join(ORDINAL_VALUES)})\b", re.I)
_UNITS = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "trillion": 10**12}
_WORD_VALUES = {w: i + 1 for i, w in enumerate(_UNITS)} | {w: 10 * (i + 2) for i, w in enumerate(_TENS)}
NUMBER_WORD = rf"(?:{'|'.join([*_WORD_VALUES, *_SCALES])})"  # also rag/legal.toml's NUMBER_WORD
CARDINALS = "|".join(w for w in [*_WORD_VALUES, *_SCALES] if w != "one")  # a lone "one" is rarely a count
# "and" joins number words only after a scale ("two hundred and five"; "ten and twelve" are two).
_AFTER_SCALE = "(?:" + "|".join(f"(?<={w})" for w in _SCALES) + ")"
# A number written in words ("eighteen", "three million", "twenty-one"), but not a lone "one".
CARDINAL_RUN = re.compile(
    rf"\b(?!one\b(?![\s-]+{NUMBER_WORD}))({NUMBER_WORD}(?:(?:[\s-]+|{_AFTER_SCALE}\s+and\s+){NUMBER_WORD})*)\b", re.I
)
_DIGITS_WITH_SCALE = re.compile(
    r"(\d+(?:,\s?\d{3}(?!\d))*(?:\.\d+)?)(?:\s*(hundred|thousand|million|billion|trillion)\b)?", re.I
)
COUNT = re.compile(rf"\d|\b(?:{CARDINALS}|dozen|one)\b", re.I)
DOCKET = re.compile(r"\bNos?\.\s*(?:[A-Za-z]{1,4}\s)?\d[\w:–-]*")
PROPER_NAME = re.compile(r"\b[A-Z][\w’'-]*\b(?!\.)")  # not "Feb." or "No."
_CAPITALISED = r"[A-Z][\w.&’'-]*"
_PARTY_WORD = r"[A-Z0-9][\w.&’'-]*"  # "Church of the Valley", "2020 Capital Fund I", "State ex rel. Doe"
NAME_LINKS = ("of", "and", "for", "the", "de", "la")  # the small words inside a name ("Church of the Valley")
_PARTY = rf"{_PARTY_WORD}(?:(?:,? | (?:{'|'.join(NAME_LINKS)}|ex rel\.) ){_PARTY_WORD})*"
CASE_NAME = re.compile(rf"({_PARTY}),? v\. ({_PARTY})")
IN_RE = re.compile(rf"\bIn re:? ({_PARTY})")  # "In re Acme Products Liability Litigation"


def name_runs(question: str) -> list[str]:
    """The names of a question: runs of capitalised words across single spaces ("Jane Smith"); the
    question's first word stands alone ("Describe Smith's ...")."""
    runs: list[list[str]] = []
    opening, last = re.match(r"\W*", question).end(), None
    for m in NAME.finditer(question):
        if last is not None and last.start() != opening and question[last.end() : m.start()] == " ":
            runs[-1].append(m.group(0))
        else:
            runs.append([m.group(0)])
        last = m
    return [" ".join(run) for run in runs]


def later_names(question: str) -> list[str]:
    """The capitalised words and long numbers of a question after its first word (which any question capitalises)."""
    first = re.match(r"\W*\w+", question)
    return [m.group(0) for m in NAME.finditer(question) if not first or m.start() >= first.end()]


def name_parts(name: str) -> list[str]:
    """The names a hyphenated word is made of ("Acme-Roe": Acme, Roe; "USDA-backed": USDA), or the name."""
    parts = [part for part in name.split("-") if part[:1].isupper()]
    return parts if "-" in name and parts else [name]


NUMBERED = re.compile(  # "the second prong", "its third element", "the Sixth Amendment": one of a numbered series
    rf"(?:\b(?:the|its|their|his|her|this|that|a)\s+|\b\w+[’']s\s+|(?=(?-i:[A-Z])))({'|'.join(ORDINAL_VALUES)})"
    r"(?=\s+((?:[A-Za-z][\w-]*\s*){1,3}))",  # the words after, not consumed: "the first and the second prong"
    re.I,
)
NUMBERED_AFTER = re.compile(  # "factor one", "Count Two": the same, numbered after the word
    rf"\b([A-Za-z][\w-]+)\s+({'|'.join(_UNITS[:10])})\b"
    r"(?![\s-]*(?:hundred|thousand|million|billion|percent|years?|months?|weeks?|days?|hours?)\b)",
    re.I,
)


def numbered_items(text: str) -> set[tuple[int, frozenset[str]]]:
    """The items of a numbered series a text names, as (number, terms of the words that name the
    series: after an ordinal up to the clause's end, three at most, or before a number word):
    "the second step of the test" -> (2, {step, test}), "prong one" -> (1, {prong})."""
    before = {(ORDINAL_VALUES[m[1].lower()], frozenset(terms(m[2]))) for m in NUMBERED.finditer(text)}
    return before | {(_WORD_VALUES[m[2].lower()], frozenset(terms(m[1]))) for m in NUMBERED_AFTER.finditer(text)}


def terms(text: str) -> list[str]:
    """Lower-cased, stemmed content words (the BM25 vocabulary)."""
    return list(_terms(text))


@lru_cache(maxsize=1 << 16)
def _terms(text: str) -> tuple[str, ...]:
    """`terms`, remembered: the answerer asks again for the same sentences."""
    return tuple(terms_many([text])[0])


TOKEN = re.compile(r"(?u)\b\w\w+\b")  # bm25s' (and scikit-learn's) default token pattern


def terms_many(texts: list[str]) -> list[list[str]]:
    """`terms` of many texts: the tokens of `bm25s.tokenize` exactly (lower case, its token pattern,
    stop words dropped, then stemmed; tested), made here because its cost per call (progress
    bars, a set of the stop words per text) was most of a question's time over a large corpus."""
    stop = _stopword_set()
    words = [[w for w in TOKEN.findall(legal_forms(t).lower()) if w not in stop] for t in texts]
    new = list({w for ws in words for w in ws if w not in _STEMS})
    _STEMS.update(zip(new, stemmer().stemWords(new)))
    return [[_STEMS[w] for w in ws] for ws in words]


_STEMS: dict[str, str] = {}  # word -> its stem (PyStemmer's), kept: a ruling's words recur


@lru_cache(maxsize=1)
def _stopword_set() -> frozenset[str]:
    return frozenset(stopwords())


def claim_terms(text: str) -> list[str]:
    """`terms` without the words that attribute a claim ("court", "held", "say")."""
    return [t for t in terms(text) if t not in _attribution_terms()]


@lru_cache(maxsize=1)
def _attribution_terms() -> frozenset[str]:
    return frozenset(terms(ATTRIBUTION_WORDS))


@lru_cache(maxsize=1)
def dictionary_words() -> frozenset[str]:
    """Every word of the system's English word list, lower-cased (inflections included:
    "shortages", "insisting"); empty when the machine has none."""
    for path in map(Path, DICTIONARIES):
        if path.is_file():
            return frozenset(w.strip().lower() for w in path.read_text(errors="replace").splitlines() if w.strip())
    return frozenset()


@lru_cache(maxsize=1)
def stopwords() -> list[str]:
    """NLTK's English stop words (as bm25s ships them), keeping the negations and a few that carry meaning."""
    imports.bm25s()
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    return sorted((set(STOPWORDS_EN_PLUS) - KEPT_FUNCTION_WORDS) | MORE_STOPWORDS)


@lru_cache(maxsize=1)
def stemmer():
    """The English Snowball stemmer (PyStemmer)."""
    import Stemmer

    return Stemmer.Stemmer("english")


_NUMBER_SIGN = re.compile(r"\bNos?\.(?=\s*(?:[A-Za-z]{1,4}\s)?\d)")


def legal_forms(text: str) -> str:
    """ "No. 21-cv-04567" read as "number 21-cv-04567", so that a "case number" question finds it."""
    return _NUMBER_SIGN.sub("number", text)


NATIONALITY_SUFFIXES = (
    "ese",
    "ian",
    "ish",
    "an",
    "i",
)  # China/Chinese, Italy/Italian, Spain/Spanish, Germany/German, Iraq/Iraqi
PLACE_ENDINGS = ("", "a", "y", "e", "ia", "any", "and", "eland", "en", "ey")  # Poland, Ireland, Sweden, Turkey


def place_forms(adjective: str) -> list[str]:
    """The names of the place an adjective of nationality may come from ("Chinese" -> "china", ...)."""
    word = adjective.lower()
    # a stem of two letters only before a suffix of three ("Ir-ish"; "FB-I" is no adjective)
    stems = [
        word[: -len(s)]
        for s in NATIONALITY_SUFFIXES
        if word.endswith(s) and len(word) - len(s) >= (2 if len(s) >= 3 else 3)
    ]
    return [stem + ending for stem in stems for ending in PLACE_ENDINGS]


def number_values(text: str) -> set[float]:
    """The numbers a text states, as values: "3,000,000", "3 million" and "three million" are one number."""
    return {value for _, value in numbers_written(text)}


def numbers_written(text: str) -> list[tuple[str, float]]:
    """Each number of a text as written ("$2.2 million", "twenty-one") with its value."""
    out = []
    for m in _DIGITS_WITH_SCALE.finditer(text):
        value = float(re.sub(r"[,\s]", "", m.group(1)))
        out.append((m.group(0), value * _SCALES[m.group(2).lower()] if m.group(2) else value))
    for run in CARDINAL_RUN.findall(text):
        if any(w in _WORD_VALUES for w in re.findall(r"[a-z]+", run.lower())):  # not "billion" after digits
            out.append((run, _words_value(run)))
    return out


def _words_value(run: str) -> float:
    """ "twenty-one" -> 21, "three million" -> 3000000, "three hundred thousand" -> 300000."""
    total = current = 0
    for word in re.findall(r"[a-z]+", run.lower()):
        if word in _WORD_VALUES:
            current += _WORD_VALUES[word]
        elif word == "hundred":
            current = (current or 1) * 100
        elif word in _SCALES:
            total += (current or 1) * _SCALES[word]
            current = 0
    return float(total + current)


def digits(number: str) -> str:
    """'30, 000' and '30,000' and '30000' are the same number."""
    return re.sub(r"[\s,]", "", number).rstrip(".")


def sentences_of(text: str) -> list[str]:
    """A question's sentences ("Roe sued Acme. Why?"): split after ".", "!" or "?" before a capital,
    not after an abbreviation or an initial ("Doe v. Roe", "Acme Inc. sued", "J. Roe")."""
    out: list[str] = []
    for piece in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text.strip()):
        last = re.search(r"([\w.’'-]+)\.$", out[-1]) if out else None
        if last and (len(last[1]) == 1 or last[1].lower() in LEGAL_ABBREVIATIONS):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out
