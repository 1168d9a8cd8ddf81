"""Every entry of rag/legal.toml's answering sections, exercised on the 27 testbed rulings.

The rulings are read, named and split into sentences as ingest does (no embeddings, no index).
Each test walks one section: an entry no testbed ruling exercises does not belong in it.
"""

from __future__ import annotations

import re

import pytest

from conftest import TESTBED, memory_library

pytestmark = pytest.mark.slow  # reads 27 PDFs, one with an OCR page


@pytest.fixture(scope="module")
def testbed(tmp_path_factory):
    """A Library of every testbed ruling, without vectors: what the refusal checks read."""
    return memory_library(sorted(TESTBED.glob("*.pdf")), tmp_path_factory.mktemp("legal"), embed=False)


def by_court(lib, court: str) -> str:
    return next(d for d, doc in sorted(lib.docs.items()) if doc.meta.court == court)


def sentences(lib):
    return [lib.docs[d].text[s:e] for d in lib.docs for s, e in lib.units[d].sentences]


def test_every_event_is_found_where_a_ruling_mentions_it_and_refused_where_none_does(testbed):
    from rag import extractive, legal
    from rag.text import terms

    vocab = testbed.vocabulary
    for word in legal.phrases("events", "words"):
        mention = [d for d in testbed.docs if set(terms(word)) & vocab.doc_terms[d]]
        silent = [d for d in testbed.docs if d not in mention]
        assert mention and silent, word
        question = f"What happened with the {word}?"
        assert extractive._unmentioned_events(question, vocab, {mention[0]}) == [], word
        assert extractive._unmentioned_events(question, vocab, {silent[0]}) == [word], word


@pytest.mark.parametrize(
    "court, disposition",
    [
        ("8th Cir.", "affirm"),  # no testbed ruling reverses: "reverse" is the premise refused below
        ("N.D. Cal.", "vacate"),  # a scheduling order: "the hearing ... is, therefore, vacated"
        ("E.D. Cal.", "grant"),
        ("N.D. Cal.", "deny"),
        ("1st Cir.", "dismiss"),  # an appeal dismissed for want of appellate jurisdiction
    ],
)
def test_every_disposition_is_stated_by_a_ruling_and_is_no_false_premise_there(testbed, court, disposition):
    from rag import extractive, legal

    assert disposition in legal.dispositions()
    rulings = [d for d, doc in testbed.docs.items() if doc.meta.court == court]
    saying = [d for d in rulings if disposition in extractive._stated_dispositions(testbed, d)]
    assert saying, f"no {court} ruling states {disposition!r}"
    assert extractive._contradicted_premise(f"Why did the court {disposition} it?", set(saying), testbed) is None


@pytest.mark.parametrize(
    "court, stated, assumed",
    [
        ("8th Cir.", "affirm", "reverse"),
        ("8th Cir.", "affirm", "vacate"),
        ("5th Cir.", "affirm", "vacate"),  # "vacated" only as the appellant's request and another case's history
        ("N.D. Cal.", "vacate", "affirm"),
        ("E.D. Cal.", "grant", "deny"),
        ("N.D. Cal.", "deny", "grant"),
    ],
)
def test_a_premise_that_a_rulings_disposition_contradicts_is_refused(testbed, court, stated, assumed):
    from rag import extractive

    def says(doc_id, disposition):
        return disposition in extractive._stated_dispositions(testbed, doc_id)

    only = [
        d for d, doc in testbed.docs.items() if doc.meta.court == court and says(d, stated) and not says(d, assumed)
    ]
    assert only, f"no {court} ruling states {stated!r} without {assumed!r}"
    reason = extractive._contradicted_premise(f"Why did the court {assumed} it?", {only[0]}, testbed)
    assert reason and f"assumes “{assumed}”" in reason and f"says “{stated}”" in reason


