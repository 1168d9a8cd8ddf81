"""The extractive answerer's method on real rulings of four courts, held in memory (no index, no Chroma).

These rulings are not in any gold set. The questions ask what a lawyer asks of any ruling: what
the named case decided, what a court named without a party decided, and questions the rulings
cannot answer (an unknown party, an event the ruling never mentions, a higher court's decision,
a premise its disposition contradicts).
"""

from __future__ import annotations

import re

import pytest

from conftest import memory_library, ruling_file

FILES = {  # doc_id prefix -> testbed file
    "alvarado": "alvarado_v_fedex",  # N.D. Cal. order denying a motion to quash a subpoena
    "wilson": "ca8_us_v_wilson",  # 8th Cir. per curiam affirming a sentence
    "still": "still_v_commissioner",  # E.D. Cal. magistrate judge's order granting attorney's fees
    "nelson": "cafc_nelson",  # Fed. Cir. Rule 36 judgment: AFFIRMED
}


@pytest.fixture(scope="module")
def rulings(tmp_path_factory):
    """A Library of the four rulings, read, named, split and embedded as ingest does, kept in memory."""
    return memory_library([ruling_file(name) for name in FILES.values()], tmp_path_factory.mktemp("rulings"))


def doc_id(lib, prefix: str) -> str:
    return next(d for d in lib.docs if d.startswith(FILES[prefix].replace("_", "-").lower()))


def ask(lib, question: str, only: str | None = None):
    """What the answerer chooses for a question, over a dense search of the rulings' chunks (of
    the one document `only`, if given, as a conversation about it searches)."""
    import numpy as np

    from rag import extractive, index
    from rag.retrieve import Hits

    qvec = index.embed_question(question, lib.settings)
    best = {}
    for d, chunk in lib.chunks:
        if only is None or d == only:
            best[(d, chunk.id)] = (chunk, float(np.max(lib.sentence_vectors[d][slice(*chunk.sentences)] @ qvec)))
    ranked = sorted(((d, c, s) for (d, _), (c, s) in best.items()), key=lambda h: -h[2])
    chosen, reason = extractive.extract(question, Hits(passages=[], chunks=ranked, qvec=qvec), lib, lib.settings)
    return [(s.doc_id, lib.docs[s.doc_id].text[s.start : s.end]) for s in chosen], reason


def test_a_question_naming_a_party_is_answered_from_that_ruling(rulings):
    chosen, reason = ask(rulings, "Why did the court in Alvarado v. FedEx refuse to quash the subpoena?")
    assert reason is None and chosen
    assert {d for d, _ in chosen} == {doc_id(rulings, "alvarado")}
    assert any("discoverable" in text or "DENIED" in text for _, text in chosen)


@pytest.mark.parametrize(
    "prefix, question, gives",
    [
        ("wilson", "What sentence did the district court impose?", r"\d+-month"),
        ("still", "How much in fees did the court award?", r"\$\s?\d"),
    ],
)
def test_a_search_kept_to_one_ruling_is_answered_from_all_of_its_sentences(rulings, prefix, question, gives):
    """A conversation's follow-up is searched within its ruling; the answer may lie outside the
    chunks its few words ranked, as a named ruling's may. Here the search found only the caption."""
    from rag import extractive, index
    from rag.retrieve import Hits

    ruling = doc_id(rulings, prefix)
    caption = next(chunk for d, chunk in rulings.chunks if d == ruling)
    hits = Hits(passages=[], chunks=[(ruling, caption, 1.0)], qvec=index.embed_question(question, rulings.settings))
    chosen, reason = extractive.extract(question, hits, rulings, rulings.settings)
    assert reason is None and chosen
    best = chosen[0]
    assert re.search(gives, rulings.docs[ruling].text[best.start : best.end])
    assert best.start >= rulings.units[ruling].sentences[caption.sentences[1] - 1][1]  # after the caption chunk


@pytest.mark.parametrize(
    "prefix, question, says",
    [
        ("alvarado", "Who wrote it?", "SUSAN ILLSTON"),  # a district judge's signature
        ("wilson", "Which judge wrote the opinion?", "PER CURIAM"),  # a circuit's per curiam
        ("nelson", "Who decided the appeal?", "PER CURIAM"),  # a Rule 36 judgment
    ],
)
def test_who_wrote_the_ruling_a_conversation_is_about_is_answered_with_its_author_line(rulings, prefix, question, says):
    """ "Who wrote it?" has no word to match: the ruling's own line naming the author ingest found answers it."""
    chosen, reason = ask(rulings, question, only=doc_id(rulings, prefix))
    assert reason is None and says.lower() in chosen[0][1].lower(), chosen


def test_a_yes_or_no_about_the_ruling_in_other_words_is_answered_with_its_disposition(rulings):
    """ "Did she let them have it?" of an order denying a motion to quash (a conversation's
    follow-up) matches no sentence closely; its yes or no is the ruling's disposition. What came
    later is not in the ruling."""
    alvarado = doc_id(rulings, "alvarado")
    chosen, reason = ask(rulings, "Did she let them have it?", only=alvarado)
    assert reason is None and "DENIED" in chosen[0][1], chosen
    chosen, reason = ask(rulings, "Did they end up settling the case later?", only=alvarado)
    assert reason and not chosen


def test_the_rulings_using_a_word_are_read_off_the_bm25_index_as_off_their_texts(rulings):
    """What the answerer asks of the whole corpus ("does any ruling use this word?") comes from
    the BM25 postings; the same answer as reading every ruling, for every word they use."""
    from rag.text import terms
    from rag.vocabulary import Vocabulary

    read = Vocabulary(rulings.docs, rulings.units)  # no postings: reads every document
    every = set().union(*read.doc_terms.values())
    assert len(every) > 500 and all(rulings.vocabulary.using(t) == read.using(t) for t in every)
    assert [len(rulings.vocabulary.using(t)) for t in terms("affirmed subpoena zygomorphic")] == [2, 1, 0]


def test_whether_any_ruling_has_a_word_is_read_off_the_rulings_the_bm25_index_points_at(rulings):
    """A name in a question is known when a ruling has it; only the rulings whose index terms
    include it are read, with the same answer as reading every ruling, for every word they use
    (plain, hyphenated, abbreviated), and none for a word no ruling has."""
    import re

    vocab = rulings.vocabulary
    text = " ".join(doc.text.lower() for doc in rulings.docs.values())
    every = set(re.findall(r"\w+", text)) | {w.rstrip(".") for w in re.findall(r"[\w’'.-]+", text)} - {""}
    assert len(every) > 500 and {w for w in every if not vocab.knows(w)} == set()
    assert not any(map(vocab.knows, ["zygomorphic", "musk", "arbitrary-and-zygomorphic"]))


