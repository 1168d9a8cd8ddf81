"""The court-filing PDF reader: pages, margin lines, what is stripped, what is kept."""

from __future__ import annotations

import re

import pytest

from conftest import BARTZ_PDF
from rag.errors import CorpusError
from rag.pdf import read_pdf


@pytest.fixture(scope="module")
def bartz():
    return read_pdf(BARTZ_PDF)


def page_text(text, layout, page):
    return "\n".join(text[s:e] for p, s, e in layout.pages if p == page)  # its footnotes may be a run apart


def test_keeps_the_courts_page_numbers(bartz):
    text, layout, info = bartz
    assert layout.page_labels == list(range(1, 33))
    assert info["case"] == "3:24-cv-05417-WHA" and info["filed"] == "06/23/25"


def test_strips_ecf_header_margin_numbers_and_court_margin(bartz):
    text, layout, _ = bartz
    assert "Document 231" not in text and "Page 2 of 32" not in text
    assert "tcirtsiD" not in text and "truoC" not in text  # the rotated margin text
    assert "Northern District of California" not in text  # margin (the caption is upper case)
    # no line consists of a bare margin number or the printed page number
    assert not [ln for ln in text.split("\n") if re.fullmatch(r"\d{1,2}", ln.strip())]


def test_pages_start_where_the_court_page_starts(bartz):
    text, layout, _ = bartz
    assert page_text(text, layout, 2).startswith("prompts Claude with text, Claude quickly responds")
    assert page_text(text, layout, 31).startswith("the purchased print copy was destroyed")


def test_every_line_has_its_margin_number(bartz):
    text, layout, _ = bartz
    numbered = [ln for _, ln, _, _ in layout.lines if ln is not None]
    assert len(numbered) >= 0.97 * len(layout.lines)
    start = text.index("This order grants summary judgment for Anthropic that the training use was a fair use.")
    pin = layout.locate(start, start + 20)
    assert (pin.page, pin.lines) == (31, (23, 23))  # checked against the PDF: the margin shows 23


def test_quote_spanning_lines_gets_a_line_range(bartz):
    text, layout, _ = bartz
    quote = "In June 2021, Mann downloaded in this way at least five million copies of books from Library Genesis"
    start = text.index(quote)
    assert str(layout.locate(start, start + len(quote))) == "at 3:3–4"


def test_line_end_hyphens_are_joined_and_kept_when_real(bartz):
    text, _, _ = bartz
    assert "bulk-purchasing" in text  # a real hyphen at a line end stays
    assert "Opp. Exh. 12 at -0391318" in text  # exhibit page numbers keep their hyphen, no space
    assert "93–94" in text  # an en dash at a line end joins without a space


@pytest.mark.parametrize(
    "ruling, broken, compound",
    [  # words the ruling breaks at a line end only once, and a compound hyphenated at a line end
        ("scotus_tarrant", ["simultaneously", "shortages", "respondent"], "cross-border"),
        ("ca7_lopez", ["imprisonment", "circumstances", "thorough"], "post-conviction"),
        ("ca4_weintraub", ["documentation", "acknowledge", "borrower"], None),
    ],
)
def test_a_word_broken_at_a_line_end_is_joined_though_the_ruling_never_writes_it_whole(ruling, broken, compound):
    """A soft break joins back into a word of the system's English word list ("circum-" +
    "stances"), so that a quote reads and searches as the court wrote it; a compound keeps its
    hyphen. Needs the word list the set-up installs (Debian's wamerican)."""
    from conftest import ruling_file
    from rag.text import dictionary_words

    assert dictionary_words(), "no English word list in /usr/share/dict: the set-up installs wamerican"
    text, _, _ = read_pdf(ruling_file(ruling))
    for word in broken:
        assert word in text and not re.search(rf"\b{word[:3]}\w*-\s?\w*{word[-3:]}\b", text), word
    assert compound is None or compound in text


def test_footnotes_stay_on_their_page_with_their_number(bartz):
    text, layout, _ = bartz
    notes = {(page, number) for page, number, _, _ in layout.footnotes}
    assert {(3, 1), (4, 2), (5, 3), (17, 4), (20, 5), (21, 6), (22, 7)} == notes
    start = text.index("Specifically, those works were")
    assert str(layout.locate(start, start + 30)) == "at 3 n.1"
    # the superscript reference in the body is dropped, so the sentence reads cleanly
    assert "issue for each Author.\n" in text or "issue for each Author. " in text


def test_paragraphs_are_rebuilt_from_lines(bartz):
    text, _, _ = bartz
    para = "Here, for reasons narrower than Anthropic offers, the mere format change was a fair use."
    assert f"\n{para}\n" in text  # a one-line paragraph stays on its own
    assert "\nA. THE COPIES USED TO TRAIN SPECIFIC LLMS.\n" in text  # headings are their own lines