def test_every_holding_phrase_states_a_decision_in_a_testbed_ruling(testbed):
    from rag import legal, voice

    found = sentences(testbed)
    for phrase in legal.phrases("holdings", "phrases"):
        with_it = [s for s in found if re.search(rf"\b{re.escape(phrase)}\b", s, re.I)]
        assert with_it, phrase
        assert all(voice.states_holding(s) for s in with_it)


def test_every_argument_verb_gives_a_partys_position_in_a_testbed_ruling_and_yields_to_the_court(testbed):
    from rag import extractive, legal, voice

    found = sentences(testbed)
    settings = testbed.settings.model_copy(
        update={
            "answer_argument_penalty": 0.1,
            "answer_holding_bonus": 0.0,
            "answer_citation_penalty": 0.0,
            "answer_type_bonus": 0.2,
        }
    )
    decided = extractive._Bonus("How did the court rule on the plaintiffs' claims?", settings)
    asked = extractive._Bonus("What did the plaintiffs argue?", settings)
    denied = []  # "The State does not contend otherwise.": the court's observation
    verbs = voice.argument_pattern()[0]
    for verb in legal.phrases("arguments", "verbs"):
        with_it = [(s, re.search(rf"\b{re.escape(verb)}\b", s, re.I)) for s in found]
        with_it = [(s, m) for s, m in with_it if m]
        assert with_it, verb
        denied += [s for s, m in with_it if re.search(r"\bnot\s+$", s[: m.start()])]
        positions = [s for s, m in with_it if not voice.states_holding(s) and s not in denied]
        assert positions, verb
        assert all(decided(s) == pytest.approx(-0.1) and asked(s) == pytest.approx(0.2) for s in positions), verb
    assert denied and not any(voice.attributes_argument(s) for s in denied if len(verbs.findall(s)) == 1)
    for noun in legal.phrases("arguments", "asked"):
        assert extractive._Bonus(f"What was the government's {noun}?", settings).argument == 0.0, noun
    for word in legal.phrases("arguments", "claims"):  # a party's claim, in a testbed ruling
        claiming = [s for s in found if re.search(rf"\b{word}\b", s)]
        assert claiming and all(extractive._reports_claim(s) for s in claiming), word


def test_every_verb_of_a_partys_position_ties_the_party_alike_in_testbed_rulings(testbed):
    """ "Tarrant concedes" and "Tarrant argues" tie Tarrant to the same thing, so the support
    check can tell a position given to the other party (rag/legal.toml [arguments] `stances`)."""
    from rag import legal, verify

    found = sentences(testbed)
    tied = 0
    for word in legal.phrases("arguments", "stances"):
        with_it = [s for s in found if re.search(rf"\b{word}\b", s)]
        assert with_it, word
        for s in with_it:
            party = re.search(rf"\b([A-Z][a-z]+|plaintiffs?|defendants?|appellants?|appellees?) {word}\b", s)
            if party and (ties := verify._bindings(party.group(0)).ties):
                assert set(ties) == {(party.group(1).lower().rstrip("s"), ("after", verify.STANCE))}, (word, s)
                tied += 1
    assert tied >= 3


def test_a_question_asking_what_a_party_said_favours_a_partys_account_in_testbed_rulings(testbed):
    from rag import extractive, legal, voice

    table = legal.load()["arguments"]
    for verb in table["asking"]:
        assert extractive._asks_position(f"What did the union {verb} about the pension contributions?"), verb
        assert extractive._asks_position(f"How much did the plaintiffs in the class action {verb} they were owed?"), (
            verb
        )
    for court in table["court_voices"]:
        assert not extractive._asks_position(f"What did the {court} say about the pension contributions?"), court
    assert not extractive._asks_position("Why did the Seventh Circuit reject Lopez's claim that counsel erred?")
    settings = testbed.settings.model_copy(update={"answer_holding_bonus": 0.0, "answer_citation_penalty": 0.0})
    said = extractive._Bonus("What did the defendant say about the search?", settings)
    decided = extractive._Bonus("What did the court say about the search?", settings)
    found = sentences(testbed)
    for word in table["reports"]:
        reporting = [s for s in found if re.search(rf"\b{word}\b", s) and not voice.attributes_argument(s)]
        assert reporting, word
        assert all(said(s) > decided(s) for s in reporting), word


