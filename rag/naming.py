"""Name a court ruling as a lawyer cites it, from its caption, headers and signature.

A ruling dropped into the corpus without a manifest entry still needs a citable name, e.g.
"Doe v. Acme Widgets, Inc., No. 3:23-cv-01234-ABC (N.D. Cal. Mar. 14, 2024)". `name_document`
reads it from the ruling's first pages and its last, never from the PDF's metadata: the court from
the heading (mapped to its citation form by Free Law Project's courts-db), the case name from
the caption (the parties on each side of "v.", or "In re ..."; a case the ruling cites, found
by eyecite, is never taken for its caption), the docket number, the decision's date stamp, the
judge from the author line or the signature, and the kind of document from its title line.
The legal vocabulary this needs (role words, date labels, document types, the Bluebook's
case-name rules) is data in `rag/legal.toml`.

It reads the text as pypdfium2 gives it (caption columns one after the other) and as a reader
that groups words into rows gives it (both columns in one row, small capitals split over two
rows), with or without ECF headers and margin line numbers. `kind` is not its business: every
document it names is a ruling.

What it gives up: it reads text, so a caption that is only an image gives nothing but what the
ECF header says (OCR the page first). A person is told from an institution by the shape of the
name (two or three plain words, no "Inc.", no "Bank"), so a company named like a person
("Acme Widgets" without "Inc.") is cut to its last word. Where a caption's rows mix the parties
with the right column's title words, the party is found by its marks ("et al.", "Inc.", a
person's name, a role line under it); a row with none of these can still be taken for a party.
A short title the court prints above its caption ("Doe v. Roe") is taken as printed.
The judge and the signed date are found only when the text given holds the author line or the
signature block (the last page, for most district-court orders): pass that page as `end`. A
signature that is only an image ("/s/" over the office) names no one.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import re
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from rag import legal
from rag.pdf import ECF_HEADER

PAGE_MARK = re.compile(r"[-–\s]*\d{1,3}[-–\s]*")  # a margin line number or a printed page number
SPACED = re.compile(r"\b(?:[A-Z] ){2,}[A-Z]\b")  # a letter-spaced stamp: "F I L E D"
MONTH = "|".join(calendar.month_name[1:] + [m for m in calendar.month_abbr[1:] if m != "May"])
DATE = re.compile(
    rf"(?P<m>{MONTH})\.?\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}})|(?P<d2>\d{{1,2}})\s+(?P<m2>{MONTH})\s+(?P<y2>\d{{4}})"
    r"|(?P<num>\d{1,2}/\d{1,2}/(?:\d{4}|\d{2}))\b",
    re.I,
)
NUMBER = r"(?:\d{1,2}:)?[A-Z]{0,3}\d[\dA-Z]*(?:[-–][\dA-Za-z]+)*"  # 3:21-cv-0456, CV123456, 22–517
DOCKET_VALUE = (
    rf"(?:[A-Z]{{1,4}} )?{NUMBER}(?:(?:,| &| and) {NUMBER})*"  # C 21-0456; MDL 19-02890; 12345-18, 23456-18
    r"(?: [A-Z]{1,4}\b(?![.,'’]))*(?: \([A-Z]{2,4}(?:-[A-Z]{2,4})*\))?"  # judges' initials: AB, ABC DEF P, (ABC-DE)
)
BARE_DOCKET = re.compile(r"\d{2,4}-\d{3,6}(?:-[a-z]{2})?")  # a docket printed alone on its line: 2021-1234


@dataclass(frozen=True)
class Naming:
    """What a ruling's caption and headers say about it; a field is empty where they say nothing."""

    title: str = ""
    court: str = ""
    docket: str = ""
    date: dt.date | None = None
    judge: str = ""
    doc_type: str = ""


def name_document(head: str, info: dict, end: str = "") -> Naming:
    """What the caption, headers and signature say: `head` is the start of the document's text
    (its first two or three pages, body text with line breaks), `end` its last page where the
    head does not hold it (the signature block: "Dated:", the judge's name), `info` what the PDF
    reader found (may hold "case" and "filed" from an ECF header). The caption, court, docket and
    kind of document are read from the head only; the date and the judge from both."""
    ecf = {**_ecf_header(head), **{k: info[k] for k in ("case", "filed") if info.get(k)}}
    text, signed = _clean(head), _clean(end)
    lines = text.split("\n")
    court = _court(lines)
    return Naming(
        title=_title(lines, text, court),
        court=_court_cite(court),
        docket=_docket(lines) or (f"No. {ecf['case']}" if ecf.get("case") else ""),
        date=_date([text, signed], ecf.get("filed", "")),
        judge=_judge(lines, signed.split("\n")),
        doc_type=_doc_type(lines, court),
    )


