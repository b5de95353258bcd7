"""Load: N reviewers labelling at once against a running workbench, on SQLite and on PostgreSQL.

Run by hand::

    python benchmarks/bench_load.py                       # browser mode, 10 reviewers, both databases
    python benchmarks/bench_load.py --reviewers 20 --seconds 90 --databases postgresql
    python benchmarks/bench_load.py --mode core --reviewers 50

``browser`` mode starts ``workbench serve`` on a loopback port against a fresh database (a SQLite
file, or a scratch PostgreSQL database made through ``--postgres-admin``), then drives N browser
contexts in ONE headless Debian chromium: each signs in, then presses 1/2/3 as fast as the app
answers (looking at each claim at least 0.16 s: the page drops a faster second press). Latency is key press → the next claim on screen (its text, shown from the card's read-ahead
while the server saves); "card ready" is key press → the server's card for that claim drawn, its
label buttons mounted, so the next press applies at once. Verdicts per second are counted in the database.

``core`` mode needs no browser: N processes, each with its own ``Database``, do what one key
press costs the server (save through ``review.submit_verdict``, find and load the next claim).
It measures the database side alone and scales to more reviewers than one chromium can drive.

Figures go to stdout and, as JSON, to ``benchmarks/results/`` (not committed).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import func, select
from synthetic import fresh_database

from workbench import LABELS
from workbench.access import Actor
from workbench.auth import create_reviewer
from workbench.db import Database
from workbench.ingest import Document, ingest_documents
from workbench.models import Verdict

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
PASSWORD = "load test password"
SENTENCES_PER_ARTICLE = 25
CLAIM = "mark.wb-claim"
IDLE = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
NEXT_CLAIM = (
    "([selector, before]) => { const mark = document.querySelector(selector);"
    " return !mark || mark.dataset.claim !== before; }"
)
# The server has drawn the new claim's card: its label buttons are mounted, so a press applies at once.
CARD_READY = (
    "() => { const mark = document.querySelector('mark.wb-claim');"
    " return !mark || (!mark.dataset.ahead"
    " && !!document.querySelector('.st-key-label_supported_' + mark.dataset.claim + ' button')); }"
)
PRESS_TIMEOUT_MS = 30_000
# The page drops a press made within 150 ms of a claim appearing after a press (a double press, not
# a judgement), so the simulated reviewer looks at each claim at least this long.
MIN_LOOK_SECONDS = 0.16


@dataclass
class Result:
    database: str
    mode: str
    reviewers: int
    seconds: float
    verdicts: int
    verdicts_per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    ready_p50_ms: float | None = None
    ready_p95_ms: float | None = None

    def line(self) -> str:
        return (
            f"{self.database:<10} {self.mode:<7} {self.reviewers:>3} reviewers  {self.verdicts:>6} verdicts in "
            f"{self.seconds:5.1f} s  {self.verdicts_per_second:7.1f} verdicts/s  "
            f"p50 {self.p50_ms:7.1f} ms  p95 {self.p95_ms:7.1f} ms  p99 {self.p99_ms:7.1f} ms  errors {self.errors}"
            + (f"  card ready p50 {self.ready_p50_ms:7.1f} ms  p95 {self.ready_p95_ms:7.1f} ms"
               if self.ready_p50_ms is not None else "")
        )


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# --- databases -------------------------------------------------------------------------------------


def fill(database: Database, reviewers: int, claims_each: int, with_passwords: bool) -> list[Actor]:
    """Articles with enough claims for every reviewer, a lead and ``reviewers`` reviewers."""
    articles = max(1, -(-claims_each // SENTENCES_PER_ARTICLE))
    documents = [
        Document(
            source=f"load-{number}.txt",
            title=f"Load article {number}",
            text=" ".join(
                f"Article {number} sentence {index} says the council spent {index * 3 + number} million."
                for index in range(SENTENCES_PER_ARTICLE)
            ),
        )
        for number in range(articles)
    ]
    ingest_documents(database, documents, "Load")
    password = PASSWORD if with_passwords else None
    with database.transaction() as session:
        create_reviewer(session, "Load lead", password, "lead", actor=Actor.operator())
        return [
            Actor.of(create_reviewer(session, f"Reviewer {number:03}", password, actor=Actor.operator()))
            for number in range(reviewers)
        ]


def count_verdicts(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(Verdict)) or 0


# --- browser mode ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_server(database_url: str, log: Path) -> Iterator[str]:
    """``workbench serve`` on a free loopback port; stopped (its process group) afterwards."""
    port = free_port()
    command = [sys.executable, "-m", "workbench", "--database", database_url, "serve", "--no-seeds",
               "--port", str(port)]
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise SystemExit(f"workbench serve exited:\n{log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"workbench serve did not start:\n{log.read_text(errors='replace')}") from None
                time.sleep(0.3)
        yield url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


async def reviewer_session(browser, url: str, name: str, ready: list[str], start: asyncio.Event, stop_at: list[float],
                           latencies: list[float], card_ready: list[float], errors: list[str]) -> None:
    """Sign in, wait for the start signal, then label until the time is up."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(60_000)
    try:
        await page.goto(url)
        await page.get_by_label("Name", exact=True).fill(name)
        await page.get_by_label("Password", exact=True).fill(PASSWORD)
        await page.keyboard.press("Enter")
        await page.get_by_text(f"Signed in as {name}").wait_for()
        await page.locator(CLAIM).wait_for()
        ready.append(name)
        await start.wait()
        presses = 0
        while time.monotonic() < stop_at[0]:
            await page.wait_for_function(IDLE)  # the last run has finished, as a reviewer would see
            before = await page.locator(CLAIM).get_attribute("data-claim")
            began = time.perf_counter()
            await page.keyboard.press(str(1 + presses % len(LABELS)))
            presses += 1
            try:
                await page.wait_for_function(NEXT_CLAIM, arg=[CLAIM, before], timeout=PRESS_TIMEOUT_MS)
            except PlaywrightTimeout:
                errors.append(f"{name}: no next claim {PRESS_TIMEOUT_MS // 1000} s after pressing a label")
                continue
            seen = time.perf_counter()
            latencies.append(seen - began)
            await page.wait_for_function(CARD_READY, timeout=PRESS_TIMEOUT_MS)
            card_ready.append(time.perf_counter() - began)
            await asyncio.sleep(max(0.0, MIN_LOOK_SECONDS - (time.perf_counter() - seen)))
            if await page.locator(CLAIM).count() == 0:
                break  # this reviewer has labelled everything
    except Exception as error:  # a benchmark reports failures, it does not stop at the first
        errors.append(f"{name}: {error.__class__.__name__}: {str(error).splitlines()[0]}")
    finally:
        await context.close()