def test_a_word_of_decision_inside_what_a_party_says_leaves_it_the_partys_position(testbed):
    from rag import voice

    verb, _ = voice.argument_pattern()
    inside, before = [], []
    for s in sentences(testbed):
        argued, decided = verb.search(s), voice.holding_pattern().search(s)
        if argued and decided and not re.search(r"[;:]|\b(?:but|however|nevertheless|yet)\b", s[argued.end() :]):
            (inside if decided.start() > argued.start() else before).append(s)
    assert inside and before  # "IFF maintains that ... it was therefore obligated ..." (Third Circuit)
    assert all(voice.attributes_argument(s) for s in inside)
    assert not any(voice.attributes_argument(s) for s in before if not voice.argument_pattern()[1].search(s))
    assert not voice.attributes_argument("Acme argues that the claim fails; we disagree and affirm.")


def test_a_premise_a_ruling_gives_only_as_testimony_or_an_open_question_is_not_its_conclusion(testbed):
    from rag import extractive

    def scored(court: str, words: str):
        doc_id = by_court(testbed, court)
        text = testbed.docs[doc_id].text
        start, end = next((s, e) for s, e in testbed.units[doc_id].sentences if words in text[s:e])
        return extractive.Scored(doc_id, start, end, 1.0, 0.0)

    asked = scored("1st Cir.", "whether Maine classified religious gatherings")  # "the parties dispute ... whether"
    question = "Why did the First Circuit hold that Maine classified religious gatherings as essential activity?"
    assert extractive._unstated_premise(question, [asked], testbed)
    testified = scored("Mo. Ct. App.", "testified that she felt coerced")
    question = "Why did the court conclude that Jagels felt coerced to take the plea offer?"
    assert extractive._unstated_premise(question, [testified], testbed)
    held = scored("Mo. Ct. App.", "pleas were knowing, intelligent, and voluntary and plea counsel did not coerce")
    question = "Why did the court conclude that Jagels' pleas were knowing, intelligent, and voluntary?"
    assert extractive._unstated_premise(question, [held], testbed) is None


def test_according_to_a_party_is_its_position_in_testbed_rulings_even_beside_a_word_of_decision(testbed):
    from rag import extractive, legal, voice

    pattern = legal.load()["arguments"]["according"]
    settings = testbed.settings.model_copy(
        update={"answer_argument_penalty": 0.2, "answer_holding_bonus": 0.0, "answer_citation_penalty": 0.0}
    )
    plain = settings.model_copy(update={"answer_argument_penalty": 0.0})
    question = "Why did the court grant the motion?"
    accounts = [s for s in sentences(testbed) if re.search(pattern, s)]
    assert len({s[:30] for s in accounts}) >= 10  # parties, an appellant, an expert, in several rulings
    bonus, unpenalised = extractive._Bonus(question, settings), extractive._Bonus(question, plain)
    assert all(bonus(s) == pytest.approx(unpenalised(s) - 0.2) for s in accounts)
    assert any(voice.states_holding(s) for s in accounts)  # "Therefore, according to ..." too
    for authority in (
        "According to the Hangzhou Court, the platform was liable.",
        "According to the Ninth Circuit, the rule is settled.",
        "according to its plain language, the Compact governs.",
    ):
        assert not re.search(pattern, authority), authority


