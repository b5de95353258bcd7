"""Measure the check-worthiness score on the CLEF 2019 CheckThat! task 1 training debates.

    python benchmarks/eval_checkworthiness.py [--data /work/shared/data/checkworthiness] [--fit]

Each ``.tsv`` file (``line <TAB> speaker <TAB> text <TAB> label``) is one debate. Sentences are
ranked by ``workbench.triage`` score (text only: the speaker column is not used), and scored
as the lab did: average precision against the label-1 sentences per file, averaged over files
(MAP). Ties are broken by line order, so the figure is deterministic.

``--fit`` also reports a leave-one-debate-out logistic regression over the same features
(trained on 18 debates, scored on the 19th): a research figure for how far the hand-set
weights are from fitted ones. Nothing trained here is written anywhere; the data is free for
research use only and must not be copied into the package.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import time
from pathlib import Path

from workbench.triage import WEIGHTS, analyse_article, score

DEFAULT_DATA = Path("/work/shared/data/checkworthiness")


def read_debate(path: Path) -> list[tuple[str, int]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(row[2], int(row[3])) for row in rows if len(row) >= 4]


def average_precision(scores: list[float], labels: list[int]) -> float:
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    hits = 0
    total = 0.0
    for rank, index in enumerate(order, 1):
        if labels[index]:
            hits += 1
            total += hits / rank
    return total / max(1, sum(labels))


def debate_features(sentences: list[str]) -> list[dict[str, float]]:
    """Each sentence analysed on its own (``article`` = the sentence)."""
    return [analyse_article(text, [(0, len(text))])[0][2] if text else {"short": 1.0} for text in sentences]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--fit", action="store_true", help="also a leave-one-debate-out logistic regression")
    arguments = parser.parse_args()
    files = sorted(arguments.data.glob("*.tsv"))
    if not files:
        sys.exit(f"No .tsv files in {arguments.data}")
    debates = {path.stem: read_debate(path) for path in files}
    started = time.process_time()
    features = {name: debate_features([text for text, _ in rows]) for name, rows in debates.items()}
    elapsed = time.process_time() - started
    sentences = sum(len(rows) for rows in debates.values())
    labels = {name: [label for _, label in rows] for name, rows in debates.items()}
    rng = random.Random(0)
    rows_out = []
    for name in debates:
        shipped = average_precision([score(f) for f in features[name]], labels[name])
        randoms = []
        for _ in range(20):
            shuffled = [rng.random() for _ in labels[name]]
            randoms.append(average_precision(shuffled, labels[name]))
        rows_out.append([name, len(labels[name]), sum(labels[name]), shipped, statistics.mean(randoms)])
    fitted = _leave_one_out(features, labels) if arguments.fit else {}
    print(f"{'debate':28} {'lines':>6} {'pos':>4} {'AP':>6} {'random':>7}" + ("  LODO-LR" if fitted else ""))
    for name, lines, positives, ap, random_ap in rows_out:
        extra = f"  {fitted[name]:.4f}" if fitted else ""
        print(f"{name:28} {lines:6d} {positives:4d} {ap:6.4f} {random_ap:7.4f}{extra}")
    print(f"{'MAP':28} {sentences:6d} {sum(r[2] for r in rows_out):4d} "
          f"{statistics.mean(r[3] for r in rows_out):6.4f} {statistics.mean(r[4] for r in rows_out):7.4f}"
          + (f"  {statistics.mean(fitted.values()):.4f}" if fitted else ""))
    print(f"features: {elapsed:.2f} s CPU for {sentences} sentences ({sentences / elapsed:,.0f}/s)")


def _leave_one_out(features: dict[str, list[dict[str, float]]], labels: dict[str, list[int]]) -> dict[str, float]:
    from sklearn.linear_model import LogisticRegression

    names = [name for name in WEIGHTS if name != "bias"]

    def matrix(rows: list[dict[str, float]]) -> list[list[float]]:
        return [[row.get(name, 0.0) for name in names] for row in rows]

    result = {}
    for held_out in features:
        train_x = [x for name in features if name != held_out for x in matrix(features[name])]
        train_y = [y for name in features if name != held_out for y in labels[name]]
        model = LogisticRegression(max_iter=1000, class_weight="balanced").fit(train_x, train_y)
        predicted = model.decision_function(matrix(features[held_out]))
        result[held_out] = average_precision(list(predicted), labels[held_out])
    return result


if __name__ == "__main__":
    main()
