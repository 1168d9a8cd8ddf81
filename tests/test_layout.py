"""Pinpoints are looked up from offsets and formatted the way lawyers write them."""

from __future__ import annotations

from rag.layout import Layout, Pinpoint


def test_pinpoint_formats():
    assert str(Pinpoint(page=31, page_end=31)) == "at 31"
    assert str(Pinpoint(page=2, page_end=3)) == "at 2–3"
    assert str(Pinpoint(page=31, page_end=31, lines=(12, 15))) == "at 31:12–15"
    assert str(Pinpoint(page=31, page_end=31, lines=(12, 12))) == "at 31:12"
    assert str(Pinpoint(page=30, page_end=31, lines=(27, 2))) == "at 30:27–31:2"
    assert str(Pinpoint(page=3, page_end=3, lines=(25, 26), footnote=1)) == "at 3 n.1"
    assert str(Pinpoint(paragraph=8, paragraph_end=8)) == "¶ 8"
    assert str(Pinpoint(paragraph=8, paragraph_end=9)) == "¶¶ 8–9"


def test_locate_across_pages_and_lines():
    layout = Layout()  # over the text "alpha beta\ngamma delta"
    layout.add_line(1, 27, 0, 10)
    layout.add_page(1, 0, 10)
    layout.add_line(2, 1, 11, 22)
    layout.add_page(2, 11, 22)
    assert str(layout.locate(6, 10)) == "at 1:27"
    assert str(layout.locate(6, 16)) == "at 1:27–2:1"
    assert layout.locate(11, 22).page == 2


def test_paragraph_lookup_and_round_trip():
    layout = Layout()
    layout.add_paragraph(0, 5)
    layout.add_paragraph(6, 12)
    assert str(layout.locate(7, 9)) == "¶ 2"
    assert str(layout.locate(0, 12)) == "¶¶ 1–2"
    assert Layout.from_dict(layout.to_dict()) == layout
