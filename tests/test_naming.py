"""Naming a ruling from its caption and headers (rag.naming), on real rulings of the testbed.

The first pages are read with pypdfium2 inside the tests, as a ruling dropped into the corpus
would be, and whole rulings as ingest reads and names them (rag.pdf, guess_meta); no model, no
index. One case per court family, the signature on the last page, the reader's other ways of
giving the same caption (no ECF header, rows read across both columns, small capitals), and
every entry of rag/legal.toml shown to be needed: with it the ruling is named right, without
it not.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import re
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

import pytest

from conftest import BARTZ_PDF
from conftest import ruling_file as ruling_file
from rag import corpus, naming, pdf
from rag.legal import load
from rag.naming import name_document
from rag.readers import from_paragraphs, read_file

D = dt.date


@lru_cache(maxsize=None)
def head(name: str, last: bool = False) -> str:
    """A ruling's first three pages (and its last, where the signature is, when `last`) as pypdfium2 reads them."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(BARTZ_PDF if name == "bartz" else ruling_file(name)))
    pages = list(range(min(3, len(pdf)))) + ([len(pdf) - 1] if last and len(pdf) > 3 else [])
    return "\n".join(pdf[i].get_textpage().get_text_range() for i in pages)


def edit(name: str, old: str, new: str, last: bool = False) -> str:
    """A ruling's head with one printed string replaced everywhere (it must be there)."""
    text = head(name, last)
    assert old in text, f"{old!r} is not in {name}"
    return text.replace(old, new)


# -- every court family ---------------------------------------------------------------------

FAMILIES = [
    ("bartz", "Bartz v. Anthropic PBC", "N.D. Cal.", "No. C 24-05417 WHA", D(2025, 6, 23)),
    ("finjan_v_cisco_5-17-cv-00072-BLF_dkt660", "Finjan, Inc. v. Cisco Systems Inc.", "N.D. Cal.", "No. 17-cv-00072-BLF", D(2020, 6, 5)),
    ("alvarado", "Alvarado v. FedEx Corp.", "N.D. Cal.", "No. C 04-0098 SI", D(2005, 8, 23)),
    ("us_v_holmes", "United States v. Holmes", "N.D. Cal.", "No. 18-cr-00258-EJD-1", D(2020, 10, 2)),
    ("china_fortune", "China Fortune Land Development v. 1955 Capital Fund I GP LLC", "N.D. Cal.", "No. 19-cv-07043-VC", None),
    ("tessera", "Tessera, Inc. v. Toshiba Corp.", "N.D. Cal.", "No. 15-cv-02543-BLF", None),
    ("crane", "Crane v. Rodriguez", "E.D. Cal.", "No. 2:15-cv-0208 TLN KJN P", D(2020, 4, 22)),
    ("still", "Still v. Commissioner of Social Security", "E.D. Cal.", "No. 1:11-cv-00637-NONE-EPG", D(2021, 3, 23)),
    ("in_re_bard", "In re Bard IVC Filters Products Liability Litigation", "D. Ariz.", "No. MDL 15-02641-PHX-DGC", None),
    ("scanlon", "Scanlon v. Lawson", "D.N.J.", "No. 16-4465 (RMB-JS)", None),
    ("ca1_", "Calvary Chapel of Bangor v. Mills", "1st Cir.", "No. 20-1507", D(2020, 12, 22)),
    ("ca2_", "Gildernew v. Gantner", "2d Cir.", "No. 08-6301-cv", D(2010, 2, 4)),
    ("ca3_", "Travelers Indemnity Co. v. Dammann & Co., Inc.", "3d Cir.", "No. 09-1225", D(2010, 2, 5)),
    ("ca4_", "Weintraub v. Quicken Loans, Inc.", "4th Cir.", "No. 08-2373", D(2010, 2, 5)),
    ("ca5_", "United States v. Martin", "5th Cir.", "Nos. 07-30815", D(2010, 2, 5)),
    ("ca6_", "Balmert v. Reliance Standard Life Insurance Co.", "6th Cir.", "No. 08-4433", D(2010, 2, 5)),
    ("ca7_", "Lopez v. Thurmer", "7th Cir.", "No. 08-2110", D(2010, 2, 5)),
    ("ca8_", "United States v. Wilson", "8th Cir.", "No. 07-1306", D(2010, 2, 5)),
    ("ca10_", "Triplet v. Franklin", "10th Cir.", "No. 06-6247", D(2010, 2, 5)),
    ("ca11_", "Robinson v. Tyson Foods, Inc.", "11th Cir.", "No. 08-14991", D(2010, 2, 5)),
    ("cadc_", "United States v. Vinton", "D.C. Cir.", "No. 07-3125", D(2010, 2, 5)),
    ("cafc_", "Nelson v. K2 Inc.", "Fed. Cir.", "No. 2009-1361", D(2010, 2, 5)),
    ("scotus_", "Tarrant Regional Water District v. Herrmann", "U.S.", "No. 11-889", D(2013, 6, 13)),
    ("us_tax_court", "Bordelon v. Commissioner", "T.C.", "Nos. 19031-13, 27735-13", D(2020, 2, 20)),
    ("nc_supreme", "Gift Surplus, LLC v. State ex rel. Cooper", "N.C.", "No. 363A14-4", D(2022, 2, 11)),
    ("mo_ctapp", "Jagels v. State", "Mo. Ct. App.", "No. ED108783", D(2021, 1, 19)),
]


