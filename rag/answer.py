"""`answer()` and `stream()`: the one entry point for the CLI, the UI, the evals and scripts.

search -> a backend writes the answer -> the verifier keeps only what the rulings support.
The extractive backend (default) quotes sentences verbatim; a model backend writes free
text from the numbered passages (or, where the server enforces a JSON schema, claims with
the words that prove them), and `rag.verify` narrows each of its citations to the exact
supporting span or drops it. If a model backend fails, the user gets the
extractive answer with a one-line notice of why.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

from rag import extractive
from rag.errors import BackendError
from rag.followup import Resolved, condense_prompt, resolve
from rag.models import Answer, Citation, Filters
from rag.retrieve import Hits, Library, check_question, library, search
from rag.settings import Settings, get_settings
from rag.verify import Grounded, cite, ground, ground_claims, verified

log = logging.getLogger(__name__)

REFUSAL = extractive.REFUSAL
NO_ANSWER = "The model found no answer in the retrieved passages."


def answer(
    question: str,
    k: int | None = None,
    filters: Filters | dict | None = None,
    settings: Settings | None = None,
    backend: str | None = None,
    history: list[Answer] | None = None,
) -> Answer:
    """Answer a question from the corpus, every sentence carrying a verified pinpoint citation.

    `history`: the earlier answers of the conversation, most recent last; a follow-up is then
    answered as the conversation makes it (`rag.followup`), shown in `Answer.resolved`.
    """
    *_, result = stream(question, k=k, filters=filters, settings=settings, backend=backend, history=history)
    return result


def stream(
    question: str,
    k: int | None = None,
    filters: Filters | dict | None = None,
    settings: Settings | None = None,
    backend: str | None = None,
    history: list[Answer] | None = None,
) -> Iterator[str | Answer]:
    """The answer as it is produced: pieces of text, then the finished, verified `Answer` last.

    Show the pieces as they come, then replace them with the final `Answer.text`: verification
    may remove markers or sentences that the stream contained.
    """
    settings = settings or get_settings()
    name = backend or settings.llm
    clock = Clock()
    question = check_question(question, settings)
    filters = Filters(**filters) if isinstance(filters, dict) else (filters or Filters())
    resolved = _resolve(question, history, filters, name, settings)
    asked = resolved.question
    hits = search(asked, k=k, filters=_within(filters, resolved.doc_ids), settings=settings)
    hits = _beside(hits, resolved.subject, settings) if resolved.subject else hits
    clock.lap("retrieve_ms")
    lib = library(settings)
    conversation = {"question": question, "resolved": asked if resolved.changed else None, "scope": resolved.doc_ids}
    shown = _shown(history) if resolved.following else frozenset()
    if name == "extractive":
        result = _extractive(asked, hits, lib, settings, clock, shown).model_copy(update=conversation)
        yield from _pieces(result)
        yield result
        return
    try:
        model = _Model(asked, hits, name, settings)
        if model.structured:
            result = _from_claims(asked, model.claims(), hits, lib, model, settings, clock)
            yield from _pieces(result)
        else:
            yield from model
            clock.lap("generate_ms")
            result = _grounded(asked, model.text, hits, lib, model, settings, clock)
    except BackendError as exc:
        fallback = _extractive(asked, hits, lib, settings, clock)
        result = fallback.model_copy(update={"notice": f"{exc}; showing the extractive answer instead."})
    yield result.model_copy(update=conversation)


def _resolve(question: str, history, filters: Filters, name: str, settings: Settings) -> Resolved:
    """The question as the conversation makes it; a model backend first rewrites it to stand alone."""
    if not history:
        return Resolved(question)
    rewritten = None
    if name != "extractive":
        from rag import backends

        try:
            rewritten = backends.get(name, settings).condense(condense_prompt(question, history)) or None
        except BackendError:  # the answer's own call will fail the same way and say so
            rewritten = None

    def searched(text: str, doc_ids: tuple[str, ...] | None):
        return search(text, filters=_within(filters, doc_ids or ()), settings=settings).passages

    return resolve(question, history, library(settings), searched, rewritten)


def _beside(hits: Hits, subject: str, settings: Settings) -> Hits:
    """The hits with the question's vector moved towards an earlier question's (`Resolved.subject`):
    a follow-up's few words say what it asks, the earlier question what it is about."""
    import numpy as np

    from rag.index import embed_question

    mixed = np.asarray(hits.qvec) + settings.answer_history_weight * np.asarray(embed_question(subject, settings))
    return Hits(passages=hits.passages, chunks=hits.chunks, qvec=mixed / np.linalg.norm(mixed))


