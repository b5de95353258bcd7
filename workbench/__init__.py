"""Fact-checking annotation workbench."""

__version__ = "0.1.0"

from workbench.vocabulary import LABEL_TITLES, LABELS  # noqa: E402  (the package's public words)

__all__ = ["LABELS", "LABEL_TITLES", "__version__"]