@pytest.mark.parametrize("name, title, court, docket, date", FAMILIES, ids=[f[0] for f in FAMILIES])
def test_names_a_ruling_from_its_caption(name, title, court, docket, date):
    got = name_document(head(name), {})
    assert (got.title, got.court, got.docket, got.date) == (title, court, docket, date)


JUDGES = [
    ("alvarado", "Susan Illston", "order"),  # signature on page 2 of 2
    ("ca5_", "E. Grady Jolly", "opinion"),  # "E. GRADY JOLLY, Circuit Judge:"
    ("ca2_", "Per Curiam", "opinion"),
    ("cadc_", "Brown", "opinion"),  # not WILLIAMS, the end of the panel's list
    ("cafc_", "Per Curiam", "judgment"),
    ("ca10_", "", "order and judgment"),  # "Before KELLY, EBEL, and O'BRIEN": no author named
    ("scanlon", "Bumb", "opinion"),
    ("nc_supreme", "Hudson", "opinion"),
    ("us_tax_court", "Gustafson", "memorandum opinion"),
    ("in_re_bard", "", "order"),  # "SUGGESTION OF REMAND AND TRANSFER ORDER"
]


@pytest.mark.parametrize("name, judge, doc_type", JUDGES, ids=[j[0] for j in JUDGES])
def test_names_the_author_and_the_kind_of_document(name, judge, doc_type):
    got = name_document(head(name), {})
    assert (got.judge, got.doc_type) == (judge, doc_type)


SIGNED = [
    ("bartz", "William Alsup", D(2025, 6, 23)),
    ("finjan_v_cisco_5-17-cv-00072-BLF_dkt551", "Beth Labson Freeman", D(2020, 4, 17)),  # signed before the ECF stamp
    ("china_fortune", "Vince Chhabria", D(2021, 7, 9)),
    ("scanlon", "Renée Marie Bumb", D(2020, 3, 9)),  # the signature's full name for "BUMB"
    ("mo_ctapp", "James M. Dowd", D(2021, 1, 19)),
    ("ca10_", "Terrence L. O’Brien", D(2010, 2, 5)),
]


@pytest.mark.parametrize("name, judge, date", SIGNED, ids=[s[0] for s in SIGNED])
def test_the_signature_page_gives_the_judge_and_the_signed_date(name, judge, date):
    got = name_document(head(name, last=True), {})
    assert (got.judge, got.date) == (judge, date)


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("tesseract"), reason="the caption of this ruling is only an image")
def test_a_caption_read_by_ocr_names_the_sdny_appeal():
    import pypdfium2 as pdfium

    page = pdfium.PdfDocument(str(ruling_file("hostess"))).get_page(0)
    png = page.render(scale=200 / 72).to_pil()
    run = subprocess.run(["tesseract", "-", "-"], input=_png_bytes(png), capture_output=True, timeout=120)
    got = name_document(run.stdout.decode() + "\n" + head("hostess"), {})
    assert (got.title, got.court, got.docket, got.date) == (
        "In re Hostess Brands, Inc.", "S.D.N.Y.", "No. 12 Civ. 5708 (ER)", D(2013, 9, 27))
    assert (got.judge, got.doc_type) == ("Ramos", "opinion")


