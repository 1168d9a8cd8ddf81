"""Conversations: follow-up questions answered from the ruling the conversation is about.

Every test runs on the 27 testbed rulings (rulings nobody tuned for), several courts, through
`rag.answer(history=...)` with the real index; the questions are built from each ruling's own
metadata, so they ask what a user would ask of any ruling.
"""

from __future__ import annotations

import pytest

RULINGS = [  # four courts: a circuit, the D.C. Circuit, the Tax Court, a state supreme court
    "ca7-lopez-08-2110-2010",
    "cadc-us-v-vinton-07-3125-2010-02-05",
    "us-tax-court-bordelon-tc-memo-2020-26",
    "nc-supreme-gift-surplus-v-state-2022-ncsc-1",
]


def converse(questions: list[str], settings) -> list:
    """Ask the questions in turn, each with the answers before it as its history."""
    from rag.answer import answer

    history = []
    for question in questions:
        history.append(answer(question, settings=settings, history=list(history)))
    return history


def title(doc_id: str, settings) -> str:
    from rag.retrieve import library

    return library(settings).docs[doc_id].meta.title


@pytest.mark.parametrize("doc_id", RULINGS)
def test_a_follow_up_that_names_nothing_is_answered_from_the_conversations_ruling(testbed_settings, doc_id):
    from rag.answer import answer

    first, why = converse(
        [f"What did the court decide in {title(doc_id, testbed_settings)}?", "Why?"], testbed_settings
    )
    assert {c.doc_id for c in first.citations} == {doc_id}
    assert not why.refused and why.scope == (doc_id,)
    assert {c.doc_id for c in why.citations} == {doc_id}
    assert why.resolved.startswith("Why?") and first.question in why.resolved  # the subject was carried over
    shown = {(c.start, c.end) for c in first.citations}
    assert not shown & {(c.start, c.end) for c in why.citations}  # "Why?" asks for more than the last answer
    alone = answer("Why?", settings=testbed_settings)
    assert alone.refused and alone.scope == () and alone.resolved is None


def test_naming_another_ruling_switches_to_it_and_going_back_returns(testbed_settings):
    a, b = RULINGS[0], RULINGS[1]
    turns = converse(
        [
            f"What did the court decide in {title(a, testbed_settings)}?",
            f"And in {title(b, testbed_settings)}, what did the court decide?",
            "What was its reasoning?",
            "Going back to the first case, what was the standard of review?",
        ],
        testbed_settings,
    )
    assert [t.scope for t in turns] == [(), (b,), (b,), (a,)]
    for turn, doc_id in zip(turns, [a, b, b, a]):
        assert {c.doc_id for c in turn.citations} <= {doc_id}
    assert not turns[2].refused


def test_a_question_on_another_rulings_subject_leaves_the_history_aside(testbed_settings):
    from rag.retrieve import library
    from rag.text import terms

    lib = library(testbed_settings)
    here, there = RULINGS[0], RULINGS[2]
    vocab = lib.vocabulary
    others = [t for d, t in vocab.doc_terms.items() if d != here]
    word = next(  # a word of the other ruling that this one never uses and few others do
        w
        for w in lib.docs[there].text.split()
        if w.isalpha()
        and w.islower()
        and len(w) > 6
        and (t := terms(w))
        and t[0] not in vocab.doc_terms[here]
        and sum(t[0] in o for o in others) < len(others) / 4
    )
    first, other = converse(
        # "What is said", not "What does the ruling say": "the ruling" is the one discussed
        [f"What did the court decide in {title(here, testbed_settings)}?", f"What is said about {word}?"],
        testbed_settings,
    )
    assert other.scope == () and other.resolved is None
    assert any(c.doc_id == there for c in other.citations) or other.refused


