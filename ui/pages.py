"""PDF page images with the cited lines highlighted, rendered with pypdfium2 (Apache-2.0/BSD).

The ingest step recorded a box (PDF points, top-left origin) for every text line; the lines
a quote touches get a translucent yellow box. Plain renders and finished images are cached,
so paging back and forth or reopening a citation costs nothing. PDFium is not thread-safe,
so one lock guards it.
"""

from __future__ import annotations

import base64
import io
import threading
from functools import lru_cache

SCALE = 2.0  # 144 dpi: crisp on high-density screens, about 1.2 MB of pixels per page
HIGHLIGHT = (255, 214, 10, 96)  # translucent yellow
PAD = 1.5  # points around each line box
_pdfium_lock = threading.Lock()


def page_image(path: str, mtime: float, index: int, boxes: tuple[tuple[float, ...], ...]) -> str:
    """A data: URI of page `index` (0-based) of the PDF at `path` with `boxes` highlighted."""
    return _highlighted(path, mtime, index, boxes)


@lru_cache(maxsize=64)
def _highlighted(path: str, mtime: float, index: int, boxes: tuple[tuple[float, ...], ...]) -> str:
    """The page with translucent boxes over the given lines, as a WebP data: URI."""
    from PIL import Image, ImageDraw

    page = _render(path, mtime, index).convert("RGBA")
    layer = Image.new("RGBA", page.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for x0, top, x1, bottom in boxes:
        corners = [(x0 - PAD) * SCALE, (top - PAD) * SCALE, (x1 + PAD) * SCALE, (bottom + PAD) * SCALE]
        draw.rectangle(corners, fill=HIGHLIGHT)
    out = io.BytesIO()
    Image.alpha_composite(page, layer).convert("RGB").save(out, format="WEBP", quality=80, method=4)
    return "data:image/webp;base64," + base64.b64encode(out.getvalue()).decode("ascii")


@lru_cache(maxsize=16)
def _render(path: str, mtime: float, index: int):
    """The plain page as a PIL image (mtime in the key: a replaced file is rendered anew)."""
    import pypdfium2 as pdfium

    with _pdfium_lock:
        pdf = pdfium.PdfDocument(path)
        try:
            return pdf[index].render(scale=SCALE).to_pil()
        finally:
            pdf.close()
