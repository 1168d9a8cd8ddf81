"""What the chat does, apart from drawing it: ask (streaming), vote, and the `/ask` API.

All answering goes through `rag.answer.stream` / `rag.answer.answer`; this module only keeps
the conversation (a list of `Turn`) and turns package errors into messages for the user.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections.abc import Iterator

from ui.transcript import Turn

log = logging.getLogger(__name__)
_feedback_lock = threading.Lock()


def ask(question: str, turns: list[Turn], doc_ids, k, settings, backend: str | None = None) -> Iterator[list[Turn]]:
    """Add a turn for the question and yield the conversation as the answer comes in."""
    from rag.answer import stream
    from rag.errors import RagError
    from rag.followup import understood
    from rag.retrieve import library

    turn = Turn(question=question or "", doc_ids=tuple(doc_ids or ()), k=int(k) if k else None, backend=backend)
    history = [t.answer for t in turns if t.answer is not None]  # the conversation so far (failed turns left out)
    turns = [*turns, turn]
    yield turns
    try:
        filters = _filters(turn.doc_ids)
        pieces = stream(question, k=turn.k, filters=filters, settings=settings, backend=backend, history=history)
        for piece in pieces:
            if isinstance(piece, str):
                turn.partial += piece
            else:
                turn.answer = piece
                turn.understood = understood(piece, library(settings).docs)
            yield turns
    except RagError as exc:
        log.warning("question rejected: %s", exc)
        turn.error = str(exc)
        yield turns
    except Exception as exc:  # show it in the chat, then let gradio log it
        turn.error = f"unexpected {type(exc).__name__} while answering (the server log has the details)"
        yield turns
        raise


def _filters(doc_ids: tuple[str, ...]) -> dict | None:
    """The document filter as `rag` takes it (None: every document)."""
    return {"doc_ids": doc_ids} if doc_ids else None


def vote(turns: list[Turn], index: int, value: str, settings) -> list[Turn]:
    """Record a thumbs up/down on an answer (appended to the feedback file) and remember it."""
    if not 0 <= index < len(turns) or value not in ("up", "down") or turns[index].answer is None:
        return turns
    turn = turns[index]
    _append_feedback(settings.feedback_path, _feedback_record(turn, value))
    turn.vote = value
    return turns


def _feedback_record(turn: Turn, value: str) -> dict:
    """The question, the answer and the vote, in a form an eval question can be made from."""
    answer = turn.answer
    return {
        "time": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "vote": value,
        "question": answer.question,
        "answer": answer.text,
        "refused": answer.refused,
        "citations": [c.model_dump(mode="json", exclude={"score"}) for c in answer.citations],
        "doc_ids": list(turn.doc_ids),
        "k": turn.k,
        "backend": answer.backend,
    }


def _append_feedback(path, record: dict) -> None:
    """Append one JSON line (one writer at a time)."""
    line = json.dumps(record, ensure_ascii=False) + "\n"
    with _feedback_lock:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as f:
            f.write(line)


def api_answer(question: str, documents: list[str] | None, settings, history: list | None = None) -> dict:
    """The `/ask` endpoint: the whole `Answer.to_dict()`; package errors become gradio errors.

    `history`: the conversation so far, as earlier questions (strings, answered again in order
    to know what they were about) or earlier answers (their `to_dict()`), oldest first.
    """
    import gradio as gr

    from rag.answer import answer
    from rag.errors import RagError

    filters = _filters(tuple(documents or ()))
    try:
        earlier = _history(history or [], filters, settings)
        return answer(question, filters=filters, settings=settings, history=earlier).to_dict()
    except RagError as exc:  # the caller's to fix: one line in the server log, no traceback
        log.warning("/ask rejected: %s", exc)
        raise gr.Error(str(exc), print_exception=False) from None


def _history(items: list, filters, settings) -> list:
    """Earlier answers from what the API was given: answers as they are, questions answered again."""
    from pydantic import ValidationError

    from rag.answer import answer
    from rag.errors import QuestionError
    from rag.models import Answer

    out = []
    for n, item in enumerate(items, 1):
        if isinstance(item, str):
            out.append(answer(item, filters=filters, settings=settings, backend="extractive", history=out))
            continue
        try:
            out.append(Answer.model_validate(item))
        except ValidationError as exc:
            raise QuestionError(
                f"history item {n} is neither a question nor an earlier answer's to_dict(): {exc.errors()[0]['msg']}"
            ) from None
    return out
