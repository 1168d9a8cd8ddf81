"""`rag.verify.supports` on passages of testbed rulings of several courts: what a model's
sentence may say of a passage and what it may not.

Each passage is found in the ruling as the reader gives it (nothing is copied here but a few
of its words to find it), and each case pairs a sentence a model could write, faithful or
wrong, with what the check must say. evals/support_check.py measures the check on labelled
sets; these tests pin the behaviours one at a time.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pytest

from conftest import TESTBED

pytestmark = pytest.mark.slow  # reads PDFs


@lru_cache(maxsize=None)
def ruling(prefix: str):
    from rag.ingest import read_document

    return read_document(next(TESTBED.glob(f"{prefix}*.pdf")))


def passage(prefix: str, start: str, end: str) -> str:
    """The ruling's text from the sentence that begins with `start` to the end of `end`."""
    text = " ".join(ruling(prefix).text.split())
    m = re.search(re.escape(start) + r".*?" + re.escape(end), text)
    assert m, (prefix, start)
    return m.group(0)


def check(prefix: str, sentence: str, cited: str, document: bool = True):
    from rag.verify import supports

    doc = ruling(prefix)
    return supports(sentence, cited, about=doc.meta.about_text(), document=doc.text if document else "")


def test_two_parties_swapped_around_a_possessive_or_a_verb_are_caught():
    # N.D. Cal.: whose motion, whose expert.
    cited = passage("finjan_v_cisco_5-17-cv-00072-BLF_dkt551", "In conclusion, the Court GRANTS Cisco", "Valerdi.")
    assert check(
        "finjan_v_cisco_5-17-cv-00072-BLF_dkt551",
        "The court granted Cisco's motion to exclude the testimony of Finjan's cost expert.",
        cited,
    )
    swapped = check(
        "finjan_v_cisco_5-17-cv-00072-BLF_dkt551",
        "The court granted Finjan's motion to exclude the testimony of Cisco's cost expert.",
        cited,
    )
    assert not swapped and swapped.conflicts
    # 3d Cir.: who sent the letter to whom.
    cited = passage("ca3_travelers", "In May 2004, IFF sent a letter", "claim.")
    assert check(
        "ca3_travelers", "In May 2004 IFF sent Dammann a letter claiming over five million dollars in damages.", cited
    )
    assert not check(
        "ca3_travelers", "In May 2004 Dammann sent IFF a letter claiming over five million dollars in damages.", cited
    )
    # 10th Cir.: whose brief, whose reply.
    cited = passage("ca10_triplet", "After receiving the State", "brief.")
    assert check(
        "ca10_triplet", "After the State's brief and Triplet's reply, the court appointed counsel for Triplet.", cited
    )
    assert not check(
        "ca10_triplet", "After Triplet's brief and the State's reply, the court appointed counsel for Triplet.", cited
    )


def test_a_party_given_the_other_partys_act_is_caught_though_the_other_is_not_named():
    # N.D. Cal.: the motion was Cisco's; the sentence gives it to Finjan and never names Cisco.
    cited = passage("finjan_v_cisco_5-17-cv-00072-BLF_dkt551", "In conclusion, the Court GRANTS Cisco", "Valerdi.")
    wrong = check(
        "finjan_v_cisco_5-17-cv-00072-BLF_dkt551", "The court granted Finjan's motion to exclude Dr. Valerdi.", cited
    )
    assert not wrong and wrong.conflicts
    # N.D. Cal.: the defendant's motion, given to the plaintiffs (two roles); FedEx is the defendant.
    cited = passage("alvarado_v_fedex", "Accordingly, defendant", "DENIED.")
    assert not check("alvarado_v_fedex", "The court denied the plaintiffs' motion to quash.", cited)
    assert check("alvarado_v_fedex", "The court denied FedEx's motion to quash.", cited)  # a name for a role: may be it


def test_a_date_or_count_is_the_passages_not_a_digit_of_the_docket_or_date():
    # The Holmes docket is 18-cr-00258 and the Martin opinion is dated February 5: neither
    # makes "July 18" or "five grams" true.
    cited = passage("us_v_holmes", "On July 8, 2020, this Court granted", "12.2(c).")
    assert check("us_v_holmes", "On July 8, 2020, the court granted the government's motion for an examination.", cited)
    assert not check(
        "us_v_holmes", "On July 18, 2020, the court granted the government's motion for an examination.", cited
    )
    cited = passage("ca5_us_v_martin", "Jerrold Martin pled guilty", "841(a)(1).")
    assert check("ca5_us_v_martin", "Martin pleaded guilty to possessing at least fifty grams of crack cocaine.", cited)
    assert not check(
        "ca5_us_v_martin", "Martin pleaded guilty to possessing at least five grams of crack cocaine.", cited
    )
    assert check(
        "ca5_us_v_martin",
        "On February 5, 2010, the Fifth Circuit recounted that Martin pleaded guilty to possessing at least fifty grams of crack cocaine.",
        cited,
    )