# -- the text -------------------------------------------------------------------------------


def _vocab() -> dict:
    """The legal vocabulary (rag/legal.toml), read once."""
    return legal.load()


def _ecf_header(head: str) -> dict:
    """The case number and filing date of the first ECF header line in the text, if any."""
    if m := ECF_HEADER.search(head):
        return {"case": m["case"], "filed": m["filed"] or m["afiled"]}
    return {}


def _clean(head: str) -> str:
    """The text without ECF headers, margin line numbers and page numbers, one stripped line per line."""
    text = head.replace("\r\n", "\n").replace("\r", "\n")
    text = ECF_HEADER.sub("\n", text)
    text = re.sub(r"[\ue000-\uf8ff]", " ", text)  # private-use glyphs: a caption's drawn braces
    lines = _small_caps([re.sub(r"[ \t\u00a0]+", " ", ln).strip() for ln in text.split("\n")])
    lines = [SPACED.sub(lambda m: m[0].replace(" ", ""), ln) for ln in lines]
    return "\n".join("" if PAGE_MARK.fullmatch(ln) else ln for ln in lines)


def _small_caps(lines: list[str]) -> list[str]:
    """Small capitals read as two rows, the capital letters above the rest of each word
    ("M J ; P" over "ARY ONES AUL"), joined again ("MARY JONES; PAUL")."""
    out: list[str] = []
    for line in lines:
        tops, rest = (out[-1].split() if out else []), line.split()
        letters = [w for w in tops if re.fullmatch(r"[A-Z]", w)]
        small = all(re.fullmatch(r"[A-Z]|[^\w\s]+", w) for w in tops) and all(w.isupper() for w in rest)
        if small and len(letters) >= 2 and len(rest) == len(letters):
            out[-1] = _join_small_caps(tops, rest)
        else:
            out.append(line)
    return out


def _join_small_caps(tops: list[str], rest: list[str]) -> str:
    """Each capital letter before the rest of its word; commas and semicolons after the word."""
    words: list[str] = []
    rest = list(rest)
    for w in tops:
        if w.isalpha():
            words.append(w + rest.pop(0))
        elif words and w in ",;.":
            words[-1] += w
    return " ".join(words)


def _words(key: str, section: str = "caption") -> str:
    """A regex alternation of one list in the vocabulary, longest first."""
    return "|".join(re.escape(w) for w in sorted(_vocab()[section][key], key=len, reverse=True))


# -- the court ------------------------------------------------------------------------------


def _court(lines: list[str]) -> dict | None:
    """The courts-db entry of the court named in the heading: the first run of one to three heading
    lines that is exactly a court's name, else the first that holds just one court's name. A
    generic name ("United States District Court", in a pleading paper's margin) gives way to the
    particular court named after it."""
    found = None
    for partial, depth in ((False, 100), (True, 30)):
        for window in _court_windows(lines[:depth]):
            court = _court_named(window, partial)
            if court and found and court.get("parent") == found["id"]:
                return court
            found = found or court
            if found and found["id"] not in _parent_courts():
                return found
    return found


def _court_windows(lines: list[str]):
    """Runs of one to three non-blank heading lines that mention a court, longest first at each line."""
    heads = [" ".join(re.sub(r"[_*)]+", " ", ln).split()) for ln in lines[:100]]
    heads = [ln for ln in heads if ln]
    for i in range(len(heads)):
        for k in (3, 2, 1):
            window = " ".join(heads[i : i + k])
            if re.search(r"(?i)\bcourt\b", window) and _heading(window):
                yield window


@lru_cache(maxsize=1)
def _parent_courts() -> frozenset[str]:
    """The ids of courts-db's generic courts, those other courts name as their parent."""
    from courts_db import courts

    return frozenset(c["parent"] for c in courts if c.get("parent"))


