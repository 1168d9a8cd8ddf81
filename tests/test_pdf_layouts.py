"""Reading rulings of other courts and layouts: every file with text is read, and a known
sentence is on the page the court printed (one test per layout family, on testbed files)."""

from __future__ import annotations

import functools
import shutil

import pytest

from conftest import TESTBED, ruling_file
from rag.errors import CorpusError
from rag.pdf import read_pdf


@functools.lru_cache(maxsize=None)
def read(name: str):
    return read_pdf(ruling_file(name))


def pinpoint(name: str, sentence: str) -> str:
    text, layout, _ = read(name)
    start = text.index(sentence)
    return str(layout.locate(start, start + len(sentence)))


@pytest.mark.parametrize(
    "name, sentence, expected",
    [
        # N.D. Cal. pleading paper: ECF header, margin line numbers, page number at the foot
        ("finjan_v_cisco_5-17-cv-00072-BLF_dkt660", "Finjan’s MIL No. 2, ECF 530-4", "at 3:26"),
        # E.D. Cal. pleading paper, page number printed under the body
        ("crane_v_rodriguez", "such review.", "at 3:27"),
        # pleading paper of 2010 in a circuit slip opinion: margin numbers 1-2x, "Page N of M" at the head
        ("ca2_gildernew", "In April of 2004, while his application was still", "at 3:19"),
        # N.D. Cal. without margin numbers, page number at the head
        ("china_fortune_land", "promptly sought fees for this motion", "at 3"),
        # "- 3 -" at the head (Tenth Circuit order and judgment, Tax Court memorandum)
        ("ca10_triplet", "criminal division of the district court (adult court)", "at 3"),
        ("us_tax_court_bordelon", "underlying debt if a default occurred", "at 32"),
        # running heads carrying the number: "No. 08-2110 3", "... Page 3", "WEINTRAUB v. QUICKEN LOANS 3"
        ("ca7_lopez", "name during the attack, which alerted", "at 3"),
        ("ca6_balmert", "After evaluating Balmert on October 21, 2004", "at 3"),
        ("ca4_weintraub", "value to be $308,000.", "at 3"),
        # CM/ECF appellate header "Page: N" beside the printed "- 3 -"
        ("ca1_calvary_chapel", "This interlocutory appeal arises", "at 3"),
        # a footnote of a Fifth Circuit opinion, on the page it is printed on
        ("ca5_us_v_martin", "Martin argues he is entitled to a full resentencing", "at 3 n.2"),
        # page number alone at the foot (Eleventh Circuit, D.C. Circuit, D.N.J., Missouri)
        ("ca11_robinson", "In September 2005, Robinson resigned her employment", "at 3"),
        ("cadc_us_v_vinton", "Most of the statements Vinton claims were improperly", "at 19"),
        ("scanlon_v_lawson", "not exercise due diligence in discovering", "at 3"),
        ("mo_ctapp_jagels", "review is limited to a determination of whether the", "at 3"),
        # Supreme Court slip opinion: syllabus and opinion numbered separately
        # (a 1.2 MB slip opinion that takes ~6 s to read: full lane only)
        pytest.param(
            "scotus_tarrant", "Knowing that the OWRB would likely deny", "slip op., at 2 (Syllabus)",
            marks=pytest.mark.slow,
        ),
        pytest.param(
            "scotus_tarrant", "River Compact in 1978. Congress approved the Compact", "slip op., at 3",
            marks=pytest.mark.slow,
        ),
        # a state supreme court that numbers its paragraphs: cited by ¶
        ("nc_supreme_gift_surplus", "Following enactment of the law, purveyors", "¶ 3"),
    ],
)
def test_a_known_sentence_is_on_the_page_the_court_printed(name, sentence, expected):
    assert pinpoint(name, sentence) == expected


def paragraph_of(name: str, sentence: str) -> str:
    text, layout, _ = read(name)
    start = text.index(sentence)
    return next(text[s:e] for _, s, e in layout.paragraphs if s <= start < e)