def test_a_court_named_without_a_party_points_at_its_ruling(rulings):
    chosen, reason = ask(
        rulings, "What sentence did the Eighth Circuit review, and did it find an abuse of discretion?"
    )
    assert reason is None
    assert {d for d, _ in chosen} == {doc_id(rulings, "wilson")}


@pytest.mark.parametrize(
    "question, ruling, states",
    [
        ("Did Wilson win his appeal?", "wilson", r"^We affirm\b"),  # not "... and we affirmed": the earlier appeal
        ("Did the Eighth Circuit find Wilson's sentence unreasonable?", "wilson", r"^We affirm\b"),
        ("Did Still's lawyer get the fees she asked for?", "still", r"(?i)\bis granted\b"),
        # a clause before it, or a question joined after it, leaves it a yes/no question
        ("In Wilson, did the Eighth Circuit find the sentence unreasonable?", "wilson", r"^We affirm\b"),
        (
            "Did the Eighth Circuit find Wilson's sentence unreasonable, and who was on the panel?",
            "wilson",
            r"^We affirm\b",
        ),
        ("Did the court in Alvarado quash the subpoena the plaintiffs served, and why?", "alvarado", r"\bDENIED\b"),
        # a disposition the ruling never states is its "no", not a missing event
        ("Did Judge Illston grant FedEx's motion to quash in Alvarado?", "alvarado", r"\bDENIED\b"),
        ("Did the Eighth Circuit reverse Wilson's sentence?", "wilson", r"^We affirm\b"),
    ],
)
def test_a_yes_no_question_about_the_outcome_opens_with_the_rulings_own_disposition(rulings, question, ruling, states):
    chosen, reason = ask(rulings, question)
    assert reason is None and chosen
    first_doc, first = chosen[0]
    assert first_doc == doc_id(rulings, ruling) and re.search(states, first), chosen


@pytest.mark.parametrize(
    "question, ruling, states",
    [
        ("How did the Eighth Circuit resolve Wilson's appeal?", "wilson", r"^We affirm\b"),
        ("What did the court do with FedEx's motion to quash in Alvarado?", "alvarado", r"\bDENIED\b"),
        ("What was the outcome of the fee motion in Still?", "still", r"(?i)\bis granted\b"),
        ("Unrelated, but how did the Federal Circuit resolve K2's appeal?", "nelson", r"^AFFIRMED\.$"),  # a line alone
        # the ruling named is what came out: no other word of the question to match
        ("What did the Eighth Circuit decide in Wilson?", "wilson", r"^We affirm\b"),
        ("How did the court rule in Alvarado?", "alvarado", r"\bDENIED\b"),
        ("What did the magistrate judge decide in Still?", "still", r"(?i)\bis granted\b"),
        ("How did the Federal Circuit rule in Nelson?", "nelson", r"^AFFIRMED\.$"),
        ("What did the Eighth Circuit do in Wilson?", "wilson", r"^We affirm\b"),
        ("How did Wilson's appeal come out?", "wilson", r"^We affirm\b"),
    ],
)
def test_a_question_about_how_a_case_came_out_is_answered_with_the_disposition(rulings, question, ruling, states):
    chosen, reason = ask(rulings, question)
    assert reason is None
    assert any(d == doc_id(rulings, ruling) and re.search(states, text) for d, text in chosen), chosen


def test_a_question_about_one_issue_of_a_case_is_not_asking_how_it_came_out():
    from rag.extractive import _asks_outcome

    assert _asks_outcome("How did the court resolve the appeal in Roe v. Doe?")
    assert _asks_outcome("What did the panel do with the petition?")
    assert _asks_outcome("What happened in Roe v. Doe?")
    assert not _asks_outcome("How did the court resolve the argument that the appeal was untimely?")
    assert not _asks_outcome("What did the court decide about whether the motion was timely?")
    assert not _asks_outcome("How did the court resolve it?")  # nothing said of what came out
    assert _asks_outcome("What did the court decide in Lopez?", names_ruling=True)
    assert not _asks_outcome("What did the court decide about the instruction in Lopez?", names_ruling=True)


def test_a_partys_position_answers_only_a_question_about_what_was_argued():
    from rag.extractive import _asks_argument

    assert _asks_argument("What did the appellant argue about the search?")
    assert _asks_argument("What was the insurer's position on coverage?")
    assert _asks_argument("Which arguments did the debtor raise on appeal?")
    assert not _asks_argument("Why did the court reject the insurer's argument that the policy lapsed?")
    assert not _asks_argument("What was the court's answer to the argument that the claim was late?")
    assert not _asks_argument("The debtor argued the debt was discharged. How did the panel deal with that argument?")


def test_the_history_is_not_taken_for_the_rulings_own_disposition():
    from rag.extractive import _own_disposition

    own = _own_disposition()
    assert own.search("We affirm the judgment of the district court.")  # Wilson, 8th Cir.
    assert own.search("Accordingly, defendant’s motion to quash is DENIED.")  # Alvarado, N.D. Cal.
    assert own.search("the Court GRANTS Tessera’s motion for partial summary judgment")  # Tessera, N.D. Cal.
    assert not own.search("Wilson appealed his sentence under United States v. Booker, and we affirmed.")
    assert not own.search("On September 22, 2008, the district court granted judgment on the administrative record")
    assert own.search("Accordingly, we modify and affirm the opinion of the Court of Appeals.")  # N.C. Supreme Court
    assert not own.search("Authors argue that computers should not be allowed to do what people do.")  # N.D. Cal.
    assert own.search("The motion to quash must be denied.")


@pytest.mark.parametrize(
    "sentence, own",
    [
        ("Tessera argues that Toshiba’s request should be denied because Toshiba’s claims are barred.", False),
        ("Nonetheless, the government argues the search should be upheld under Gant’s evidentiary rationale.", False),
        ("Accordingly, Toshiba’s request is denied.", True),
        # what the court leaves undecided is no disposition (N.C. Supreme Court)
        (
            "Since this Court holds that plaintiffs’ conduct violates one aspect of our State’s criminal code, we decline to reach this issue.",
            False,
        ),
        ("Accordingly, we modify and affirm the opinion of the Court of Appeals.", True),
        ("We granted a certificate of appealability (COA) and now affirm.", True),  # 10th Cir.
        ("The magistrate judge recommended the petition be denied.", False),  # what the court below proposed
        ("If your application is denied: Lender will refund the deposit less the actual costs.", False),  # 4th Cir.
    ],  # N.D. Cal., D.C. Cir., N.C.
)
def test_a_party_arguing_for_a_disposition_is_not_the_rulings_own(sentence, own):
    from types import SimpleNamespace

    from rag.extractive import Scored, _states_disposition

    lib = SimpleNamespace(docs={"ruling": SimpleNamespace(text=sentence)})
    assert _states_disposition(lib, Scored("ruling", 0, len(sentence), 0.0)) is own


