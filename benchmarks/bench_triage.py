"""Time triage signals against claim extraction on the same articles.

    python benchmarks/bench_triage.py [--articles 1000] [--seed 7] [--repeats 3]

The corpus is bench_extract's (seed articles varied, golden-rule texts mixed in). Extraction
(``workbench.extract.extract``) and triage (``workbench.triage.triage_article`` over each
article's claims) run alternately ``--repeats`` times; the best CPU time of each is reported,
which a shared machine disturbs least. The target: triage adds at most 30% to extraction.

Two floors are timed beside them, to show what any pure-Python triage must at least spend:
building the same results again from their finished fields (every ``Signal``, ``Quote`` and
``Triage``, and each score from its features), and a single pass of one simple pattern (a
capitalised run) over every article.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_extract import build_corpus  # noqa: E402

from workbench.extract import extract, load_pipeline  # noqa: E402
from workbench.triage import Quote, Signal, Triage, analyse_article, score, triage_article  # noqa: E402

CAPITALISED_RUN = re.compile(r"[A-Z][\w'’-]*(?: [A-Z][\w'’-]*)*")
"""The simplest scan triage makes (names start as such runs)."""


def finished_fields(extractions: list) -> list[list[tuple]]:
    """Per article, per claim: its signals' and quote's fields and its score's features."""
    return [
        [
            (
                tuple((signal.kind, signal.start, signal.end, signal.text, signal.detail) for signal in signals),
                quote and (quote.start, quote.end, quote.text, quote.speaker, quote.verb),
                features,
            )
            for signals, quote, features in analyse_article(extraction.text, claim_spans(extraction))
        ]
        for extraction in extractions
    ]


def claim_spans(extraction) -> list[tuple[int, int]]:
    return [(unit.start, unit.end) for unit in extraction.units if unit.kind == "claim"]


def rebuild(fields: list[list[tuple]]) -> int:
    """Build the results again from ``finished_fields``: the floor of assembling them."""
    results = [
        Triage(score(features), tuple(Signal(*signal) for signal in signals), quote and Quote(*quote))
        for article in fields
        for signals, quote, features in article
    ]
    return len(results)


def scan(texts: list[str]) -> int:
    """One pass of ``CAPITALISED_RUN`` over every text."""
    return sum(len(CAPITALISED_RUN.findall(text)) for text in texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()
    texts = build_corpus(arguments.articles, arguments.seed)
    nlp = load_pipeline()
    extractions = [extract(text, nlp) for text in texts[:20]]  # warm up
    extract_times, triage_times, rebuild_times, scan_times = [], [], [], []
    fields = finished_fields([extract(text, nlp) for text in texts])
    for _ in range(arguments.repeats):
        started = time.process_time()
        extractions = [extract(text, nlp) for text in texts]
        extract_times.append(time.process_time() - started)
        started = time.process_time()
        claims = 0
        for extraction in extractions:
            claims += len(triage_article(extraction.text, claim_spans(extraction)))
        triage_times.append(time.process_time() - started)
        started = time.process_time()
        rebuild(fields)
        rebuild_times.append(time.process_time() - started)
        started = time.process_time()
        scan(texts)
        scan_times.append(time.process_time() - started)
    extraction_time, triage_time = min(extract_times), min(triage_times)
    characters = sum(len(extraction.text) for extraction in extractions)
    print(f"{len(texts)} articles, {claims} claims, {characters / 1e6:.1f} M characters")
    print(f"extraction {extraction_time:.2f} s CPU ({len(texts) / extraction_time:,.0f} articles/s)")
    print(f"triage     {triage_time:.2f} s CPU ({claims / triage_time:,.0f} claims/s)")
    print(f"triage adds {triage_time / extraction_time:.0%} to extraction (target: at most 30%)")
    rebuild_time, scan_time = min(rebuild_times), min(scan_times)
    print(f"floor: building the same results from finished fields {rebuild_time:.2f} s CPU "
          f"({rebuild_time / extraction_time:.0%} of extraction)")
    print(f"floor: one pass of one pattern over the text {scan_time:.3f} s CPU "
          f"({scan_time / extraction_time:.0%} of extraction)")


if __name__ == "__main__":
    main()