@pytest.mark.parametrize(
    "prefix, start, end, sentence, old, new, field, reason",
    [
        pytest.param(  # D.C. Cir.: "Both of these statements" are two statements, not three.
            "cadc_us_v_vinton",
            "Both of these statements were wholly exculpatory",
            "verdict obtained.",
            "Because the two statements were wholly exculpatory, they could not have contributed to the verdict.",
            "two",
            "three",
            "missing",
            "three",
            id="both counts two",
        ),
        pytest.param(  # D.N.J.: the unserved defendants are dismissed without prejudice.
            "scanlon",
            "The Court will deny an extension of time",
            "without prejudice.",
            "The court dismissed the claims against the unserved defendants without prejudice.",
            "without",
            "with",
            "conflicts",
            "with prejudice",
            id="with is not without",
        ),
    ],
)
def test_a_faithful_sentence_passes_and_one_word_changed_is_caught_by_name(
    prefix, start, end, sentence, old, new, field, reason
):
    cited = passage(prefix, start, end)
    assert check(prefix, sentence, cited)
    wrong = check(prefix, sentence.replace(old, new), cited)
    assert not wrong and reason in getattr(wrong, field)


def test_negations_are_read_as_english_reads_them():
    # 6th Cir.: the court's "[n]o active synovitis" is "no active synovitis".
    cited = passage("ca6_balmert", "After evaluating Balmert on October 21, 2004", "good control.”")
    assert check(
        "ca6_balmert", "Dr. Hackshaw found no active synovitis and said her arthritis was under good control.", cited
    )
    assert not check("ca6_balmert", "Dr. Hackshaw found active synovitis.", cited)
    # 4th Cir.: "refused to return" is "would not return"; "failed" without "to" negates nothing.
    cited = passage("ca4_weintraub", "Quicken Loans refused to return", "credit report.")
    assert check(
        "ca4_weintraub", "Quicken Loans would not return the full $500 deposit, though it refunded $129.41.", cited
    )
    assert not check("ca4_weintraub", "Quicken Loans returned the full $500 deposit.", cited)
    # 1st Cir.: "prevents us from reaching" is "without reaching".
    cited = passage("ca1_calvary", "In this venue, the Chapel renews", "appellate jurisdiction.")
    assert check(
        "ca1_calvary",
        "The First Circuit dismissed the appeal for lack of appellate jurisdiction without reaching the substance of the Chapel's contentions.",
        cited,
    )
    # 6th Cir.: "insufficient" is not "sufficient".
    cited = passage("ca6_balmert", "However, because the record was constructed solely", "another basis.")
    assert not check(
        "ca6_balmert",
        "The court found sufficient record evidence to support a finding of disability on another basis.",
        cited,
    )


def test_a_subsection_or_a_time_word_does_not_end_or_carry_a_negation():
    from rag.verify import opposes

    # 4th Cir.: "the right to rescind given by § 1635(a) never arose" denies rescinding; "(a)" is
    # no parenthetical, and "before" only says when.
    cited = passage("ca4_weintraub", "Moreover, because the Weintraubs withdrew", "full value of the deposit")
    assert not opposes("the Weintraubs could not rescind before closing", cited)
    assert not opposes("the Weintraubs could not rescind, and Quicken Loans need not return the full deposit", cited)


def test_an_outcome_said_another_way_must_still_be_the_passages():
    cited = passage("ca10_triplet", "Triplet immediately sought to withdraw", "June 1, 2004.")
    wrong = check("ca10_triplet", "On June 1, 2004, the trial court allowed Triplet to withdraw his plea.", cited)
    assert not wrong and wrong.conflicts