def test_a_disposition_a_party_asks_for_earns_no_holding_bonus():
    from rag.extractive import _Bonus
    from rag.settings import Settings

    bonus = _Bonus("Could the district court modify the sentence while the appeal was pending?", Settings())
    asked = (
        "He supplemented his briefs, asking that his second sentence be vacated because the court lacked jurisdiction."
    )
    decided = (
        "He brings no other challenge to his modified sentence, so the judgment of the district court is AFFIRMED."
    )
    assert bonus(asked) == 0.0 and bonus(decided) == Settings().answer_holding_bonus  # 5th Cir.


@pytest.mark.parametrize(
    "question",
    [
        "When did counsel file the motion for attorney's fees in Still?",
        "Between which dates did the Still fee motion and the order on it fall?",
    ],
)
def test_a_when_question_is_answered_with_a_date(rulings, question):
    chosen, reason = ask(rulings, question)
    assert reason is None and chosen
    assert all(
        re.search(
            r"\b(?:19|20)\d\d\b|January|February|March|April|May|June|July|August|September|October|November|December",
            t,
        )
        for _, t in chosen
    )


@pytest.mark.parametrize(
    "question, says",
    [
        ("Did the court in Kowalski v. Amazon quash the subpoena?", "“Kowalski”"),
        ("How much did FedEx pay to settle Alvarado?", "no mention of “settle”"),
        ("Why was the jury verdict against Wilson set aside?", "no mention of “jury”, “verdict”"),
        ("Which judge dissented from the Eighth Circuit's decision in Wilson?", "no mention of “dissented”"),
        ("Did the court of appeals reverse the Alvarado order?", "no decision of the court of appeals"),
        ("Why did the Eighth Circuit reverse Wilson v. Still?", "mentions “Wilson v. Still”"),  # each name known
    ],
)
def test_what_no_ruling_mentions_is_refused_and_the_reason_names_it(rulings, question, says):
    chosen, reason = ask(rulings, question)
    assert not chosen and says in reason


def test_a_case_named_before_a_comma_and_more_names_is_the_rulings_own(rulings):
    from rag import extractive

    # "Alvarado v. FedEx, Judge Illston's order": the second party is "FedEx", not "FedEx,"
    question = "In Alvarado v. FedEx, Judge Illston's August 2005 order, why was the motion to quash denied?"
    assert extractive._unknown_cases(question, rulings) == []
    assert extractive._unknown_cases("In Alvarado v. Amazon, Judge Illston's order, what was denied?", rulings)


COURTS_ABOVE = ["Supreme Court", "Federal Circuit", "court of appeals"]


@pytest.mark.parametrize(
    "question",
    [
        *(f"What did the {court} decide about the subpoena in Alvarado v. FedEx?" for court in COURTS_ABOVE),
        # a judge's title, a month and a year name no other case
        "How did the court of appeals rule on FedEx's appeal from Judge Illston's August 2005 order in Alvarado?",
    ],
)
def test_a_higher_courts_decision_in_a_case_held_only_from_a_lower_court_is_refused(rulings, question):
    chosen, reason = ask(rulings, question)
    assert not chosen and "It holds no decision of the" in reason and "N.D. Cal." in reason


def test_initials_the_ruling_uses_name_no_other_case_a_higher_court_decided(rulings):
    question = "Did the court of appeals reverse the EAJA fee award that the court made in Still?"
    chosen, reason = ask(rulings, question)
    assert not chosen and "It holds no decision of the court of appeals" in reason and "E.D. Cal." in reason
    from rag import extractive

    vocab, texts = rulings.vocabulary, [rulings.docs[doc_id(rulings, "still")].text]
    assert not extractive._names_another_case(question, vocab, "court of appeals", texts)
    assert extractive._names_another_case(question.replace("EAJA", "NLRB"), vocab, "court of appeals", texts)


@pytest.mark.parametrize("party", ["Robert Wilson", "Paul Nelson"])  # so in the captions ("PAUL N. NELSON")
def test_a_partys_full_name_does_not_hide_that_a_higher_courts_decision_is_asked_for(rulings, party):
    chosen, reason = ask(rulings, f"Did the Supreme Court take up {party}'s case after the appeal was decided?")
    assert not chosen and "It holds no decision of the Supreme Court" in reason


def test_another_case_named_beside_a_higher_court_is_not_refused_as_its_decision(rulings):
    chosen, reason = ask(
        rulings, "What did the Supreme Court decide in Booker, as the Eighth Circuit read it for Wilson?"
    )
    assert "It holds no decision of the" not in (reason or "")


def test_a_higher_court_named_only_after_what_was_decided_is_not_taken_for_the_decider(rulings):
    chosen, reason = ask(
        rulings, "How much did the court award Still's lawyer, and did any of it pay for a court of appeals brief?"
    )
    assert "It holds no decision of the" not in (reason or "")
    chosen, reason = ask(rulings, "Was the order in Alvarado v. FedEx affirmed by the court of appeals?")
    assert not chosen and "It holds no decision of the court of appeals" in reason


def test_a_lower_courts_decision_described_by_an_appellate_ruling_is_answered(rulings):
    chosen, reason = ask(rulings, "What sentence did the district court impose on Wilson on remand?")
    assert reason is None and chosen
    assert all(d == doc_id(rulings, "wilson") for d, _ in chosen)


@pytest.mark.parametrize(
    "question, ruling, assumed, stated",
    [
        ("Why did the Eighth Circuit reverse Wilson's sentence?", "wilson", "reverse", "affirm"),
        ("Why did the Federal Circuit vacate the judgment in Nelson v. K2?", "nelson", "vacate", "affirm"),
        ("Why did the court grant FedEx's motion to quash in Alvarado?", "alvarado", "grant", "deny"),
        ("Why did the court deny the motion for attorney's fees in Still?", "still", "deny", "grant"),
        ("Who persuaded the Eighth Circuit to reverse Wilson's sentence?", "wilson", "reverse", "affirm"),
        # a phrase leading into the question word
        ("On remand after Gall, why did the Eighth Circuit vacate Wilson's sentence?", "wilson", "vacate", "affirm"),
        ("In Nelson v. K2, why did the Federal Circuit reverse?", "nelson", "reverse", "affirm"),
    ],
)
def test_a_premise_the_rulings_own_disposition_contradicts_is_refused(rulings, question, ruling, assumed, stated):
    chosen, reason = ask(rulings, question)
    assert not chosen
    assert f"assumes “{assumed}”" in reason and f"says “{stated}”" in reason
    assert rulings.docs[doc_id(rulings, ruling)].meta.title in reason


@pytest.mark.parametrize(
    "question",
    [
        "Why did the Eighth Circuit affirm Wilson's sentence?",
        "Why did the court deny FedEx's motion to quash in Alvarado?",
        "Why did the court grant the motion for attorney's fees in Still?",
        # a disposition the question says the court did not give is no premise that it gave it
        "Why did the Eighth Circuit decline to reverse Wilson's sentence?",
        "Why didn't the Federal Circuit vacate the judgment in Nelson v. K2?",
    ],
)
def test_a_premise_that_matches_the_disposition_is_answered(rulings, question):
    chosen, reason = ask(rulings, question)
    assert reason is None and chosen