def test_broken_pdf_is_a_one_line_error(tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\n this is not really a pdf")
    with pytest.raises(CorpusError, match="broken.pdf: not a readable PDF") as err:
        read_pdf(bad)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("ruling", ["ca3_travelers", "scotus_tarrant", "us_tax_court_bordelon", "ca10_triplet"])
def test_a_footnote_opens_with_its_number_set_apart_from_its_first_word(ruling):
    """A footnote's superscript number, set close to its first word ("11Of course"), is read as
    "11 Of course", as the footnotes of other rulings already were."""
    from conftest import ruling_file

    text, layout, _ = read_pdf(ruling_file(ruling))
    opened = [text[start : start + len(str(number)) + 1] for _, number, start, _ in layout.footnotes]
    numbers = [str(number) for _, number, _, _ in layout.footnotes]
    assert len(opened) >= 10 and opened == [f"{n} " for n in numbers], opened


@pytest.mark.parametrize(
    "ruling, sentence, pinpoint, note",
    [  # a district order on pleading paper, a court of appeals, a magistrate judge's order
        (
            "alvarado_v_fedex",
            "Defense counsel points out that one ofplaintiffs’ lawyers in this matter is also counsel of record in the Satchell case.",
            "at 1:25–2:1",
            "at 1 n.1",
        ),
        (
            "ca1_calvary",
            "We have no transcript of that conference, but Governor Mills apparently agreed to file an expedited response to the Chapel's request for some sort of interim injunctive relief.",
            "at 6–7",
            "at 6 n.1",
        ),
        (
            "still_v_commissioner",
            "“In contrast to fees awarded under fee-shifting provisions such as 42 U.S.C. § 1988, the fee is paid by the claimant out of the past-due benefits awarded; the losing party is not responsible for payment.”",
            "at 2:27–3:2",
            "at 2 n.1",
        ),
    ],
)
def test_a_sentence_that_goes_on_past_the_footnotes_at_the_foot_of_its_page_is_one_sentence(
    ruling, sentence, pinpoint, note
):
    """Where a sentence breaks off above a page's footnotes and goes on at the top of the next
    page, the footnotes are read after it: it is one sentence, quoted across the page break with
    its lines, and the footnotes keep their page and number."""
    from conftest import ruling_file
    from rag.ingest import split_sentences

    text, layout, _ = read_pdf(ruling_file(ruling))
    start = text.index(sentence)
    a, b = text.rfind("\n", 0, start) + 1, text.find("\n", start)
    assert (start, start + len(sentence)) in split_sentences(text, a, b)
    assert str(layout.locate(start, start + len(sentence))) == pinpoint
    page = layout.locate(start, start + 1).page
    notes = [(s, e) for p, _, s, e in layout.footnotes if p == page]
    assert notes and str(layout.locate(*notes[0])) == note and notes[0][0] > start + len(sentence)


@pytest.mark.parametrize("ruling", ["ca4_weintraub", "ca10_triplet"])
def test_an_ellipsis_inside_a_quotation_does_not_end_the_sentence(ruling):
    """Rulings cut quotations with ". . ." (Bluebook R5.3); Punkt breaks at each of its periods,
    and after a citation before "; see also". Every sentence opens like one: none begins with
    the rest of an ellipsis, a semicolon or a comma."""
    from conftest import ruling_file
    from rag.ingest import split_sentences

    text, layout, _ = read_pdf(ruling_file(ruling))
    sentences = [text[s:e] for _, a, b in layout.paragraphs for s, e in split_sentences(text, a, b)]
    assert sum(". . ." in s for s in sentences) >= 2
    assert not [s for s in sentences if s.lstrip("“\"'‘([").startswith(tuple(".,;:)]"))]


@pytest.mark.parametrize(
    "ruling, cited",
    [
        ("scanlon_v_lawson", "(Mot. Reconsider., ECF No. 158)"),  # a paper of the case, cited in parentheses
        ("cadc_us_v_vinton", "(D. Me. Jan. 9, 2006)"),  # a court and a date
    ],
)
def test_a_citation_in_parentheses_does_not_end_the_sentence(ruling, cited):
    """Punkt breaks after an abbreviation it knows when a capital follows ("(Mot. Reconsider.");
    a sentence does not end a few words after a bracket it has just opened."""
    from conftest import ruling_file
    from rag.ingest import split_sentences

    text, layout, _ = read_pdf(ruling_file(ruling))
    at = text.index(cited)
    a, b = next((a, b) for _, a, b in layout.paragraphs if a <= at < b)
    assert any(s <= at and at + len(cited) <= e for s, e in split_sentences(text, a, b))


@pytest.mark.parametrize(
    "ruling, sentence",
    [  # across a page break; a block quote's justified lines; a numbered item of an order
        ("ca2_gildernew", "Plaintiff further contends that nothing in the legislative history surrounding § 1427"),
        ("scotus_tarrant", "free and unrestricted use of the water of this subbasin within their respective"),
        ("still_v_commissioner", "fees awarded as an offset for the EAJA fees previously awarded"),
        ("ca6_balmert", "against Reliance Standard in district court on February 8, 2007"),  # no sentence ends on "on"
        ("ca5_us_v_martin", "so the judgment of the district court is AFFIRMED."),  # a disposition on a line of its own
        ("tessera_v_toshiba", "Toshiba’s Second Motion for Summary Judgment is DENIED."),
        ("still_v_commissioner", "in the amount of $16,861, (ECF No. 26), is GRANTED;"),  # a comma, then "("
    ],
)
def test_a_line_that_goes_on_with_the_sentence_before_is_the_same_paragraph(ruling, sentence):
    """A line that ends on a word and a next line that opens with a small letter are one sentence,
    wherever the lines sit on their pages, and so are a line ending on a word no sentence ends on
    and the next; a caption's "v." and a section's lone "A" still stand on their own lines."""
    from conftest import ruling_file

    text, _, _ = read_pdf(ruling_file(ruling))
    assert sentence in text
    caption, _, _ = read_pdf(ruling_file("ca11_robinson"))
    assert "Plaintiff-Appellant,\nversus\n" in caption
    tarrant, _, _ = read_pdf(ruling_file("scotus_tarrant"))
    assert "\nA\nThe Red River (or River) begins" in tarrant
