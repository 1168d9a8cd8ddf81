"""The `rag` command: a thin shell over the library (ingest, ask, docs, settings).

Errors are one line on stderr and a non-zero exit; `RAG_DEBUG=1` shows the traceback.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(
    help="Ask court rulings; every sentence of an answer carries a verified pinpoint citation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _log_warnings() -> None:
    """Show warnings (stale index, skipped files) as one line each; libraries' debug chatter never."""
    handler = logging.StreamHandler()
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("warning: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler], force=True)


def _run(fn):
    """Call fn, turning package errors into one line and exit code 1 (2 for unexpected ones)."""
    from rag.errors import RagError

    _log_warnings()
    try:
        return fn()
    except RagError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        raise typer.Exit(130) from None
    except Exception as exc:
        if os.environ.get("RAG_DEBUG"):
            raise
        typer.echo(_unexpected(exc), err=True)
        raise typer.Exit(2) from None


def _unexpected(exc: Exception) -> str:
    """One line for an error that is a bug, not the user's doing."""
    from rag.errors import first_line

    return f"error: unexpected {type(exc).__name__}: {first_line(exc)} (RAG_DEBUG=1 shows the traceback)"


def _ensure_index() -> None:
    """Build the index on first use, with a progress bar on a terminal."""
    from rag.ingest import ensure_index

    ensure_index(progress=sys.stderr.isatty())


@app.command()
def ingest(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Files to copy into the corpus folder first.")] = None,
    check: Annotated[bool, typer.Option("--check", help="Only report what needs doing; change nothing.")] = False,
):
    """Bring the index up to date with the corpus folder.

    Unchanged documents are skipped, changed ones re-indexed, removed ones dropped, damaged ones
    (a stored piece missing or unreadable) indexed again. A file that cannot be read is reported
    and skipped; the rest are still indexed. `--check` reports all this and exits 1 if anything
    needs doing.

    Examples:  rag ingest    |    rag ingest ~/Downloads/kadrey-v-meta.pdf    |    rag ingest --check
    """
    from rag.ingest import ingest as run_ingest
    from rag.retrieve import forget

    if check:
        from rag.ingest import check as check_index

        problems = _run(check_index)
        typer.echo("\n".join(problems) if problems else "the index is up to date and every stored piece is sound")
        raise typer.Exit(1 if problems else 0)

    report = _run(lambda: run_ingest(paths=paths, progress=sys.stderr.isatty()))
    forget()
    for error in report.errors:
        typer.echo(f"error: {error}", err=True)
    typer.echo(report.summary())
    if report.errors:
        raise typer.Exit(1)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question, in quotes.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole answer object as JSON.")] = False,
    k: Annotated[Optional[int], typer.Option("--k", min=1, max=50, help="Passages to retrieve.")] = None,
    doc: Annotated[Optional[list[str]], typer.Option("--doc", help="Only these document ids (repeatable).")] = None,
    backend: Annotated[
        Optional[str], typer.Option(help="extractive (default), local, openai, anthropic or ollama; see RAG_LLM_*.")
    ] = None,
):
    """Answer a question from the rulings, with pinpoint citations.

    Examples:
      rag ask "Was training Claude on the authors' books a fair use?"
      rag ask "How many books did Anthropic download from LibGen?" --json
      rag ask "Why was the injunction denied?" --doc concord-v-anthropic-commentary
      RAG_LLM_BASE_URL=http://localhost:8080/v1 rag ask "..." --backend openai
    """
    from rag.answer import answer

    def go():
        _ensure_index()
        return answer(question, k=k, filters={"doc_ids": tuple(doc)} if doc else None, backend=backend)

    result = _run(go)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(format_answer(result))