def test_a_plain_word_the_ruling_never_uses_does_not_leave_it_when_the_search_stays(testbed_settings):
    """ "How big was the loan?" after a question on a tax ruling about a loan: the ruling never
    says "big" and a ruling on another subject does, but the question's own search finds this one."""
    from collections import Counter

    from rag.followup import _foreign_words
    from rag.retrieve import library
    from rag.text import terms

    lib = library(testbed_settings)
    here, vocab = RULINGS[2], lib.vocabulary
    others = [d for d in vocab.docs if d != here]
    counts = Counter(t for sentence in vocab.sentence_terms[here] for t in sentence)
    topic = next(  # the ruling's most used word that few other rulings use: what it is about
        t for t, _ in counts.most_common() if len(t) > 3 and len(vocab.using(t) - {here}) < len(others) / 4
    )
    surface = next(w for w in lib.docs[here].text.split() if w.isalpha() and terms(w) == [topic])
    plain = next(  # an ordinary word another ruling uses that this one never does
        w
        for d in others
        for w in lib.docs[d].text.split()
        if w.isalpha() and w.islower() and 3 < len(w) < 8 and (t := terms(w)) and t[0] not in vocab.doc_terms[here]
    )
    follow_up = f"How {plain} was the {surface.lower()}?"
    assert _foreign_words(follow_up, (here,), vocab)  # the rule that would have left the ruling applies
    first, other = converse(
        [f"What did the court decide in {title(here, testbed_settings)}?", follow_up], testbed_settings
    )
    assert other.scope == (here,)
    assert {c.doc_id for c in other.citations} <= {here}


def test_a_court_acting_on_the_case_stays_on_it_and_a_courts_opinion_switches(testbed_settings):
    """ "Did the Commissioner appeal it to the Seventh Circuit?" after a Tax Court ruling asks what
    that court did with this case (which the ruling cannot tell), not about the circuit's own
    ruling in the corpus; "the Seventh Circuit's opinion" names that ruling."""
    from rag import legal
    from rag.retrieve import library

    lib = library(testbed_settings)
    here, circuit = RULINGS[2], RULINGS[0]  # a Tax Court ruling; a circuit's ruling
    court = legal.court_name(lib.docs[circuit].meta.court).split(" for the ")[-1]  # "Seventh Circuit"
    opening = f"What did the court decide in {title(here, testbed_settings)}?"
    first, appealed = converse([opening, f"Did the Commissioner appeal it to the {court}?"], testbed_settings)
    assert appealed.scope == (here,)
    assert appealed.refused and court in appealed.text
    first, other = converse([opening, f"And in the {court}'s opinion, what did the court decide?"], testbed_settings)
    assert other.scope == (circuit,) and {c.doc_id for c in other.citations} <= {circuit}


def test_a_models_rewrite_is_used_only_when_it_keeps_the_users_words(testbed_settings):
    from rag.followup import resolve
    from rag.retrieve import library, search

    lib = library(testbed_settings)
    doc_id = RULINGS[1]
    history = converse([f"What did the court decide in {title(doc_id, testbed_settings)}?"], testbed_settings)

    def searched(text, doc_ids):
        return search(text, settings=testbed_settings).passages

    question = "What sentence did he get?"
    kept = f"What sentence did the defendant in {title(doc_id, testbed_settings)} get?"
    assert resolve(question, history, lib, searched, rewritten=kept).question == kept
    for answered_instead in ("The defendant was sentenced.", "What did he get?"):
        got = resolve(question, history, lib, searched, rewritten=answered_instead)
        assert got.question == question and got.doc_ids == (doc_id,)


def test_the_users_document_filter_wins_over_the_conversation(testbed_settings):
    from rag.answer import answer

    a, b = RULINGS[0], RULINGS[3]
    history = converse([f"What did the court decide in {title(a, testbed_settings)}?"], testbed_settings)
    got = answer("Why?", settings=testbed_settings, history=history, filters={"doc_ids": (b,)})
    assert {c.doc_id for c in got.citations} <= {b}