def _png_bytes(image) -> bytes:
    import io

    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_without_a_caption_the_ecf_header_gives_docket_and_date():
    got = name_document(head("hostess"), {})  # page 1 is an image: no caption in the text
    assert (got.title, got.docket, got.date) == ("", "No. 1:12-cv-05708-ER", D(2013, 9, 27))


def test_the_same_without_ecf_header_and_margin_numbers_from_info():
    lines = head("finjan_v_cisco_5-17-cv-00072-BLF_dkt660").splitlines()
    stripped = "\n".join(ln for ln in lines if not ln.startswith("Case 5:17") and not ln.strip().isdigit())
    got = name_document(stripped, {"case": "5:17-cv-00072-BLF", "filed": "06/05/20"})
    assert got == name_document(head("finjan_v_cisco_5-17-cv-00072-BLF_dkt660"), {})
    got = name_document(edit("hostess", "Case 1:12-cv-05708-ER Document 11 Filed 09/27/13", ""), {"case": "1:12-cv-05708-ER"})
    assert got.docket == "No. 1:12-cv-05708-ER"


def test_a_case_cited_before_the_caption_is_not_the_caption():
    cited = "As in Campbell v. Acuff-Rose Music, Inc., 510 U.S. 569 (1994), the use is transformative.\n"
    assert name_document(cited + head("bartz"), {}).title == "Bartz v. Anthropic PBC"


# The Tessera and Weintraub captions as a reader that groups words into rows across the page
# gives them: the right column's title inside the party rows; small capitals split in two rows.
TESSERA_ROWS = """UNITED STATES DISTRICT COURT
NORTHERN DISTRICT OF CALIFORNIA
SAN JOSE DIVISION
Case No. 15-cv-02543-BLF
TESSERA, INC.,
REDACTED ORDER (1) GRANTING
Plaintiff, TESSERA’S MOTION FOR PARTIAL
SUMMARY JUDGMENT, (2)
v. DENYING TOSHIBA’S MOTION FOR
SUMMARY JUDGMENT, AND (3)
TOSHIBA CORPORATION, GRANTING IN PART AND DENYING
IN PART TOSHIBA’S MOTION TO
Defendant. STRIKE
[Re: ECF 318, 378, 380]
Plaintiff Tessera, Inc. (“Tessera”) and Defendant Toshiba Corporation (“Toshiba”) have
brought counter suits against each other seeking to resolve their dispute as to the proper measure
"""
CHINA_ROWS = """UNITED STATES DISTRICT COURT
NORTHERN DISTRICT OF CALIFORNIA
CHINA FORTUNE LAND Case No. 19-cv-07043-VC DEVELOPMENT, et al.,
Petitioners, ORDER GRANTING IN PART AND
DENYING IN PART MOTION FOR
v. ATTORNEYS’ FEES, PREJUDGMENT
INTEREST, AND POST-JUDGMENT
1955 CAPITAL FUND I GP LLC, et al., INTEREST
Respondents. Re: Dkt. No. 112
The respondents’ motion for attorneys’ fees is granted in part and denied in part. The
"""
WEINTRAUB_ROWS = """PUBLISHED
UNITED STATES COURT OF APPEALS
FOR THE FOURTH CIRCUIT
R W ; B \uf8fc
ITA EINTRAUB ARRY
WEINTRAUB,
Plaintiffs-Appellants,
\uf8fd No. 08-2373
v.
QUICKEN LOANS, INCORPORATED,
Defendant-Appellee. \uf8fe
"""


def test_captions_read_in_rows_across_both_columns():
    assert name_document(TESSERA_ROWS, {}).title == "Tessera, Inc. v. Toshiba Corp."
    assert name_document(CHINA_ROWS, {}).title == "China Fortune Land Development v. 1955 Capital Fund I GP LLC"
    got = name_document(WEINTRAUB_ROWS, {})
    assert (got.title, got.court, got.docket) == ("Weintraub v. Quicken Loans, Inc.", "4th Cir.", "No. 08-2373")