def test_a_disposition_the_passage_negates_is_not_one_it_states():
    # 11th Cir.: "has not presented sufficient evidence to overturn" states no reversal, so the
    # passage's "AFFIRMED" contradicts a sentence saying the court reversed; the affirmance stands.
    prefix = "ca11_robinson"
    cited = passage(prefix, "This finding of fact is held to the clearly erroneous standard", "AFFIRMED.")
    wrong = check(prefix, "The Eleventh Circuit reversed the summary judgment for Tyson Foods.", cited)
    assert not wrong and any("reverse" in c for c in wrong.conflicts)
    assert check(prefix, "The Eleventh Circuit affirmed the summary judgment for Tyson Foods.", cited)


def test_absolute_words_count_by_meaning_and_qualified_ones_are_not_absolute():
    # 10th Cir.: "every sentence" for "all of the sentences".
    cited = passage("ca10_triplet", "Because Triplet’s attempted escape sentence", "were served.")
    assert check(
        "ca10_triplet",
        "Triplet remained in custody on his attempted escape sentence for federal habeas purposes until every sentence in the consecutive series was served.",
        cited,
    )
    # S.D.N.Y.: "nearly all" is no claim about all.
    cited = passage("hostess", "The vast majority of the CBAs", "employees.")
    assert check(
        "hostess",
        "Nearly all of the CBAs, 111 of 117, require Hostess to make payments to the B&C Fund on behalf of represented employees.",
        cited,
    )
    # 4th Cir.: a limited right stated as one that holds whenever the debtor wants it.
    cited = passage("ca4_weintraub", "Surely, what Congress intended instead", "second thoughts.")
    assert not check(
        "ca4_weintraub",
        "Congress gave debtors a right to back out of loan obligations whenever they have second thoughts.",
        cited,
    )
    # 8th Cir.: a holding on one kind of disparity widened to disparities "of any kind", or declared "flatly".
    cited = passage("ca8_us_v_wilson", "Further, we have held post-Booker", "under § 3553(a).")
    plain = "The Eighth Circuit has held that a state-federal sentencing discrepancy is not an appropriate § 3553(a) consideration."
    assert check("ca8_us_v_wilson", plain, cited)
    for widened in (
        "The Eighth Circuit has held that sentencing disparities of any kind are not an appropriate consideration under § 3553(a).",
        "The Eighth Circuit flatly holds that a state-federal sentencing discrepancy is not an appropriate § 3553(a) consideration.",
    ):
        assert not check("ca8_us_v_wilson", widened, cited), widened
    # N.D. Cal.: a motion granted in part and denied in part is not one denied "in full".
    prefix = "tessera"
    cited = passage(prefix, "For the reasons discussed below, the Court GRANTS Tessera", "motion to strike.")
    assert check(prefix, "The court denied Toshiba's motion to strike in part.", cited)
    assert not check(prefix, "The court denied Toshiba's motion to strike in full.", cited)


def test_only_narrowing_an_amount_is_no_absolute_but_only_before_a_party_is():
    # 4th Cir.: "only $129.41" restates the refund; "Only Quicken Loans" claims what no passage says.
    cited = passage("ca4_weintraub", "Despite this contractual language, Quicken Loans refunded", "credit report.")
    sentence = "Quicken Loans refunded only $129.41 to the Weintraubs, after deducting $350 for the appraisal and $20.59 for the credit report."
    assert check("ca4_weintraub", sentence, cited)
    assert not check(
        "ca4_weintraub", sentence.replace("Quicken Loans refunded only", "Only Quicken Loans refunded"), cited
    )


def test_a_judge_is_not_credited_with_what_the_passage_says_another_judge_wrote():
    # 11th Cir.: the concurrence is Judge Anderson's; Judge Fay sat on the same panel.
    cited = passage("ca11_robinson", "ANDERSON, Circuit Judge, concurring", "voice my concerns.")
    sentence = "Judge Anderson concurred because binding panel precedent dictated the result, writing separately to voice his concerns."
    assert check("ca11_robinson", sentence, cited)
    wrong = check("ca11_robinson", sentence.replace("Anderson", "Fay"), cited)
    assert not wrong and any("judge" in c for c in wrong.conflicts)


def test_a_judge_the_ruling_names_may_be_credited_with_a_passage_that_does_not_name_them():
    cited = passage(
        "ca1_calvary", "I agree that the denial of the temporary restraining order", "preliminary injunction."
    )
    sentence = "Concurring, Judge Barron agreed that the TRO denial did not have the practical effect of denying a preliminary injunction."
    assert check("ca1_calvary", sentence, cited)  # "TRO" spells out "temporary restraining order"
    assert check("ca1_calvary", sentence.replace("Barron", "Selya"), cited)  # both sat on the panel
    assert not check("ca1_calvary", sentence.replace("Barron", "Kayatta"), cited)  # not in this ruling
    assert not check("ca1_calvary", sentence, cited, document=False)  # without the ruling, the name is unaccounted for