def _heading(text: str) -> bool:
    """Whether a line reads like a heading: no commas, a dozen words at most, each capitalised
    or a short joining word."""
    small = {w.lower() for w in _vocab()["case_name"]["small_words"]}
    words = text.split()
    return "," not in text and 0 < len(words) <= 12 and all(w[0].isupper() or w.lower() in small for w in words)


@lru_cache(maxsize=512)
def _court_named(text: str, partial: bool = False) -> dict | None:
    """The court whose name (by courts-db's regexes) is exactly this text, or is in it when
    `partial`, when just one is."""
    from courts_db import find_court, find_court_by_id

    name = re.sub(r"(?i)^in the\s+", "", text).strip(" .:")
    bankruptcy = "bankrupt" in name.lower()
    ids = find_court(name, bankruptcy=bankruptcy, allow_partial_matches=partial) if name else []
    return find_court_by_id(ids[0])[0] if len(ids) == 1 else None


def _court_cite(court: dict | None) -> str:
    """The court as a citation's parenthetical names it ("N.D. Cal.", "5th Cir.", "U.S."); a court
    courts-db gives no citation form takes its parent's."""
    from courts_db import find_court_by_id

    while court:
        if cite := _vocab()["court_citation"].get(court["id"], court.get("citation_string", "")):
            return cite
        court = next(iter(find_court_by_id(court.get("parent"))), None)
    return ""


# -- the case name --------------------------------------------------------------------------


def _title(lines: list[str], text: str, court: dict | None) -> str:
    """The case name in short form: the first caption in the text that yields two parties or an "In re"."""
    cited = _cited_spans(text)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    spellings = _spellings(lines)
    for i, line in enumerate(lines):
        if not any(a <= starts[i] < b for a, b in cited) and (name := _in_re(lines, i, spellings)):
            return name
        for lhs, rhs in _separators(_left_column(line), starts[i], cited):
            first, second = _party_before(lines, i, lhs), _party_after(lines, i, rhs)
            if first and second:
                return f"{_short_party(first, court, spellings)} v. {_short_party(second, court, spellings)}"
    return ""


def _cited_spans(text: str) -> list[tuple[int, int]]:
    """Where the text cites a case (eyecite): a "v." inside one is not the caption's."""
    from eyecite import get_citations
    from eyecite.models import FullCaseCitation

    if not text.strip():
        return []  # eyecite refuses an empty text: a head with no text layer (its pages unread)
    with _quiet("eyecite"):
        found = get_citations(text)
    return [c.full_span() for c in found if isinstance(c, FullCaseCitation)]


@contextmanager
def _quiet(library: str):
    """A library's warnings held back while it runs (eyecite logs "Unknown overlap case" for every
    pair of overlapping citations it sorts out); errors still show, and so do our own warnings."""
    logger = logging.getLogger(library)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _separators(line: str, offset: int, cited: list[tuple[int, int]]) -> list[tuple[str, str]]:
    """The ways this line can be a caption's "v.": (text before, text after) on the line."""
    alone, first, inline = _versus_re()
    if alone.fullmatch(line) or first.match(line):
        return [("", "")]  # "v." alone, or before title words read into the same row
    found = []
    for m in inline.finditer(line):
        lhs, rhs = line[: m.start()].strip(), line[m.end() :].strip()
        if any(a <= offset + m.start() < b for a, b in cited):
            continue
        if (_namelike(lhs) or _role(lhs)) and (not rhs or _namelike(rhs)):
            found.append((lhs, rhs))
    return found


@lru_cache(maxsize=1)
def _versus_re() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """"v." alone on a line ("v.", "-against-"), "v." opening a line, "v." between two names on a line."""
    dotted = "|".join(re.escape(w) for w in _vocab()["caption"]["versus"] if w.endswith("."))
    alone = re.compile(rf"(?i)[\W_]*(?:{_words('versus')})[\W_]*")
    return alone, re.compile(rf"(?i)(?:{dotted})\s"), re.compile(rf"\s(?:{dotted})(?=\s|$)")


def _namelike(text: str) -> bool:
    """Whether text reads as (part of) a party's name: every word capitalised, a number or a joining word."""
    small = {w.lower() for w in _vocab()["case_name"]["small_words"]} | {"et", "al.", "&"}
    words = text.split()
    return 0 < len(words) <= 14 and all(w[0].isupper() or w[0].isdigit() or w.lower() in small for w in words)