# -- the whole ruling as ingest reads it: the signature on its last page --------------------


@lru_cache(maxsize=None)
def read(name: str) -> tuple[Path, str, object, dict]:
    """A ruling as `rag ingest` reads it: path, canonical text, layout, what the reader found."""
    path = ruling_file(name)
    return (path, *read_file(path))


def ingested(name: str):
    """The metadata ingest gives a ruling that has no manifest entry."""
    path, text, layout, info = read(name)
    return corpus.guess_meta(path, text, info, layout)


LAST_PAGE = [
    ("china_fortune", "Vince Chhabria", D(2021, 7, 9)),  # "Dated:" and the signature on page 5 of 5
    ("tessera", "Beth Labson Freeman", D(2019, 10, 8)),  # no ECF header: the signature's date is the only one
    ("scanlon", "Renée Marie Bumb", D(2020, 3, 9)),  # "Date:"; the full name for the author line's "BUMB"
    ("ca10_", "Terrence L. O’Brien", D(2010, 2, 5)),  # "Entered by the Court: <name> <office>" read as one line
    ("mo_ctapp", "James M. Dowd", D(2021, 1, 19)),
    ("finjan_v_cisco_5-17-cv-00072-BLF_dkt551", "Beth Labson Freeman", D(2020, 4, 17)),  # signed before the ECF stamp
    ("finjan_v_cisco_5-17-cv-00072-BLF_dkt660", "Beth Labson Freeman", D(2020, 5, 22)),  # ECF-filed June 5
]


@pytest.mark.parametrize("name, judge, date", LAST_PAGE, ids=[s[0] for s in LAST_PAGE])
def test_ingest_reads_the_judge_and_the_signed_date_on_the_last_page(name, judge, date):
    got = ingested(name)
    assert (got.judge, got.date) == (judge, date)


def test_the_ecf_filing_date_counts_where_nothing_is_signed_with_a_date():
    _, text, layout, info = read("finjan_v_cisco_5-17-cv-00072-BLF_dkt660")
    head, end = corpus._head(text, layout)
    assert "Dated: May 22, 2020" in end and "Dated" not in head
    assert name_document(head, info, end=end.replace("Dated: May 22, 2020", "")).date == D(2020, 6, 5)


def test_argued_and_submitted_are_never_the_date_of_decision():
    assert name_document(edit("ca8_", "Filed: February 5, 2010", ""), {}).date is None  # "Submitted: January 8, 2010"
    assert name_document(edit("ca3_", "Filed:February 5, 2010", ""), {}).date is None  # "Argued December 2, 2009"
    submitted = "Submitted: January 8, 2010\n"  # nor on the last page
    assert name_document(edit("ca8_", "Filed: February 5, 2010", ""), {}, end=submitted).date is None


def test_the_last_page_gives_no_caption_court_docket_or_kind():
    got = name_document("", {}, end=head("alvarado"))  # a whole order, caption and signature, as the end
    assert (got.title, got.court, got.docket, got.doc_type, got.judge) == ("", "", "", "", "Susan Illston")


def test_a_ruling_in_plain_text_is_signed_at_its_end():
    path, text, *_ = read("china_fortune")
    assert len(text) > 8000  # longer than the head naming reads
    plain, paragraphs, _ = from_paragraphs(text.split("\n"))
    got = corpus.guess_meta(path.with_suffix(".txt"), plain, {}, paragraphs)
    assert (got.title, got.judge, got.date) == (
        "China Fortune Land Development v. 1955 Capital Fund I GP LLC", "Vince Chhabria", D(2021, 7, 9))


# -- one ECF header pattern; eyecite kept quiet; no testbed ruling quoted -------------------


def test_one_ecf_header_pattern_reads_and_strips_both_forms():
    assert naming.ECF_HEADER is pdf.ECF_HEADER
    district, appellate = head("finjan_v_cisco_5-17-cv-00072-BLF_dkt660"), head("ca1_")
    assert naming._ecf_header(district) == {"case": "5:17-cv-00072-BLF", "filed": "06/05/20"}
    assert naming._ecf_header(appellate) == {"case": "20-1507", "filed": "12/22/2020"}
    for text in (district, appellate):
        cleaned = naming._clean(text)
        assert not pdf.ECF_HEADER.search(cleaned) and "Entry ID" not in cleaned