@pytest.mark.parametrize(
    "question, ruling, denied",
    [
        ("Why didn't the Eighth Circuit affirm Wilson's sentence?", "wilson", "affirm"),
        ("Why did the court refuse to grant the motion for attorney's fees in Still?", "still", "grant"),
    ],
)
def test_a_premise_that_the_court_withheld_the_disposition_it_gave_is_refused(rulings, question, ruling, denied):
    chosen, reason = ask(rulings, question)
    assert not chosen and "premise does not match" in reason and f"“{denied}”" in reason
    assert rulings.docs[doc_id(rulings, ruling)].meta.title in reason


def test_a_plain_word_finds_the_legal_word_a_ruling_uses(rulings):
    chosen, reason = ask(rulings, "Why was it sent back?", only=doc_id(rulings, "wilson"))  # a follow-up
    assert reason is None and chosen
    assert any("remand" in text.lower() for _, text in chosen[:2]), chosen


def test_a_compound_is_known_by_its_names(rulings):
    _, reason = ask(rulings, "Did the FedEx-employed managers in Alvarado testify at a deposition?")
    assert "No document in it mentions" not in (reason or "")
    chosen, reason = ask(rulings, "Did the Initech-employed managers in Alvarado testify at a deposition?")
    assert not chosen and "“Initech-employed”" in reason


def test_a_number_written_with_thousands_separators_is_one_the_ruling_contains(rulings):
    chosen, reason = ask(rulings, "Why did the court reduce the requested fee to $16,861 in Still?")
    assert "No document in it mentions" not in (reason or "")
    chosen, reason = ask(rulings, "Why did the court award $98,765 in Still?")
    assert not chosen and "“98,765”" in reason


def test_when_asks_for_a_date_only_when_it_asks_when_something_happened(rulings):
    from rag import extractive

    still = doc_id(rulings, "still")
    spans = rulings.units[still].sentences
    every = [extractive.Scored(still, s, e, 0.0) for s, e in spans]
    dated = extractive._of_expected_type("When did counsel file the motion for attorney's fees?", every, rulings)
    assert 0 < len(dated) < len(every)
    for condition in (
        "When may a court reduce a contingency fee under § 406(b)?",
        "When a fee agreement gives counsel 25 percent, does the court still review it?",
    ):
        assert extractive._of_expected_type(condition, every, rulings) == every, condition


def test_how_big_asks_for_a_figure(rulings):
    """ "How big was the loan?" is answered only by sentences with a figure in them."""
    from rag import extractive
    from rag.text import COUNT

    still = doc_id(rulings, "still")
    text, spans = rulings.docs[still].text, rulings.units[still].sentences
    every = [extractive.Scored(still, s, e, 0.0) for s, e in spans]
    sized = extractive._of_expected_type("How big was the fee award?", every, rulings)
    assert 0 < len(sized) < len(every)
    assert all(COUNT.search(text[s.start : s.end]) for s in sized)


def test_a_court_a_case_was_taken_to_is_the_one_asked_to_have_decided():
    from rag.extractive import _decider

    for question in (
        "Did the Commissioner appeal it to the Fifth Circuit?",
        "Did the union take it up to the Second Circuit, and how did that go?",
        "Was the order appealed to the Ninth Circuit?",
    ):
        assert _decider(question) and _decider(question)[0] == 2, question
    for question in (  # the appeal as a thing, not the court asked to decide
        "How much did the company spend on the appeal to the Ninth Circuit?",
        "What did the district court say about the appeal to the Ninth Circuit?",
    ):
        assert _decider(question) is None, question


def test_a_docket_mentioned_is_not_a_case_number_asked_for():
    from rag.extractive import ASKS_DOCKET

    assert ASKS_DOCKET.search("What is the case number of the Still fee order?")
    assert ASKS_DOCKET.search("Which docket was the appeal filed under?")
    assert not ASKS_DOCKET.search("Why was only a redacted version put on the public docket?")
    assert not ASKS_DOCKET.search("Why were docket entries 26-2 and 26-3 sealed?")


def test_the_sentence_before_is_read_over_a_citation_between():
    from rag.extractive import _is_citation_piece, _preceding

    assert all(map(_is_citation_piece, ["Id.", "Id. at 5.", "See id."]))
    assert not _is_citation_piece("The motion to quash is denied.")
    assert list(_preceding([4, 5, 6], [0.9, 0.0, 0.1], {5})) == [0.0, 0.9, 0.9]
    assert list(_preceding([4, 5, 6], [0.9, 0.0, 0.1])) == [0.0, 0.9, 0.0]


def test_how_much_asks_for_an_amount_only_when_it_asks_about_money():
    from rag.extractive import ANSWER_TYPES

    how_much = ANSWER_TYPES[0][0]
    assert how_much.search("How much did the court award in attorney's fees?")
    assert how_much.search("How much of the deposit was refunded?")
    assert how_much.search("How much did the court allow the lawyer to collect?")
    assert how_much.search("How much withdrawal liability did the fund assess against Hostess?")
    assert how_much.search("How much had it originally demanded from the seller?")
    assert not how_much.search("How much deference does the court give the agency's reading?")


def test_a_disposition_the_question_gives_to_the_court_below_is_not_the_rulings_own(rulings):
    from rag import extractive

    wilson = {doc_id(rulings, "wilson")}
    assert extractive._contradicted_premise("Why did the Eighth Circuit reverse it?", wilson, rulings)
    assert extractive._contradicted_premise("Why did the district court reverse it?", wilson, rulings) is None


@pytest.mark.parametrize(
    "question, gives",
    [
        ("What sentence did Wilson receive?", r"\bmonths?\b|\byears?\b|\blife\b"),
        ("What prison term did Wilson get?", r"\bmonths?\b|\byears?\b|\blife\b"),
        ("What hourly rate did Still's lawyer charge?", r"\$\s?\d|%|\bpercent\b"),
        ("What fee did the court award in Still?", r"\$\s?\d|%|\bpercent\b"),
        (
            "How much in attorney's fees did the court award in Still?",
            r"(?s)(?:\$\s?\d|%).*\bfees?\b|\bfees?\b.*(?:\$\s?\d|%)",
        ),
        ("How long is Wilson's prison term?", r"\b(?:\d+|[a-z]+)[\s-]+(?:days?|months?|years?)\b"),
        ("What was Wilson's sentence reduced to?", r"\bmonths?\b|\byears?\b|\blife\b"),
    ],
)
def test_a_question_asking_for_a_quantity_is_answered_only_with_sentences_that_give_one(rulings, question, gives):
    chosen, reason = ask(rulings, question)
    assert reason is None and chosen
    assert all(re.search(gives, text, re.I) for _, text in chosen), chosen


