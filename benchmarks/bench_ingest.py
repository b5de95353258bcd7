"""Time ingest (split + store) of thousands of articles into a fresh SQLite file.

    python benchmarks/bench_ingest.py --articles 2000 [--database URL]

Articles are the seed articles with their numbers and names varied, so none is a duplicate.
Prints articles/s, claims/s and peak memory (max RSS of this process).
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import tempfile
import time
from pathlib import Path

from workbench.db import Database
from workbench.extract import load_pipeline
from workbench.ingest import Document, ingest_documents

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
FILE_BATCH = 50
"""Articles per transaction, as when ingesting a CSV file of 50 rows."""


def corpus(count: int, seed: int = 7) -> list[Document]:
    rng = random.Random(seed)
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    documents = []
    for index in range(count):
        text = re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randint(0, 99)), texts[index % len(texts)])
        documents.append(Document(source=f"synthetic-{index}.txt", text=f"{text}\n\nArticle number {index}."))
    return documents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--database", help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()

    documents = corpus(args.articles)
    nlp = load_pipeline()
    with tempfile.TemporaryDirectory() as folder:
        database = Database(args.database or f"sqlite:///{folder}/bench.db")
        database.upgrade()
        started = time.perf_counter()
        claims = 0
        for start in range(0, len(documents), FILE_BATCH):
            claims += ingest_documents(database, documents[start : start + FILE_BATCH], "bench", nlp).claims
        elapsed = time.perf_counter() - started
        database.dispose()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"ingest into {database.dialect}: {len(documents)} articles, {claims} claims in {elapsed:.1f} s")
    print(f"  {len(documents) / elapsed:,.0f} articles/s, {claims / elapsed:,.0f} claims/s, peak RSS {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
