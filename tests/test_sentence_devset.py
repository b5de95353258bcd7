"""Issue 14: sentence precision and recall on our own development set, and its set-aside lines.

The set (``tests/data/sentences_dev.txt``) holds news, interviews, textbook passages,
biographies and letters with the cases the issue names: citation marks after a full stop,
numbered items, date lines, captions, salutations and signatures, quotations after
quotations. ``python benchmarks/eval_sentences.py`` prints the figures and every miss.
"""

from __future__ import annotations

from sentence_devset import load_dev_set, score

from workbench.extract import extract

RECALL_GOAL = 0.93
PRECISION_GOAL = 0.95


def test_dev_set_parses_into_exact_segments() -> None:
    documents = load_dev_set()
    assert len(documents) >= 20
    kinds = {document.kind for document in documents}
    assert kinds == {"news", "interview", "textbook", "biography", "letter"}
    for document in documents:
        for start, end, _aside in document.segments:
            segment = document.text[start:end]
            assert segment == segment.strip() and segment, document.name


def test_sentence_precision_and_recall_meet_the_goal() -> None:
    result = score(load_dev_set(), extract)
    assert result.recall >= RECALL_GOAL, result.missed
    assert result.precision >= PRECISION_GOAL, result.extra


def test_set_aside_lines_are_never_claims_and_sentences_always_are() -> None:
    result = score(load_dev_set(), extract)
    assert result.aside_errors == []
