"""Direct quotes and their speakers on the development set (``tests/data/quotes_dev.jsonl``).

    python benchmarks/eval_quotes.py [--verbose]

Prints how many gold quotes were found, with the exact span and with an accepted speaker
(``tests/quote_devset.py`` says what counts), and with ``--verbose`` every miss.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.quote_devset import score  # noqa: E402
from workbench.triage import find_quotes  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    result = score(find_quotes)
    print(f"{result.quotes} gold quotes: found {result.found}, exact span {result.exact}, right speaker {result.speakers} "
          f"({result.speakers / result.quotes:.1%})")
    for text, gold, span, speaker in result.misses if args.verbose else ():
        print(f"\n{text}\n  gold: {gold['quote']!r} by {gold['speakers']}\n  found: {span!r} by {speaker!r}")


if __name__ == "__main__":
    main()
