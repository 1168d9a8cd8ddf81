"""The chat UI (Gradio): ask, read the sources, open the documents, browse the corpus.

`rag serve` calls `launch()`. Three tabs: Ask (chat beside its sources panel), Document
(any document, the cited place highlighted and in view) and Corpus (the documents with
court, date and docket, and an upload box to add more). The panels are gr.HTML built in
`ui.transcript`, `ui.sources`, `ui.document` and `ui.corpus` from escaped text only; a little
JavaScript (`ui.scripts`) turns clicks on their buttons into events. Handlers read the
documents from `rag.retrieve.library` when they run, so an upload (`ui.upload`) reaches every
panel. A named endpoint, `/ask`, returns `Answer.to_dict()` for scripts (gradio_client).

What this gives up: the chat is not a gr.Chatbot, whose Markdown rendering would turn
a document's `[text](url)` into a link; thumbs, copy and citation markers are therefore our
own buttons inside our own HTML.
"""

import sys
from pathlib import Path
from types import SimpleNamespace

from ui import chat, scripts
from ui.corpus import corpus_html
from ui.document import document_html, turn_page, view_at
from ui.examples import examples_html, short_title
from ui.sources import sources_html
from ui.transcript import transcript_html
from ui.upload import KINDS, add_rulings, outcome_html, upload_note

TITLE = "Ask the rulings"
CSS = Path(__file__).with_name("style.css")
WARM_UP = "Was training on the books a fair use?"
PRIVATE = {"api_visibility": "private"}


def launch(host: str = "127.0.0.1", port: int = 7860, share: bool = False, settings=None, block: bool = True):
    """Build the app, warm it up, and serve it at http://HOST:PORT (returns at once if not `block`)."""
    app = build_app(settings)
    _warm_up(settings)
    app.queue(default_concurrency_limit=4)
    app.launch(
        server_name=host,
        server_port=port,
        share=share,
        prevent_thread_lock=not block,
        theme=_theme(),
        css_paths=[CSS],
        footer_links=["api"],
        show_error=True,
        quiet=not block,
    )
    return app


def build_app(settings=None):
    """The gr.Blocks of the whole UI, over the index for `settings` (built first if empty)."""
    import gradio as gr

    from rag.ingest import ensure_index
    from rag.retrieve import library
    from rag.settings import get_settings

    settings = settings or get_settings()
    ensure_index(settings, progress=sys.stderr.isatty())
    docs = library(settings).docs
    with gr.Blocks(title=TITLE, analytics_enabled=False, fill_width=True) as app:
        parts = _layout(gr, settings, docs)
        _wire_chat(gr, parts, settings)
        _wire_documents(gr, parts, settings)
        _wire_corpus(gr, parts, settings, app, docs)
        gr.api(_api(settings), api_name="ask", concurrency_id="answer")
    return app


def _docs(settings) -> dict:
    """The documents as the index holds them now (an upload makes `library` load a new one)."""
    from rag.retrieve import library

    return library(settings).docs


def _warm_up(settings) -> None:
    """Answer one question at start, so the first user's question does not wait for the embedding model.

    Always extractive: a warm-up must not spend a call on a paid model backend.
    """
    from rag.answer import answer
    from rag.errors import RagError

    try:
        answer(WARM_UP, settings=settings, backend="extractive")
    except RagError:
        pass  # the user's own question will show the same error


def _theme():
    """A plain theme on fonts every system has (nothing is fetched from the web)."""
    import gradio as gr

    sans = ("Inter", "Segoe UI", "Helvetica Neue", "Liberation Sans", "Arial", "sans-serif")
    mono = ("ui-monospace", "SF Mono", "Consolas", "Liberation Mono", "monospace")
    return gr.themes.Base(primary_hue="blue", neutral_hue="slate", font=sans, font_mono=mono, radius_size="sm")


