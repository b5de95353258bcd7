"""Matching quality on a JSON Lines file of labelled pairs (default: tests/data/match_dev.jsonl).

Run by hand: ``python benchmarks/eval_matching.py [FILE.jsonl] [--link 0.8 --suggest 0.42]``.
Each line: ``{"a": text, "b": text, "label": "paraphrase" | "different" | "conflict"}``
(or ``"label": 1 / 0`` for a plain paraphrase set). Prints linked precision and recall,
suggested-or-linked precision, recall and F1 (positives: paraphrase), how conflicts were tiered,
and how many copies of true pairs with one number changed or a "not" inserted were linked.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from workbench.match_text import LINK_THRESHOLD, SUGGEST_THRESHOLD, Thresholds, compare_pairs

DEFAULT = Path(__file__).parent.parent / "tests" / "data" / "match_dev.jsonl"


def one_number_changed(text: str) -> str | None:
    match = re.search(r"\d+", text)
    return None if match is None else text[:match.start()] + str(int(match.group()) + 7) + text[match.end():]


def not_inserted(text: str) -> str | None:
    match = re.search(r"\b(is|was|are|were|will|would|has|have|had|did|does)\b", text)
    return None if match is None else text[:match.end()] + " not" + text[match.end():]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--link", type=float, default=LINK_THRESHOLD)
    parser.add_argument("--suggest", type=float, default=SUGGEST_THRESHOLD)
    args = parser.parse_args()
    thresholds = Thresholds(args.link, args.suggest)
    rows = [json.loads(line) for line in args.file.read_text(encoding="utf-8").splitlines() if line.strip()]
    labels = [{1: "paraphrase", 0: "different"}.get(row["label"], row["label"]) for row in rows]
    verdicts = compare_pairs([(row["a"], row["b"]) for row in rows], thresholds)
    positive = [label == "paraphrase" for label in labels]

    def report(name: str, predicted: list[bool]) -> None:
        tp = sum(p and s for p, s in zip(predicted, positive))
        precision = tp / max(sum(predicted), 1)
        recall = tp / max(sum(positive), 1)
        f1 = 2 * precision * recall / max(precision + recall, 1e-9)
        print(f"{name}: precision {precision:.3f}, recall {recall:.3f}, F1 {f1:.3f} ({sum(predicted)} predicted)")

    print(f"{args.file.name}: {len(rows)} pairs, {sum(positive)} paraphrases, "
          f"{labels.count('different')} different, {labels.count('conflict')} conflicting")
    report("linked", [v.tier == "linked" for v in verdicts])
    report("suggested or linked", [v.tier != "none" for v in verdicts])
    conflicts = [v.tier for v, label in zip(verdicts, labels) if label == "conflict"]
    if conflicts:
        print(f"conflicts: {conflicts.count('suggested')} suggested, {conflicts.count('linked')} linked, "
              f"{conflicts.count('none')} not found")
    for change in (one_number_changed, not_inserted):
        pairs = [(row["a"], change(row["b"])) for row, p in zip(rows, positive) if p and change(row["b"])]
        linked = sum(v.tier == "linked" for v in compare_pairs(pairs, thresholds))
        print(f"{change.__name__}: {len(pairs)} copies, {linked} linked")


if __name__ == "__main__":
    main()