def test_eyecite_warnings_are_held_back_and_ours_are_not(caplog):
    read("finjan_v_cisco_5-17-cv-00072-BLF_dkt551")  # its opening cites parallel citations eyecite sorts out
    with caplog.at_level(logging.WARNING):
        ingested("finjan_v_cisco_5-17-cv-00072-BLF_dkt551")
        logging.getLogger("rag.naming").warning("ours")
    assert [(r.name, r.getMessage()) for r in caplog.records] == [("rag.naming", "ours")]
    assert logging.getLogger("eyecite").level == logging.NOTSET  # put back as it was


def test_the_namer_quotes_no_testbed_ruling():
    """Its docstrings and comments give invented examples: no testbed party, judge or docket number."""
    source = Path(naming.__file__).read_text(encoding="utf-8")
    vocabulary = str(load())
    parties = [p for _, title, *_ in FAMILIES for p in title.removeprefix("In re ").split(" v. ")]
    words = {p.split()[0].strip(",") for p in parties} | {j.split()[-1] for _, j, *_ in JUDGES + SIGNED if j}
    words = {w for w in words if w not in vocabulary and w != "Per"}
    numbers = {re.search(r"\d[\w:-]*\d", docket)[0] for *_, docket, _ in FAMILIES}
    quoted = [w for w in words if re.search(rf"\b(?:{re.escape(w)}|{re.escape(w.upper())})\b", source)]
    assert quoted + [n for n in numbers if n in source] == []


# -- every entry of rag/legal.toml is needed ------------------------------------------------


def roles(word: str) -> str:
    return TESSERA_ROWS.replace("Plaintiff, TESSERA", f"{word}, TESSERA").replace("Defendant. STRIKE", f"{word}. STRIKE")


def versus_alone(word: str) -> str:
    return edit("crane", "Plaintiff,\r\nv.\r\n", f"Plaintiff,\r\n{word}\r\n")


def as_party(name: str) -> str:
    """The Holmes caption with another defendant."""
    return edit("us_v_holmes", "ELIZABETH A. HOLMES,", f"{name},")


def as_plaintiff_entity(form: str) -> str:
    return edit("tessera", "TESSERA, INC.,", f"TESSERA, {form.upper()},")


ABBREVIATED = {"Incorporated": "Inc.", "Company": "Co.", "Corporation": "Corp.", "Association": "Ass'n",
               "Brothers": "Bros.", "Limited": "Ltd."}

