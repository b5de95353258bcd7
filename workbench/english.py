"""English word lists shared by sentence splitting (``workbench.nlp``) and triage.

Kept apart from ``workbench.nlp`` so that triage, and the pages that show its signals, read them
without importing spaCy.
"""

from __future__ import annotations

# fmt: off
SENTENCE_STARTERS = frozenset({
    "A", "An", "And", "Are", "As", "At", "After", "Also", "Although", "Because", "Before",
    "Being", "Both", "But", "By", "Can", "Could", "Did", "Do", "Does", "During", "Each",
    "Earlier", "Even", "Every", "For", "From", "Had", "Has", "Have", "He", "Her", "Here",
    "His", "How", "However", "I", "If", "In", "Indeed", "Instead", "Is", "It", "Its", "Last",
    "Later", "Many", "Meanwhile", "Millions", "More", "Most", "My", "Next", "Now", "On", "One",
    "Or", "Other", "Others", "Our", "She", "Should", "Since", "So", "Some", "Still", "Such",
    "That", "The", "Their", "Then", "There", "These", "They", "This", "Those", "Though",
    "Thus", "To", "Today", "Under", "Until", "Was", "We", "Were", "What", "When", "Where",
    "Which", "While", "Who", "Why", "Will", "With", "Would", "Yet", "Yesterday", "You", "Your"
})
# fmt: on
"""Closed-class words that start sentences; after an ambiguous abbreviation they mean a new one."""
