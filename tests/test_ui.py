"""The chat UI as a person uses it: a real Chromium (Playwright) against the running app.

Also `gradio_client` against `/ask`, and the HTML builders on a document full of `<script>`
and Markdown tricks. The browser is Debian's Chromium (`scripts/test.sh` installs it);
screenshots go to tests/artifacts/. The timings printed are measured in the page, from the
Enter key to the first answer text and to the finished answer with its sources.
"""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import pytest

from conftest import BARTZ, CONCORD, ROOT, ULTRAMAN, small_settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "tests" / "artifacts"
WILSON_PDF = Path("/work/shared/testbed/ca8_us_v_wilson_07-1306_2010-02-05_unpub.pdf")  # 2 pages, 8th Cir. 2010
WILSON = "ca8-us-v-wilson-07-1306-2010-02-05-unpub"
WILSON_QUESTION = "Did the district court abuse its discretion in sentencing Wilson?"
COMMENTARIES = ["concord-v-anthropic-injunction-commentary.txt", "ultraman-lora-hangzhou-commentary.txt"]
VIEWPORT = {"width": 1440, "height": 960}
BARTZ_QUESTION = "Was training Claude on the authors' books a fair use?"
FOLLOW_UP = "Could Anthropic invoke fair use for the pirated books it downloaded into its central library?"
OUTSIDE_QUESTION = "What did Judge Chhabria hold on fair use in Kadrey v. Meta?"
HOSTILE_TEXT = """Hostile Test Document

This ruling text about fair use contains <script>alert(1)</script> and <img src=x onerror=alert(2)> in its body.

Readers are told to [click](javascript:alert(3)) for the **full opinion** on fair use of scripts.

Template tricks ${alert(4)} and {{constructor}} must stay plain text.
"""
HOSTILE_MANIFEST = """[[document]]
id = "hostile"
file = "hostile.txt"
title = "<b>Hostile</b> v. [Markdown](javascript:alert(5))"
court = "<i>Court</i>"
date = "2025-01-02"
docket = "No. <script>1</script>"
kind = "ruling"
"""
HOSTILE_LITERALS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "[click](javascript:alert(3))",
    "**full opinion**",
    "${alert(4)}",
    "{{constructor}}",
)
HOSTILE_ELEMENTS = (
    "#transcript script, #sources script, #docview script, #corpus script, "
    "a[href^='javascript'], img[src='x'], #docview b, #corpus i"
)
MEASURE_JS = """() => {
  const turns = document.querySelectorAll('#transcript .turn').length;
  const reply = () => document.querySelectorAll('#transcript .turn')[turns]?.querySelector('.reply');
  const t = window.__t = {};
  const box = document.querySelector('#question textarea');
  const onKey = (e) => { if (e.key === 'Enter') t.enter = performance.now(); };
  box.addEventListener('keydown', onKey, {capture: true, once: true});
  const observer = new MutationObserver(() => {
    const now = performance.now(), r = reply();
    const text = r && r.querySelector('.answer-text');
    if (!t.first && text && text.textContent.trim()) t.first = now;
    if (r && r.dataset.state === 'done' && document.querySelector('#sources .card')) {
      t.done = now;
      observer.disconnect();
    }
  });
  observer.observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
}"""
PROGRESS_JS = """() => {
  const seen = window.__progress = [];
  new MutationObserver(() => {
    const level = document.querySelector('#upload-report .progress-level');
    const text = level && level.innerText.trim();
    if (text && seen[seen.length - 1] !== text) seen.push(text);
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(settings):
    """The app over these settings on a free port, in this process; returns (app, url)."""
    from ui.app import launch

    app = launch(host="127.0.0.1", port=free_port(), settings=settings, block=False)
    return app, app.local_url.rstrip("/")


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def ui_settings(settings, tmp_path_factory):
    """The session index, with votes going to a temporary file."""
    return settings.model_copy(update={"feedback_path": tmp_path_factory.mktemp("feedback") / "votes.jsonl"})


@pytest.fixture(scope="module")
def app_url(ui_settings):
    app, url = serve(ui_settings)
    yield url
    app.close()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Chromium is not installed at /usr/bin/chromium: run scripts/test.sh (it installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, app_url):
    """A fresh tab on the app, clipboard allowed, failing on any JavaScript dialog or error."""
    context = browser.new_context(viewport=VIEWPORT, permissions=["clipboard-read", "clipboard-write"])
    tab = context.new_page()
    tab.dialogs, tab.errors = [], []
    tab.on("dialog", lambda d: (tab.dialogs.append(d.message), d.dismiss()))
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))
    tab.goto(app_url)
    tab.wait_for_selector("#question textarea")
    yield tab
    assert not tab.dialogs and not tab.errors, (tab.dialogs, tab.errors)
    context.close()


def timed_ask(page, question: str) -> tuple[float, float]:
    """Milliseconds from Enter to the first answer text, and to the finished answer with its sources."""
    page.evaluate(MEASURE_JS)
    page.fill("#question textarea", question)
    page.press("#question textarea", "Enter")
    page.wait_for_function("() => window.__t.done")
    t = page.evaluate("() => window.__t")
    return round(t["first"] - t["enter"], 1), round(t["done"] - t["enter"], 1)


def ask(page, question: str):
    """Type a question, press Enter, wait until its reply is finished."""
    before = page.locator("#transcript .turn").count()
    page.fill("#question textarea", question)
    page.press("#question textarea", "Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('#transcript .turn').length > n && "
        "document.querySelector('#transcript .turn:last-child .reply').dataset.state === 'done'",
        arg=before,
    )
    return page.locator("#transcript .turn").last


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


# ---------------------------------------------------------------- the browser


@pytest.mark.slow
def test_an_answer_streams_in_with_markers_pinpoints_and_sources(page, ui_settings, capsys):
    from rag.answer import answer

    expected = answer(BARTZ_QUESTION, settings=ui_settings)
    first = expected.citations[0]
    timings = {}
    for label, question in (("first question on a fresh page", BARTZ_QUESTION), ("next question", FOLLOW_UP)):
        timings[label] = timed_ask(page, question)
        with capsys.disabled():
            first_ms, done_ms = timings[label]
            print(f"\n[ui timing] {label}: Enter -> first answer text {first_ms:.0f} ms, ", end="")
            print(f"-> complete answer with sources {done_ms:.0f} ms")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "timings.json").write_text(json.dumps(timings, indent=1))

    reply = page.locator("#transcript .turn").first
    page.locator("#transcript .marker").first.click()  # back to the first answer's sources
    page.wait_for_selector("#sources .card.focus")
    assert first.quote[:60] in reply.inner_text() and "[1]" in reply.locator(".answer-text").inner_text()
    card = page.locator("#sources .card").first
    # "Bartz v. Anthropic PBC, Order on Fair Use at 9:13–15"
    assert card.locator(".label").inner_text() == f"{first.title} {first.pinpoint}"
    assert card.locator(".pin").inner_text() == first.pinpoint and first.pinpoint.startswith("at 9:")
    assert card.locator(".full-cite").inner_text() == first.citation
    assert card.locator("mark").inner_text() == first.quote
    page.locator("#transcript .turn").last.locator(".marker").first.click()
    page.wait_for_function("() => document.querySelectorAll('#sources .card').length > 1")
    page.mouse.move(0, 0)
    page.wait_for_timeout(300)
    shot(page, "answer")
    shutil.copy(ARTIFACTS / "answer.png", ARTIFACTS / "screenshot.png")


@pytest.mark.slow
def test_a_source_opens_its_document_at_the_cited_place(page):
    ask(page, BARTZ_QUESTION)
    pinpoint = page.locator("#sources .card .pin").first.inner_text()
    quote = page.locator("#sources .card mark").first.inner_text()
    page.locator("#sources .open-doc").first.click()
    view = page.locator("#docview .docview:not(.empty)")
    view.wait_for()
    assert f"Highlighted: {pinpoint}" in view.locator(".doc-where").inner_text()
    page_number = pinpoint.removeprefix("at ").split(":")[0]
    assert f"Page {page_number} of 32" in view.locator(".doc-where").inner_text()
    assert " ".join(view.locator(".page-text mark").all_inner_texts()).startswith(quote[:40])
    page.wait_for_function("() => document.querySelector('#docview img').complete")
    page.wait_for_timeout(300)
    for pane in ("#docview .page-figure", "#docview .page-text"):
        assert in_view(page, pane, ".hl-anchor, mark"), f"the highlight is not scrolled into view in {pane}"
    shot(page, "document")
    page.click("#next-page")
    next_page = f"Page {int(page_number) + 1} of"
    page.wait_for_function(f"() => document.querySelector('#docview .doc-where').innerText.includes('{next_page}')")


def in_view(page, pane: str, target: str) -> bool:
    """Whether the first `target` inside the scrolling `pane` is within its visible area."""
    return page.evaluate(
        """([pane, target]) => {
          const box = document.querySelector(pane), t = box.querySelector(target);
          const b = box.getBoundingClientRect(), r = t.getBoundingClientRect();
          return r.top >= b.top && r.bottom <= b.bottom;
        }""",
        [pane, target],
    )


@pytest.mark.slow
def test_an_out_of_corpus_question_is_refused_with_closest_passages(page):
    reply = ask(page, OUTSIDE_QUESTION)
    refusal = reply.locator(".refusal")
    assert refusal.locator(".refusal-head").inner_text() == "The rulings in this corpus don't answer that."
    assert "Kadrey" in refusal.inner_text() and "[1]" not in reply.inner_text()
    assert reply.locator(".answer").count() == 0 and reply.locator(".copy").count() == 0
    panel = page.locator("#sources .closest")
    assert "closest passages" in panel.inner_text().lower() and "not citations" in panel.inner_text()
    assert page.locator("#sources .num").count() == 0 and page.locator("#sources .passage").count() >= 1
    shot(page, "refusal")


@pytest.mark.slow
def test_copy_vote_examples_filter_and_clear(page, ui_settings):
    page.locator("#transcript [data-ask]", has_text="Why was the injunction denied?").click()
    page.wait_for_selector('#transcript .reply[data-state="done"]')
    assert page.locator("#sources .card .title").first.inner_text().startswith("Injunctive Relief")
    page.locator("#transcript .copy").click()
    page.wait_for_selector("#transcript .copy.done")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert "[^1]" in copied and "\n[^1]: Injunctive Relief Is Not Yet a Viable Remedy" in copied and "¶" in copied

    page.locator("#transcript .vote[data-vote='up']").click()
    page.wait_for_selector("#transcript .vote.chosen[data-vote='up']")
    vote = json.loads(ui_settings.feedback_path.read_text().splitlines()[-1])
    assert vote["vote"] == "up" and vote["question"] == "Why was the injunction denied?" and vote["answer"]

    page.click("#doc-filter input")
    page.locator("[role=option]", has_text="Bartz v. Anthropic PBC").click()
    page.keyboard.press("Escape")
    ask(page, "What did the court say about fair use?")
    titles = page.locator("#sources .card .title").all_inner_texts()
    assert titles and all(t.startswith("Bartz v. Anthropic PBC") for t in titles)

    page.click("#clear")
    page.wait_for_selector("#transcript .transcript.empty")
    assert page.locator("#sources .card").count() == 0


@pytest.mark.slow
def test_bad_questions_get_one_line_messages(page):
    page.press("#question textarea", "Enter")
    page.wait_for_selector(".toast-body", timeout=10_000)
    assert "empty" in page.locator(".toast-body").first.inner_text()
    assert page.locator("#transcript .turn").count() == 0
    reply = ask(page, "fair use " * 5_556)  # 50,004 characters
    message = reply.locator(".error").inner_text()
    assert "50,00" in message and "the limit is 2,000" in message and len(message.splitlines()) == 1
    assert "characters)" in reply.locator(".q").inner_text()  # the question is shown shortened, with its length
    shot(page, "errors")


@pytest.mark.slow
def test_the_corpus_tab_lists_documents_and_opens_one(page):
    page.click("button[role=tab]:has-text('Corpus')")
    table = page.locator("#corpus table")
    table.wait_for()
    text = table.inner_text()
    facts = ("Bartz v. Anthropic PBC, Order on Fair Use", "N.D. Cal.", "2025-06-23", "No. C 24-05417 WHA")
    for fact in (*facts, "No. 24-cv-03811-EKL", "Hangzhou Internet Court"):
        assert fact in text
    page.locator("#corpus tr", has_text="Injunctive Relief").locator(".open-doc").click()
    page.wait_for_selector("#docview .doc-text")
    assert page.locator("#docview .para .pno").first.inner_text() == "¶ 1"
    shot(page, "corpus-document")


@pytest.fixture(scope="module")
def upload_settings(tmp_path_factory):
    """A corpus of the two commentaries (quick to embed), indexed, for a test that uploads into it."""
    from rag.ingest import ingest

    base = tmp_path_factory.mktemp("upload")
    s = small_settings(base, COMMENTARIES, feedback_path=base / "votes.jsonl")
    assert ingest(settings=s).errors == []
    return s


@pytest.mark.slow
def test_uploaded_rulings_are_added_and_an_unreadable_file_is_explained(browser, upload_settings, tmp_path):
    from rag.retrieve import library
    from ui.examples import short_title

    if not WILSON_PDF.exists():
        pytest.skip(f"the testbed ruling {WILSON_PDF} is not on this machine")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7 not really a pdf")
    app, url = serve(upload_settings)
    context = browser.new_context(viewport=VIEWPORT)
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))
    try:
        tab.goto(url)
        tab.wait_for_selector("#question textarea")
        tab.click("button[role=tab]:has-text('Corpus')")
        tab.evaluate(PROGRESS_JS)
        tab.set_input_files("#upload input[type=file]", [str(WILSON_PDF), str(broken)])
        report = tab.locator("#upload-report .upload-report.partial")
        report.wait_for(timeout=60_000)
        title = library(upload_settings).docs[WILSON].meta.title
        assert any("Reading and embedding" in p for p in tab.evaluate("() => window.__progress"))
        assert report.locator(".upload-summary").inner_text().startswith("1 added, 2 unchanged;")
        assert report.locator("li:not(.problem)").all_inner_texts() == [f"Added: {title}"]
        [problem] = report.locator("li.problem").all_inner_texts()
        assert problem.startswith("broken.pdf: ") and "PDF" in problem and "\n" not in problem
        table = tab.locator("#corpus").inner_text()
        assert title in table and "Injunctive Relief" in table and "Ultraman" in table and "3 documents" in table
        tab.mouse.move(0, 0)
        shot(tab, "upload")

        names = {p.name for p in upload_settings.corpus_dir.iterdir()}
        assert WILSON_PDF.name in names and "broken.pdf" not in names  # an unreadable upload is not kept
        assert not (ROOT / "corpus" / WILSON_PDF.name).exists()
        assert set(library(upload_settings).docs) == {WILSON, CONCORD, ULTRAMAN}

        tab.click("button[role=tab]:has-text('Ask')")
        tab.click("button:has-text('Example questions')")
        for examples in ("#transcript", "#examples"):  # the tab's panels render after the click: wait, then check
            tab.locator(f"{examples} .ex-doc", has_text=short_title(title)).first.wait_for(timeout=15_000)
            assert short_title(title) in tab.locator(f"{examples} .ex-doc").all_inner_texts()
        tab.click("#doc-filter input")
        tab.locator("[role=option]", has_text=short_title(title)).click()
        tab.keyboard.press("Escape")
        reply = ask(tab, WILSON_QUESTION)
        assert reply.locator(".refusal").count() == 0 and reply.locator(".marker").count() >= 1
        titles = tab.locator("#sources .card .title").all_inner_texts()
        assert titles and all(t.startswith(short_title(title)) for t in titles)
        assert tab.errors == []
    finally:
        context.close()
        app.close()


@pytest.mark.slow
def test_a_three_turn_conversation_follows_the_ruling_it_is_about(page, ui_settings):
    from rag.retrieve import library

    ultraman = library(ui_settings).docs[ULTRAMAN].meta.title
    ask(page, "Did the court grant the publishers a preliminary injunction against Anthropic?")
    assert page.locator("#sources .card .title").first.inner_text().startswith("Injunctive Relief")
    second = ask(page, "And in the Ultraman case, who was held liable?")
    third = ask(page, "How much did it have to pay?")
    assert second.locator(".understood").inner_text() == f"Answering from {ultraman}"
    for turn in (second, third):
        understood = turn.locator(".understood").inner_text()
        assert understood.startswith("Answering") and understood.endswith(f" from {ultraman}")
        assert turn.locator(".refusal").count() == 0 and turn.locator(".marker").count() >= 1
    titles = page.locator("#sources .card .title").all_inner_texts()  # the panel shows the last answer's sources
    assert titles and all(t.startswith(ultraman) for t in titles)
    assert page.locator("#transcript .turn").first.locator(".understood").count() == 0  # a first question is as asked
    page.mouse.move(0, 0)
    shot(page, "conversation")
    page.click("#clear")  # a new conversation: the next question is a first question again
    page.wait_for_selector("#transcript .transcript.empty")
    fresh = ask(page, "How much did it have to pay?")
    assert fresh.locator(".understood").count() == 0


@pytest.mark.slow
def test_a_memo_that_contradicts_the_ruling_is_shown_after_it_with_a_notice(browser, tmp_path):
    from rag.ingest import ingest

    s = small_settings(tmp_path, ["bartz-v-anthropic-order-on-fair-use-2025-06-23.pdf"])
    (s.corpus_dir / "memo.txt").write_text(
        "Internal memo on Bartz v. Anthropic.\n\nThe use of the purchased books to train Claude was not a fair use.\n",
        encoding="utf-8",
    )
    assert ingest(settings=s).errors == []
    app, url = serve(s)
    context = browser.new_context(viewport=VIEWPORT)
    try:
        tab = context.new_page()
        tab.goto(url)
        tab.wait_for_selector("#question textarea")
        turn = ask(tab, "Was training Claude on the purchased books a fair use?")
        notice = turn.locator(".notice").inner_text()
        assert notice.startswith("The documents disagree: Bartz v. Anthropic PBC") and "Internal memo" in notice
        titles = tab.locator("#sources .card .title").all_inner_texts()
        assert titles[0].startswith("Bartz v. Anthropic PBC") and any(t.startswith("Internal memo") for t in titles)
        tab.mouse.move(0, 0)
        shot(tab, "disagreement")
    finally:
        context.close()
        app.close()


# ---------------------------------------------------------------- the API


@pytest.mark.slow
def test_the_ask_endpoint_returns_citations_with_pinpoints(app_url):
    from gradio_client import Client

    client = Client(app_url, verbose=False)
    data = client.predict("How many books did Anthropic download from LibGen?", api_name="/ask")
    assert data["refused"] is False and data["citations"]
    assert all(c["pinpoint"] and c["citation"].endswith(")") for c in data["citations"])
    assert any(c["pinpoint"].startswith("at 3:") for c in data["citations"])
    limited = client.predict("What harm did the publishers claim?", [CONCORD], api_name="/ask")
    assert {c["doc_id"] for c in limited["citations"]} == {CONCORD}
    refused = client.predict(OUTSIDE_QUESTION, api_name="/ask")
    assert refused["refused"] is True and refused["citations"] == [] and refused["passages"]
    with pytest.raises(Exception, match="the question is empty"):
        client.predict("   ", api_name="/ask")


@pytest.mark.slow
def test_the_ask_endpoint_takes_the_conversation_so_far(app_url):
    from gradio_client import Client

    client = Client(app_url, verbose=False)
    earlier = ["Did the court grant the publishers a preliminary injunction against Anthropic?"]
    earlier.append("And in the Ultraman case, who was held liable?")
    by_questions = client.predict("How much did it have to pay?", [], earlier, api_name="/ask")
    assert by_questions["scope"] == [ULTRAMAN] and by_questions["resolved"]
    assert by_questions["citations"] and {c["doc_id"] for c in by_questions["citations"]} == {ULTRAMAN}
    answers = [client.predict(earlier[0], api_name="/ask")]
    answers.append(client.predict(earlier[1], [], answers, api_name="/ask"))
    by_answers = client.predict("How much did it have to pay?", [], answers, api_name="/ask")
    assert by_answers["citations"] == by_questions["citations"]
    alone = client.predict("How much did it have to pay?", api_name="/ask")
    assert alone["scope"] == [] and alone["resolved"] is None
    with pytest.raises(Exception, match="history item 1 is neither a question nor an earlier answer"):
        client.predict("Why?", [], [{"text": "not an answer"}], api_name="/ask")


# ---------------------------------------------------------------- text, never HTML


@pytest.fixture(scope="module")
def hostile_settings(tmp_path_factory):
    """A corpus of one document made of HTML and Markdown tricks, indexed."""
    from rag.ingest import ingest
    from rag.settings import Settings

    base = tmp_path_factory.mktemp("hostile")
    corpus = base / "corpus"
    corpus.mkdir()
    shutil.copy(ROOT / "corpus" / "concord-v-anthropic-injunction-commentary.txt", corpus)
    (corpus / "hostile.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
    manifest = (ROOT / "corpus" / "manifest.toml").read_text(encoding="utf-8")
    (corpus / "manifest.toml").write_text(manifest + "\n" + HOSTILE_MANIFEST, encoding="utf-8")
    s = Settings(corpus_dir=corpus, index_dir=base / "index", feedback_path=base / "votes.jsonl")
    assert ingest(settings=s).errors == []
    return s


@pytest.mark.slow
def test_document_text_is_shown_as_text_never_as_html(browser, hostile_settings):
    app, url = serve(hostile_settings)
    context = browser.new_context(viewport=VIEWPORT)
    tab = context.new_page()
    dialogs = []
    tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        tab.goto(url)
        tab.wait_for_selector("#question textarea")
        ask(tab, "What does the Hostile Test Document say about scripts and the full opinion on fair use?")
        sources = tab.locator("#sources").inner_text()
        assert "<b>Hostile</b> v. [Markdown](javascript:alert(5))" in sources
        tab.locator("#sources .open-doc").first.click()
        tab.wait_for_selector("#docview .doc-text")
        doc = tab.locator("#docview").inner_text()
        for literal in HOSTILE_LITERALS:
            assert literal in doc
        shot(tab, "hostile-document")
        tab.click("button[role=tab]:has-text('Corpus')")
        assert "No. <script>1</script>" in tab.locator("#corpus").inner_text()
        assert tab.locator(HOSTILE_ELEMENTS).count() == 0
        tab.wait_for_timeout(300)
        assert dialogs == []
    finally:
        context.close()
        app.close()


def test_every_panel_escapes_document_text():
    from rag.corpus import DocMeta, Document
    from rag.layout import Layout
    from rag.models import Answer, Citation, Passage
    from ui.corpus import corpus_html
    from ui.document import document_html, view_at
    from ui.sources import sources_html
    from ui.transcript import Turn, markdown, transcript_html

    text = "Intro.\n" + HOSTILE_TEXT
    paras = [(1, 0, 6), (2, 7, len(text))]
    meta = DocMeta(id="h", file="h.txt", title="<b>T</b> [x](javascript:y)", court="<i>C</i>", docket="<u>D</u>")
    doc = Document(meta=meta, text=text, layout=Layout(paragraphs=paras), sha256="0")
    start = text.index("<script>")
    end = start + len("<script>alert(1)</script>")
    where = {"page": None, "page_end": None, "paragraph": 2, "lines": None, "pinpoint": "¶ 2"}
    cite = Citation(
        number=1,
        doc_id="h",
        title=meta.title,
        source="h.txt",
        **where,
        citation=f"{meta.title} ¶ 2",
        quote=text[start:end],
        start=start,
        end=end,
        score=1.0,
    )
    passage = Passage(
        doc_id="h", title=meta.title, start=7, end=len(text), text=text[7:], pinpoint="¶ 2", paragraph=2, score=0.1
    )
    answered = Answer(question="<script>q</script>", text=f"{cite.quote} [1]", citations=(cite,), passages=(passage,))
    refusal = "The rulings in this corpus don't answer that. <i>why</i>"
    refused = Answer(question="[q](javascript:z)", text=refusal, refused=True, passages=(passage,))
    docs = {"h": doc}
    pages = [
        transcript_html([Turn(question=a.question, answer=a) for a in (answered, refused)]),
        sources_html(Turn(question="q", answer=answered), docs, question_shown=True),
        sources_html(Turn(question="q", answer=refused), docs, question_shown=True),
        document_html(docs, Path("/nonexistent"), view_at(docs, "h", start, end)),
        corpus_html(docs),
    ]
    for html in pages:
        for tag in ("<script", "<b>", "<i>", "<u>", "<img"):
            assert tag not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[3] and "<mark>&lt;script&gt;" in pages[3]
    assert "[^1]: \\<b\\>T\\</b\\> [x\\](javascript:y) ¶ 2." in markdown(answered)


def test_votes_are_appended_as_json_lines(tmp_path):
    from rag.models import Answer
    from rag.settings import Settings
    from ui.chat import vote
    from ui.transcript import Turn

    settings = Settings(feedback_path=tmp_path / "sub" / "votes.jsonl")
    turns = [Turn(question="Q?", answer=Answer(question="Q?", text="A. [1]"), doc_ids=(BARTZ,), k=4)]
    vote(turns, 0, "down", settings)
    vote(turns, 0, "up", settings)
    vote(turns, 5, "up", settings)  # no such answer: ignored
    lines = [json.loads(line) for line in settings.feedback_path.read_text().splitlines()]
    assert [r["vote"] for r in lines] == ["down", "up"] and turns[0].vote == "up"
    assert lines[0]["question"] == "Q?" and lines[0]["answer"] == "A. [1]" and lines[0]["doc_ids"] == [BARTZ]


# ---------------------------------------------------------------- a model backend in the browser


@pytest.mark.slow
def test_a_model_answer_shows_its_verified_citation_and_flags_the_unsupported_sentence(browser, ui_settings):
    from pydantic import SecretStr

    from scripted_llm import ScriptedLLM, passage_with

    claim = "Anthropic later paid $1.5 billion to settle the claims"
    with ScriptedLLM() as llm:
        llm.enqueue(
            lambda r: (
                "In June 2021, Mann downloaded at least five million copies of books from Library Genesis "
                f"[{passage_with(r, 'Library Genesis')}]. {claim} [1]."
            )
        )
        for _ in ("rewriting the follow-up", "answering it"):  # the second question follows the first
            llm.enqueue(status=401, error="Incorrect API key provided: sk-ui-SECRET")
        model = {
            "llm": "openai",
            "llm_base_url": llm.url,
            "llm_model": "scripted",
            "llm_api_key": SecretStr("sk-ui-SECRET"),
        }
        app, url = serve(ui_settings.model_copy(update={**model, "llm_timeout": 5.0, "llm_max_retries": 0}))
        context = browser.new_context(viewport=VIEWPORT)
        try:
            tab = context.new_page()
            tab.goto(url)
            tab.wait_for_selector("#question textarea")
            assert tab.locator("#backend input").input_value() == "openai"  # the configured backend, selectable
            reply = ask(tab, "How many books did Anthropic download from LibGen?")
            assert reply.locator(".unsupported").inner_text().startswith(claim)
            assert "unsupported" in reply.locator(".unsupported-tag").inner_text().lower()
            assert reply.locator(".marker").count() == 1 and "Written by the openai model" in reply.inner_text()
            assert tab.locator("#sources .card .pin").first.inner_text() == "at 3:3–5"
            shot(tab, "model-answer")
            failed = ask(tab, "How many books did Anthropic download from LibGen?")
            assert "check RAG_LLM_API_KEY" in failed.locator(".notice").inner_text()
            assert "sk-ui-SECRET" not in tab.content()
            assert len(llm.requests) == 3  # starting the app spent no model call
        finally:
            context.close()
            app.close()
