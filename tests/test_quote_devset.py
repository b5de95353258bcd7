"""Issue 11: direct quotes and their speakers on our own development set (``tests/quote_devset.py``).

``python benchmarks/eval_quotes.py`` prints the figures and every miss.
"""

from __future__ import annotations

from quote_devset import score, speaker_right

from workbench.triage import find_quotes

SPAN_GOAL = 0.98
SPEAKER_GOAL = 0.90
"""Below the figures reached (107 of 107 spans, 103 of 107 speakers), which were tuned on this set."""


def test_quote_spans_and_speakers_meet_the_goal() -> None:
    result = score(find_quotes)
    assert result.quotes == 107
    assert result.exact / result.quotes >= SPAN_GOAL, result.misses
    assert result.speakers / result.quotes >= SPEAKER_GOAL, result.misses


def test_a_speaker_is_right_only_as_a_reader_would_accept_it() -> None:
    assert speaker_right("Mayor John Ortiz", ["John Ortiz"]) and speaker_right("Ortiz", ["John Ortiz"])
    assert speaker_right("the airline", ["the airline", "SkyBridge Airways"])
    assert speaker_right(None, None) and not speaker_right("she", None)
    assert not speaker_right("Alex Kim", ["Mary Jones"]) and not speaker_right("office", ["Kathy Brandt's office"])