def _within(filters: Filters, doc_ids: tuple[str, ...]) -> Filters:
    """The user's filters, narrowed to the conversation's documents unless that would leave none."""
    if not doc_ids:
        return filters
    kept = tuple(d for d in doc_ids if not filters.doc_ids or d in filters.doc_ids)
    return filters.model_copy(update={"doc_ids": kept}) if kept else filters


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


class _Model:
    """A model backend asked about one question: iterate to stream its free text (`.text` holds
    all of it afterwards), or call `claims()` for its structured answer."""

    def __init__(self, question: str, hits: Hits, name: str, settings: Settings):
        from rag import backends

        self.backend = backends.get(name, settings)
        self.structured = self.backend.structured and settings.llm_structured
        self.question, self.passages = question, list(hits.passages)
        self.parts: list[str] = []

    def claims(self):
        """The claims the model makes, or its raw text when it did not answer in the schema."""
        return self.backend.claims(self.question, self.passages)

    def confirm(self, pairs: list[tuple[str, str]]) -> list[bool] | None:
        """The model's verdict on each (sentence, cited words) pair (`rag.verify.Confirm`); None
        when it fails: the answer is in hand, and without a second opinion the offline check stands."""
        try:
            return self.backend.confirm(pairs)
        except BackendError as exc:
            log.warning("second check not made: %s", exc)
            return None

    def __iter__(self) -> Iterator[str]:
        for delta in self.backend.stream(self.question, self.passages):
            self.parts.append(delta)
            yield delta

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _shown(history: list[Answer]) -> frozenset:
    """The sentences the last answer quoted, as (doc_id, start, end)."""
    return frozenset((c.doc_id, c.start, c.end) for c in history[-1].citations) if history else frozenset()


def _extractive(
    question: str, hits: Hits, lib: Library, settings: Settings, clock: Clock, shown: frozenset = frozenset()
) -> Answer:
    chosen, reason = extractive.extract(question, hits, lib, settings, shown)
    candidates = [cite(lib.docs[s.doc_id], s.start, s.end, i + 1, s.score) for i, s in enumerate(chosen)]
    citations = verified(candidates, lib.docs)
    clock.lap("answer_ms")
    if reason or not citations:
        return _refusal(question, reason, hits, clock)
    text = " ".join(f"{c.quote} [{c.number}]" for c in citations)
    return Answer(
        question=question,
        text=text,
        citations=tuple(citations),
        passages=tuple(hits.passages),
        timings=clock.timings(),
        notice=extractive.disagreement(citations, lib),
    )


def _from_claims(
    question: str, reply, hits: Hits, lib: Library, model: _Model, settings: Settings, clock: Clock
) -> Answer:
    """A structured reply grounded claim by claim; a reply that is not in the schema, as free text."""
    clock.lap("generate_ms")
    if isinstance(reply, str):
        return _grounded(question, reply, hits, lib, model, settings, clock)
    name = model.backend.name
    if not reply:
        return _refusal(question, NO_ANSWER, hits, clock, name)
    drop = settings.unsupported == "drop"
    result = ground_claims(
        reply, list(hits.passages), lib, drop_unsupported=drop, confirm=_second_check(model, settings)
    )
    return _verified(question, result, hits, lib, name, clock)


def _grounded(
    question: str, text: str, hits: Hits, lib: Library, model: _Model, settings: Settings, clock: Clock
) -> Answer:
    from rag.backends import CANNOT_ANSWER

    name = model.backend.name
    if CANNOT_ANSWER.lower() in text.lower():
        return _refusal(question, NO_ANSWER, hits, clock, name)
    drop = settings.unsupported == "drop"
    result = ground(text, list(hits.passages), lib, drop_unsupported=drop, confirm=_second_check(model, settings))
    return _verified(question, result, hits, lib, name, clock)


def _second_check(model: _Model, settings: Settings):
    """The model's own verdict on each citation that passed the offline check (RAG_MODEL_CHECK)."""
    return model.confirm if settings.model_check else None


def _verified(question: str, result: Grounded, hits: Hits, lib: Library, name: str, clock: Clock) -> Answer:
    """The answer of a grounded model reply; a refusal when none of its citations survived."""
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
        question=question,
        text=text,
        refused=True,
        passages=tuple(hits.passages),
        timings=clock.timings(),
        backend=backend,
    )


def _pieces(result: Answer) -> Iterator[str]:
    """An answer that is complete before the first piece is shown, one sentence at a time."""
    from rag.verify import split_claims

    if result.refused:
        yield result.text
    elif result.backend != "extractive":
        yield from (
            f"{s} {''.join(f'[{n}]' for n in numbers)} ".replace("  ", " ") for s, numbers in split_claims(result.text)
        )
        return
    for c in result.citations:
        yield f"{c.quote} [{c.number}] "


__all__ = ["answer", "stream", "Answer", "Citation"]