async def drive_browsers(url: str, names: list[str], seconds: float) -> tuple[list[float], list[float], list[str], float]:
    from playwright.async_api import async_playwright

    executable = shutil.which("chromium")
    if executable is None:
        raise SystemExit("Debian chromium is not installed: apt-get install chromium, or use --mode core.")
    latencies: list[float] = []
    card_ready: list[float] = []
    errors: list[str] = []
    ready: list[str] = []
    start = asyncio.Event()
    stop_at = [float("inf")]
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=executable,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        sessions = [
            asyncio.create_task(reviewer_session(browser, url, name, ready, start, stop_at, latencies, card_ready, errors))
            for name in names
        ]
        while len(ready) + len(errors) < len(names):  # everyone signed in (or failed to)
            await asyncio.sleep(0.2)
        began = time.monotonic()
        stop_at[0] = began + seconds
        start.set()
        await asyncio.gather(*sessions)
        elapsed = time.monotonic() - began
        await browser.close()
    return latencies, card_ready, errors, elapsed


def run_browser(kind: str, reviewers: int, seconds: float, admin_url: str) -> Result:
    with tempfile.TemporaryDirectory() as folder, fresh_database(kind, admin_url) as database:
        people = fill(database, reviewers, claims_each=int(seconds * 6) + 50, with_passwords=True)
        url = database.engine.url.render_as_string(hide_password=False)
        with running_server(url, Path(folder) / "serve.log") as app:
            before = count_verdicts(database)
            latencies, card_ready, errors, elapsed = asyncio.run(
                drive_browsers(app, [p.name for p in people], seconds))
            saved = count_verdicts(database) - before
    result = summarise(kind, "browser", reviewers, elapsed, saved, latencies, errors)
    ready_ms = [latency * 1000 for latency in card_ready]
    result.ready_p50_ms = round(percentile(ready_ms, 0.50), 1)
    result.ready_p95_ms = round(percentile(ready_ms, 0.95), 1)
    return result


