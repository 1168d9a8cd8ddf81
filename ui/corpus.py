"""The corpus tab: every indexed document with its court, date and docket, and a way to open it."""

from __future__ import annotations

import datetime as dt

from ui.sources import open_button
from ui.text import esc

HEAD = "<th>Document</th><th>Court</th><th>Date</th><th>Docket</th><th>Kind</th><th></th>"


def corpus_html(docs: dict) -> str:
    """A table of the documents, rulings first, newest first."""
    ordered = sorted(docs.values(), key=lambda d: (d.meta.kind != "ruling", -(d.meta.date or dt.date.min).toordinal()))
    rows = "".join(_row(d) for d in ordered)
    kinds = [d.meta.kind for d in docs.values()]
    summary = f"{_count(len(kinds), 'document')}: {_count(kinds.count('ruling'), 'ruling')}, "
    summary += f"{_count(kinds.count('commentary'), 'commentary', 'commentaries')}"
    return (
        f'<div class="corpus"><p class="panel-note">{summary}. Add rulings with the upload box above or with '
        "<code>rag ingest</code>.</p>"
        f"<table><thead><tr>{HEAD}</tr></thead>"
        f"<tbody>{rows}</tbody></table></div>"
    )


def _row(doc) -> str:
    """One document: title (and what a commentary discusses), court, date, docket, kind, open."""
    m = doc.meta
    about = f'<div class="muted small">On {esc(m.about)}</div>' if m.about else ""
    return (
        f'<tr><td><div class="title">{esc(m.title)}</div>{about}<div class="muted small">{esc(m.file)}</div></td>'
        f"<td>{esc(m.court)}</td><td class=nowrap>{esc(m.date.isoformat() if m.date else '')}</td>"
        f"<td class=nowrap>{esc(m.docket)}</td><td>{esc(m.kind)}</td>"
        f"<td>{open_button(m.id, None, None, 'Read')}</td></tr>"
    )


def _count(n: int, one: str, many: str | None = None) -> str:
    """ "1 ruling", "2 rulings"."""
    return f"{n} {one if n == 1 else many or one + 's'}"