def _layout(gr, settings, docs) -> SimpleNamespace:
    """Every component, in its place."""
    parts = SimpleNamespace(turns=gr.State([]), view=gr.State(None))
    parts.masthead = gr.HTML(_masthead(docs), elem_id="masthead", js_on_load=None)
    with gr.Tabs(elem_id="tabs") as parts.tabs:
        with gr.Tab("Ask", id="ask"):
            _ask_tab(gr, parts, settings, docs)
        with gr.Tab("Document", id="document"):
            _document_tab(gr, parts, settings, docs)
        with gr.Tab("Corpus", id="corpus"):
            _corpus_tab(gr, parts, docs)
    return parts


def _masthead(docs) -> str:
    """The tool's name and what it promises."""
    courts = sorted({d.meta.court for d in docs.values() if d.meta.court})
    held = f"{len(docs)} documents" + (f" from {len(courts)} courts" if len(courts) > 1 else "")
    return (
        f'<header class="masthead"><div class="brand">{TITLE}</div><div class="tagline">Court rulings ({held}). '
        "Answers are quoted verbatim, and every pinpoint is checked against the document.</div></header>"
    )


def _doc_choices(docs) -> list[tuple[str, str]]:
    """(short title, id) for the document menus."""
    return [(short_title(d.meta.title), d.id) for d in docs.values()]


def _ask_tab(gr, parts, settings, docs) -> None:
    """Chat (transcript, question, options, examples) beside the sources panel."""
    with gr.Row(equal_height=False, elem_id="ask-row"):
        with gr.Column(scale=11, min_width=420, elem_id="chat-col"):
            parts.transcript = gr.HTML(_welcome(docs), elem_id="transcript", js_on_load=scripts.TRANSCRIPT)
            parts.question = gr.Textbox(
                show_label=False,
                placeholder="Ask about the rulings, then press Enter",
                lines=1,
                max_lines=5,
                submit_btn="Ask",
                autofocus=True,
                elem_id="question",
            )
            with gr.Row(elem_id="options", equal_height=True):
                parts.doc_filter = gr.Dropdown(
                    _doc_choices(docs),
                    value=[],
                    multiselect=True,
                    label="Search only in (empty: every document)",
                    scale=3,
                    elem_id="doc-filter",
                )
                parts.k = gr.Slider(1, 20, value=settings.top_k, step=1, label="Passages retrieved", scale=2)
                backends = _backends(settings)
                parts.backend = gr.Dropdown(
                    backends,
                    value=settings.llm,
                    label="Answer by",
                    scale=2,
                    visible=len(backends) > 1,
                    elem_id="backend",
                )
                parts.clear = gr.Button("Clear chat", size="sm", elem_id="clear", scale=0, min_width=110)
            with gr.Accordion("Example questions", open=False):
                parts.examples = gr.HTML(examples_html(docs, False), elem_id="examples", js_on_load=scripts.EXAMPLES)
        with gr.Column(scale=9, min_width=380, elem_id="sources-col"):
            parts.sources = gr.HTML(sources_html(None, docs), elem_id="sources", js_on_load=scripts.OPEN)


def _backends(settings) -> list[str]:
    """The answer backends this installation is configured for (extractive always)."""
    from rag.backends import available

    return available(settings)


def _welcome(docs) -> str:
    """The empty chat: what the tool does, and example questions to start from."""
    return transcript_html([], examples=examples_html(docs))


def _document_tab(gr, parts, settings, docs) -> None:
    """A document picker, page buttons (PDFs) and the view."""
    with gr.Row(elem_id="doc-controls", equal_height=True):
        parts.doc_pick = gr.Dropdown(
            _doc_choices(docs), value=None, label="Document", show_label=False, container=False, scale=5
        )
        parts.prev = gr.Button("◀ Previous page", size="sm", visible=False, scale=1, elem_id="prev-page")
        parts.next = gr.Button("Next page ▶", size="sm", visible=False, scale=1, elem_id="next-page")
    empty = document_html(docs, settings.corpus_dir, None)
    parts.docview = gr.HTML(empty, elem_id="docview", js_on_load=scripts.DOCUMENT)