def test_a_question_about_a_case_no_ruling_mentions_is_refused_without_the_history(testbed_settings):
    opening = f"What did the court decide in {title(RULINGS[0], testbed_settings)}?"
    first, other = converse([opening, "What did Judge Smith hold in Kadrey v. Meta?"], testbed_settings)
    assert first.citations and other.refused and other.scope == () and other.resolved is None
    assert "Kadrey" in other.text


def test_a_question_that_refers_to_a_party_or_court_by_its_role_leans_on_the_conversation():
    from rag.followup import _leans

    for question in (
        "What label did the defendant plan to use instead?",
        "Did the panel agree with the district court?",
        "What did the jury find?",
        "What did it cut the sentence to?",
        "How big was that loan?",
        "Why didn't that strip the state court of jurisdiction?",
        "Did all three judges buy that reasoning?",  # "that" before a noun of argument points back
        "Who wrote the opinion?",  # the ruling itself, the one the conversation is about
    ):
        assert _leans(question), question
    for question in (
        "What did the Seventh Circuit decide in Lopez v. Thurmer?",
        "Who wrote the opinion in Lopez v. Thurmer?",
        "Was a defendant's plea valid?",
        "Did the court hold that a guarantor is at risk?",
        "Did the court hold that the question was moot?",  # "that" opening what was held
    ):
        assert not _leans(question), question


def test_a_follow_up_with_words_of_its_own_is_read_beside_the_previous_question(testbed_settings):
    import importlib

    from rag.models import Filters

    answering = importlib.import_module("rag.answer")  # the module, not the function `rag.answer`
    here, there = RULINGS[0], RULINGS[1]
    (first,) = converse([f"What did the court decide in {title(here, testbed_settings)}?"], testbed_settings)

    def resolve(question: str):
        return answering._resolve(question, [first], Filters(), "extractive", testbed_settings)

    same = resolve("What standard of review applied?")
    assert same.doc_ids == (here,) and same.subject == first.question and same.following is None
    why = resolve("Why?")  # no words of its own: the previous question is searched with it instead
    assert why.following == first.question and why.subject is None
    switched = resolve(f"And in {title(there, testbed_settings)}, what did the court decide?")
    assert switched.doc_ids == (there,) and switched.subject is None


@pytest.mark.parametrize(
    "question, back",
    [
        ("Going back to the church case, did any judge write separately?", True),
        ("Back to the first one: how long a sentence did she get?", True),
        ("Returning to the tax case, why was he at risk?", True),
        ("Now back to Alvarado: was the transcript discoverable?", True),
        ("Back in the prisoner case, how long does he get with the memos?", True),
        # "back to" and "revisit" of the case itself, not of the conversation
        ("Then why send it back to the trial court at all?", False),
        ("Did they later go back to the district court and win an injunction?", False),
        ("Did Judge Bumb revisit her summary judgment ruling?", False),
        ("Did the court send it back in 2010?", False),
    ],
)
def test_only_a_question_opening_with_going_back_returns_to_an_earlier_ruling(question, back):
    from rag.followup import BACK

    assert bool(BACK.search(question)) is back


def test_an_institutions_noun_alone_names_no_ruling(testbed_settings):
    # "the Fund" in a conversation on the S.D.N.Y. bankruptcy appeal is one of its pension funds,
    # not the fund in the caption of the N.D. Cal. fee order; that fund's own name still switches.
    from rag.retrieve import library

    docs = library(testbed_settings).docs
    bankruptcy = next(d for d in docs if d.startswith("hostess"))
    fees = next(d for d in docs if d.startswith("china-fortune"))
    fund = title(fees, testbed_settings).split(" v. ")[1]
    assert "Fund" in fund
    first, same, other = converse(
        [
            f"What did the court decide in {title(bankruptcy, testbed_settings)}?",
            "Why was the Fund in a different position?",
            f"What did {fund} ask for?",
        ],
        testbed_settings,
    )
    assert same.scope == (bankruptcy,) and {c.doc_id for c in same.citations} <= {bankruptcy}
    assert other.scope == (fees,)