def test_a_hyphenated_name_is_named_by_its_parts():
    # N.D. Cal.: "the contract Finjan and Cisco entered into" is "the Finjan-Cisco contract"; "Gant-based" names Gant.
    prefix = "finjan_v_cisco_5-17-cv-00072-BLF_dkt551"
    cited = passage(prefix, "Because the role of the board observer", "assist the jury.")
    sentence = "Because the board observer's role was set by the Finjan-Cisco contract, Dr. Tompkins' view of it was irrelevant."
    assert check(prefix, sentence, cited)
    wrong = check(prefix, sentence.replace("Finjan-Cisco", "Finjan-Oracle"), cited)
    assert not wrong and "Oracle" in wrong.missing  # a party the ruling never names


def test_a_name_the_ruling_gives_elsewhere_may_be_used_but_not_a_case_it_cites():
    # T.C. Memo.: the passage says "Mr. Bordelon"; the caption and footnotes give his first name.
    cited = passage(
        "us_tax_court_bordelon", "Therefore, we find that Mr. Bordelon was at risk in 2011", "Kilgore Loan."
    )
    sentence = "The Tax Court found that Rock Bordelon was at risk in 2011 for the Kilgore Loan."
    assert check("us_tax_court_bordelon", sentence, cited)
    assert not check("us_tax_court_bordelon", sentence, cited, document=False)  # the name is unaccounted for
    assert not check("us_tax_court_bordelon", sentence.replace("Rock", "Torrance"), cited)  # in no part of it
    # "Welch v. Helvering" is cited in the ruling, not by this passage: no authority for this sentence
    assert not check(
        "us_tax_court_bordelon", "Under Welch, Mr. Bordelon was at risk in 2011 for the Kilgore Loan.", cited
    )


def test_a_clause_that_denies_without_not_may_be_restated_with_not_but_not_reversed():
    # D.N.J.: "was insufficient to impute notice to Jordan" said as "was not enough to impute".
    cited = passage("scanlon_v_lawson", "Under Federal Rule of Civil Procedure 15(c)(1)(C), even if", "filed in 2016.")
    sentence = "Notice to Jordan's supervisors was not enough to impute notice of the 2016 lawsuit to Jordan."
    assert check("scanlon_v_lawson", sentence, cited)
    assert not check("scanlon_v_lawson", sentence.replace("was not enough", "was sufficient"), cited)


def test_a_claim_a_ruling_holds_barred_may_be_restated_as_one_that_could_not_be_brought():
    # 3d Cir.: "IFF's product liability crossclaim ... is therefore barred by the economic loss doctrine".
    cited = passage("ca3_travelers", "Because we predict that the New Jersey Supreme Court", "in that respect.")
    said = "IFF could not bring a product liability crossclaim for its economic loss."
    assert check("ca3_travelers", said, cited)
    from rag import verify

    assert not verify.opposes("IFF could not bring a product liability crossclaim", cited)
    assert verify.opposes("The crossclaim was not barred by the economic loss doctrine", cited)  # the reverse


def test_a_standard_named_by_a_hyphenated_phrase_is_not_asserted():
    # 6th Cir.: "applied the arbitrary-and-capricious standard of review" says nothing was arbitrary.
    cited = passage("ca6_balmert", "Here, the district court appropriately applied", "eligibility for benefits.")
    from rag import verify

    assert not verify.opposes("Reliance Standard's decision was not arbitrary and capricious", cited)
    held = passage("ca6_balmert", "Therefore, Reliance Standard", "was not arbitrary and capricious.")
    assert verify.opposes("Reliance Standard's decision was arbitrary and capricious", held)


def test_a_court_rule_a_citation_abbreviates_may_be_named_in_full():
    # Fed. Cir.: the whole judgment is "AFFIRMED. See Fed. Cir. R. 36."
    cited = passage("cafc_nelson", "AFFIRMED", "36")
    assert check("cafc_nelson", "The Federal Circuit affirmed under Federal Circuit Rule 36.", cited)
    assert not check("cafc_nelson", "The Federal Circuit affirmed under Federal Circuit Rule 37.", cited)
    # S.D.N.Y.: the court is the Southern District of New York, which its citation abbreviates.
    cited = passage("hostess", "The sole issue raised on appeal is whether Hostess", ".")
    court = (
        "The Southern District of New York framed the sole issue as whether Hostess still owed pension contributions."
    )
    assert check("hostess", court, cited)
    assert not check("hostess", court.replace("Southern", "Western"), cited)


