"""Time reading, splitting and triaging adversarial inputs up to the size limits (input that hangs).

    python benchmarks/bench_adversarial.py [--size 1000000] [--timeout 120]

Each case is a file of about ``--size`` characters (the article limit is 1,000,000), read
with ``read_upload`` exactly as ``workbench ingest`` and the Import page read it, split
with ``extract`` and triaged (``triage_article`` over the claims, as ingest stores it). Every step must be linear in the input: each case should take a few
seconds at most. Each case runs in a fresh process and is stopped after ``--timeout``
seconds; a stopped case is reported as such. A reference loop is timed first, so that
figures taken on a loaded machine can be scaled.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import time


def cases(size: int) -> dict[str, tuple[str, bytes]]:
    """Case name → (file name, contents), each about ``size`` characters of text."""

    def repeat(unit: str) -> str:
        return unit * (size // len(unit))

    text_cases = {
        "dots": repeat("."),
        "exclamation marks": repeat("!"),
        "question marks": repeat("?"),
        "double quotes": repeat('"'),
        "'! ' pairs": repeat("! "),
        "'. ' pairs": repeat(". "),
        "spaced ellipsis '. '": repeat(" ."),
        "'A. ' initials": repeat("A. "),
        "'Mr. ' abbreviations": repeat("Mr. "),
        "'at 5 a.m. It' times": repeat("at 5 a.m. It "),
        "'x: 1. A ' list openers": repeat("x: 1. A "),
        "numbered items '1. A 2. B'": "x: " + " ".join(f"{i % 999 + 1}. A" for i in range(size // 7)),
        "'. [1] ' citations": repeat("a. [1] "),
        "'[1,1,1' open citation": "a. " + repeat("[1,")[3:],
        "one long word": repeat("a"),
        "spaces": "a" + repeat(" ")[2:] + "b",
        "line breaks": "a" + repeat("\n")[2:] + "b",
        "'a\\n' lines": repeat("a\n"),
        "'A a.\\n' short lines": repeat("A a.\n"),
        "byline with spaces": "By John Smith, and" + repeat(" ")[30:] + "x.y",
        "'#' run in a heading": "# " + repeat("#")[20:] + "x\nBody.",
        "two-word title, many lines": "Aa " + repeat("b")[: size // 2] + "\n" + repeat("c.\n")[: size // 2 - 10],
        "'(@' embeds": repeat("- a (@b) "),
        "'Dear ' lines": repeat("Dear a\n"),
        "open '„' then closing '」'": repeat("„a ")[: size // 2] + repeat("b」 ")[: size // 2],
        "open '“' then apostrophes '’'": repeat("“a ")[: size // 2] + repeat("b’ ")[: size // 2],
        "'«‹“‘' nested openings": repeat("«‹“‘a "),
        "'The ' capitalised run": repeat("The "),
        "'Aa ' capitalised run": repeat("Aa "),
        "'Aaa. ' capitalised sentences": repeat("Aaa. "),
        "'said Aa' attributions": repeat('"a," said Aa Bb. '),
        "'\"A b,\" she said.' short quotes": repeat('"A b," she said. '),
        "'\"A b\" ' quotes in one unit": repeat('"A b" '),
        "\"'A b' \" straight single quotes": repeat("'A b' "),
        "'‘A bs’ c ' plural possessives": repeat("‘A bs’ c "),
        "'that he said' indirect speech": repeat("he said that "),
        "'İ' capitals": repeat("SİX MORE "),
    }
    markdown_cases = {
        "'*a ' emphasis": repeat("*a "),
        "'**a ' emphasis": repeat("**a "),
        "'_a ' emphasis": repeat("_a "),
        "'[a](' links": repeat("[a]("),
        "'[' brackets": repeat("["),
        "'](' pairs": repeat("]("),
        "'[a](b(' nested": repeat("[a](b("),
        "'![a](' images": repeat("![a]("),
        "'<script>' unclosed": repeat("<script>"),
        "'<a ' tags": repeat("<a "),
        "'<!--' comments": repeat("<!--"),
        "'`' backticks": repeat("`a "),
        "'> ' nested quotes": repeat("> "),
        "'- > ' nested lists": repeat("- > "),
        "'| a ' table cells": repeat("| a ") + "\n|---|\n" + repeat("| a |\n")[: size // 2],
        "'[a]: b' reference definitions": repeat("[a]: b\n"),
        "'a' wrapped lines": repeat("a\n"),
    }
    structured = {
        "JSONL nested 100,000 deep": ("deep.jsonl", ("[" * 100_000 + "]" * 100_000).encode()),
        "JSONL one long line": ("long.jsonl", json.dumps({"text": repeat("A a. ")}).encode()),
        "CSV one huge cell": ("huge.csv", ('text\n"' + repeat("A a. ") + '"\n').encode()),
        "CSV unterminated quote": ("open.csv", ('text\n"' + repeat("a ")).encode()),
        "HTML nested divs": ("deep.html", (repeat("<div>")[: size // 2] + "A a.").encode()),
        "HTML '<' run": ("lt.html", ("<html><body><p>" + repeat("<") + "</p></body></html>").encode()),
    }
    return {
        **{name: ("case.txt", text.encode()) for name, text in text_cases.items()},
        **{name: ("case.md", text.encode()) for name, text in markdown_cases.items()},
        **structured,
    }


def run_case(file_name: str, data: bytes, results) -> None:
    from workbench.extract import extract, load_pipeline
    from workbench.reading import InputError, read_upload
    from workbench.triage import triage_article
    from workbench.vocabulary import ClaimKind

    load_pipeline()
    started = time.perf_counter()
    try:
        documents = read_upload(file_name, data)
    except InputError as error:
        results.put(("refused", time.perf_counter() - started, 0, 0, str(error).splitlines()[-1][:60]))
        return
    read_seconds = time.perf_counter() - started
    extractions = [extract(document.text) for document in documents]
    split = time.perf_counter()
    for extraction in extractions:
        triage_article(extraction.text, [(u.start, u.end) for u in extraction.units if u.kind == ClaimKind.CLAIM])
    units = sum(len(extraction.units) for extraction in extractions)
    results.put(("split", read_seconds, split - started, time.perf_counter() - split, units))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--only", help="run only the cases whose name contains this")
    args = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    started = time.perf_counter()
    sum(range(10_000_000))
    print(f"reference: sum(range(10**7)) took {time.perf_counter() - started:.2f} s here "
          "(about 0.15 s on an idle core); scale the figures below by it")
    print(f"{'case':<34}{'bytes':>10}{'read s':>9}{'split s':>9}{'triage s':>9}  result")
    for name, (file_name, data) in cases(args.size).items():
        if args.only and args.only not in name:
            continue
        results = context.Queue()
        process = context.Process(target=run_case, args=(file_name, data, results))
        process.start()
        process.join(args.timeout)
        if process.is_alive():
            process.kill()
            process.join()
            print(f"{name:<34}{len(data):>10}{'':>18}{'>' + str(int(args.timeout)):>9}  STOPPED")
            continue
        outcome, read_seconds, split_seconds, triage_seconds, detail = results.get()
        if outcome == "refused":
            print(f"{name:<34}{len(data):>10}{read_seconds:>9.2f}{'':>18}  refused: {detail}")
        else:
            print(f"{name:<34}{len(data):>10}{read_seconds:>9.2f}{split_seconds:>9.2f}{triage_seconds:>9.2f}  {detail} units")


if __name__ == "__main__":
    main()
