"""The words of a PDF page with their boxes: from its text layer (pypdfium2), else by OCR.

Each word is a dict with `text`, `x0`, `x1`, `top`, `bottom` (points from the page's top
left) and `size` (the height of the font's box, so a superscript is smaller than body
text). Rotated characters (the "United States District Court" written up the margin) are
left out. Characters that lie under a filled dark rectangle and are themselves dark are a
bad redaction (the text was covered, not removed): they are never read. This is the test
Free Law Project's x-ray applies, here on pdfium's rectangles and characters.

A page with no text layer is read with Tesseract (the `tesseract` command) when it is
installed; its words are marked `ocr`. What it gives up: right-to-left scripts, text drawn
as vector outlines, and redactions made with images of black boxes.
"""

from __future__ import annotations

import ctypes
import math
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

DARK = 80  # a redaction box's and a covered character's red, green and blue are all below this
MIN_BOX = 4.0  # points: a filled rectangle smaller than this on either side is a rule, not a box
OCR_DPI = 300
# pdfium reports a hyphen at a line end as U+0002 or U+FFFE; a soft hyphen is one too
HYPHEN_MARKS = {"\x02": "-", "\ufffe": "-", "\u00ad": "-", "\u2010": "-"}


def page_words(page) -> list[dict]:
    """The words of a page's text layer, redacted text left out."""
    import pypdfium2.raw as raw

    textpage = page.get_textpage()
    height = page.get_height()
    boxes = redaction_boxes(page)
    words: list[dict] = []
    word: dict | None = None
    spaced = False  # whether the text layer puts a space before the next character
    rect = raw.FS_RECTF()
    for i in range(textpage.count_chars()):
        char = chr(raw.FPDFText_GetUnicode(textpage.raw, i) or 32)
        char = HYPHEN_MARKS.get(char, char)
        angle = raw.FPDFText_GetCharAngle(textpage.raw, i)
        angle_ok = angle < 0 or min(angle, 2 * math.pi - angle) < 0.1
        if char.isspace() or char < " " or not angle_ok or not raw.FPDFText_GetLooseCharBox(textpage.raw, i, rect):
            word, spaced = None, spaced or char.isspace()
            continue
        box = (rect.left, height - rect.top, rect.right, height - rect.bottom)
        if boxes and _covered(textpage, i, box, boxes):
            word = None
            continue
        word = _extend(words, word, char, box, spaced)
        spaced = False
    return words


def _extend(words: list[dict], word: dict | None, char: str, box: tuple, spaced: bool) -> dict:
    """Add a character to the current word, or start a new word when it does not continue it.

    A new word records whether a space came before it (`space`): small capitals are set in two
    sizes with no space between, so a gap alone does not tell."""
    x0, top, x1, bottom = box
    size = bottom - top
    continues = (
        word is not None
        and abs(word["size"] - size) <= 0.1 * size  # a superscript or small capital starts a word of its own
        and abs(word["top"] - top) < size * 0.5
        and -size < x0 - word["x1"] <= max(1.0, size * 0.12)  # further apart: a space the PDF does not draw
    )
    if not continues:
        word = {"text": char, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "size": size, "space": spaced}
        words.append(word)
        return word
    word["text"] += char
    word["x1"] = max(word["x1"], x1)
    word["top"], word["bottom"] = min(word["top"], top), max(word["bottom"], bottom)
    word["size"] = max(word["size"], size)
    return word


def redaction_boxes(page) -> list[tuple[float, float, float, float]]:
    """Filled dark rectangles on the page, as (x0, top, x1, bottom) from the top left."""
    import pypdfium2.raw as raw

    height = page.get_height()
    out = []
    for obj, matrix in _objects(page.raw, raw.FPDFPage_CountObjects, raw.FPDFPage_GetObject, (1, 0, 0, 1, 0, 0)):
        if raw.FPDFPageObj_GetType(obj) != raw.FPDF_PAGEOBJ_PATH or not _dark_fill(obj):
            continue
        left, bottom, right, top = _bounds(obj, matrix)
        if right - left >= MIN_BOX and top - bottom >= MIN_BOX:
            out.append((left, height - top, right, height - bottom))
    return out