def test_every_issue_framing_pattern_states_a_testbed_rulings_question_and_yields_to_the_court(testbed):
    from rag import extractive, legal, voice

    found = sentences(testbed)
    settings = testbed.settings.model_copy(
        update={"answer_framing_penalty": 0.1, "answer_holding_bonus": 0.0, "answer_citation_penalty": 0.0}
    )
    decided = extractive._Bonus("Could the district court modify the sentence?", settings)
    asked = extractive._Bonus("What was the issue on appeal?", settings)
    for pattern in legal.load()["issues"]["framing"]:
        framing = [s for s in found if re.search(pattern, s, re.I) and not voice.states_holding(s)]
        assert len({s[:40] for s in framing}) >= 2, pattern  # in more than one sentence
        assert all(decided(s) == pytest.approx(-0.1) and asked(s) == 0.0 for s in framing), pattern


def test_every_citation_pattern_marks_authority_in_testbed_rulings_and_yields_to_the_court(testbed):
    from rag import extractive, legal

    found = sentences(testbed)
    settings = testbed.settings.model_copy(update={"answer_citation_penalty": 0.2, "answer_holding_bonus": 0.0})
    bonus = extractive._Bonus("Why did the court rule as it did?", settings)
    for pattern in legal.load()["citations"]["patterns"]:
        citing = [s for s in found if re.search(pattern, s)]
        assert len(citing) >= 10, pattern  # in many sentences of the rulings
        plain = testbed.settings.model_copy(update={"answer_citation_penalty": 0.0, "answer_holding_bonus": 0.0})
        unpenalised = extractive._Bonus("Why did the court rule as it did?", plain)
        assert all(bonus(s) == pytest.approx(unpenalised(s) - 0.2) for s in citing), pattern
    marked = [s for s in found if extractive._cites_authority(s)]
    assert 0.05 * len(found) < len(marked) < 0.5 * len(found)  # the court's own prose is most of a ruling
    for prose in (
        "We see no reason to disturb the judgment.",
        "The Court held a hearing on March 3, 2020.",
        "Plaintiff seeks $1,000 in fees for 12 hours of work.",
    ):
        assert not extractive._cites_authority(prose), prose


def test_every_answer_type_is_asked_for_and_found(testbed):
    from rag import legal

    asked = {
        "standard_of_review": "What standard of review did the court apply?",
        "judges": "Which judges heard the appeal?",
        "criminal_sentence": "What sentence did the district court impose?",
        "person_name": "What is the name of the officer who searched the car?",
        "duration": "How long was the applicant outside the United States?",
        "reason": "Why did the court deny the motion?",
        "rebuttal": "The insurer argued that the claim was untimely. How did the court respond?",
        "factor": "How did the fourth fair use factor come out?",
        "counsel": "Who was the defense attorney?",
    }
    also_asked = {  # the other ways a lawyer asks for the same thing
        "standard_of_review": "What level of deference did the panel give the trial judge's ruling?",
        "judges": "Was there a separate opinion, and did its author dissent?",
        "person_name": "Which revenue agent examined the returns?",
        "duration": "For what period were the disability benefits paid?",
        "criminal_sentence": "What was the sentence reduced to?",
        "reason": "On what basis did the panel reject the claim?",
        "rebuttal": "How did the panel deal with the government's argument that the stop was lawful?",
        "factor": "Which way did the balance of hardships factor cut?",
        "counsel": "What was the name of the lawyer who represented the appellant?",
    }
    more_asked = {
        "reason": "What led the court to deny the motion?",
        "rebuttal": "The union said Hostess caused its own default. Why didn't that defeat the motion?",
    }
    found = sentences(testbed)
    for name, (asks, answers) in legal.answer_types().items():
        assert asks.search(asked[name]), name
        assert name not in also_asked or asks.search(also_asked[name]), name
        assert name not in more_asked or asks.search(more_asked[name]), name
        for pattern in legal.load()["answer_types"][name]["answers"]:
            assert any(legal._either([pattern]).search(s) for s in found), (name, pattern)
    rebuttal = legal.answer_types()["rebuttal"][0]
    for asked_otherwise in ("How did the court rule on the motions?", "What did the court say the plaintiffs argued?"):
        assert not rebuttal.search(asked_otherwise), asked_otherwise  # an outcome; a party's position
    judges = legal.answer_types()["judges"][0]
    for asked_otherwise in ("Did the panel reach the church's claims?", "Did the Justices rely on the presumption?"):
        assert not judges.search(asked_otherwise), asked_otherwise  # what the court did, not who sat
    factor = legal.answer_types()["factor"][0]
    for asked_otherwise in ("What factors did the court weigh?", "Which factors did the court consider?"):
        assert not factor.search(asked_otherwise), asked_otherwise  # which factors, not where one came out
    duration = legal.answer_types()["duration"][1]
    # a stop's length, as the D.C. Circuit gives it
    assert any(duration.search(s) and re.search(r"\b45 minutes\b", s) for s in found)
    assert not duration.search("The officers detained him at 4:45 p.m.")
    term = legal.answer_types()["criminal_sentence"][1]
    # a term spelled out, as the Fifth Circuit writes it
    assert any(term.search(s) and "to seventy months" in s for s in found)
    judges = legal.answer_types()["judges"][1]
    # a district judge's opening line as the Southern District of New York writes it
    assert any(judges.search(s) and re.match(r"\W*Ramos, D\.J\.", s) for s in found)