def _left_column(line: str) -> str:
    """A caption line without its right-hand column, where a rule of ")", ":" or "*" divides them."""
    return re.split(r"(?:^|\s)[):*](?:\s|$)", line, maxsplit=1)[0].strip()


def _caption_line(line: str) -> str:
    """A caption line's party text: the left column, without docket numbers or bracketed notes."""
    text = _docket_re().sub(" ", _left_column(line))
    return " ".join(re.sub(r"\[[^\]]*\]?", " ", text).split())


def _kind(line: str) -> str:
    """What a caption line is: "party", "role", "sep", "noise" (title words), "stop" or "blank"."""
    text, left = _caption_line(line), _left_column(line)
    if _separators(text, 0, []) == [("", "")]:
        return "sep"
    if left[:1] in ("[", "(") or BARE_DOCKET.fullmatch(text):
        return "noise"  # a bracketed note, a docket number alone
    if not re.search(r"[A-Za-z]{2}", text):
        return "stop" if "_" in left else "noise" if re.search(r"\d", left) else "blank"  # a rule, numbers, marks
    if _role(text):
        return "role"
    if re.fullmatch(r"(?i)page \d+ of \d+", text) or _prose(text):
        return "stop"
    if re.search(rf"(?i)\b(?:{_words('court_words')})\b", text) or _label_re().match(text.lstrip("(")):
        return "stop"
    if _doc_type_re().match(text) or text.startswith("Re:"):
        return "noise"
    return "party"


def _prose(text: str) -> bool:
    """Whether a line is running text (starts lower case, not with a joining word), not a caption's."""
    small = {w.lower() for w in _vocab()["case_name"]["small_words"]}
    return text[0].islower() and text.split()[0] not in small


def _role(text: str) -> bool:
    """Whether a line starts with a party's role in the case ("Plaintiff-Appellant,", "Defendants.")."""
    return bool(re.match(rf"(?i)\W*(?:{_words('roles')})s?\b", text))


def _capitals(text: str) -> bool:
    """Whether text is in capitals but for the joining words a caption keeps lower case ("et al.", "and")."""
    return not re.search(r"[a-z]", re.sub(r"\b(?:et al|ex rel|and|of|the|in)\b", "", text))


def _party_before(lines: list[str], i: int, lhs: str) -> str:
    """The first side of a caption: the party lines just above its "v.", or above the role line
    over it (what lies between a role line and the "v." is the right-hand column's)."""
    role = bool(lhs) and _role(lhs)
    got = [lhs] if lhs and not role else []
    for j in range(i - 1, max(-1, i - 12), -1):
        kind = _kind(lines[j])
        if kind == "party" and (not got or _capitals(lines[j]) or not _capitals(got[0])):  # caps stay caps
            got.insert(0, _caption_line(lines[j]))
        elif kind == "role" and not role:
            role, got = True, []
        elif got or kind in ("stop", "sep", "role"):
            break
    return " ".join(got)


def _party_after(lines: list[str], i: int, rhs: str) -> str:
    """The second side of a caption: the party lines just below its "v.", up to the role line,
    from the first that reads as a party's name (title words of the right-hand column, read
    into the same rows, may come first)."""
    got = [rhs] if rhs else []
    for line in lines[i + 1 : i + 12]:
        kind = _kind(line)
        if kind == "party":
            got.append(_caption_line(line))
        elif got or kind not in ("blank", "noise"):
            break
    first = next((k for k, row in enumerate(got) if _reads_as_party(row)), 0)
    return " ".join(got[first:])


def _reads_as_party(row: str) -> bool:
    """Whether a caption row starts a party's name: "et al.", an entity's designator, an
    institution's word or a person's name, and no title words."""
    head = row.split(",")[0]
    if _doc_type_re().search(head) or re.search(r"\(\d+\)", row):
        return False
    institution = any(w.lower().strip(",") in _organisation_words() for w in head.split())
    listed = bool(re.search(r"(?i)\bet al\b|\bex rel\b", row)) or _first_named(row) != head.strip()
    return listed or institution or _person(head)


