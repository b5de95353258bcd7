"""Every workbench spaCy component, and ``build_pipeline()`` which assembles them.

This is the one module that registers spaCy components (one component per module, as spaCy
keeps them). The pipeline is the whitespace tokenizer (``workbench.nlp.tokenizer``) followed by:

``workbench_sentences`` (``workbench.nlp.sentences``)
    Marks sentence starts (``token.is_sent_start``). Decisions are made once per
    candidate boundary (a line break, a run of sentence-final punctuation followed by
    whitespace, an inline list marker), never once per token.
``workbench_units`` (``workbench.nlp.units``)
    Groups the sentences into lines and classifies them, storing the result as
    ``doc.spans["units"]``: one span per unit, labelled with its kind from
    ``workbench.models.CLAIM_KINDS``. Units never start or end with whitespace. ``unit_rows``
    gives the same units as plain rows, without making a Span object per unit.

``workbench.nlp.doc`` keeps the text in the Doc (``make_doc``, ``doc_text``) and
``workbench.nlp.dates`` reads dates and datelines for both components.
"""

from __future__ import annotations

from collections.abc import Callable

import spacy
from spacy.language import Language

from workbench.nlp.dates import metadata_date
from workbench.nlp.doc import LINE_BREAKS, count_line_breaks, doc_text, line_break_offsets, make_doc
from workbench.nlp.sentences import mark_sentence_starts, sentence_start_offsets
from workbench.nlp.tokenizer import WhitespaceTokenizer
from workbench.nlp.units import (
    BOILERPLATE,
    CLAIM,
    EMBED,
    HEADING,
    METADATA,
    TITLE,
    UNITS_KEY,
    classify_units,
    unit_rows,
)

SENTENCES_COMPONENT = "workbench_sentences"
UNITS_COMPONENT = "workbench_units"
TOKENIZER = "workbench.whitespace_tokenizer.v1"

Language.component(SENTENCES_COMPONENT, func=mark_sentence_starts)
Language.component(UNITS_COMPONENT, func=classify_units)


@spacy.registry.tokenizers(TOKENIZER)
def create_whitespace_tokenizer() -> Callable[[Language], WhitespaceTokenizer]:
    """The registered factory of ``WhitespaceTokenizer`` (spaCy's English one is never built)."""
    return lambda nlp: WhitespaceTokenizer(nlp.vocab)


def build_pipeline() -> Language:
    """A blank English pipeline: the whitespace tokenizer, the sentence and unit components."""
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER}}})
    nlp.add_pipe(SENTENCES_COMPONENT)
    nlp.add_pipe(UNITS_COMPONENT)
    return nlp


__all__ = (
    "BOILERPLATE", "CLAIM", "EMBED", "HEADING", "LINE_BREAKS", "METADATA", "SENTENCES_COMPONENT",
    "TITLE", "TOKENIZER", "UNITS_COMPONENT", "UNITS_KEY", "build_pipeline",
    "count_line_breaks", "doc_text", "line_break_offsets", "make_doc", "metadata_date",
    "sentence_start_offsets", "unit_rows",
)