def test_a_quantity_of_someone_else_than_the_rulings_parties_is_answered_only_where_they_are_named(rulings):
    """ "How many months did Booker receive?" is not answered with Wilson's months (Booker is a case
    the Wilson ruling cites); a name of the ruling's own, a court, a month, a statute's
    abbreviation ask for no one else."""
    chosen, reason = ask(rulings, "How many months of imprisonment did Booker receive?")
    assert not chosen and reason
    chosen, reason = ask(rulings, "How much did the EAJA award pay Still's counsel?")
    assert reason is None and "$5,500" in chosen[0][1] and "EAJA" in chosen[0][1]
    still = doc_id(rulings, "still")
    asked = "How much did the court allow Tracie Still's lawyer under 42 U.S.C. § 406(b) in March 2021, after the Ninth Circuit's Crawford case?"
    assert rulings.vocabulary.foreign_names(asked, still) == {"crawford"}
    # a nationality of the ruling's own place: "Californian" of a court in California
    assert not rulings.vocabulary.foreign_names(
        "How much did the Californian subpoena cost FedEx?", doc_id(rulings, "alvarado")
    )


def test_a_name_the_question_spells_out_is_found_written_short():
    """ "the Bakery and Confectionery pension fund" of a question is the ruling's "B&C Fund" (S.D.N.Y.)."""
    from rag.extractive import _acronyms, _initials

    asked = "How much withdrawal liability did the Bakery and Confectionery pension fund assess against Hostess?"
    said = "In addition, the B&C Fund assessed $919,806,165 of withdrawal liability against Hostess."
    assert _initials(asked) & _acronyms(said) == {"BC"}
    assert not _initials(asked) & _acronyms("Upon termination, the Local 550 Fund sought contributions.")


@pytest.mark.parametrize(
    "question, several",
    [
        ("Who signed the order, and when?", True),
        ("How much did the court award, and did it offset the EAJA fees?", True),  # a yes/no question after it
        ("How much did the court award to the lawyer who asked for it?", False),  # a clause, not a question
        ("How much did the court award and why was it offset?", True),
        ("How long, and over what dates, was he abroad?", True),  # a preposition before the second question word
        ("How long was the stay the court granted on the motion?", False),
    ],
)
def test_a_question_asking_several_things_is_told_from_one_with_a_clause(question, several):
    from rag.extractive import _compound

    assert _compound(question) is several


def test_a_question_asking_several_things_favours_what_each_part_asks_for():
    from rag.extractive import _Bonus
    from rag.settings import Settings

    settings = Settings(answer_type_bonus=0.2, answer_argument_penalty=0.0)
    stay = "His absence from the country for over fourteen months, from September 2004 to November 2005, broke it."
    several = _Bonus("How long, and over what dates, was he out of the country?", settings)
    assert several(stay) == pytest.approx(0.4)  # a length of time and dates, each asked for
    # "How long" alone keeps only sentences with a length of time instead (`_of_expected_type`)
    assert _Bonus("How long was he out of the country?", settings)(stay) == 0.0


def test_how_long_or_how_often_is_the_form_of_a_question_and_no_word_to_match():
    from rag.extractive import MEASURE_ASKED
    from rag.text import terms

    asked = terms(MEASURE_ASKED.sub("how", "How long had he been gone, and how often did he call?"))
    assert "gone" in asked and not {"long", "often"} & set(asked)
    assert "reason" in terms(MEASURE_ASKED.sub("how", "How reasonable was the fee?"))  # a measure that is the subject


def test_a_quantity_question_is_not_answered_with_the_figure_it_states_itself(rulings):
    question = "How much did Still's counsel get under § 406(b) beyond the $5,500 EAJA award?"
    chosen, reason = ask(rulings, question)
    assert reason is None and chosen
    # each gives a dollar amount besides the $5,500 (a date's day or a section number is none)
    assert all(set(re.findall(r"\$\s?([\d,.]*\d)", text)) - {"5,500"} for _, text in chosen), chosen


def test_what_a_question_tells_before_it_asks_counts_less_than_what_it_asks():
    from rag import extractive

    told = extractive._told_terms("Wilson argued that Iowa punishes robbery less. How did the panel answer that?")
    assert {"iowa", "robberi"} <= told and not told & {"panel", "answer"}
    assert extractive._told_terms("How did the panel answer Wilson's argument?") == set()


@pytest.mark.parametrize(
    "question",
    [
        "What fine did the court impose in Nelson v. K2?",  # a quantity
        "What price did FedEx pay in Alvarado?",
        "How much prejudgment interest did the court add to Still's fee award?",  # amounts of other things
        "How many hours of deposition testimony did Snyder give in Alvarado?",  # a count in a measure never given
        "How many days of imprisonment did Wilson get?",  # (the sentence is in months)
        "What sentence did the court impose in Alvarado?",
        "How old was Wilson at sentencing?",
        "How long did the oral argument in Nelson v. K2 last?",  # a length of time
        "What is the name of the officer who arrested Wilson?",  # an official's name
        "Which agent investigated the robbery in Wilson?",
        "Which examiner reviewed Still's disability claim?",
        "Who was the attorney who represented Wilson at sentencing?",  # a lawyer's name: the 8th Cir. lists no counsel
        "What was the name of the defense lawyer who represented Wilson?",
        "What monthly salary did FedEx pay Snyder in Alvarado?",  # an amount per period
    ],
)
def test_a_quantity_or_a_name_the_ruling_never_gives_is_refused(rulings, question):
    chosen, reason = ask(rulings, question)
    assert not chosen and reason


@pytest.mark.parametrize(
    "question, measure",
    [
        ("How many came from the archive?", ""),  # a verb at once: no measure, any count answers
        ("How many books came from the archive?", "books"),
        ("How many copies made by the firm were kept?", "copies"),
        ("How many pirated copies did it keep?", "pirated copies"),  # a participle before its noun
        ("How much back pay did the court award?", "back pay"),
    ],
)
def test_the_measure_a_quantity_question_asks_for_ends_at_its_verb(question, measure):
    from rag import extractive
    from rag.text import terms

    assert extractive._measured(question) == set(terms(measure))


def test_a_signature_is_one_sentence_of_the_name_and_the_office_under_it(rulings):
    def sentences(prefix):
        d = doc_id(rulings, prefix)
        return [rulings.docs[d].text[s:e] for s, e in rulings.units[d].sentences]

    assert "SUSAN ILLSTON\nUnited States District Judge" in sentences("alvarado")  # N.D. Cal., signed
    assert "UNITED STATES MAGISTRATE JUDGE" in sentences("still")  # E.D. Cal., "/s/" with no name: alone