@pytest.mark.parametrize(
    "name, opening, continued",
    [
        # a first line indented half an inch (36 pt of 13-point type), then the line at the margin
        ("mo_ctapp_jagels", "As a result of our review of the record in this case", "to either prong of Strickland"),
        ("us_tax_court_bordelon", "The Commissioner stresses that the Many Loan", "collateralized, that it was not"),
        # the same in E.D. Cal. pleading paper with ragged right lines
        ("still_v_commissioner", "An award of § 406(b) fees must be", "offset by any prior award"),
    ],
)
def test_a_paragraph_with_a_half_inch_first_line_indent_is_one_paragraph(name, opening, continued):
    paragraph = paragraph_of(name, opening)
    assert continued in paragraph, paragraph


def test_a_running_head_of_three_lines_is_left_out_of_the_text():
    text, _, _ = read("nc_supreme_gift_surplus")
    assert "Opinion of the Court" not in text  # under the case name and "2022-NCSC-1" on every page
    # and the sentence the head interrupted runs on across the page break
    assert "the trial court correctly determined that chance did not predominate" in text


@pytest.mark.slow
def test_every_ruling_file_is_read_with_pages_in_order():
    for path in sorted(TESTBED.glob("*.pdf")):
        text, layout, info = read_pdf(path)
        labels = [p for p, _, _ in layout.pages]
        assert len(text) > 500, path.name
        parts = [[p for p, s, _ in layout.pages if a <= s < b] for _, a, b in layout.parts]
        runs = parts or [labels]
        for run in runs:
            # a page may be read in more than one run (its footnotes after the sentence that goes
            # on to the next page ends there), interleaved with the pages beside it only
            order = sorted(set(run))
            assert list(dict.fromkeys(run)) == order, (path.name, labels)
            for i, page in enumerate(order):
                first, last = run.index(page), len(run) - 1 - run[::-1].index(page)
                assert set(run[first : last + 1]) <= set(order[max(i - 1, 0) : i + 2]), (path.name, labels)


@pytest.mark.slow
def test_a_page_that_is_only_an_image_is_read_by_ocr_and_marked():
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed (scripts/setup.sh installs it)")
    text, layout, info = read("hostess_bankr_appeal")
    (start, end), *_ = layout.ocr
    assert layout.locate(start, end).page == 1
    assert "Bankruptcy Court" in text[start:end] and "AFFIRMED" in text[start:end]
    assert info["unread_pages"] == []


def test_without_tesseract_an_image_page_is_skipped_with_a_warning(monkeypatch, caplog):
    from rag import pdfwords

    monkeypatch.setattr(pdfwords, "tesseract", lambda: None)
    text, layout, info = read_pdf(ruling_file("hostess_bankr_appeal"))
    assert info["unread_pages"] == [1, 15]
    assert "pages 1, 15 not read" in caplog.text and "install Tesseract" in caplog.text
    assert [p for p, _, _ in layout.pages][0] == 2  # the rest of the document is read, with its pages


@pytest.mark.parametrize(
    "name, hidden, visible",
    [
        ("tessera_v_toshiba", ["12,782,082", "85,827,104"], "summary judgment"),
        ("scanlon_v_lawson", ["made to fight other", "Cumberland County Detenti"], "Rule 4(m)"),
    ],
)
def test_text_under_a_redaction_box_is_never_read(name, hidden, visible):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(ruling_file(name)))
    layer = " ".join(" ".join(page.get_textpage().get_text_range().split()) for page in pdf)
    text, _, _ = read(name)
    flat = " ".join(text.split())
    for words in hidden:
        assert words in layer  # the text is in the file, under a black box
        assert words not in flat
    assert visible in flat


def test_a_file_with_no_text_names_its_pages(tmp_path):
    import pypdfium2 as pdfium

    blank = pdfium.PdfDocument.new()
    blank.new_page(612, 792)
    blank.new_page(612, 792)
    path = tmp_path / "blank.pdf"
    blank.save(str(path))
    with pytest.raises(CorpusError, match="blank.pdf: no text on any of its 2 pages"):
        read_pdf(path)