def _in_re(lines: list[str], i: int, spellings: dict) -> str:
    """An "In re" case name when line i opens one ("IN RE: Acme XR Widgets Products / Liability Litigation,")."""
    m = re.match(rf"(?i)(?:{_words('in_re', 'case_name')})\b:?\s*(.*)", _caption_line(lines[i]))
    if not m:
        return ""
    got = [m[1]] if m[1] else []
    for line in lines[i + 1 : i + 5]:
        if got and got[-1].endswith(","):
            break
        if (kind := _kind(line)) == "party":
            got.append(_caption_line(line))
        elif got or kind != "blank":
            break
    name = _first_named(re.sub(r"(?i),?\s*\bet\.? al\.?.*", "", " ".join(got)).strip(" ,"))
    return f"In re {_titlecase(name, spellings)}" if name else ""


def _short_party(text: str, court: dict | None, spellings: dict) -> str:
    """One side of the caption as a case name writes it: the first party only, a person by surname,
    a name shortened by rule (Bluebook R10.2.1-10.2.2)."""
    text = re.sub(r",\s*\d{1,2}\b|\*", ",", text)
    text = re.sub(r"(?i),?\s*\bet\.? al\.?", "", " ".join(text.split())).strip(" ,;")
    if len(rel := re.split(r"(?i),?\s*\bex rel\.?\s*", text, maxsplit=1)) == 2:
        return f"{_short_party(rel[0], court, spellings)} ex rel. {_short_party(rel[1], court, spellings)}"
    name = _first_named(text.split(";")[0])
    if fixed := _by_rule(name, court):
        return fixed
    if _person(name):
        return _titlecase(_surname(name), spellings)
    return _abbreviate(_titlecase(_drop_leading(name), spellings))


def _first_named(text: str) -> str:
    """The first party of a list: "JANE DOE, JOHN ROE, and ..." -> "JANE DOE";
    "ACME & CO., INC. and ..." -> "ACME & CO., INC."; descriptions after a comma dropped."""
    segments = [s.strip() for s in text.split(",")]
    name = segments[0]
    for segment in segments[1:]:
        form = _leading_form(segment)
        if not form:
            break
        name += f", {form}"
        if segment[len(form) :].strip():
            break
    parts = re.split(r"(?i)\s+and\s+", name, maxsplit=1)
    if len(parts) == 2 and (_person(parts[0]) or _leading_form(parts[0].split()[-1])):
        return parts[0]
    return name


def _leading_form(text: str) -> str:
    """The entity designator or name suffix text starts with ("Inc.", "LLC", "Jr."), spelled as in the vocabulary."""
    vocab = _vocab()["case_name"]
    for form in sorted(vocab["entity_forms"] + vocab["name_suffixes"], key=len, reverse=True):
        if re.match(rf"{re.escape(form)}(?=$|[\s,;])", text, re.I):
            return form
    return ""