def test_a_prefixed_antonym_is_caught_as_written_not_only_as_stemmed():
    # N.D. Cal.: "untimely" stems apart from "timely"; the court found the motion untimely.
    cited = passage("china_fortune", "Because the motion for pre-judgment interest", "untimely.")
    assert check(
        "china_fortune",
        "The court held the motion for pre-judgment interest untimely, since it came more than 28 days after judgment.",
        cited,
    )
    wrong = check("china_fortune", "The court found the motion for pre-judgment interest timely.", cited)
    assert not wrong and "timely" in wrong.conflicts


def test_a_sentence_the_next_one_denies_asserts_nothing():
    # Mo. Ct. App.: "... into coercion. It was not." says that it was not coercion.
    cited = passage("mo_ctapp_jagels", "Jagels seeks to convert", "It was not.")
    assert check(
        "mo_ctapp_jagels",
        "The appellate court concluded that plea counsel's accurate account of the stark choice Jagels faced was not coercion.",
        cited,
    )


def test_a_negation_reaches_every_item_of_its_list_and_no_further():
    # 1st Cir.: "no discovery was conducted ...; no witnesses were called" is "no transcript, discovery, or witnesses".
    cited = passage("ca1_calvary", "The district court heard the parties only", "her opposition.")
    assert check(
        "ca1_calvary",
        "The district court held only a telephone conference, with no verbatim record, discovery, or witnesses.",
        cited,
    )
    assert not check("ca1_calvary", "The district court heard witnesses before ruling on the motion.", cited)
    # 6th Cir.: "not arbitrary and capricious, and affirmed": the verb after the list is asserted.
    cited = passage("ca6_balmert", "Concluding that Balmert received", "we affirm.")
    assert check(
        "ca6_balmert",
        "The Sixth Circuit found the benefits determination not arbitrary and capricious, and affirmed.",
        cited,
    )


def test_words_that_deny_without_not_are_read_as_denials():
    # N.C.: "no factual dispute" is what "nobody disputes" says.
    cited = passage(
        "nc_supreme_gift", "Accordingly, we hold that whether chance or skill predominates", "game is played."
    )
    assert check(
        "nc_supreme_gift",
        "Where nobody disputes how the game is played, whether skill or chance predominates is reviewed de novo.",
        cited,
    )
    # Mo. Ct. App.: she "denied being coerced" where her petition says she "had not been coerced".
    cited = passage("mo_ctapp_jagels", "In her petition to enter a guilty plea", "enter the pleas.")
    assert check("mo_ctapp_jagels", "In her plea petition Jagels denied being coerced or threatened.", cited)
    # 7th Cir.: "no crime at all" is "innocent of any crime"; the same without "any" is an overclaim.
    from rag.verify import conflicts

    cited = passage("ca7_lopez", "The decision appears to have been strategic", "any crime.")
    assert not conflicts(
        "Counsel's choice was strategic, for Lopez told the jury he had committed no crime at all.", cited
    )
    cited = passage("ca7_lopez", "The decision appears to have been strategic", "innocent")
    assert "at all" in conflicts(
        "Counsel's choice was strategic, for Lopez told the jury he had committed no crime at all.", cited
    )


def test_limited_to_backs_only():
    # N.D. Cal.: "Cisco is limited to cross examination" backs "only to cross-examine".
    cited = passage(
        "finjan_v_cisco_5-17-cv-00072-BLF_dkt660", "Accordingly, The Court DENIES Finjan", "pending lawsuits."
    )
    assert check(
        "finjan_v_cisco_5-17-cv-00072-BLF_dkt660",
        "Cisco may bring up Finjan's other pending lawsuits only to cross-examine Finjan's experts on their work and compensation in them.",
        cited,
    )


def test_who_did_it_is_read_through_who_and_himself():
    # 7th Cir.: in Julian's account "it was Arthur who shot and killed Jilani".
    cited = passage("ca7_lopez", "In the version of the story Julian told Acevedo", "uttered his name.")
    assert check("ca7_lopez", "In Julian's account to Acevedo, it was Arthur who shot and killed Jilani.", cited)
    wrong = check(
        "ca7_lopez", "In Julian's account to Acevedo, Julian himself shot Jilani after Jilani recognized Arthur.", cited
    )
    assert not wrong and wrong.conflicts