@pytest.mark.parametrize("level", [2, 3])
def test_every_higher_court_phrase_and_decision_verb_is_refused_for_a_trial_courts_case(testbed, level):
    from rag import extractive, legal

    trial = by_court(testbed, "E.D. Cal.")
    party = testbed.docs[trial].meta.title.split(" v. ")[0]
    vocab = testbed.vocabulary
    for phrase in legal.level_phrases()[level]:
        for verb in legal.phrases("decisions", "verbs"):
            question = f"What did the {phrase} {verb} in {party}?"
            named = vocab.named(question)
            assert named == {trial} or trial in named, question
            reason = extractive._higher_court(question, vocab, testbed, {trial})
            assert reason and "E.D. Cal." in reason, question


def test_a_trial_court_or_jury_named_in_an_appellate_case_is_not_a_higher_court(testbed):
    from rag import extractive, legal

    appellate = by_court(testbed, "8th Cir.")
    for phrase in legal.level_phrases()[1]:
        question = f"What did the {phrase} decide in Wilson?"
        assert extractive._higher_court(question, testbed.vocabulary, testbed, {appellate}) is None, phrase


def test_court_levels_by_id_correct_what_courts_db_says(testbed):
    from rag import legal

    assert legal.court_level(testbed.docs[by_court(testbed, "U.S.")].meta.court) == 3
    assert legal.court_level(testbed.docs[by_court(testbed, "T.C.")].meta.court) == 1
    assert legal.court_level(testbed.docs[by_court(testbed, "N.C.")].meta.court) == 3  # courts-db: court of last resort
    districts = {d.meta.court for d in testbed.docs.values() if "District Court" in legal.court_name(d.meta.court)}
    assert {"D.N.J.", "N.D. Cal.", "E.D. Cal."} <= districts  # courts-db types D.N.J. "appellate"
    assert all(legal.court_level(c) == 1 for c in districts), districts


def test_generic_name_words_in_testbed_names_point_at_no_ruling(testbed):
    from rag import legal
    from rag.text import terms

    def names(doc):
        return f"{doc.meta.names()} {doc.meta.court} {legal.court_name(doc.meta.court)}"

    for word in legal.load()["names"]["generic"]:
        holders = [d for d, doc in testbed.docs.items() if re.search(rf"\b{re.escape(word)}\b", names(doc))]
        assert holders, f"{word!r} is in no testbed ruling's names"
        assert set(terms(word)) <= testbed.vocabulary.all_name_terms
        assert testbed.vocabulary.named(f"What did the {word} argue?") == set(), word


