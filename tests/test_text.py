"""Text handling: the one definition of terms, names, numbers and dockets that everything counts with."""

from __future__ import annotations

import pytest

from rag.text import (
    AMOUNT,
    COUNT,
    DATE,
    DOCKET,
    NAME,
    claim_terms,
    digits,
    legal_forms,
    place_forms,
    sentences_of,
    terms,
)


def test_question_words_are_not_terms_but_negations_and_legal_words_are():
    assert terms("What did the court say about anything, and whether it was not against the order?") == [
        "court",
        "say",
        "not",
        "against",
        "order",
    ]


def test_a_claims_attribution_is_not_what_it_claims():
    assert claim_terms("The court held that the conviction was not affirmed.") == ["convict", "not", "affirm"]


def test_a_docket_number_is_read_as_a_number_so_that_case_number_questions_find_it():
    assert legal_forms("Case No. 18-cv-06972-JST; Nos. 07-30815 and 07-30816. No. That is all.") == (
        "Case number 18-cv-06972-JST; number 07-30815 and 07-30816. No. That is all."
    )
    assert DOCKET.search("Appeal No. 2009-1361 decided").group(0) == "No. 2009-1361"


def test_numbers_are_compared_digit_for_digit():
    assert digits("30, 000") == digits("30,000") == digits("30000")


def test_names_are_capitalised_words_and_numbers_of_four_or_more_digits():
    found = [m.group(0) for m in NAME.finditer("Did the Tenth Circuit cite Kansas v. Colorado, 514 U.S. 673, in 2013?")]
    assert found == ["Did", "Tenth", "Circuit", "Kansas", "Colorado", "U.S", "2013"]


def test_answer_types_recognise_amounts_counts_and_dates():
    assert (
        AMOUNT.search("attorney's fees of $52,360.50")
        and AMOUNT.search("2.5 million")
        and not AMOUNT.search("42 U.S.C.")
    )
    assert COUNT.search("three defendants") and COUNT.search("12 counts") and not COUNT.search("several defendants")
    assert COUNT.search("seventy months") and COUNT.search("fourteen months")
    assert (
        DATE.search("decided June 13, 2013") and DATE.search("filed 3/23/2021") and not DATE.search("28 U.S.C. § 2254")
    )


def test_a_per_document_table_is_made_when_first_read_and_lists_every_document():
    from rag.vocabulary import PerDocument

    made = []
    table = PerDocument(["a", "b", "c"], lambda d: made.append(d) or d.upper())
    assert list(table) == ["a", "b", "c"] and len(table) == 3 and made == []  # nothing made yet
    assert table["b"] == "B" and table["b"] == "B" and made == ["b"]  # made once
    assert dict(table.items()) == {"a": "A", "b": "B", "c": "C"} and sorted(made) == ["a", "b", "c"]
    with pytest.raises(KeyError):
        table["z"]


def test_terms_are_the_tokens_bm25s_gives_a_ruling():
    """`terms_many` does what `bm25s.tokenize` does (indexes saved earlier were built with it), without
    its cost per call; the same for every line of a ruling of another court and layout."""
    from conftest import ruling_file
    from rag import imports
    from rag.readers import read_file
    from rag.text import legal_forms, stemmer, stopwords, terms_many

    lines = [line for line in read_file(ruling_file("nc_supreme_gift_surplus"))[0].splitlines() if line.strip()]
    usual = imports.bm25s().tokenize(
        [legal_forms(t) for t in lines], stopwords=stopwords(), stemmer=stemmer(), return_ids=False, show_progress=False
    )
    assert len(lines) > 50 and terms_many(lines) == usual
    assert [terms_many([t])[0] for t in lines[:50]] == usual[:50]


def test_a_sentences_terms_are_made_when_it_is_first_read():
    from rag.text import terms
    from rag.vocabulary import SentenceTerms

    text = "The motion is granted. Defendants appealed the judgment. No costs."
    spans = [(0, 22), (23, 56), (57, 66)]
    table = SentenceTerms(text, spans)
    assert len(table) == 3 and table._made == [None, None, None]
    assert table[1] == frozenset(terms("Defendants appealed the judgment.")) and table._made[0] is None
    assert list(table) == [frozenset(terms(text[s:e])) for s, e in spans] and table[-1] == table[2]


@pytest.mark.parametrize(
    "adjective, place",
    [
        ("Chinese", "china"),
        ("Italian", "italy"),
        ("Iowan", "iowa"),
        ("Irish", "ireland"),
        ("Polish", "poland"),
        ("Swedish", "sweden"),
    ],
)
def test_an_adjective_of_nationality_names_its_place(adjective, place):
    # "the Irish applicant" is known to a corpus whose ruling says "a native and citizen of Ireland"
    assert place in place_forms(adjective)


def test_an_acronym_is_no_adjective_of_nationality():
    assert place_forms("FBI") == []  # "FB-I": a stem of two letters only before "-ish", "-ese", "-ian"


def test_a_question_is_split_into_sentences_but_not_after_an_abbreviation_or_an_initial():
    assert sentences_of("Roe sued Acme Inc. in 2019. Why did the court in Roe v. Acme dismiss it?") == [
        "Roe sued Acme Inc. in 2019.",
        "Why did the court in Roe v. Acme dismiss it?",
    ]
    assert sentences_of("Did J. Roe win? And when?") == ["Did J. Roe win?", "And when?"]
    assert sentences_of("What did the court hold") == ["What did the court hold"]