def test_the_court_is_not_credited_with_what_the_passage_gives_as_a_partys_position():
    # 6th Cir.: the "unnecessary cycle" is Reliance Standard's argument, quoting the Tenth Circuit.
    cited = passage("ca6_balmert", "Reliance Standard, quoting Metzger", "re-review.")
    said = "letting a claimant receive and rebut medical reports generated in an administrative appeal would set up an unnecessary cycle of submission, review, re-submission, and re-review"
    assert check("ca6_balmert", f"Reliance Standard countered that {said}.", cited)
    wrong = check("ca6_balmert", f"The Sixth Circuit held that {said}.", cited)
    assert not wrong and "a party's position, not the court's" in wrong.conflicts
    # 10th Cir.: "The State does not contend otherwise." is the court's observation, not a position.
    cited = passage("ca10_triplet", "Consequently, Triplet was", "does not contend otherwise.")
    assert check(
        "ca10_triplet",
        "The Tenth Circuit held that Triplet was still in custody on the attempted escape conviction when he filed his petition, and the State did not contend otherwise.",
        cited,
    )


def test_a_party_of_the_title_is_its_role_where_the_passage_calls_parties_by_role():
    # D.C. Cir., "United States v. Vinton": Vinton is the defendant; the government conceded.
    cited = passage("cadc_us_v_vinton", "However, because the offense of PPW requires", "for PPW.")
    sentence = (
        "{} conceded that Officer Alton lacked probable cause to arrest Vinton for possession of a prohibited weapon."
    )
    assert check("cadc_us_v_vinton", sentence.format("The government"), cited)
    wrong = check("cadc_us_v_vinton", sentence.format("Vinton"), cited)
    assert not wrong and wrong.conflicts
    # N.D. Cal., "Alvarado v. FedEx Corp.": a trial court's caption names the plaintiffs first.
    cited = passage("alvarado", "By letter briefs", "Los Angeles")
    sentence = "{} sought an order quashing a subpoena that {} issued to a court reporter for Michael Snyder's deposition transcript."
    assert check("alvarado", sentence.format("FedEx", "the plaintiffs"), cited)
    wrong = check("alvarado", sentence.format("The plaintiffs", "FedEx"), cited)
    assert not wrong and wrong.conflicts


def test_a_partys_position_given_to_the_other_party_is_caught_whatever_verb_each_uses():
    # U.S.: Tarrant argues it; the sentence gives it to the other party of the title, in other words.
    cited = passage("scotus_tarrant", "Tarrant argues that the Oklahoma water statutes", "Compact.")
    assert check(
        "scotus_tarrant",
        "Tarrant contended that Oklahoma's water statutes discriminate against interstate commerce.",
        cited,
    )
    wrong = check(
        "scotus_tarrant",
        "Herrmann maintained that Oklahoma's water statutes discriminate against interstate commerce.",
        cited,
    )
    assert not wrong and wrong.conflicts


def test_a_negation_reaches_the_verbs_of_its_list_and_approval_is_a_grant():
    # 7th Cir.: "by failing to request, or even discuss with him, a jury instruction".
    cited = passage("ca7_lopez", "Lopez claims that his trial counsel", "felony murder.")
    faithful = "Lopez says counsel erred by not requesting, or even discussing with him, such an instruction."
    assert check("ca7_lopez", faithful, cited)
    discussed = check("ca7_lopez", "Lopez says his lawyer was ineffective although he discussed it with him.", cited)
    assert not discussed and discussed.conflicts
    # 2d Cir.: the agency approved the application, then reopened it.
    cited = passage("ca2_gildernew", "On May 8, 2006, the CIS notified Plaintiff", "later that month.")
    assert check("ca2_gildernew", "In May 2006 the CIS granted his application for citizenship.", cited)
    refused = check("ca2_gildernew", "In May 2006 the CIS denied his application for citizenship.", cited)
    assert not refused and refused.conflicts


def test_what_comes_before_failed_to_is_said_not_negated():
    # 10th Cir.: "appellate counsel was not ineffective for failing to raise the issue".
    cited = passage("ca10_triplet", "Therefore, appellate counsel was not ineffective", "the issue.")
    flipped = check("ca10_triplet", "Appellate counsel was ineffective for failing to raise the issue.", cited)
    assert not flipped and flipped.conflicts
    assert check("ca10_triplet", "Counsel was not ineffective in failing to raise the issue on appeal.", cited)
    from rag.verify import opposes

    assert opposes("Counsel was ineffective for failing to raise the issue.", cited)


