"""The pipeline's tokenizer: whitespace only, linear in the text (registered in ``workbench.nlp``)."""

from __future__ import annotations

import re

from spacy.tokens import Doc

_OTHER_WHITESPACE_RUN = re.compile(r"([^\S ]\s*)")
"""A run of whitespace that starts with something other than a plain space (a line break, a tab)."""


class WhitespaceTokenizer:
    """Tokens split at whitespace only: one token per word with its punctuation, and one per run
    of extra whitespace, as spaCy represents them (``text == doc.text``, always).

    Every sentence start ``sentence_start_offsets`` can return follows whitespace, so these
    tokens are all the components need. Unlike spaCy's English tokenizer, which splits
    punctuation off one character at a time and takes quadratic time on a long run of it
    (``!!!…``, a run of double quotes), this is linear, and faster on prose: words come from
    ``str.split(" ")`` per line, so Python loops once per line, not once per word.
    """

    def __init__(self, vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        pieces = _OTHER_WHITESPACE_RUN.split(text)  # text, separator, text, separator, ..., text
        for index, piece in enumerate(pieces):
            if index % 2:
                words.append(piece)
                spaces.append(False)
            elif piece:
                line_words = piece.split(" ")
                line_spaces = [True] * len(line_words)
                line_spaces[-1] = False
                if "" in line_words:  # two spaces in a row, or a space at either end
                    for position, word in enumerate(line_words):
                        if not word:
                            line_words[position] = " "
                            line_spaces[position] = False
                    if line_words[-1] == " " and len(line_words) > 1:
                        del line_words[-1], line_spaces[-1]
                        line_spaces[-1] = line_words[-1] != " " or line_spaces[-1]
                words.extend(line_words)
                spaces.extend(line_spaces)
        return Doc(self.vocab, words=words, spaces=spaces)


