"""Time claim extraction against pySBD and spaCy's sentencizer, and score the golden rules.

    python benchmarks/bench_extract.py [--articles 2000] [--seed 7] [--whole-process-only]

The corpus is synthesised from the seed articles: names and numbers varied, paragraphs
shuffled and golden-rule texts mixed in, so the tokenizer cache does not make it trivial.
Each segmenter runs in a fresh process on the same texts; its peak memory is that
process's maximum RSS (before and after the timed run). Sentences/s counts each tool's
own segments. Rates and the speed ratio use the process's CPU time, which other work on
a shared machine disturbs far less than wall time (both are printed).

Whole process: each tool also runs as a fresh ``python`` process that imports it, builds it
and splits the whole corpus (what a user waits for), and once more on one tiny file; for
the workbench that is ``workbench split FILE``, the command itself. Wall and CPU seconds
of the child process are printed side by side.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import platform
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLDEN_RULES = ROOT / "tests" / "data" / "golden_rules_en.json"

BRANDS = ["Balenciaga", "Gucci", "Prada", "Burberry", "Versace", "Dior", "Celine", "Loewe"]
PEOPLE = ["Kardashian", "Hadid", "Kidman", "Galimberti", "Ozdemir", "Borremans", "Jardins"]
DATELINE = re.compile(r"\A\s*date \d{4}-\d{2}-\d{2}")


def golden_rules() -> list[dict]:
    return json.loads(GOLDEN_RULES.read_text(encoding="utf-8"))["rules"]


def build_corpus(articles: int, seed: int) -> list[str]:
    """``articles`` varied news articles built from the seeds and the golden-rule texts."""
    rng = random.Random(seed)
    seeds = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    rule_texts = [rule["text"] for rule in golden_rules() if rule["in_pysbd"]]
    corpus = []
    for index in range(articles):
        text = DATELINE.sub("", seeds[index % len(seeds)])
        separator = "\n\n" if "\n\n" in text else "\n"
        first, *body = text.strip().split(separator)
        rng.shuffle(body)
        for rule_text in rng.sample(rule_texts, 3):
            body.insert(rng.randrange(len(body) + 1), rule_text)
        text = separator.join([first, *body])
        text = re.sub(r"\d+", lambda number: str(rng.randrange(10 ** len(number[0]))), text)
        text = re.sub("Balenciaga", lambda _: rng.choice(BRANDS), text)
        text = re.sub("Kardashian", lambda _: rng.choice(PEOPLE), text)
        if index % 2:
            day = rng.randrange(1, 29)
            text = f" date 2022-{rng.randrange(1, 13):02d}-{day:02d} {text}"
        corpus.append(text)
    return corpus


def workbench_segmenter() -> Callable[[Iterable[str]], Iterable[list[str]]]:
    from workbench.extract import extract_many

    return lambda texts: ([unit.text for unit in e.units] for e in extract_many(texts))


def pysbd_segmenter() -> Callable[[Iterable[str]], Iterable[list[str]]]:
    import pysbd

    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=False)
    return lambda texts: (segmenter.segment(text) for text in texts)


def sentencizer_segmenter() -> Callable[[Iterable[str]], Iterable[list[str]]]:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return lambda texts: ([sent.text for sent in doc.sents] for doc in nlp.pipe(texts))


SEGMENTERS = {
    "workbench extract_many": workbench_segmenter,
    "pySBD 0.3.4": pysbd_segmenter,
    "spaCy sentencizer": sentencizer_segmenter,
}


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def golden_score(segment: Callable[[Iterable[str]], Iterable[list[str]]], rules: list[dict]) -> int:
    outputs = segment([rule["text"] for rule in rules])
    return sum(
        [part.strip() for part in output if part.strip()] == rule["expected"]
        for output, rule in zip(outputs, rules, strict=True)
    )


def run_segmenter(name: str, corpus: list[str], results: multiprocessing.Queue) -> None:
    """In a fresh process: warm up, time one pass over ``corpus``, score the golden rules."""
    segment = SEGMENTERS[name]()
    list(segment(corpus[:20]))
    rss_before = max_rss_mb()
    started, cpu_started = time.perf_counter(), time.process_time()
    sentences = sum(len(segments) for segments in segment(corpus))
    cpu_seconds = time.process_time() - cpu_started
    seconds = time.perf_counter() - started
    rules = golden_rules()
    results.put(
        {
            "name": name,
            "seconds": seconds,
            "cpu_seconds": cpu_seconds,
            "sentences": sentences,
            "rss_before": rss_before,
            "rss_peak": max_rss_mb(),
            "golden_pysbd": golden_score(segment, [r for r in rules if r["in_pysbd"]]),
            "golden_all": golden_score(segment, rules),
        }
    )


def measure(name: str, corpus: list[str]) -> dict:
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    process = context.Process(target=run_segmenter, args=(name, corpus, results))
    process.start()
    result = results.get()
    process.join()
    return result


def split_corpus_file(name: str, corpus_path: str) -> None:
    """In a child process: build segmenter ``name`` and split every text of a JSON list file."""
    texts = json.loads(Path(corpus_path).read_text(encoding="utf-8"))
    print(sum(len(segments) for segments in SEGMENTERS[name]()(texts)))


def timed_process(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of a child process running ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def whole_process(corpus: list[str]) -> None:
    """Each tool as a fresh process over the corpus, and over one tiny file."""
    with tempfile.TemporaryDirectory() as folder:
        corpus_path = Path(folder) / "corpus.json"
        corpus_path.write_text(json.dumps(corpus), encoding="utf-8")
        tiny_corpus = Path(folder) / "tiny.json"
        tiny_corpus.write_text(json.dumps(["The council met on Monday. It agreed."]), encoding="utf-8")
        tiny_file = Path(folder) / "tiny.txt"
        tiny_file.write_text("The council met on Monday. It agreed.", encoding="utf-8")
        me = [sys.executable, str(Path(__file__).resolve()), "--child"]
        print(f"\n{'whole process':<24}{'corpus wall s':>14}{'CPU s':>8}{'tiny wall s':>13}{'CPU s':>8}")
        for name in SEGMENTERS:
            wall, cpu = timed_process([*me, name, str(corpus_path)])
            if name.startswith("workbench"):
                name = "workbench split"
                tiny_wall, tiny_cpu = timed_process([sys.executable, "-m", "workbench", "split", str(tiny_file)])
            else:
                tiny_wall, tiny_cpu = timed_process([*me, name, str(tiny_corpus)])
            print(f"{name:<24}{wall:>14.2f}{cpu:>8.2f}{tiny_wall:>13.2f}{tiny_cpu:>8.2f}")


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        split_corpus_file(sys.argv[2], sys.argv[3])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--whole-process-only", action="store_true", help="skip the in-process timing")
    args = parser.parse_args()

    corpus = build_corpus(args.articles, args.seed)
    megabytes = sum(len(text.encode()) for text in corpus) / 1e6
    rules = golden_rules()
    in_pysbd = sum(rule["in_pysbd"] for rule in rules)
    print(
        f"{len(corpus)} articles, {megabytes:.1f} MB; Python {platform.python_version()}, "
        f"{multiprocessing.cpu_count()} CPUs"
    )
    if args.whole_process_only:
        whole_process(corpus)
        return
    print(
        f"{'segmenter':<24}{'wall s':>8}{'CPU s':>8}{'articles/s':>12}{'sentences':>11}"
        f"{'sentences/s':>13}{'vs pySBD':>10}{'RSS MB':>15}{'golden 48':>11}{'golden 52':>11}"
    )
    results = [measure(name, corpus) for name in SEGMENTERS]
    pysbd_cpu = next(r["cpu_seconds"] for r in results if r["name"].startswith("pySBD"))
    for r in results:
        cpu = r["cpu_seconds"]
        print(
            f"{r['name']:<24}{r['seconds']:>8.2f}{cpu:>8.2f}{len(corpus) / cpu:>12.0f}"
            f"{r['sentences']:>11}{r['sentences'] / cpu:>13.0f}{pysbd_cpu / cpu:>9.1f}x"
            f"{r['rss_before']:>7.0f}→{r['rss_peak']:<7.0f}"
            f"{100 * r['golden_pysbd'] / in_pysbd:>10.1f}%{100 * r['golden_all'] / len(rules):>10.1f}%"
        )
    print("RSS MB: the process's max RSS after warm-up → at the end of the timed run.")
    print(f"golden 48: pySBD's selection of the rules; golden 52: all {len(rules)} English rules.")
    whole_process(corpus)


if __name__ == "__main__":
    main()