def _corpus_tab(gr, parts, docs) -> None:
    """The upload box and its report above the table of documents."""
    with gr.Row(elem_id="add-rulings", equal_height=True):
        parts.upload = gr.File(
            file_count="multiple", label=f"Add rulings ({KINDS})", height=120, scale=2, elem_id="upload"
        )
        parts.upload_report = gr.HTML(upload_note(), elem_id="upload-report", js_on_load=None, scale=3, min_height=120)
    parts.corpus = gr.HTML(corpus_html(docs), elem_id="corpus", js_on_load=scripts.OPEN)


def _wire_chat(gr, p, settings) -> None:
    """Asking (Enter, the Ask button, an example), votes, citation markers, and clearing."""

    def on_ask(question, turns, doc_ids, k, backend):
        """Stream the answer into the transcript; the sources panel fills in when it is verified."""
        if not (question or "").strip():
            gr.Warning("The question is empty: type a question about the rulings.")
            yield gr.skip(), gr.skip(), turns, question
            return
        for now in chat.ask(question, turns, doc_ids, k, settings, backend=backend):
            yield transcript_html(now), sources_html(now[-1], _docs(settings), question_shown=len(now) > 1), now, ""

    ask_io = {
        "inputs": [p.question, p.turns, p.doc_filter, p.k, p.backend],
        "outputs": [p.transcript, p.sources, p.turns, p.question],
    }
    p.question.submit(on_ask, **ask_io, show_progress="hidden", concurrency_id="answer", **PRIVATE)

    def example_question(evt: gr.EventData):
        """The clicked example's question, into the question box."""
        return (evt._data or {}).get("ask", "")

    for panel in (p.transcript, p.examples):
        panel.submit(example_question, None, p.question, **PRIVATE).then(
            on_ask, **ask_io, show_progress="hidden", concurrency_id="answer", **PRIVATE
        )

    def on_transcript(turns, evt: gr.EventData):
        """A click on a vote or a citation marker."""
        return _transcript_action(gr, turns, evt._data or {}, settings, _docs(settings))

    p.transcript.click(on_transcript, p.turns, [p.transcript, p.sources, p.turns], show_progress="hidden", **PRIVATE)
    cleared = [p.transcript, p.sources, p.turns]

    def on_clear():
        """An empty chat and sources panel."""
        docs = _docs(settings)
        return _welcome(docs), sources_html(None, docs), []

    p.clear.click(on_clear, None, cleared, **PRIVATE)


def _transcript_action(gr, turns, data: dict, settings, docs):
    """A vote on an answer, or a citation marker clicked (show that answer's sources)."""
    try:
        i = int(data.get("turn", -1))
    except (TypeError, ValueError):
        return gr.skip(), gr.skip(), turns
    if not 0 <= i < len(turns):
        return gr.skip(), gr.skip(), turns
    if data.get("action") == "vote":
        try:
            turns = chat.vote(turns, i, data.get("vote"), settings)
        except OSError as exc:
            gr.Warning(f"Could not record the vote in {settings.feedback_path}: {exc.strerror or exc}")
        return transcript_html(turns), gr.skip(), turns
    focus = data.get("cite") if isinstance(data.get("cite"), int) else None
    return gr.skip(), sources_html(turns[i], docs, focus=focus, question_shown=len(turns) > 1), turns


def _wire_documents(gr, p, settings) -> None:
    """Opening a document (from a source, a passage or the corpus list), choosing one, paging."""
    shown = [p.view, p.docview, p.doc_pick, p.prev, p.next]

    def show(view):
        """The document view's outputs for a view."""
        return _show(gr, _docs(settings), settings, view)

    def on_open(evt: gr.EventData):
        """An "open" button: show the document at its target, in the Document tab."""
        view = _parse_target((evt._data or {}).get("open", ""), _docs(settings))
        if view is None:
            return (gr.skip(),) * (len(shown) + 1)
        return (*show(view), gr.Tabs(selected="document"))

    def on_pick(doc_id):
        """A document chosen from the menu (ignored if it is no longer indexed)."""
        docs = _docs(settings)
        return show(view_at(docs, doc_id)) if doc_id in docs else (gr.skip(),) * len(shown)

    def turn(step: int):
        """Show the page `step` pages on from the view's."""
        return lambda view: show(turn_page(_docs(settings), view, step))

    for panel in (p.sources, p.corpus):
        panel.click(on_open, None, [*shown, p.tabs], show_progress="hidden", **PRIVATE)
    p.doc_pick.input(on_pick, p.doc_pick, shown, **PRIVATE)
    p.prev.click(turn(-1), p.view, shown, show_progress="hidden", **PRIVATE)
    p.next.click(turn(+1), p.view, shown, show_progress="hidden", **PRIVATE)


