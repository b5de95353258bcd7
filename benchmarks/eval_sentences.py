"""Sentence precision and recall on the development set (``tests/data/sentences_dev.txt``).

    python benchmarks/eval_sentences.py [--verbose] [--file tests/data/sentences_unseen.txt]

Prints segment precision and recall of ``extract`` (every unit, claims and set-aside lines),
how many set-aside/claim decisions differ from the gold ones, and with ``--verbose`` every
missed and extra segment.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.sentence_devset import DEV_SET, load_dev_set, score  # noqa: E402
from workbench.extract import extract  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--file", type=Path, default=DEV_SET, help="another set in the same format")
    args = parser.parse_args()
    documents = load_dev_set(args.file)
    result = score(documents, extract)
    print(
        f"{len(documents)} documents, {result.gold} gold segments, {result.returned} returned: "
        f"precision {result.precision:.3f}, recall {result.recall:.3f}; "
        f"{len(result.aside_errors)} set-aside/claim decisions differ"
    )
    if args.verbose:
        for title, lines in (("missed", result.missed), ("extra", result.extra), ("kind", result.aside_errors)):
            for line in lines:
                print(f"{title}: {line}")


if __name__ == "__main__":
    main()