@pytest.mark.parametrize(
    "prefix, start, end, faithful, wrong",
    [
        pytest.param(  # N.D. Cal.: "the Court GRANTS Tessera's Motion ... DENIES Toshiba's": "GRANTS" is no name
            "tessera_v_toshiba",
            "For the reasons discussed below, the Court GRANTS",
            "motion to strike.",
            "The court granted Tessera's motion for partial summary judgment and denied Toshiba's.",
            "The court granted Toshiba's motion for summary judgment and denied Tessera's.",
            id="a disposition in capitals binds to the party whose motion it decides",
        ),
        pytest.param(  # E.D. Cal.: the prisoner's allegation, given as the court's finding
            "crane_v_rodriguez",
            "Plaintiff alleges that on multiple occasions",
            ".",
            "Crane alleges that the defendants set him up for assault by inmates.",
            "The court found that the defendants set Crane up for assault by inmates.",
            id="what a party alleges is not what the court found",
        ),
        pytest.param(  # 6th Cir.: one physician of the ruling put in the place of the one the passage names
            "ca6_balmert",
            "The determination to grant Balmert benefits",
            "use of her hands.",
            "The closed-period award rested on Dr. Thomas's opinion that Balmert would at first struggle to type.",
            "The closed-period award rested on Dr. Hackshaw's opinion that Balmert would at first struggle to type.",
            id="a name the passage does not give, in the place of one it does",
        ),
        pytest.param(  # N.D. Cal.: a grant told in plain words as its opposite ([plain_words])
            "us_v_holmes",
            "On July 8, 2020, this Court granted",
            "12.2(c).",
            "On July 8, 2020, the court allowed the government's request for a Rule 12.2(c) examination.",
            "On July 8, 2020, the court turned down the government's request for a Rule 12.2(c) examination.",
            id="a disposition in plain words is still the disposition",
        ),
    ],
)
def test_a_faithful_sentence_passes_where_its_wrong_twin_is_caught(prefix, start, end, faithful, wrong):
    cited = passage(prefix, start, end)
    assert check(prefix, faithful, cited)
    caught = check(prefix, wrong, cited)
    assert not caught and caught.conflicts


def test_can_never_is_a_rule_the_passage_must_state():
    # 1st Cir.: "not ordinarily appealable" is no "can never be appealed".
    cited = passage("ca1_calvary", "The denial of a temporary restraining order is not ordinarily", 'exceptions."')
    never = check(
        "ca1_calvary",
        "The First Circuit held that the denial of a temporary restraining order can never be appealed.",
        cited,
    )
    assert not never and "never" in never.conflicts
    assert check("ca1_calvary", "The denial of a temporary restraining order is not ordinarily appealable.", cited)
    # N.C.: where the passage says "never", a sentence may too.
    cited = passage("nc_supreme", "On 75% of turns, the player will never", "could win nothing.")
    assert check("nc_supreme", "On 75% of turns a player can never play for the $2400 top prize.", cited)


def test_a_share_may_be_said_as_a_fraction_of_the_passage_s_percentage():
    # N.C.: "On 75% of turns ..." is "three out of four turns", not "two out of three".
    cited = passage("nc_supreme", "On 75% of turns, the player will never", "could win nothing.")
    for faithful in (
        "On three out of every four turns the player has no chance at the $2400 prize and could win nothing at all.",
        "On 3 in 4 turns the player will never be able to play for the largest prize of $2400.",
    ):
        assert check("nc_supreme", faithful, cited), faithful
    wrong = check(
        "nc_supreme", "On two out of three turns the player will never be able to play for the $2400 prize.", cited
    )
    assert not wrong and {"two", "three"} <= set(wrong.missing)