@app.command()
def chat(
    k: Annotated[Optional[int], typer.Option("--k", min=1, max=50, help="Passages to retrieve.")] = None,
    doc: Annotated[Optional[list[str]], typer.Option("--doc", help="Only these document ids (repeatable).")] = None,
    backend: Annotated[
        Optional[str], typer.Option(help="extractive (default), local, openai, anthropic or ollama; see RAG_LLM_*.")
    ] = None,
):
    """A conversation in the terminal: follow-up questions are answered from the ruling the chat is about.

    Type a question and press Enter; "/new" starts a new conversation, "/quit" or Ctrl-D ends.
    A question that cannot be answered (empty, too long) is explained and the conversation goes on.
    """
    from rag.answer import answer
    from rag.errors import RagError

    _run(_ensure_index)
    history: list = []
    filters = {"doc_ids": tuple(doc)} if doc else None
    typer.echo('Ask about the rulings; "/new" starts a new conversation, "/quit" ends.', err=True)
    while True:
        try:
            question = input("> " if sys.stdin.isatty() else "")
        except (EOFError, KeyboardInterrupt):
            break
        if not question.strip():
            continue
        if question.strip() in ("/quit", "/exit"):
            break
        if question.strip() == "/new":
            history = []
            typer.echo("(new conversation)\n")
            continue
        try:
            result = answer(question, k=k, filters=filters, backend=backend, history=history)
        except RagError as exc:  # the question's fault: say so, and the conversation goes on
            typer.echo(f"error: {exc}\n", err=True)
            continue
        except Exception as exc:
            if os.environ.get("RAG_DEBUG"):
                raise
            typer.echo(_unexpected(exc) + "\n", err=True)
            continue
        history.append(result)
        typer.echo(format_answer(result) + "\n")


def format_answer(result) -> str:
    """The answer for a terminal: text, then each citation with its quote (or the closest passages)."""
    from rag.followup import understood
    from rag.retrieve import library

    lines = [f"note: {result.notice}", ""] if result.notice else []
    shown = understood(result, library().docs)
    lines += [shown, ""] if shown else []
    lines += [result.text, ""]
    for sentence in result.unsupported:
        lines.append(f"[unsupported — no passage backs this] {sentence}")
    if result.unsupported:
        lines.append("")
    for c in result.citations:
        lines += [f"[{c.number}] {c.citation}", f"    “{c.quote}”", ""]
    if result.refused and result.passages:
        lines.append("Closest passages (not citations):")
        for p in result.passages[:3]:
            lines.append(f"  - {p.title} {p.pinpoint}: {_clip(p.text, 160)}")
    return "\n".join(lines).rstrip()


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


@app.command()
def docs(as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False):
    """List the documents in the index with their metadata."""
    from rag.retrieve import library

    lib = _run(lambda: _ensure_index() or library())
    metas = [d.meta.model_dump(mode="json") for d in lib.docs.values()]
    if as_json:
        typer.echo(json.dumps(metas, ensure_ascii=False, indent=2))
        return
    for m in metas:
        typer.echo(f"{m['id']}  [{m['kind']}]  {m['title']}")
        details = [m["court"], m["date"], m["docket"], m["doc_type"], m["judge"], m["file"]]
        typer.echo("    " + " · ".join(str(x) for x in details if x))


@app.command()
def settings():
    """Print the settings in effect (from RAG_* environment variables and defaults)."""
    from rag.settings import get_settings

    typer.echo(json.dumps(_run(lambda: get_settings().public()), indent=2))


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 7860,
    share: Annotated[bool, typer.Option(help="Also publish a public gradio.live link.")] = False,
):
    """Start the chat UI (Gradio) at http://HOST:PORT.

    Example:  rag serve --port 7860
    """
    from ui.app import launch

    _run(lambda: launch(host=host, port=port, share=share))


@app.command("eval")
def evaluate(
    gold: Annotated[Optional[Path], typer.Option(help="Gold questions (JSONL).")] = None,
    backend: Annotated[Optional[str], typer.Option(help="Answer backend to evaluate.")] = None,
    k: Annotated[Optional[int], typer.Option("--k", min=1, max=50, help="Passages to retrieve.")] = None,
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Write the full results as JSON here.")] = None,
    report: Annotated[Optional[Path], typer.Option(help="Write the Markdown report here.")] = None,
    baseline: Annotated[Optional[str], typer.Option(help="Also run a baseline: llamaindex.")] = None,
    conversations: Annotated[
        Optional[Path], typer.Option(help="Score multi-turn conversations (JSONL) with and without history instead.")
    ] = None,
):
    """Measure citation accuracy on a gold set; exit 1 when a metric is below its threshold.

    Examples:  rag eval    |    rag eval --baseline llamaindex --report evals/reports/latest.md
               rag eval --conversations evals/conversations-tune.jsonl
    """
    from rag.evaluate import run_cli

    if conversations:
        from rag import evalconv

        raise typer.Exit(_run(lambda: evalconv.run_cli(conversations, k=k, json_out=json_out)) or 0)
    code = _run(lambda: run_cli(gold=gold, backend=backend, k=k, json_out=json_out, report=report, baseline=baseline))
    raise typer.Exit(code or 0)


def main():
    """Entry point of the `rag` console script."""
    app()


if __name__ == "__main__":
    main()