def test_every_party_role_is_used_by_a_ruling_and_a_swap_of_two_is_caught(testbed):
    from rag import legal
    from rag.verify import supports

    text = " ".join(doc.text for doc in testbed.docs.values())
    for role in legal.phrases("parties", "roles"):
        assert re.search(rf"\b{role}\b", text, re.I), role
    # A ruling's own sentence naming two parties by role a few words apart, and the same with the two swapped.
    role = r"(plaintiffs?|defendants?|appellants?|appellees?|petitioners?|respondents?)"
    pattern = re.compile(rf"\b{role}\b(?:\W+\w+){{1,6}}?\W+{role}\b")
    symmetric = {"and", "or", "nor", "the", "v", "vs", "both"}  # "between the petitioners and the respondents"
    pairs = [
        (s, m)
        for s in sentences(testbed)
        if (m := pattern.search(s))
        and m.group(1)[:5] != m.group(2)[:5]
        and not set(re.findall(r"\w+", s[m.end(1) : m.start(2)].lower())) <= symmetric
    ]
    assert len(pairs) >= 5
    caught = []
    for sentence, m in pairs:
        (a, b), (c, d) = m.span(1), m.span(2)
        swapped = sentence[:a] + m.group(2) + sentence[b:c] + m.group(1) + sentence[d:]
        assert supports(sentence, sentence).ok, sentence
        caught.append(not supports(swapped, sentence).ok)
    # Word order is all the check reads: a swap around a verb is caught, one across a relative
    # clause ("an injunction for defendants, which plaintiffs appealed") is not.
    print(f"swapped roles caught: {sum(caught)} of {len(caught)}")
    assert sum(caught) >= 0.6 * len(caught)


def test_every_sentence_of_every_testbed_ruling_supports_itself(testbed):
    """Whatever the check reads into a sentence (numbers, negations, parties, absolutes), the
    sentence itself, cited for itself, is never found to contradict it."""
    from rag.verify import supports

    failures = [
        (d, text, s)
        for d, doc in sorted(testbed.docs.items())
        for a, b in testbed.units[d].sentences
        if not (s := supports(text := doc.text[a:b], text, about=doc.meta.about_text())).ok
    ]
    assert not failures, failures[:5]


@pytest.mark.parametrize(
    "court, question",
    [
        ("1st Cir.", "Why could Calvary Chapel not hold services?"),  # "Calvary Chapel of Bangor v. Mills"
        ("N.D. Cal.", "How much did 1955 Capital's lawyers ask for?"),  # "... v. 1955 Capital Fund I GP LLC"
        ("S.D.N.Y.", "Why did Hostess close its bakeries?"),  # "In re Hostess Brands, Inc."
        ("D. Ariz.", "Why was the Bard case remanded?"),  # "In re Bard IVC Filters Products Liability Litigation"
    ],
)
def test_a_party_named_with_connectors_digits_or_in_re_points_at_its_ruling(testbed, court, question):
    named = testbed.vocabulary.named(question)
    assert len(named) == 1 and testbed.docs[named.pop()].meta.court == court, question


def test_a_person_who_shares_a_surname_with_another_cases_party_does_not_point_at_that_case(testbed):
    vocab = testbed.vocabulary
    governor = vocab.named("Did Cooper defend the statute?")  # "Gift Surplus, LLC v. State ex rel. Cooper"
    assert {testbed.docs[d].meta.court for d in governor} == {"N.C."}
    # Scanlon v. Lawson (D.N.J.) dismisses the claims against "Harold Cooper, Bobby Stubbs": not the Governor.
    assert vocab.named("What happened to the claims against Harold Cooper and Bobby Stubbs?") == set()
    # Two cases named at once, each by its own name: both, or the one named more fully.
    both = vocab.named("Did Tyson, like Cooper, win?")
    assert {testbed.docs[d].meta.court for d in both} == {"N.C.", "11th Cir."}
    fuller = vocab.named("Did Tyson Foods, like Cooper, win?")
    assert {testbed.docs[d].meta.court for d in fuller} == {"11th Cir."}