@pytest.mark.parametrize(
    "question, named",
    [
        ("What is the name of the judge who signed the Alvarado order?", "SUSAN ILLSTON"),
        ("Who signed the Alvarado order?", "SUSAN ILLSTON"),  # the author line, as ingest found it, opens the answer
        ("What are the names of the judges on the Wilson panel?", "MELLOY, BEAM, and SHEPHERD"),
    ],
)
def test_a_question_for_a_judges_name_is_answered_with_the_name(rulings, question, named):
    chosen, reason = ask(rulings, question)
    assert reason is None and named in chosen[0][1], chosen


@pytest.mark.parametrize(
    "question, named",
    [
        ("Who was Still's attorney?", "Sengthiene Bosavanh"),  # E.D. Cal.: "Jane Roe (“Counsel”), attorney for"
        ("Which lawyer argued for the defendants in Nelson v. K2?", "Lawrence D. Graham"),  # Fed. Cir.: counsel
    ],
)
def test_a_question_for_a_lawyers_name_is_answered_from_the_counsel_the_ruling_names(rulings, question, named):
    chosen, reason = ask(rulings, question)
    assert reason is None and named in chosen[0][1], chosen


def test_the_list_of_counsel_answers_only_a_question_about_counsel(rulings):
    chosen, reason = ask(rulings, "What did the Federal Circuit do in Nelson v. K2?")
    assert reason is None and not any(re.search(r"for (?:plaintiff|defendants)-appell", t) for _, t in chosen), chosen
    chosen, reason = ask(rulings, "Who argued for the defendants in Nelson v. K2?")
    assert reason is None and "Lawrence D. Graham" in chosen[0][1], chosen


@pytest.mark.parametrize(
    "sentence, answers",
    [
        ("App. E.D. 2007).", False),  # the end of a citation, cut off at an abbreviation
        ("Rev. Stat. §§ 12:1-622.B, 12:1303.A.”", False),
        ("Id. at 5.", False),
        ("Dated: June 23, 2025.", True),
        ("We affirm the judgment of the district court.", True),
        # a caption line and a section heading: no closing punctuation, under sixteen words
        ("Appeals from the United States District Court for the Western District of Louisiana", False),
        ("I. Whether Mr. Bordelon was sufficiently at risk for the Many Loan in 2008", False),
        ("For the reasons set forth below, the order of the Bankruptcy Court is AFFIRMED. '", True),  # OCR's stray mark
        ("* Northern District of Iowa.", False),  # 8th Cir.: a footnote to the caption, names only
        ("The motion is DENIED.", True),
        # the caption's list of counsel and a party's designation (Fed. Cir., 1st Cir.)
        ("Philip P. Mann, Mann Law Group, of Seattle, Washington, for plaintiff-appellee.", False),
        ("JANET T. MILLS, in her official capacity as Governor of the State of Maine, Defendant, Appellee.", False),
        ("The court ruled for the defendants.", True),
    ],
)
def test_a_piece_of_a_citation_answers_nothing(sentence, answers):
    from rag import extractive

    assert extractive._is_heading(sentence) is not answers


def test_a_question_saying_the_court_did_what_a_denied_motion_asked_is_refused(rulings):
    chosen, reason = ask(rulings, "Why was the subpoena quashed in Alvarado?")  # "the motion to quash is DENIED"
    assert not chosen and "denies the motion to quash" in reason


@pytest.mark.parametrize(
    "question",
    [
        "Why did FedEx move to quash the subpoena in Alvarado?",
        "Why did the court deny the motion to quash in Alvarado?",
    ],
)
def test_a_question_about_the_denied_motion_itself_is_answered(rulings, question):
    chosen, reason = ask(rulings, question)
    assert reason is None and chosen


