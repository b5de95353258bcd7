"""Time triage signals against claim extraction on the same articles.

    python benchmarks/bench_triage.py [--articles 1000] [--seed 7] [--repeats 3]

The corpus is bench_extract's (seed articles varied, golden-rule texts mixed in). Extraction
(``workbench.extract.extract``) and triage (``workbench.triage.triage_article`` over each
article's claims) run alternately ``--repeats`` times; the best CPU time of each is reported,
which a shared machine disturbs least. The target: triage adds at most 30% to extraction.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_extract import build_corpus  # noqa: E402

from workbench.extract import extract, load_pipeline  # noqa: E402
from workbench.triage import triage_article  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()
    texts = build_corpus(arguments.articles, arguments.seed)
    nlp = load_pipeline()
    extractions = [extract(text, nlp) for text in texts[:20]]  # warm up
    extract_times, triage_times = [], []
    for _ in range(arguments.repeats):
        started = time.process_time()
        extractions = [extract(text, nlp) for text in texts]
        extract_times.append(time.process_time() - started)
        started = time.process_time()
        claims = 0
        for extraction in extractions:
            spans = [(unit.start, unit.end) for unit in extraction.units if unit.kind == "claim"]
            claims += len(triage_article(extraction.text, spans))
        triage_times.append(time.process_time() - started)
    extraction_time, triage_time = min(extract_times), min(triage_times)
    characters = sum(len(extraction.text) for extraction in extractions)
    print(f"{len(texts)} articles, {claims} claims, {characters / 1e6:.1f} M characters")
    print(f"extraction {extraction_time:.2f} s CPU ({len(texts) / extraction_time:,.0f} articles/s)")
    print(f"triage     {triage_time:.2f} s CPU ({claims / triage_time:,.0f} claims/s)")
    print(f"triage adds {triage_time / extraction_time:.0%} to extraction (target: at most 30%)")


if __name__ == "__main__":
    main()
