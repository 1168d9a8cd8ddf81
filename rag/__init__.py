"""Ask court rulings; every answer sentence carries a verified pinpoint.

    from rag import answer
    a = answer("Was training Claude on the authors' books a fair use?")
    print(a.text)
    for c in a.citations:
        print(c.number, c.citation, c.quote)

Importing is cheap: torch, sentence-transformers and chromadb load on first use.
"""

from rag.answer import answer
from rag.errors import BackendError, CorpusError, IndexStoreError, QuestionError, RagError
from rag.ingest import ingest
from rag.models import Answer, Citation, Filters, Passage
from rag.retrieve import retrieve
from rag.settings import Settings

__all__ = [
    "answer",
    "retrieve",
    "ingest",
    "Answer",
    "Citation",
    "Filters",
    "Passage",
    "Settings",
    "RagError",
    "CorpusError",
    "IndexStoreError",
    "QuestionError",
    "BackendError",
]