def _person(name: str) -> bool:
    """Whether a party is a person: two or three plain words besides initials and suffixes, none an
    institution's word, no digits, no joining words."""
    vocab = _vocab()["case_name"]
    marks = _organisation_words() | {w.lower() for w in vocab["small_words"]}
    suffixes = {s.lower() for s in vocab["name_suffixes"]}
    words = [w.strip(",") for w in name.split()]
    plain = [w for w in words if not re.fullmatch(r"[A-Z]\.", w) and w.lower() not in suffixes]
    if not 2 <= len(plain) <= 3 or any(w.lower() in marks for w in words):
        return False
    return all(re.fullmatch(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", w) for w in plain)


def _organisation_words() -> set[str]:
    """Words that make a name an organisation's: institutions, entity designators and the words
    the Bluebook abbreviates in case names ("Brothers", "Limited"), lower case."""
    vocab = _vocab()["case_name"]
    return {w.lower() for w in [*vocab["institutions"], *vocab["entity_forms"], *vocab["abbreviate"]]}


def _surname(name: str) -> str:
    """A person's surname: the last word that is not an initial or a suffix."""
    suffixes = {s.lower() for s in _vocab()["case_name"]["name_suffixes"]}
    words = [w.strip(",") for w in name.split()]
    return [w for w in words if not re.fullmatch(r"[A-Z]\.", w) and w.lower() not in suffixes][-1]


def _by_rule(name: str, court: dict | None) -> str:
    """A name the Bluebook shortens by rule: "United States of America" -> "United States";
    "State of Ohio" -> "State" in Ohio's courts, "Ohio" elsewhere."""
    vocab = _vocab()["case_name"]
    for long, short in vocab["names"].items():
        if name.lower() == long.lower():
            return short
    for form, short in vocab["states"].items():
        if name.lower().startswith(form.lower() + " "):
            place = name[len(form) + 1 :]
            home = court and court.get("system") == "state" and court.get("location", "").lower() == place.lower()
            return short if home else _titlecase(place, {})
    return ""


def _drop_leading(name: str) -> str:
    """A name without a leading "The" (Bluebook R10.2.1(d))."""
    for word in _vocab()["case_name"]["drop_leading"]:
        if name.lower().startswith(word.lower() + " "):
            return name[len(word) + 1 :]
    return name


def _abbreviate(name: str) -> str:
    """The words a case name in text abbreviates (Bluebook R10.2.1(c)): "Corporation" -> "Corp."."""
    for word, short in _vocab()["case_name"]["abbreviate"].items():
        name = re.sub(rf"\b{word}\b", short, name)
    return name


def _spellings(lines: list[str]) -> dict[str, str]:
    """How the body text spells words a caption prints in capitals: names with inner capitals
    ("WidgetCo") and short acronyms ("PBC", "XR"), keyed by their upper-case form."""
    body = " ".join(ln for ln in lines if len(re.findall(r"\b[a-z]{2,}\b", ln)) >= 3)
    words = re.findall(r"\b[A-Z]?[a-z]+[A-Z][A-Za-z]*\b|\b[A-Z]{2,3}\b", body)
    return {w.upper(): w for w in words}


def _titlecase(name: str, spellings: dict) -> str:
    """A name printed in capitals, as a case name writes it; words not in capitals are kept as printed."""
    vocab = _vocab()["case_name"]
    small = {w.lower() for w in vocab["small_words"]}
    forms = {f.lower(): f for f in vocab["entity_forms"] + vocab["name_suffixes"]}
    out = []
    for n, word in enumerate(name.split()):
        core = word.strip(",;:()")
        if not core.isupper() and core.upper() != core:
            out.append(word)
        elif core.lower() in forms or core in spellings:
            out.append(word.replace(core, forms.get(core.lower()) or spellings[core]))
        elif n and core.lower() in small:
            out.append(word.lower())
        else:
            out.append(_capitalise(word))
    return " ".join(out)


def _capitalise(word: str) -> str:
    """One word in capitals, capitalised: initials, acronyms without vowels and Roman numerals stay
    in capitals ("U.S.", "LP", "III"); "O'NEILL" -> "O'Neill"; "SMITH-JONES" -> "Smith-Jones"."""
    if re.fullmatch(r"(?:[A-Z]\.)+,?|[^AEIOUY\W]+[,.]?|[IVX]+,?", word):
        return word
    parts = re.split(r"([-'’])", word.lower())
    upper = [k == 0 or parts[k - 1] == "-" or len(parts[k - 2]) == 1 for k in range(len(parts))]  # O'Neill
    return "".join(p.capitalize() if up else p for p, up in zip(parts, upper))


# -- docket, date, judge, document type -----------------------------------------------------


@lru_cache(maxsize=1)
def _docket_re() -> re.Pattern:
    """A docket number with its label: "Case No. 21-cv-01234-ABC", "Nos. 21-10456", "Civ. No. 21-5678 (ABC-DE)"."""
    labels = _words("docket_labels")
    return re.compile(rf"(?i:(?:\b(?:{labels})\.?\s+)?\b(?P<label>Nos?)\.?\s*:?\s*)(?P<value>{DOCKET_VALUE})")


def _docket(lines: list[str]) -> str:
    """The case's docket number as the caption prints it: the first in the text."""
    return next((found for line in lines if (found := _docket_in(line))), "")


def _docket_in(line: str) -> str:
    """A docket number on this line: labelled and shaped like one ("No. 21-1234", not "ECF No. 42"),
    in the year-kind-number form ("21 Civ. 4567 (AB)"), or printed alone ("2021-1234")."""
    for m in _docket_re().finditer(line):
        value = m["value"].replace("–", "-")
        if re.search(r"\d-|[A-Z]{2}\d{4}", value):
            return f"{m['label'].capitalize()}. {value}"
    kinds = _words("docket_kinds")
    if m := re.search(rf"\b\d{{2}} (?:{kinds}) \d{{1,5}}(?: \([A-Z]{{2,4}}\))?", line):
        return f"No. {m[0]}"
    return f"No. {line}" if BARE_DOCKET.fullmatch(line) else ""


@lru_cache(maxsize=1)
def _label_re() -> re.Pattern:
    """A date label and the date after it, over at most a few lines naming the court
    ("FILED / United States Court of Appeals / Ninth Circuit / March 14, 2024")."""
    labels = "|".join(f"{w}|{w.upper()}" for w in _vocab()["dates"]["labels"])
    court_line = rf"[^\n]*\b(?i:{_words('court_words')})\b[^\n]*\n\s*"
    date = rf"(?=(?P<date>(?i:{DATE.pattern})))"
    return re.compile(rf"\b(?P<label>{labels})\b(?:\s+and\s+(?:{labels}))?[\s:(]*(?:{court_line}){{0,3}}{date}")


def _date(texts: list[str], ecf_filed: str) -> dt.date | None:
    """The date of decision the texts (head, then last page) state beside a label, the best label
    first ("Decided" over "Dated" over "Filed"), the earlier text and place first among equals; the
    ECF header's filing date counts as the first "Filed" (the court's own stamp)."""
    rank = {w.lower(): n for n, w in enumerate(_vocab()["dates"]["labels"])}
    dates = [(rank[label.lower()], k, pos, d) for k, text in enumerate(texts) for label, pos, d in _labelled(text)]
    if ecf := _numeric_date(ecf_filed):
        dates.append((rank.get("filed", len(rank)), -1, -1, ecf))
    return min(dates)[-1] if dates else None


def _labelled(text: str) -> list[tuple[str, int, dt.date]]:
    """Each labelled date in the text: (label, where, date)."""
    found = [(m["label"], m.start(), DATE.match(text, m.start("date"))) for m in _label_re().finditer(text)]
    return [(label, pos, d) for label, pos, m in found if (d := _parse_date(m))]


def _parse_date(m: re.Match) -> dt.date | None:
    """The date one match of DATE stands for."""
    if m["num"]:
        return _numeric_date(m["num"])
    month, day, year = (m["m"], m["d"], m["y"]) if m["m"] else (m["m2"], m["d2"], m["y2"])
    number = [n.lower() for n in calendar.month_abbr].index(month[:3].lower())
    try:
        return dt.date(int(year), number, int(day))
    except ValueError:
        return None


def _numeric_date(text: str) -> dt.date | None:
    """A date written 03/14/24 or 03/14/2024 (month first, as US courts write it)."""
    for form in ("%m/%d/%Y", "%m/%d/%y"):
        try:
            return dt.datetime.strptime(text.strip(), form).date()
        except ValueError:
            pass
    return None


def _judge(lines: list[str], end: list[str]) -> str:
    """The judge who wrote the ruling: the author line, else "Per Curiam", else the signature (in
    the head, else on the last page `end`); the signature's full name for an author line's surname
    ("SMITH, United States District Judge" signed "Jane Q. Smith")."""
    author, signer = _author(lines), _signer([*lines, "", *end])
    if author and signer.lower().endswith(" " + author.lower()):
        return signer
    return author or _per_curiam(lines) or signer


def _office() -> str:
    """A regex of a judicial office and the words that may qualify it ("Senior Circuit Judge")."""
    return rf"(?i:(?:(?:{_words('qualifiers', 'judges')})\s+)*(?:{_words('titles', 'judges')}))"


def _author(lines: list[str]) -> str:
    """The author named at the opinion's start (see `_author_patterns`)."""
    for n, line in enumerate(lines):
        if n and re.search(r"(?:,|\band)$", lines[n - 1]):
            continue  # the rest of a panel's list: "Before: SMITH and JONES, Circuit Judges, and / DOE, ..."
        for pattern in _author_patterns():
            if m := pattern.search(line):
                return _titlecase(m["name"].strip(), {})
    return ""


@lru_cache(maxsize=1)
def _author_patterns() -> tuple[re.Pattern, ...]:
    """How an opinion names its author: "SMITH, Circuit Judge:", "JONES, J., delivered the opinion",
    "Doe, D.J.:", "JUSTICE JONES delivered the opinion", "Opinion for the court filed by
    Circuit Judge SMITH"."""
    office = _office()
    start = r"(?:^(?:\d{1,2}\s+)?|(?<=[.:*]\s))"  # a line's start, or a sentence's in a merged line
    return tuple(
        re.compile(p)
        for p in (
            rf"{start}(?P<name>[A-Z][A-Z.'’ -]*[A-Z]),\s+{office}(?=\s*[.:]|\s*$|,\s*delivered)",
            rf"{start}(?P<name>[A-Z][a-z]+(?: [A-Z][a-z]+)?),\s+{office}:$",
            rf"{office}\s+(?P<name>[A-Z][A-Z'’-]+)\s+delivered the opinion",
            rf"\bfiled by\s+{office}\s+(?P<name>[A-Z][A-Z'’-]+)\b",
        )
    )


def _per_curiam(lines: list[str]) -> str:
    """"Per Curiam" when the opinion says it is one (not inside a citation's parenthetical)."""
    mark = _vocab()["judges"]["per_curiam"]
    pattern = rf"(?:\d{{1,2}}\s+)?(?:{re.escape(mark.upper())}|{re.escape(mark)})\b"
    return mark if any(re.match(pattern, line) for line in lines) else ""


def _signer(lines: list[str]) -> str:
    """The judge who signed: the name above a line naming the office ("JANE Q. SMITH / United
    States District Judge"), "Name, Judge" under a signature rule, or a labelled block read as one
    line ("Entered for the Court: Jane Q. Smith Circuit Judge")."""
    office = _office()
    for i in range(1, len(lines)):
        if signs(lines[i - 1], lines[i]):
            return _titlecase(re.sub(r"^/?s/\s*", "", lines[i - 1]).strip(), {})
        m = re.fullmatch(rf"(?P<name>[^,]+),\s+{office}", lines[i])
        if m and re.fullmatch(r"_{5,}|/?s/.*", lines[i - 1]) and _signature_name(m["name"]):
            return _titlecase(m["name"], {})
        m = re.fullmatch(rf"[^:]{{1,40}}:\s*(?P<name>.+?)\s+{office}", lines[i])
        if m and _signature_name(m["name"]):
            return _titlecase(m["name"], {})
    return ""


def signs(name_line: str, office_line: str) -> bool:
    """Whether two lines are a signature: a name as signed above a judicial office ("JANE Q. ROE"
    / "United States District Judge")."""
    office = _office()
    name = re.sub(r"^/?s/\s*", "", name_line).strip()
    return bool(re.fullmatch(office, office_line.strip())) and _signature_name(name)


def _signature_name(text: str) -> bool:
    """Whether text is a name as signed: two to five words of letters and initials."""
    words = text.split()
    return 2 <= len(words) <= 5 and all(re.fullmatch(r"[^\W\d_]+(?:['’.-][^\W\d_]*)*\.?,?", w) for w in words)


@lru_cache(maxsize=1)
def _doc_type_re() -> re.Pattern:
    """The title words of a ruling, longest first."""
    phrases = sorted(_vocab()["doc_types"], key=len, reverse=True)
    return re.compile("|".join(rf"(?<![\w-]){re.escape(p)}(?![\w-])" for p in phrases), re.I)


def _doc_type(lines: list[str], court: dict | None) -> str:
    """The kind of document its title line names ("ORDER GRANTING ..." -> "order"); for an
    appellate court that prints no title, "opinion"."""
    types = {k.lower(): v for k, v in _vocab()["doc_types"].items()}
    caption = rf"\bet al\.|^(?:v|vs)\.|^\W*(?i:{_words('roles')})s?\b"  # what may share a row with the title
    for line in lines:
        rest = re.sub(caption, "", line).strip(" ,.")
        title = not re.search(r"[a-z]", rest) or (_doc_type_re().match(rest) and rest[0].isupper())
        if title and (m := _doc_type_re().search(rest)):
            return types[m[0].lower()]
    return "opinion" if court and court.get("type") == "appellate" else ""