# --- core mode -------------------------------------------------------------------------------------


def core_worker(url: str, actor: Actor, start_at: float, stop_at: float, results) -> None:
    from workbench.review import QueueScope, claim_context, next_claim_id, submit_verdict

    database = Database(url)
    latencies, errors, saved = [], [], 0
    try:
        with database.session() as session:
            claim_id = next_claim_id(session, actor, QueueScope())
        time.sleep(max(0.0, start_at - time.time()))
        while claim_id is not None and time.time() < stop_at:
            began = time.perf_counter()
            try:
                with database.transaction() as session:
                    context = claim_context(session, claim_id)
                    submit_verdict(session, actor, claim_id, LABELS[saved % len(LABELS)], "",
                                   expected_version=context.version)
                with database.session() as session:
                    cursor = (context.article_id, context.position)
                    claim_id = next_claim_id(session, actor, QueueScope(), after=cursor)
                    if claim_id is not None:
                        claim_context(session, claim_id)
                saved += 1
                latencies.append(time.perf_counter() - began)
            except Exception as error:  # reported, not fatal
                errors.append(f"{error.__class__.__name__}: {str(error).splitlines()[0]}")
                break
    finally:
        database.dispose()
        results.put((latencies, errors))


def run_core(kind: str, reviewers: int, seconds: float, admin_url: str) -> Result:
    with tempfile.TemporaryDirectory() as folder, fresh_database(kind, admin_url) as database:
        people = fill(database, reviewers, claims_each=int(seconds * 100) + 100, with_passwords=False)
        url = database.engine.url.render_as_string(hide_password=False)
        context = multiprocessing.get_context("spawn")
        results = context.Queue()
        start_at = time.time() + 5 + reviewers * 0.2
        stop_at = start_at + seconds
        processes = [context.Process(target=core_worker, args=(url, actor, start_at, stop_at, results))
                     for actor in people]
        for process in processes:
            process.start()
        latencies, errors = [], []
        for _ in processes:
            worker_latencies, worker_errors = results.get()
            latencies += worker_latencies
            errors += worker_errors
        for process in processes:
            process.join()
        saved = count_verdicts(database)
    return summarise(kind, "core", reviewers, seconds, saved, latencies, errors)


def summarise(kind: str, mode: str, reviewers: int, elapsed: float, saved: int,
              latencies: list[float], errors: list[str]) -> Result:
    milliseconds = [latency * 1000 for latency in latencies]
    for error in errors[:10]:
        print(f"  error: {error}", file=sys.stderr)
    return Result(kind, mode, reviewers, round(elapsed, 1), saved, round(saved / elapsed, 1),
                  round(percentile(milliseconds, 0.50), 1), round(percentile(milliseconds, 0.95), 1),
                  round(percentile(milliseconds, 0.99), 1), len(errors))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=["browser", "core"], default="browser")
    parser.add_argument("--reviewers", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--databases", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"])
    parser.add_argument("--postgres-admin", default=os.environ.get(
        "WORKBENCH_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"),
        help="A PostgreSQL URL allowed to create and drop a scratch database.")
    arguments = parser.parse_args()
    run = run_browser if arguments.mode == "browser" else run_core
    results = []
    for kind in arguments.databases:
        result = run(kind, arguments.reviewers, arguments.seconds, arguments.postgres_admin)
        print(result.line(), flush=True)
        results.append(result)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"load-{arguments.mode}-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps({"cpus": os.cpu_count(), "results": [asdict(r) for r in results]}, indent=2))
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