def test_a_sentence_counts_the_rank_the_search_gave_its_passage(rulings):
    """The search read each sentence's neighbours: the same sentence scores more in the passage ranked first."""
    import numpy as np

    from rag import extractive, index
    from rag.retrieve import Hits

    question = "Why did the court grant the fee motion in Still?"
    qvec = index.embed_question(question, rulings.settings)
    chunks = [(d, c, 1.0) for d, c in rulings.chunks if d == doc_id(rulings, "still")]
    middle = chunks[len(chunks) // 2]  # a chunk of the body, not the caption
    others = [c for c in chunks if c is not middle]
    first, last = [middle, *others], [*others, middle]

    def scores(order):
        hits = Hits(passages=[], chunks=order, qvec=np.asarray(qvec))
        candidates = extractive._candidates(hits, rulings, set(), len(order))
        ranked = extractive._rank(question, hits, candidates, set(), rulings, rulings.settings)
        return {(s.start, s.end): s.score for s in ranked}

    before, after = scores(first), scores(last)
    moved = range(*middle[1].sentences)
    spans = [tuple(s) for s in rulings.units[middle[0]].sentences]
    weight = rulings.settings.answer_passage_weight
    lost = [before[spans[i]] - after[spans[i]] for i in moved if spans[i] in before]
    assert lost and all(x > 0 for x in lost)  # a sentence shared with a neighbouring chunk keeps that one's rank
    assert np.isclose(max(lost), weight * (1 - 1 / len(chunks)))


@pytest.mark.parametrize("ruling", ["alvarado", "wilson", "still"])
def test_a_sentence_inherits_the_match_of_the_one_before_it_and_gains_toward_the_end(ruling, rulings):
    """A ruling names a subject and answers in the sentences after it; its conclusions come last.
    A sentence gains the context weight times the word match and cosine of the sentence before
    it (nothing for the first), and the position weight times its place in the ruling."""
    import numpy as np

    from rag import extractive, index
    from rag.retrieve import Hits

    question = "Why did the court decide the motion as it did?"
    qvec = np.asarray(index.embed_question(question, rulings.settings))
    hits = Hits(passages=[], chunks=[(d, c, 1.0) for d, c in rulings.chunks if d == doc_id(rulings, ruling)], qvec=qvec)
    candidates = extractive._candidates(hits, rulings, set(), len(hits.chunks))
    knobs = (
        "passage_weight",
        "holding_bonus",
        "type_bonus",
        "argument_penalty",
        "framing_penalty",
        "citation_penalty",
        "footnote_penalty",
    )

    def scores(context=0.0, position=0.0):
        update = {f"answer_{k}": 0.0 for k in knobs} | {
            "answer_context_weight": context,
            "answer_position_weight": position,
        }
        settings = rulings.settings.model_copy(update=update)
        return {s.start: s.score for s in extractive._rank(question, hits, candidates, set(), rulings, settings)}

    match, with_context, with_position = scores(), scores(context=0.5), scores(position=0.5)
    starts = [s for s, _ in rulings.units[doc_id(rulings, ruling)].sentences]
    pairs = [(a, b) for a, b in zip(starts, starts[1:]) if a in match and b in match]
    assert len(pairs) > 10
    assert all(with_context[b] - match[b] == pytest.approx(0.5 * match[a]) for a, b in pairs)
    assert starts[0] not in match or with_context[starts[0]] == pytest.approx(match[starts[0]])
    last = len(starts) - 1
    assert all(with_position[s] - match[s] == pytest.approx(0.5 * i / last) for i, s in enumerate(starts) if s in match)


def test_a_footnote_sentence_scores_less_by_the_footnote_penalty_and_no_other_does(rulings):
    """A footnote is an aside: it is less often what answers (a circuit's footnote here)."""
    import numpy as np

    from rag import extractive, index
    from rag.retrieve import Hits

    wilson = doc_id(rulings, "wilson")
    question = "Why did the court affirm the sentence?"
    qvec = np.asarray(index.embed_question(question, rulings.settings))
    hits = Hits(passages=[], chunks=[(d, c, 1.0) for d, c in rulings.chunks if d == wilson], qvec=qvec)
    candidates = extractive._candidates(hits, rulings, set(), len(hits.chunks))

    def scores(penalty):
        settings = rulings.settings.model_copy(update={"answer_footnote_penalty": penalty})
        return {s.start: s.score for s in extractive._rank(question, hits, candidates, set(), rulings, settings)}

    plain, penalised = scores(0.0), scores(0.3)
    notes = [(a, b) for _, _, a, b in rulings.docs[wilson].layout.footnotes]
    in_note = {s for s in plain if any(a <= s < b for a, b in notes)}
    assert in_note and len(in_note) < len(plain)
    assert all(penalised[s] == pytest.approx(plain[s] - (0.3 if s in in_note else 0.0)) for s in plain)


@pytest.mark.parametrize(
    "question",
    [
        "Why did the court conclude that the fees sought under Section 406(b) were unreasonable?",
        # "find <it> <so>", without "that"; the clause it opposes joined to another by "and"
        "Why did the court find the fees sought under Section 406(b) unreasonable and reduce them?",
    ],
)
def test_a_conclusion_the_ruling_states_the_opposite_of_is_refused_with_the_rulings_words(rulings, question):
    chosen, reason = ask(rulings, question)
    assert not chosen and "premise" in reason
    assert "are reasonable" in reason and "(E.D. Cal." in reason  # the ruling's sentence, with its pinpoint


def test_a_conclusion_no_passage_states_is_refused_and_one_the_ruling_states_is_answered(rulings):
    chosen, reason = ask(
        rulings, "Why did the court hold that FedEx waived its objection to the subpoena by filing late?"
    )
    assert not chosen and "none of the passages closest to the question says that FedEx waived" in reason
    chosen, reason = ask(
        rulings,
        "Why did the Eighth Circuit conclude that the district court did not abuse its discretion in sentencing Wilson?",
    )
    assert reason is None and any("did not abuse its discretion" in text for _, text in chosen)


def test_a_conclusion_the_ruling_states_is_answered(rulings):
    chosen, reason = ask(
        rulings, "Why did the court conclude that the fees sought under Section 406(b) were reasonable?"
    )
    assert reason is None and chosen


@pytest.mark.parametrize(
    "sentence",
    [
        "The only issue on appeal is whether the district court abused its discretion in applying judicial estoppel.",
        "We are faced with the question of whether 8 U.S.C. § 1427 precludes the naturalization of the Plaintiff.",
        "This case presents a question of whether a district court has jurisdiction to modify a sentence.",
        "The sole issue raised on appeal is whether Hostess remains contractually obligated to make contributions.",
        "The issues for decision are: (1) whether the personal guarantee left him “at risk” under section 465.",
        "The threshold question, however, is whether Toshiba can even challenge the findings of the audits.",
    ],  # 11th, 2d, 5th Cir.; S.D.N.Y.; Tax Court; N.D. Cal.
)
def test_a_sentence_stating_the_question_to_decide_yields_to_the_courts_answer(sentence):
    from rag.extractive import _Bonus, _frames_issue
    from rag.settings import Settings

    assert _frames_issue(sentence)
    settings = Settings(answer_framing_penalty=0.3)
    assert _Bonus("Could the district court reduce the sentence?", settings)(sentence) == -0.3
    assert _Bonus("What was the only issue on appeal?", settings)(sentence) == 0.0  # the issue is what is asked


@pytest.mark.parametrize(
    "sentence",
    [
        "It is a disputed issue of fact, however, whether Toshiba provided all records required by the Agreement.",
        "Since the Court of Appeals held the game unlawful, it declined to reach the separate question of whether "
        "it also violated the prohibition on gambling.",
        "The question presented is whether the game is one of chance, and we hold that it is.",  # answered too
    ],
)
def test_a_sentence_that_decides_or_mentions_an_issue_does_not_state_the_question(sentence):
    from rag.extractive import _frames_issue

    assert not _frames_issue(sentence)


def test_a_partys_request_restated_by_the_court_is_not_the_courts_voice():
    from rag.extractive import _restates_position

    asked = (  # 5th Cir., Martin: "vacated" is a word of decision, but here the appellant asks for it
        "He supplemented his briefs, reiterating his original arguments against his first sentence, and asking "
        "that his second sentence be vacated because the district court lacked jurisdiction to modify his sentence."
    )
    assert _restates_position(asked)
    assert _restates_position("Tarrant argues that the Compact pre-empts the Oklahoma statutes.")
    assert not _restates_position("A district court has jurisdiction to modify a sentence during appeal.")
    assert _restates_position("Tarrant's remaining arguments are therefore moot.")  # may restate them


@pytest.fixture(scope="module")
def unembedded(tmp_path_factory):
    """The Fourth Circuit's Weintraub and the Eastern District of California's Still, read and split, without vectors."""
    files = [ruling_file("ca4_weintraub"), ruling_file("still_v_commissioner")]
    return memory_library(files, tmp_path_factory.mktemp("unembedded"), embed=False)


def sentence_with(lib, words: str):
    from rag.extractive import Scored

    for doc_id, units in lib.units.items():
        for start, end in units.sentences:
            if words in lib.docs[doc_id].text[start:end]:
                return Scored(doc_id, start, end, 1.0)
    raise AssertionError(words)


def test_a_quantity_question_is_answered_with_an_amount_it_does_not_state(unembedded):
    from rag.extractive import _of_expected_type

    asked_back = sentence_with(unembedded, "on February 20 they advised Quicken Loans")  # the $500, and a day
    refunded = sentence_with(unembedded, "Quicken Loans refunded $129.41")
    question = "How much of the $500 did the lender actually hold back?"
    assert _of_expected_type(question, [asked_back, refunded], unembedded) == [refunded]
    # a date's day is no amount, but still a figure of a date question
    assert asked_back in _of_expected_type("When did the Weintraubs ask for the $500 back?", [asked_back], unembedded)


def test_an_order_the_ruling_says_the_opposite_of_is_a_false_premise(unembedded):
    from rag.extractive import _opposed_premise

    best = [sentence_with(unembedded, "but refused to refund the entire $500")]  # 4th Cir.: it was never refunded
    reason = _opposed_premise("Why did the court order Quicken Loans to refund the entire $500?", best, unembedded)
    assert reason and "order Quicken Loans to refund the entire $500" in reason and "(4th Cir." in reason
    ordered = [sentence_with(unembedded, "Counsel is ordered to reimburse Plaintiff")]  # E.D. Cal.: it did
    assert _opposed_premise("Why was counsel ordered to reimburse the plaintiff $5,500?", ordered, unembedded) is None
    for asked in (  # the same premise, asked as lawyers also ask it
        "What led the Fourth Circuit to order Quicken Loans to refund the entire $500?",
        "In Weintraub, why did the court order Quicken Loans to refund the entire $500?",
    ):
        assert _opposed_premise(asked, best, unembedded), asked


def test_a_conclusion_only_a_party_alleges_is_a_premise_the_ruling_never_stated(unembedded):
    from rag.extractive import _unstated_premise

    alleged = sentence_with(unembedded, "alleging that Quicken Loans’ failure to provide them with a full refund")
    question = (
        "Why did the Fourth Circuit conclude that Quicken Loans' failure to provide a full refund violated § 1635?"
    )
    reason = _unstated_premise(question, [alleged], unembedded)
    assert reason and "failure to provide a full refund violated § 1635" in reason
    refunded = sentence_with(unembedded, "Quicken Loans refunded $129.41 to the Weintraubs")
    stated = "Why did the Fourth Circuit find that Quicken Loans refunded $129.41 to the Weintraubs?"
    assert _unstated_premise(stated, [alleged, refunded], unembedded) is None


@pytest.mark.slow  # reads a 24-page opinion
def test_a_disposition_in_a_footnote_gives_way_to_the_rulings_own_in_its_body(tmp_path):
    """10th Cir.: footnote 13's "We GRANT his application." disposes of a side request; the
    opinion's "We granted a certificate of appealability (COA) and now affirm." of the appeal."""
    from rag.extractive import Scored, _first_disposition, _in_footnote

    lib = memory_library([ruling_file("ca10_triplet")], tmp_path, embed=False)
    (doc_id,) = lib.docs
    text = lib.docs[doc_id].text
    side, own = (sentence_with(lib, words) for words in ("We GRANT his application", "and now affirm"))
    assert _in_footnote(lib, side.doc_id, side.start) and not _in_footnote(lib, own.doc_id, own.start)
    ranked = [Scored(doc_id, s.start, s.end, score) for s, score in ((side, 2.0), (own, 1.0))]
    assert text[_first_disposition(ranked, doc_id, lib).start :].startswith("We granted a certificate")


def test_what_happened_after_the_named_ruling_is_refused(rulings):
    chosen, reason = ask(
        rulings, "After the Eighth Circuit's 2010 decision in Wilson, did the Supreme Court grant certiorari?"
    )  # either reason is true of it: the corpus has no Supreme Court decision in Wilson
    assert not chosen and ("cannot tell what happened after it" in reason or "no decision of the Supreme" in reason)
    # in a conversation about Wilson, the follow-up need not name it
    question = "After the Eighth Circuit's decision, did the Supreme Court grant certiorari?"
    chosen, reason = ask(rulings, question, only=doc_id(rulings, "wilson"))
    assert not chosen and "United States v. Wilson itself" in reason
    assert ask(rulings, question)[0]  # over every ruling, it is about none in particular


@pytest.mark.parametrize(
    "question",
    [
        "Did he take it up to the Supreme Court after that?",  # a step of litigation, after the ruling
        "Did the district court resentence him afterwards?",
        "Did he go on to seek rehearing en banc after this?",
        "So what did the district court do once the decision came down?",
    ],
)
def test_a_follow_up_asking_what_came_after_the_ruling_is_refused(rulings, question):
    from rag.extractive import _after_itself

    assert "cannot tell what happened after it" in _after_itself(question, rulings, {doc_id(rulings, "wilson")})


@pytest.mark.parametrize(
    "question",
    [
        "What did he say to the officers after that?",  # no step of litigation: a fact the ruling may tell
        "Once the district court denied the motion, what did Wilson argue?",  # after an earlier order
    ],
)
def test_what_came_after_a_fact_is_no_question_about_after_the_ruling(rulings, question):
    from rag.extractive import _after_itself

    assert _after_itself(question, rulings, {doc_id(rulings, "wilson")}) is None


@pytest.mark.parametrize(
    "question",
    [
        "In Wilson, what did the Eighth Circuit do after the Supreme Court's decision in Gall?",  # another case's sequel
        "After the district court ruled, what did Wilson argue to the Eighth Circuit?",  # the court below
    ],
)
def test_what_followed_another_decision_is_not_refused_as_after_the_ruling(rulings, question):
    from rag.extractive import _after_itself

    assert _after_itself(question, rulings, {doc_id(rulings, "wilson")}) is None


def test_a_case_a_ruling_cites_is_no_unknown_case(rulings):
    from rag.extractive import _unknown_cases

    assert _unknown_cases("What did the Eighth Circuit make of United States v. Booker in Wilson?", rulings) == []
    assert _unknown_cases("In U.S. v. Wilson, what did the court hold?", rulings) == []  # the ruling itself
    assert _unknown_cases("Did the court follow Booker v. Gonzales?", rulings) == ["Booker v. Gonzales"]
    assert _unknown_cases("Wilson relied on United States v. Booker. Why did the court agree?", rulings) == []


def test_a_sentence_about_another_item_of_a_numbered_series_is_not_an_answer():
    from rag.extractive import _another_item, _asked_items
    from rag.text import numbered_items

    # 10th Cir. (Triplet) and D.C. Cir. (Vinton) sentences, as the reader gives them
    first = (
        "Thus, the OCCA evidently did not consider Triplet’s first claim jurisdictional because it deemed it waived."
    )
    both = (
        "Vinton was convicted by a jury of both counts and was sentenced to twenty-seven months’ imprisonment on "
        "the first count and sixty months’ on the second count, to run consecutively."
    )
    asked = numbered_items("Why was Triplet's second claim not waived by his plea?")
    assert [n for n, words in asked if "claim" in words] == [2]
    assert _another_item(asked, first)
    assert not _another_item(numbered_items("Was Triplet's first claim jurisdictional?"), first)
    assert not _another_item(numbered_items("What sentence did Vinton get on the second count?"), both)
    assert _another_item(numbered_items("How did the fourth factor come out?"), "Factor one favors fair use.")
    assert not _another_item(numbered_items("Why did the court first deny the motion?"), first)  # an adverb
    assert [n for n, _ in _asked_items("Why did the Tenth Circuit find the second claim not waived?")] == [2]