ENTRIES = [
    *[("caption.roles", w, lambda w=w: roles(w), "title", "Tessera, Inc. v. Toshiba Corp.")
      for w in load()["caption"]["roles"]],
    ("caption.versus", "v.", lambda: head("scotus_"), "title", "Tarrant Regional Water District v. Herrmann"),
    ("caption.versus", "vs.", lambda: edit("scotus_", "DISTRICT v.", "DISTRICT vs."), "title",
     "Tarrant Regional Water District v. Herrmann"),
    *[("caption.versus", w, lambda w=w: versus_alone(w), "title", "Crane v. Rodriguez")
      for w in ("v", "vs", "versus")],
    ("caption.versus", "against", lambda: versus_alone("-against-"), "title", "Crane v. Rodriguez"),
    ("caption.court_words", "Court", lambda: head("us_tax_court"), "title", "Bordelon v. Commissioner"),
    ("caption.court_words", "Circuit", lambda: head("ca10_"), "title", "Triplet v. Franklin"),
    ("caption.court_words", "Division", lambda: head("finjan_v_cisco_5-17-cv-00072-BLF_dkt660"), "title",
     "Finjan, Inc. v. Cisco Systems Inc."),
    ("caption.court_words", "Vicinage", lambda: head("scanlon"), "title", "Scanlon v. Lawson"),
    ("caption.court_words", "District of", lambda: head("crane"), "title", "Crane v. Rodriguez"),
    *[("caption.docket_labels", w, lambda w=w: CHINA_ROWS.replace("Case No.", f"{w} No."), "title",
       "China Fortune Land Development v. 1955 Capital Fund I GP LLC") for w in load()["caption"]["docket_labels"]],
    ("caption.docket_kinds", "Civ.", lambda: edit("crane", "No. 2:15-cv-0208 TLN KJN P", "15 Civ. 208 (TLN)"),
     "docket", "No. 15 Civ. 208 (TLN)"),
    ("caption.docket_kinds", "Cr.", lambda: edit("us_v_holmes", "Case No.: 18-cr-00258-EJD-1", "18 Cr. 258 (EJD)"),
     "docket", "No. 18 Cr. 258 (EJD)"),
    ("dates.labels", "Decided", lambda: head("scotus_"), "date", D(2013, 6, 13)),
    ("dates.labels", "Dated", lambda: head("cafc_"), "date", D(2010, 2, 5)),
    ("dates.labels", "Date", lambda: head("scanlon", last=True), "date", D(2020, 3, 9)),
    ("dates.labels", "Filed", lambda: head("ca8_"), "date", D(2010, 2, 5)),
    ("dates.labels", "Entered", lambda: edit("ca8_", "Filed:", "Entered:"), "date", D(2010, 2, 5)),
    ("doc_types", "order and judgment", lambda: edit("ca10_", "JUDGEMENT", "JUDGMENT"), "doc_type", "order and judgment"),
    ("doc_types", "order and judgement", lambda: head("ca10_"), "doc_type", "order and judgment"),
    ("doc_types", "memorandum opinion", lambda: edit("scanlon", "\nOPINION", "\nMEMORANDUM OPINION"), "doc_type",
     "memorandum opinion"),
    ("doc_types", "memorandum findings of fact and opinion", lambda: edit("us_tax_court", "T.C. Memo. 2020-26", ""),
     "doc_type", "memorandum opinion"),
    ("doc_types", "T.C. Memo.", lambda: edit("us_tax_court", "MEMORANDUM FINDINGS OF FACT AND OPINION", ""),
     "doc_type", "memorandum opinion"),
    ("doc_types", "memorandum", lambda: edit("scanlon", "\nOPINION", "\nMEMORANDUM"), "doc_type", "memorandum"),
    ("doc_types", "opinion", lambda: head("scanlon"), "doc_type", "opinion"),
    ("doc_types", "judgment", lambda: head("cafc_"), "doc_type", "judgment"),
    ("doc_types", "order", lambda: head("bartz"), "doc_type", "order"),
    ("court_citation", "scotus", lambda: head("scotus_"), "court", "U.S."),
    ("court_citation", "ca3", lambda: head("ca3_"), "court", "3d Cir."),
    ("court_citation", "tax", lambda: head("us_tax_court"), "court", "T.C."),
    ("case_name.in_re", "In re", lambda: head("in_re_bard"), "title", "In re Bard IVC Filters Products Liability Litigation"),
    *[("case_name.in_re", w, lambda w=w: edit("in_re_bard", "IN RE:", f"{w.upper()}:").replace("In re", w), "title",
       "In re Bard IVC Filters Products Liability Litigation") for w in load()["case_name"]["in_re"][1:]],
    ("case_name.drop_leading", "The", lambda: head("ca3_"), "title", "Travelers Indemnity Co. v. Dammann & Co., Inc."),
    *[("case_name.entity_forms", w, lambda w=w: as_plaintiff_entity(w), "title",
       f"Tessera, {ABBREVIATED.get(w, w)} v. Toshiba Corp.") for w in load()["case_name"]["entity_forms"]],
    *[("case_name.institutions", w, lambda w=w: as_party(f"ACME {w.upper()}"), "title",
       f"United States v. Acme {ABBREVIATED.get(w, w)}") for w in load()["case_name"]["institutions"]],
    *[("case_name.name_suffixes", w, lambda w=w: as_party(f"ELIZABETH A. HOLMES {w.upper()}"), "title",
       "United States v. Holmes") for w in load()["case_name"]["name_suffixes"]],
    *[("case_name.small_words", w, lambda w=w: as_party(f"BOARD {w.upper()} ACME"), "title",
       f"United States v. Board {w} Acme") for w in load()["case_name"]["small_words"]],
    ("case_name.names", "United States of America", lambda: head("us_v_holmes"), "title", "United States v. Holmes"),
    ("case_name.names", "Commissioner of Internal Revenue", lambda: head("us_tax_court"), "title", "Bordelon v. Commissioner"),
    *[("case_name.states", w, lambda w=w: edit("mo_ctapp", "STATE OF MISSOURI", f"{w.upper()} MISSOURI"), "title",
       f"Jagels v. {short}") for w, short in load()["case_name"]["states"].items()],
    *[("case_name.abbreviate", w, lambda w=w: as_party(f"ACME {w.upper()}"), "title", f"United States v. Acme {short}")
      for w, short in load()["case_name"]["abbreviate"].items()],
    ("judges.titles", "Circuit Judge", lambda: head("ca11_"), "judge", "Fay"),
    ("judges.titles", "District Judge", lambda: head("alvarado"), "judge", "Susan Illston"),
    ("judges.titles", "Magistrate Judge", lambda: edit("alvarado", "States District Judge", "States Magistrate Judge"),
     "judge", "Susan Illston"),
    ("judges.titles", "Judge", lambda: head("mo_ctapp", last=True), "judge", "James M. Dowd"),
    ("judges.titles", "Justice", lambda: head("nc_supreme"), "judge", "Hudson"),
    ("judges.titles", "J.", lambda: edit("nc_supreme", "HUDSON, Justice.", "HUDSON, J., delivered the opinion of the Court."),
     "judge", "Hudson"),
    ("judges.titles", "D.J.", lambda: edit("ca11_", "FAY, Circuit Judge:", "Fay, D.J.:"), "judge", "Fay"),
    ("judges.qualifiers", "United States", lambda: head("scanlon"), "judge", "Bumb"),
    ("judges.qualifiers", "Chief", lambda: edit("alvarado", "United States District Judge", "Chief United States District Judge"),
     "judge", "Susan Illston"),
    ("judges.qualifiers", "Senior", lambda: edit("ca11_", "FAY, Circuit Judge:", "FAY, Senior Circuit Judge:"), "judge", "Fay"),
]


