"""Plain-text, HTML, DOCX and RTF readers; the corpus manifest; bad files."""

from __future__ import annotations

import pytest

from conftest import CORPUS
from rag.corpus import DocMeta, corpus_files, guess_meta, load_manifest
from rag.errors import CorpusError
from rag.layout import Pinpoint
from rag.readers import read_file


def test_plain_text_paragraphs_are_its_lines_numbered_in_order():
    path = CORPUS / "concord-v-anthropic-injunction-commentary.txt"
    text, layout, _ = read_file(path)
    raw_lines = [ln for ln in path.read_text(encoding="utf-8").split("\n") if ln.strip()]
    assert len(layout.paragraphs) == len(raw_lines) == 18
    for (number, start, end), line in zip(layout.paragraphs, raw_lines):
        assert text[start:end] == line.strip()
    start = text.index("Order at 8.")
    assert str(layout.locate(start, start + 5)) == "¶ 12"


def test_an_article_saved_twice_is_read_once():
    # The Ultraman commentary as published online carries its body twice, from "[Case introduction]" on.
    path = CORPUS / "ultraman-lora-hangzhou-commentary.txt"
    text, layout, _ = read_file(path)
    raw_lines = [ln.strip() for ln in path.read_text(encoding="utf-8").split("\n") if ln.strip()]
    second = raw_lines.index("[Case introduction]", raw_lines.index("[Case introduction]") + 1)
    assert text.split("\n") == raw_lines[:second]
    assert len(layout.paragraphs) == second
    assert text.count("Regarding the civil liability") == 1


def test_a_paragraph_said_again_is_kept(tmp_path):
    path = tmp_path / "order.txt"
    lines = ["ORDER", "The motion is denied.", "IT IS SO ORDERED.", "Attachment A", "IT IS SO ORDERED.", "Dated."]
    path.write_text("\n".join(lines), encoding="utf-8")
    text, _, _ = read_file(path)
    assert text.split("\n") == lines


def test_hard_wrapped_text_joins_lines_into_blocks(tmp_path):
    path = tmp_path / "wrapped.md"
    path.write_text("# Title\n\nFirst paragraph runs\nover two lines.\n\nSecond one.\n", encoding="utf-8")
    text, layout, _ = read_file(path)
    assert text == "# Title\nFirst paragraph runs over two lines.\nSecond one."
    assert [n for n, _, _ in layout.paragraphs] == [1, 2, 3]


def test_html_is_read_as_text_without_scripts(tmp_path):
    path = tmp_path / "ruling.html"
    path.write_text(
        "<html><head><script>alert(1)</script></head><body><h1>Order</h1>"
        "<p>The motion is <b>denied</b>.</p><p>&lt;script&gt; stays text.</p></body></html>",
        encoding="utf-8",
    )
    text, layout, _ = read_file(path)
    assert text == "Order\nThe motion is denied.\n<script> stays text."
    assert "alert" not in text


def test_docx_paragraphs(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("ORDER DENYING MOTION")
    document.add_paragraph("The motion is denied.")
    path = tmp_path / "order.docx"
    document.save(path)
    text, layout, _ = read_file(path)
    assert text == "ORDER DENYING MOTION\nThe motion is denied."
    assert str(layout.locate(text.index("The"), len(text))) == "¶ 2"


def _rtf(paragraphs: list[str], escape) -> bytes:
    """An RTF file of these paragraphs, as a word processor writes one: a font table, paragraph
    marks, and every character outside ASCII as an escape."""
    body = "".join(
        "".join(c if c.isascii() and c not in "\\{}" else escape(c) for c in para) + "\\par\n" for para in paragraphs
    )
    return ("{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Times New Roman;}}\\f0\\fs24 " + body + "}").encode(
        "ascii"
    )


@pytest.mark.parametrize(
    "escape",
    [
        lambda c: f"\\u{ord(c)}?" if not c.isascii() else "\\" + c,  # Unicode escapes
        lambda c: f"\\'{c.encode('cp1252').hex()}" if not c.isascii() else "\\" + c,  # code-page escapes
    ],
    ids=["unicode", "cp1252"],
)
def test_rtf_is_read_paragraph_by_paragraph_like_the_same_text(tmp_path, escape):
    """A real document saved as RTF reads as the same paragraphs, curly quotes and section signs
    included, with the same ¶ pinpoints as its plain text."""
    source = CORPUS / "concord-v-anthropic-injunction-commentary.txt"
    want, want_layout, _ = read_file(source)
    assert any(not c.isascii() for c in want)
    path = tmp_path / "commentary.rtf"
    path.write_bytes(_rtf(want.split("\n"), escape))
    text, layout, _ = read_file(path)
    assert text == want and layout.paragraphs == want_layout.paragraphs
    start = text.index("Order at 8.")
    assert str(layout.locate(start, start + 5)) == "¶ 12"


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("latin1.txt", "Caf\xe9 au lait".encode("latin-1"), "not UTF-8 text"),
        ("empty.txt", b"  \n\n ", "no text in the file"),
        ("broken.pdf", b"%PDF-1.4 garbage", "not a readable PDF"),
        ("broken.docx", b"PK not a zip", "not a readable .docx"),
        ("broken.rtf", b"PK not rtf at all", "not a readable .rtf"),
    ],
)
def test_bad_files_are_one_line_errors_naming_the_file(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CorpusError) as err:
        read_file(path)
    assert str(err.value).startswith(name) and message in str(err.value) and "\n" not in str(err.value)


def test_manifest_describes_every_starting_document():
    manifest = load_manifest(CORPUS)
    assert sorted(manifest) == sorted(p.name for p in corpus_files(CORPUS))
    bartz = manifest["bartz-v-anthropic-order-on-fair-use-2025-06-23.pdf"]
    assert bartz.kind == "ruling" and bartz.docket == "No. C 24-05417 WHA" and str(bartz.date) == "2025-06-23"
    assert bartz.full_citation(Pinpoint(page=31, page_end=31)) == (
        "Bartz v. Anthropic PBC, No. C 24-05417 WHA, Order on Fair Use at 31 (N.D. Cal. June 23, 2025)"
    )
    assert {m.kind for m in manifest.values()} == {"ruling", "commentary"}


def test_invalid_manifest_is_a_one_line_error(tmp_path):
    (tmp_path / "manifest.toml").write_text('[[document]]\nid = "x"\n', encoding="utf-8")
    with pytest.raises(CorpusError, match="invalid manifest"):
        load_manifest(tmp_path)


def test_a_file_without_manifest_entry_gets_metadata_from_itself(tmp_path):
    path = tmp_path / "Kadrey v Meta (order).txt"
    meta = guess_meta(path, "Kadrey v. Meta Platforms, Inc.\nThe motion is granted.", {})
    assert isinstance(meta, DocMeta)
    assert meta.id == "kadrey-v-meta-order" and meta.title == "Kadrey v. Meta Platforms, Inc."
    filing = guess_meta(tmp_path / "x.pdf", "ORDER", {"case": "3:23-cv-03417-VC", "filed": "06/25/25"})
    assert filing.kind == "ruling" and filing.docket == "No. 3:23-cv-03417-VC" and str(filing.date) == "2025-06-25"