def test_every_acronym_is_written_out_in_a_ruling_and_a_question_using_it_names_nothing_unknown(testbed):
    from rag import extractive, legal

    vocab = testbed.vocabulary
    for acronym in legal.load()["acronyms"]:
        assert vocab.spells_out(acronym), acronym
        assert extractive._unknown_names(f"Did the court rule on the {acronym}?", vocab) == [], acronym
    # Written out in capitals ("Social Security Administration"), never abbreviated: no entry needed.
    assert vocab.spells_out("SSA")
    # Neither abbreviated nor written out anywhere ("for both its" is no FBI).
    assert extractive._unknown_names("What did the FBI find?", vocab) == ["FBI"]


def test_a_suffix_with_a_possessive_is_the_name_it_follows(testbed):
    from rag import extractive

    # Wilson (8th Cir.) is "Robert Wilson, Jr."; "Jr.'s" is no unknown name.
    assert extractive._unknown_names("Why was Robert Wilson Jr.'s sentence affirmed?", testbed.vocabulary) == []


def test_every_citation_abbreviation_is_used_by_a_testbed_ruling(testbed):
    from rag import legal

    found = " ".join(sentences(testbed)).lower()
    for short in legal.abbreviations():
        assert re.search(rf"(?<![\w.]){re.escape(short)}", found), short


def test_id_is_a_citation_sentence_of_its_own_in_testbed_rulings(testbed):
    """ "Id." (The Bluebook R4.1) ends its citation sentence: the court's next sentence is not
    quoted with it ("Id. Dr. Valerdi estimates ..."), and its pinpoint stays with it ("Id. at 5.")."""
    said = sentences(testbed)
    assert sum(s == "Id." for s in said) >= 10
    assert not [s for s in said if re.search(r"\bId\.\s+[A-Z][a-z]", s)]
    assert any(re.match(r"Id\. at \d", s) for s in said)
    assert not [s for s in said if re.match(r"at \d", s)]


def test_every_sentence_abbreviation_ends_no_sentence_in_a_testbed_citation(testbed):
    from rag import legal

    said = sentences(testbed)
    for short in legal.load()["sentence_abbreviations"]["words"]:
        inside = re.compile(rf"(?<![\w.’']){re.escape(short)}\. [A-Z]", re.I)
        assert any(inside.search(s) for s in said), short
    # Court citations of two periods or more, from courts-db: "(D.C. Cir. 2008)" (D.C. Cir.),
    # "(Bankr. S.D.N.Y. 1991)" (S.D.N.Y.), "(D.N.J. 1993)" (D.N.J.).
    for court, citation in [
        ("D.C. Cir.", "(D.C. Cir. 2008)"),
        ("S.D.N.Y.", "(Bankr. S.D.N.Y. 1991)"),
        ("D.N.J.", "(D.N.J. 1993)"),
    ]:
        doc = by_court(testbed, court)
        own = [testbed.docs[doc].text[s:e] for s, e in testbed.units[doc].sentences]
        assert any(citation in s and not s.startswith(citation) for s in own), citation
    from rag.ingest import _distinct_paragraphs, split_sentences

    split = [
        d.text[s:e]
        for d in testbed.docs.values()
        for p in _distinct_paragraphs(d)
        for s, e in split_sentences(d.text, *p)
    ]
    assert not [s for s in split if re.match(r"(Cir|Ct|App|Supp|Stat)\. ", s)]


