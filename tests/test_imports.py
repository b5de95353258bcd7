"""What shows text or writes files does not load spaCy or scikit-learn (a second or more each):
a fresh server draws its first page sooner, and ``workbench export`` starts at once."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("spacy", "sklearn")


@pytest.mark.parametrize(
    "module",
    ["workbench.app.common", "workbench.render", "workbench.review", "workbench.articles", "workbench.cli.export"],
)
def test_importing_does_not_load_spacy_or_scikit_learn(module: str) -> None:
    code = f"import sys, {module}; print(' '.join(name for name in {HEAVY!r} if name in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert loaded == []


def test_matching_still_has_its_stop_words() -> None:
    from workbench.match_text import content_words, normalise

    assert content_words(normalise("The unemployment rate fell to 4 percent")) == ["unemployment", "rate", "fell", "percent"]