@pytest.mark.parametrize(
    "prefix, start, end, sentence",
    [
        pytest.param(  # 1st Cir.
            "ca1_calvary",
            "But a jurisdictional barrier looms at the threshold",
            "appellate jurisdiction.",
            "The First Circuit concluded that a jurisdictional barrier kept the court from reaching the merits.",
            id="'prevents us from reaching' is 'kept the court from reaching'",
        ),
        pytest.param(  # Tax Court
            "us_tax_court_bordelon",
            "Accordingly, we are persuaded that Mr. Bordelon was personally",
            "return.",
            "The court held Mr. Bordelon personally liable, unprotected against loss, and at risk.",
            id="'not protected against loss' is 'unprotected against loss'",
        ),
        pytest.param(  # 7th Cir.
            "ca7_lopez",
            "But, as Lopez concedes, we may not grant",
            "state law.",
            "Lopez conceded that habeas relief is not available merely because a state court misapplied state law.",
            id="the periods of a citation end no clause, so its 'not' still reaches 'merely'",
        ),
        pytest.param(  # N.D. Cal.
            "finjan_v_cisco_5-17-cv-00072-BLF_dkt660",
            "The Court DENIES Cisco’s motion as to the $9.18",
            "Patent.",
            "Judge Freeman declined to exclude the $9.18 million jury award as relevant to damages and non-obviousness.",
            id="a spelled-out number is no word a negation governs",
        ),
        pytest.param(  # 7th Cir.
            "ca7_lopez",
            "The court also observed that",
            "on the matter.",
            "The state court found that the record belies Lopez's allegation and denied an evidentiary hearing.",
            id="what a court 'refused to grant' it 'denied'",
        ),
    ],
)
def test_negations_said_another_way_are_no_contradiction(prefix, start, end, sentence):
    assert check(prefix, sentence, passage(prefix, start, end))


def test_a_merits_ruling_is_no_restatement_of_a_barrier_to_reaching_them():
    # 1st Cir.: the other side of "kept the court from reaching the merits"
    cited = passage("ca1_calvary", "But a jurisdictional barrier looms at the threshold", "appellate jurisdiction.")
    reached = "The First Circuit concluded that it could reach the merits of the Chapel's contentions."
    assert not check("ca1_calvary", reached, cited)


def test_a_question_the_sentence_reports_asserts_nothing():
    # S.D.N.Y.: the appeal asked whether Hostess "does not remain contractually obligated".
    prefix = "hostess_bankr_appeal"
    cited = passage(prefix, "The sole issue raised on appeal by the BCT Union is whether", "employees.")
    asked = (
        "The union's appeal raised a single question: whether Hostess still had a contractual duty to make payments."
    )
    assert check(prefix, asked, cited)


def test_a_word_may_be_restated_in_another_form_of_it():
    # 2d Cir.: "the intent of Congress" is what Congress "intended"; 10th Cir.: "not certified"
    # is "lacking certification". The stemmer keeps these forms apart; the check does not.
    cited = passage("ca2_gildernew", "But because the statute is clear and unambiguous", "legislative history.")
    restated = "Since the statute's text is unambiguous, the court declined to consult legislative history to work out what Congress intended."
    assert check("ca2_gildernew", restated, cited)
    cited = passage("ca10_triplet", "However, because he was not certified to stand trial", "escape case.")
    restated = "Lacking adult certification or a prior adult sentence, Triplet should have been handled as a youthful offender on the escape charge."
    assert check("ca10_triplet", restated, cited)


def test_another_word_is_no_form_of_one_that_begins_the_same():
    from rag.text import terms
    from rag.verify import _root

    forms = [("decided", "decision"), ("absent", "absence"), ("liable", "liability"), ("voluntary", "voluntarily")]
    others = [("part", "party"), ("plain", "plaintiff"), ("court", "courtesy"), ("state", "statute")]
    for a, b in forms:
        assert _root(terms(a)[0]) == _root(terms(b)[0]), (a, b)
    for a, b in others:
        assert _root(terms(a)[0]) != _root(terms(b)[0]), (a, b)


def test_what_the_court_left_undecided_is_not_credited_as_decided():
    # N.D. Cal.: the order denies the motion to quash and makes no ruling on admissibility.
    prefix = "alvarado"
    cited = passage(prefix, "Accordingly, defendant’s motion to quash is DENIED.", "in this action.")
    assert check(
        prefix, "The court denied FedEx's motion to quash and left the transcript's admissibility open.", cited
    )
    decided = check(
        prefix, "The court denied the motion to quash and held the transcript admissible in this action.", cited
    )
    assert not decided and any(c.startswith("left open") for c in decided.conflicts)
    # D.C. Cir.: what the court need not decide may be restated as skipped, not as decided.
    prefix = "cadc_us_v_vinton"
    cited = passage(prefix, "We need not decide whether Vinton", "reasonable doubt.")
    assert check(prefix, "The court skipped the custody question, finding any Miranda error harmless.", cited)
    assert not check(prefix, "The court decided that Vinton was in custody when he made these statements.", cited)