def test_separate_opinions_are_found_and_answer_only_questions_about_them(testbed):
    from rag import extractive, legal

    separate, court, asks, majority = legal.opinion_patterns()
    found = sentences(testbed)
    assert any(court.search(s) for s in found) and any(separate.search(s) for s in found)
    authors = {d: {a for a in testbed.vocabulary.separate_opinions[d] if a} for d in testbed.docs}
    concurring = {d: a for d, a in authors.items() if a}
    assert len(concurring) >= 2, authors  # an Eleventh and a First Circuit concurrence
    assert not any(a for d, a in authors.items() if testbed.docs[d].meta.court in ("N.D. Cal.", "E.D. Cal."))
    settings = testbed.settings
    for doc_id, names in concurring.items():
        marks = testbed.vocabulary.separate_opinions[doc_id]
        inside = marks.index(next(iter(names)))
        outside = marks.index(None)
        author = next(iter(names)).title()
        about_it = extractive._separate_opinion(f"Why did Judge {author} concur?", marks, settings)
        holding = extractive._separate_opinion("What did the court hold?", marks, settings)
        other = extractive._separate_opinion("What did Judge Nobody say in dissent?", marks, settings)
        assert asks.search(f"Did any judge write separately in {doc_id}?")
        differently = extractive._separate_opinion("Did anyone on the panel see it differently?", marks, settings)
        assert differently(inside) == settings.answer_type_bonus
        for plainly in (  # the same asked as people ask it
            "Was the whole panel on board with that?",
            "Did all three judges buy that reasoning?",
            f"Did Judge {author} join all of that reasoning?",
            f"Which part of the majority's analysis did Judge {author} decline to join?",
            "Did anyone on the panel have doubts about that?",
            "Was the decision unanimous?",
        ):
            assert extractive._separate_opinion(plainly, marks, settings)(inside) == settings.answer_type_bonus, plainly
        assert not asks.search("What did the whole panel hold about the standard of review?")
        assert not asks.search("Did all three judges sit on the panel?")
        assert not asks.search("Why did the court disagree with the district court?")
        assert about_it(inside) == settings.answer_type_bonus and about_it(outside) == 0.0
        assert holding(inside) == -settings.answer_argument_penalty and holding(outside) == 0.0
        assert other(inside) == settings.answer_type_bonus  # no author of this ruling named: any separate opinion
        majority_asked = extractive._separate_opinion("Why did the majority find a motive?", marks, settings)
        assert majority.search("Why did the majority find a motive?")
        assert majority_asked(inside) == -settings.answer_keep_within and majority_asked(outside) == 0.0
        both = "Did any judge write separately, and what of the majority's reasoning did that judge not join?"
        assert extractive._separate_opinion(both, marks, settings)(inside) == settings.answer_type_bonus


def test_every_plain_word_means_a_word_rulings_use(testbed):
    from rag import legal
    from rag.text import terms

    said = set().union(*testbed.vocabulary.doc_terms.values())
    for word, phrases in legal.load()["plain_words"].items():
        assert set(terms(word)) <= said, word
        for phrase in phrases:
            assert legal.plain_meanings(f"Why was the appeal {phrase} by the court?") == [word], phrase
    assert legal.plain_meanings("They sent a letter back to the agency.") == []


def test_every_absolute_word_must_be_the_passages_own_or_one_of_its_group(testbed):
    from rag import legal, verify

    # N.D. Cal.: a disposition, said again with an absolute word the ruling does not use
    cited = next(s for s in sentences(testbed) if s.startswith("Accordingly, defendant’s motion to quash is DENIED"))
    groups: dict[str, list[str]] = {}
    for word, group in legal.absolutes().items():
        groups.setdefault(group, []).append(word)

    def saying(word: str) -> str:
        return f"{cited.rstrip('.')}; it can {word} be renewed." if word == "never" else f"{cited.rstrip('.')} {word}."

    for word, group in legal.absolutes().items():
        assert word in verify.conflicts(saying(word), cited), word
        for other in groups[group]:  # "every" where the passage says "all"
            assert word not in verify.conflicts(saying(word), saying(other)), (word, other)