def _objects(parent, count, get, matrix):
    """Every page object with the matrix from its form's space to the page, forms opened."""
    import pypdfium2.raw as raw

    for i in range(count(parent)):
        obj = get(parent, i)
        if raw.FPDFPageObj_GetType(obj) == raw.FPDF_PAGEOBJ_FORM:
            m = raw.FS_MATRIX()
            raw.FPDFPageObj_GetMatrix(obj, m)
            inner = _compose((m.a, m.b, m.c, m.d, m.e, m.f), matrix)
            yield from _objects(obj, raw.FPDFFormObj_CountObjects, raw.FPDFFormObj_GetObject, inner)
        else:
            yield obj, matrix


def _compose(m, n):
    """The affine matrix m then n, in PDF's (a, b, c, d, e, f) form."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _bounds(obj, matrix) -> tuple[float, float, float, float]:
    """An object's box in page space: its own bounds (in its form's space) through the form's matrix."""
    import pypdfium2.raw as raw

    l, b, r, t = (ctypes.c_float() for _ in range(4))
    raw.FPDFPageObj_GetBounds(obj, l, b, r, t)
    a, bb, c, d, e, f = matrix
    corners = [(x * a + y * c + e, x * bb + y * d + f) for x in (l.value, r.value) for y in (b.value, t.value)]
    xs, ys = [p[0] for p in corners], [p[1] for p in corners]
    return min(xs), min(ys), max(xs), max(ys)


def _dark_fill(obj) -> bool:
    import pypdfium2.raw as raw

    mode, stroke = ctypes.c_int(), ctypes.c_int()
    if not raw.FPDFPath_GetDrawMode(obj, mode, stroke) or not mode.value:
        return False
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    raw.FPDFPageObj_GetFillColor(obj, r, g, b, a)
    return max(r.value, g.value, b.value) < DARK and a.value > 200


def _covered(textpage, index: int, box: tuple, boxes: list[tuple]) -> bool:
    """Whether a character's centre lies under a dark box and the character is dark too (so unseen)."""
    import pypdfium2.raw as raw

    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    if not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes):
        return False
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not raw.FPDFText_GetFillColor(textpage.raw, index, r, g, b, a):
        return True
    return max(r.value, g.value, b.value) < DARK or a.value == 0


def has_images(page) -> bool:
    """Whether the page shows an image (a scanned page has one and no text)."""
    import pypdfium2.raw as raw

    return any(raw.FPDFPage_GetObject(page.raw, i) and raw.FPDFPageObj_GetType(raw.FPDFPage_GetObject(page.raw, i)) == raw.FPDF_PAGEOBJ_IMAGE
               for i in range(raw.FPDFPage_CountObjects(page.raw)))


@lru_cache(maxsize=1)
def tesseract() -> str | None:
    """The path of the `tesseract` command, or None when it is not installed."""
    return shutil.which("tesseract")


def ocr_words(page) -> list[dict]:
    """The words Tesseract reads on a rendered page, in PDF points, each marked `ocr`."""
    scale = OCR_DPI / 72
    image = page.render(scale=scale).to_pil()
    with tempfile.TemporaryDirectory() as folder:
        png = Path(folder) / "page.png"
        image.save(png)
        done = subprocess.run([tesseract(), str(png), "-", "--psm", "3", "tsv"], capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        return []
    return _tsv_words(done.stdout, scale)


def _tsv_words(tsv: str, scale: float) -> list[dict]:
    """Word rows of Tesseract's TSV output; each word takes its line's top, bottom and height."""
    rows = [line.split("\t") for line in tsv.splitlines()[1:]]
    lines = {tuple(r[1:5]): r for r in rows if len(r) == 12 and r[0] == "4"}
    words = []
    for r in rows:
        if len(r) != 12 or r[0] != "5" or not r[11].strip():
            continue
        line = lines.get(tuple(r[1:5]), r)
        left, width = int(r[6]) / scale, int(r[8]) / scale
        top, height = int(line[7]) / scale, int(line[9]) / scale
        words.append({"text": r[11], "x0": left, "x1": left + width, "top": top, "bottom": top + height,
                      "size": height, "ocr": True})
    return words
