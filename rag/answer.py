"""`answer()` and `stream()`: the one entry point for the CLI, the UI, the evals and scripts.

search -> a backend writes the answer -> the verifier keeps only what the rulings support.
The extractive backend (default) quotes sentences verbatim; a model backend writes free
text from the numbered passages, and `rag.verify.ground` narrows each of its citations to
the exact supporting span or drops it. If a model backend fails, the user gets the
extractive answer with a one-line notice of why.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from rag import extractive
from rag.errors import BackendError
from rag.models import Answer, Citation, Filters
from rag.retrieve import Hits, Library, library, search
from rag.settings import Settings, get_settings
from rag.verify import cite, ground, verified

REFUSAL = extractive.REFUSAL


def answer(
    question: str,
    k: int | None = None,
    filters: Filters | dict | None = None,
    settings: Settings | None = None,
    backend: str | None = None,
) -> Answer:
    """Answer a question from the corpus, every sentence carrying a verified pinpoint citation."""
    *_, result = stream(question, k=k, filters=filters, settings=settings, backend=backend)
    return result


def stream(
    question: str,
    k: int | None = None,
    filters: Filters | dict | None = None,
    settings: Settings | None = None,
    backend: str | None = None,
) -> Iterator[str | Answer]:
    """The answer as it is produced: pieces of text, then the finished, verified `Answer` last.

    Show the pieces as they come, then replace them with the final `Answer.text`: verification
    may remove markers or sentences that the stream contained.
    """
    settings = settings or get_settings()
    name = backend or settings.llm
    clock = Clock()
    hits = search(question, k=k, filters=filters, settings=settings)
    clock.lap("retrieve_ms")
    lib = library(settings)
    question = " ".join(question.split())
    if name == "extractive":
        result = _extractive(question, hits, lib, settings, clock)
        yield from _pieces(result)
        yield result
        return
    try:
        yield from (generated := _Generated(question, hits, name, settings))
        clock.lap("generate_ms")
        result = _grounded(question, generated.text, hits, lib, name, settings, clock)
    except BackendError as exc:
        fallback = _extractive(question, hits, lib, settings, clock)
        result = fallback.model_copy(update={"notice": f"{exc}; showing the extractive answer instead."})
    yield result


class Clock:
    """Milliseconds per step, for `Answer.timings`."""

    def __init__(self):
        self.start = self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round((now - self.last) * 1000, 1)
        self.last = now

    def timings(self) -> dict[str, float]:
        return {**self.laps, "total_ms": round((time.perf_counter() - self.start) * 1000, 1)}


class _Generated:
    """Iterate to stream a model backend's text; `.text` holds all of it afterwards."""

    def __init__(self, question: str, hits: Hits, name: str, settings: Settings):
        from rag import backends

        self.backend = backends.get(name, settings)
        self.question, self.passages = question, list(hits.passages)
        self.parts: list[str] = []

    def __iter__(self) -> Iterator[str]:
        for delta in self.backend.stream(self.question, self.passages):
            self.parts.append(delta)
            yield delta

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _extractive(question: str, hits: Hits, lib: Library, settings: Settings, clock: Clock) -> Answer:
    chosen, reason = extractive.extract(question, hits, lib, settings)
    candidates = [cite(lib.docs[s.doc_id], s.start, s.end, i + 1, s.score) for i, s in enumerate(chosen)]
    citations = verified(candidates, lib.docs)
    clock.lap("answer_ms")
    if reason or not citations:
        return _refusal(question, reason, hits, clock)
    text = " ".join(f"{c.quote} [{c.number}]" for c in citations)
    return Answer(question=question, text=text, citations=tuple(citations), passages=tuple(hits.passages), timings=clock.timings())


def _grounded(question: str, text: str, hits: Hits, lib: Library, name: str, settings: Settings, clock: Clock) -> Answer:
    from rag.backends import CANNOT_ANSWER

    if CANNOT_ANSWER.lower() in text.lower():
        return _refusal(question, "The model found no answer in the retrieved passages.", hits, clock, name)
    result = ground(text, list(hits.passages), lib, drop_unsupported=settings.unsupported == "drop")
    clock.lap("verify_ms")
    if not result.citations:
        reason = "No sentence of the model's answer could be verified against them."
        refusal = _refusal(question, reason, hits, clock, name)
        return refusal.model_copy(update={"unsupported": tuple(result.unsupported)})
    return Answer(
        question=question,
        text=result.text,
        citations=tuple(verified(result.citations, lib.docs)),
        passages=tuple(hits.passages),
        unsupported=tuple(result.unsupported),
        timings=clock.timings(),
        backend=name,
    )


def _refusal(question: str, reason: str | None, hits: Hits, clock: Clock, backend: str = "extractive") -> Answer:
    text = f"{REFUSAL} {reason or ''}".strip()
    return Answer(
        question=question, text=text, refused=True, passages=tuple(hits.passages), timings=clock.timings(), backend=backend
    )


def _pieces(result: Answer) -> Iterator[str]:
    """The extractive answer one sentence at a time (it is complete before the first is shown)."""
    if result.refused:
        yield result.text
    for c in result.citations:
        yield f"{c.quote} [{c.number}] "


__all__ = ["answer", "stream", "Answer", "Citation"]