@pytest.fixture
def without(monkeypatch):
    """Name documents with one entry taken out of the vocabulary."""

    def take_out(path: str, entry: str) -> None:
        vocab = copy.deepcopy(load())
        table = vocab
        for key in path.split(".")[:-1]:
            table = table[key]
        values = table[path.split(".")[-1]]
        del values[values.index(entry) if isinstance(values, list) else entry]
        monkeypatch.setattr(naming, "_vocab", lambda: vocab)
        _clear_caches()

    yield take_out
    monkeypatch.undo()
    _clear_caches()


def _clear_caches() -> None:
    for function in vars(naming).values():
        if hasattr(function, "cache_clear"):
            function.cache_clear()


@pytest.mark.slow  # one naming per entry of legal.toml, with and without it
@pytest.mark.parametrize("path, entry, text, field, expected", ENTRIES, ids=[f"{e[0]}:{e[1]}" for e in ENTRIES])
def test_every_vocabulary_entry_is_needed(path, entry, text, field, expected, without):
    text = text()
    assert getattr(name_document(text, {}), field) == expected
    without(path, entry)
    assert getattr(name_document(text, {}), field) != expected


def test_every_vocabulary_entry_has_a_case():
    listed = {(path, entry) for path, entry, *_ in ENTRIES}
    for section in ("caption", "dates", "case_name", "judges"):
        for key, values in load()[section].items():
            if isinstance(values, (list, dict)):
                assert {(f"{section}.{key}", v) for v in values} <= listed, f"{section}.{key}"
    for section in ("doc_types", "court_citation"):
        assert {(section, k) for k in load()[section]} <= listed


@pytest.mark.parametrize(
    "name, office, signs",
    [
        ("SUSAN ILLSTON", "United States District Judge", True),
        ("/s/ Jane Q. Roe", "UNITED STATES MAGISTRATE JUDGE", True),
        ("RENÉE MARIE BUMB", "Chief United States District Judge", True),
        ("Dated: March 23, 2021 /s/", "UNITED STATES MAGISTRATE JUDGE", False),  # a date, not a name
        ("SUSAN ILLSTON", "United States District Court", False),  # a court, not an office
    ],
)
def test_a_signature_is_a_name_above_a_judicial_office(name, office, signs):
    assert naming.signs(name, office) is signs
