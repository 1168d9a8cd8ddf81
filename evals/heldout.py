"""A second, smaller check, written after the extractive backend was tuned on `gold.jsonl`.

    python evals/heldout.py [-v]

The gold set tuned the extractive backend's weights (evals/README.md, "How the extractive backend
was tuned"), so its numbers flatter it. These 32 answerable and 10 unanswerable questions were
written afterwards, in other words than the gold set's, to see whether a change generalises;
each answerable one lists the pages or paragraphs a lawyer could fairly cite. An answer counts
when one of its citations is in the expected document at one of those pinpoints. (Two lists were
widened after reading answers: p. 18, the factor-one summary for the scanned copies, and p. 15,
the scanning itself, are fair citations for the questions they answered.) A benchmark,
not a test: it prints counts (and, with -v, every miss) and asserts nothing.
"""

from __future__ import annotations

import sys

B, C, U = "bartz-v-anthropic-2025-06-23", "concord-v-anthropic-commentary", "ultraman-lora-hangzhou-commentary"

ANSWERABLE = [  # (question, document, acceptable pages or paragraphs)
    ("Was training on pirated books a fair use?", B, [9, 30, 31]),
    ("Did the court treat the training of LLMs as transformative?", B, [9, 11, 13, 14, 30]),
    ("Do the authors claim that Claude's outputs infringed their books?", B, [7, 11]),
    ("Does the Copyright Act protect authors against competition from non-infringing works?", B, [28]),
    ("Was converting the purchased print books to digital copies transformative?", B, [14, 15, 16, 18]),
    ("How long did Anthropic intend to keep the books in its central library?", B, [1, 5, 14, 19, 31]),
    ("Can a later fair use excuse the earlier piracy of a book?", B, [18, 19]),
    ("What did Anthropic do with the print copies after scanning them?", B, [4, 14, 15, 16, 27]),
    ("What did Anthropic do to keep Claude from reproducing the books to users?", B, [7, 12]),
    ("How much did Anthropic spend buying print books?", B, [4]),
    ("Did the court think Anthropic's commercial nature weighed against fair use?", B, [16]),
    ("How did the court apply Sega v. Accolade to Anthropic's intermediate copying?", B, [22, 23]),
    ("Is the factor two analysis about whether the books were creative works?", B, [24]),
    ("Could Anthropic have bought the books it pirated?", B, [2, 18, 30]),
    ("What is the docket number in Bartz?", B, [1]),
    ("What did the authors argue about the market for licensing their works for AI training?", B, [28, 29]),
    ("What did Anthropic's cofounder Ben Mann download?", B, [2, 3]),
    ("Did the Concord court find that the publishers would suffer irreparable harm?", C, [11, 17]),
    ("Were Claude's outputs part of the preliminary injunction dispute in Concord?", C, [4, 12]),
    ("Was the proposed injunction in Concord too vague to enforce?", C, [8, 9]),
    ("What does the Concord commentary say about Thomson Reuters v. ROSS?", C, [2, 4]),
    ("Did the Concord publishers show their harm could not be compensated with money?", C, [14, 17]),
    ("Did the Ultraman platform supply the training data itself?", U, [9, 11]),
    ("What was the platform ordered to delete in the Ultraman case?", U, [18]),
    ("Did the Ultraman platform owe a duty of care?", U, [12, 16, 20]),
    ("Did the platform review what its users uploaded?", U, [15]),
    ("Why didn't the Hangzhou court apply the Anti-unfair Competition Law?", U, [17]),
    ("Was the platform subjectively at fault in the Ultraman case?", U, [16]),
    ("How much was the reasonable fee awarded in the Ultraman case?", U, [4]),
    ("Could the Ultraman LoRA models reproduce the character reliably?", U, [14]),
    ("How did the Ultraman platform make users' models available to others?", U, [7, 14]),
    ("Did the Hangzhou court say anything about fair use?", U, [18]),
]
UNANSWERABLE = [
    "What did the Delaware court hold about whether Westlaw headnotes are original?",
    "How much did Meta pay to settle Kadrey v. Meta?",
    "Did the Hangzhou court award punitive damages?",
    "What penalty does the EU AI Act impose for training on copyrighted works?",
    "Which law firm represented Anthropic in Bartz?",
    "Did the jury find Anthropic's infringement willful?",
    "What did the Supreme Court decide in Bartz v. Anthropic?",
    "Why did Judge Alsup certify a class of all authors whose books were used for training?",
    "What royalty rate did the Concord court set for lyrics used in training?",
    "Has Midjourney been held liable for training on Disney characters?",
]


def cited_at(citation, doc_id: str, pins: list[int]) -> bool:
    if citation.doc_id != doc_id:
        return False
    if citation.page is not None:
        return any(citation.page <= p <= (citation.page_end or citation.page) for p in pins)
    return citation.paragraph in pins


def main(verbose: bool) -> None:
    from rag import answer
    from rag.ingest import ensure_index

    ensure_index()

    hits = refused_wrongly = 0
    for question, doc_id, pins in ANSWERABLE:
        a = answer(question)
        hit = any(cited_at(c, doc_id, pins) for c in a.citations)
        hits += hit
        refused_wrongly += a.refused
        if verbose and not hit:
            print("REFUSED" if a.refused else "MISS", question, pins, [c.pinpoint for c in a.citations])
    refused = 0
    for question in UNANSWERABLE:
        a = answer(question)
        refused += a.refused
        if verbose and not a.refused:
            print("ANSWERED", question, "->", a.text[:120])
    print(
        f"answerable: expected pinpoint cited {hits}/{len(ANSWERABLE)}, refused {refused_wrongly}; "
        f"unanswerable: refused {refused}/{len(UNANSWERABLE)}"
    )


if __name__ == "__main__":
    main("-v" in sys.argv[1:])