def _wire_corpus(gr, p, settings, app, built: dict) -> None:
    """Uploads: ingest, report, then show the new documents everywhere; a page opened later sees them too."""
    listing = [p.masthead, p.corpus, p.doc_filter, p.doc_pick, p.examples, p.transcript]

    def on_upload(files, turns, progress=gr.Progress(track_tqdm=True)):
        """Read and embed the uploaded files (progress from ingest's file loop), then refresh the lists."""
        paths = [Path(f) for f in files or []]
        progress(0, desc=f"Reading and embedding {len(paths)} file{'s' if len(paths) != 1 else ''}")
        outcome = add_rulings(paths, settings, progress=True)
        docs = _docs(settings)
        return outcome_html(outcome, docs), None, *_listing(gr, docs, turns)

    def on_load(turns):
        """A page opened after an upload: the lists as they are now (nothing to do before any upload)."""
        docs = _docs(settings)
        return (gr.skip(),) * len(listing) if docs is built else _listing(gr, docs, turns)

    outputs = [p.upload_report, p.upload, *listing]
    p.upload.upload(
        on_upload,
        [p.upload, p.turns],
        outputs,
        show_progress_on=p.upload_report,
        concurrency_id="ingest",
        concurrency_limit=1,
        **PRIVATE,
    )
    app.load(on_load, p.turns, listing, show_progress="hidden", **PRIVATE)


def _listing(gr, docs, turns) -> tuple:
    """Everything that lists the documents: masthead, corpus table, both menus, examples, an empty chat."""
    choices = _doc_choices(docs)
    return (
        _masthead(docs),
        corpus_html(docs),
        gr.Dropdown(choices=choices),
        gr.Dropdown(choices=choices),
        examples_html(docs, False),
        gr.skip() if turns else _welcome(docs),
    )


def _show(gr, docs, settings, view):
    """The document view's outputs for a view: state, HTML, picker, page buttons."""
    pages = docs[view["doc"]].layout.page_labels
    paged = bool(view.get("page")) and len(pages) > 1
    first, last = paged and view["page"] == pages[0], paged and view["page"] == pages[-1]
    return (
        view,
        document_html(docs, settings.corpus_dir, view),
        gr.Dropdown(value=view["doc"]),
        gr.Button(visible=paged, interactive=not first),
        gr.Button(visible=paged, interactive=not last),
    )


def _parse_target(target: str, docs) -> dict | None:
    """ "doc_id|start|end" from a button to a view (None if it names no document or a bad span)."""
    doc_id, _, span = str(target).partition("|")
    if doc_id not in docs:
        return None
    start, _, end = span.partition("|")
    if not (start.isdigit() and end.isdigit()):
        return view_at(docs, doc_id)
    start, end = int(start), int(end)
    if not 0 <= start < end <= len(docs[doc_id].text):
        return view_at(docs, doc_id)
    return view_at(docs, doc_id, start, end)


def _api(settings):
    """The function behind `/ask`, typed so gradio can describe it."""

    def ask(question: str, documents: list[str] | None = None, history: list | None = None) -> dict:
        """Answer a question from the rulings: the Answer as a dict (text, citations with pinpoints, refused, passages).

        Args:
            question: the question, in plain words.
            documents: optional document ids to restrict the search to.
            history: optional earlier turns of the conversation, oldest first: their questions, or the dicts this endpoint returned for them.
        """
        return chat.api_answer(question, documents, settings, history)

    return ask
