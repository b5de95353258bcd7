"""Same claim across articles: normalisation, the conflict guard, tiers, storage and the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from builders import two_stories
from click.testing import CliRunner
from sqlalchemy import func, select

from workbench.access import Actor, PermissionDenied
from workbench.edits import merge_units, set_unit_kind, split_unit
from workbench.auth import create_reviewer
from workbench.cli import main
from workbench.db import Database
from workbench.extract import load_pipeline
from workbench.ingest import Document, ingest_documents, ingest_paths
from workbench.match_text import MatchError, Thresholds, compare, compare_pairs, conflicts, features, normalise
from workbench.match_search import ClaimText, candidate_pairs, rebuild
from workbench.matching import decide_match, linked_groups, list_matches, matches_of_claim
from workbench.models import Claim, ClaimMatch, MatchTerm

DEV = Path(__file__).parent / "data" / "match_dev.jsonl"


def dev_pairs() -> list[dict]:
    return [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines()]


# --- normalisation and the guard ------------------------------------------------------------


def test_normalise_makes_quotes_dashes_ellipses_space_and_case_uniform() -> None:
    assert normalise("“It’s  fine…” — OK") == normalise('"it\'s fine..." - ok')
    assert normalise("The  TEAM\u00a0won") == "the team won"


@pytest.mark.parametrize(
    ("wrapped", "bare"),
    [
        ('"We have no plans to raise taxes this year," she said.', "We have no plans to raise taxes this year."),
        ("According to the ministry, the rules take effect on 1 January.", "The rules take effect on 1 January."),
        ('The minister said: "The rules take effect on 1 January."', "The rules take effect on 1 January."),
        ('"The rules take effect on 1 January and apply to all…', "The rules take effect on 1 January and apply to all"),
    ],
)
def test_attribution_wrappers_and_truncation_are_removed(wrapped: str, bare: str) -> None:
    assert normalise(wrapped) == normalise(bare)


SENTENCE = "The company said it would cut 1,200 jobs at its plant in Ohio over the next two years."


@pytest.mark.parametrize(
    ("other", "reason"),
    [
        (SENTENCE.replace("1,200", "1,500"), "number: 1200 vs 1500"),
        (SENTENCE.replace("would cut", "would not cut"), "negation"),
        (SENTENCE.replace("Ohio", "Texas"), "name: ohio vs texas"),
        ("Unemployment rose to 5.2 percent in March, the statistics office said on Friday.", None),
    ],
)
def test_conflicts_are_never_linked_and_say_what_differs(other: str, reason: str | None) -> None:
    verdict = compare(SENTENCE, other)
    if reason is None:
        assert verdict.tier == "none"
    else:
        assert verdict.tier == "suggested"
        assert any(r.startswith(reason) for r in verdict.reasons), verdict.reasons


@pytest.mark.parametrize(
    ("a", "b", "reason"),
    [
        ("revenue was $1.2 million last year, up from the year before", "revenue was $1.2 billion last year, up from the year before",
         "scale: million vs billion"),
        ("The factory employs about 3 thousand workers in the region", "The factory employs about 3 million workers in the region",
         "scale: thousand vs million"),
        ("The firm reported a profit of 5 million euros for the quarter", "The firm reported a loss of 5 million euros for the quarter",
         "direction: profit vs loss"),
        ("The senator voted for the bill on Tuesday after a long debate", "The senator voted against the bill on Tuesday after a long debate",
         "direction: for vs against"),
        ("Officials said the vaccine is safe for children under twelve", "Officials said the vaccine is unsafe for children under twelve",
         "negation: 'safe' vs 'unsafe'"),
        ("The test results were accurate according to the hospital", "The test results were inaccurate according to the hospital",
         "negation: 'accurate' vs 'inaccurate'"),
        ("Most voters support the new housing plan, the survey found", "Few voters support the new housing plan, the survey found",
         "direction: most vs few"),
        ("The merger of the two banks was announced by the commission", "The merger of the two banks was denied by the commission",
         "direction: announced vs denied"),
        ("Unemployment rose two percentage points over the year", "Unemployment rose two percent over the year",
         "measure: percentage vs percent"),
        ("The bridge will stay closed unless the repairs are finished", "The bridge will stay closed less than a week while repairs are finished",
         None),
    ],
)
def test_opposite_words_scales_and_prefixed_opposites_are_never_linked(a: str, b: str, reason: str | None) -> None:
    """Each pair scores as high as a link would; what differs makes them different facts."""
    reasons = conflicts(features(a), features(b))
    assert (reason in reasons) if reason else not any(r.startswith("negation") for r in reasons)
    if reason:
        assert compare(a, b).tier != "linked"


PRODUCTS = "The firm will be able to sell its chocolate products, which are not sold in the United States, through the network."


@pytest.mark.parametrize(
    ("a", "b", "reason"),
    [
        (PRODUCTS, PRODUCTS.replace("will be able", "will not be able"), "negation: 'able' vs 'not able'"),
        (PRODUCTS, PRODUCTS.replace("are not sold", "are not not sold"), "negation: 'not sold' vs 'sold'"),
        (SENTENCE, SENTENCE.replace("would cut", "wouldn't cut"), "negation: 'cut' vs 'not cut'"),
        (
            "Our bags and the gift collection should have not been featured with children in the campaign.",
            "Our bags and the gift collection should not have been featured with children in the campaign.",
            None,
        ),
        (SENTENCE.replace("would cut", "did not say it would cut"), SENTENCE.replace("would cut", "didn't say it would cut"), None),
        (SENTENCE, SENTENCE[:-1] + ", but it would not close the plant.", None),
        (
            "The council did not approve the budget for the new library on Tuesday evening.",
            "The council did approve the budget for the new library but did not attend the vote.",
            "negation: 'not approve' vs 'approve'",
        ),
        (
            "He did not resign in March and he did not resign in May, the minister said.",
            "He did resign in March and he did resign again in May, the minister said.",
            "negation: 'not resign' vs 'resign'",
        ),
    ],
)
def test_a_word_negated_in_one_claim_only_is_a_conflict(a: str, b: str, reason: str | None) -> None:
    """However many other negations each claim has; the same negation placed a word apart is not a
    conflict, nor is a negated clause only the longer claim has."""
    reasons = [r for r in compare(a, b).reasons if r.startswith("negation")]
    assert reasons == ([reason] if reason else [])


def test_direction_and_dates_conflict() -> None:
    base = "Shares in the carmaker rose 8 percent in early trading on Monday after the results."
    assert compare(base, base.replace("rose", "fell")).tier == "suggested"
    assert compare(base, base.replace("Monday", "Tuesday")).reasons[0] == "date: monday vs tuesday"
    assert compare(base, base).tier == "linked"


def test_short_claims_are_never_linked() -> None:
    verdict = compare("Prices rose sharply.", "Prices rose sharply.")
    assert verdict.tier == "suggested" and verdict.score == 1.0


@pytest.mark.parametrize(
    "text",
    ["", "   ", "Yes.", "x" * 5000, ("word " * 1000).strip(), "Путин заявил, что цены выросли на 5%.", "中国的经济增长放缓了。", "🙂🙂🙂"],
)
def test_odd_inputs_never_crash(text: str) -> None:
    for verdict in compare_pairs([(text, text), (text, SENTENCE), (SENTENCE, text)]):
        assert 0.0 <= verdict.score <= 1.0
        assert verdict.tier in ("linked", "suggested", "none")


def test_non_latin_copies_are_found() -> None:
    text = "Правительство заявило, что новые правила вступят в силу с первого января следующего года."
    assert compare(text, text.replace("заявило", "сообщило")).tier in ("linked", "suggested")


# --- quality on the development pairs (tests/data/match_dev.jsonl; see the README) ---------


def test_development_set_targets() -> None:
    rows = dev_pairs()
    verdicts = compare_pairs([(row["a"], row["b"]) for row in rows])
    same = [row["label"] == "paraphrase" for row in rows]
    linked = [v.tier == "linked" for v in verdicts]
    found = [v.tier != "none" for v in verdicts]
    true_linked = sum(l and s for l, s in zip(linked, same))
    assert true_linked / sum(linked) >= 0.9 and true_linked / sum(same) >= 0.3
    tp = sum(f and s for f, s in zip(found, same))
    precision, recall = tp / sum(found), tp / sum(same)
    assert 2 * precision * recall / (precision + recall) >= 0.82
    for row, verdict in zip(rows, verdicts):
        if row["label"] == "conflict":
            assert verdict.tier == "suggested", row


def one_number_changed(text: str) -> str | None:
    match = re.search(r"\d+", text)
    return None if match is None else text[:match.start()] + str(int(match.group()) + 7) + text[match.end():]


def not_inserted(text: str) -> str | None:
    match = re.search(r"\b(is|was|are|were|will|would|has|have|had|did|does)\b", text)
    return None if match is None else text[:match.end()] + " not" + text[match.end():]


@pytest.mark.parametrize("change", [one_number_changed, not_inserted])
def test_copies_with_one_number_changed_or_not_inserted_are_never_linked(change) -> None:
    pairs = [(row["a"], change(row["b"])) for row in dev_pairs() if row["label"] == "paraphrase" and change(row["b"])]
    assert len(pairs) >= 15
    for (a, b), verdict in zip(pairs, compare_pairs(pairs)):
        assert verdict.tier != "linked", (a, b, verdict)


def test_thresholds_are_checked() -> None:
    with pytest.raises(MatchError):
        Thresholds(link=0.3, suggest=0.5)


# --- candidates ------------------------------------------------------------------------------


def test_candidates_skip_the_same_article_and_stay_bounded() -> None:
    claims = [ClaimText(i, 1, 1, SENTENCE) for i in range(300)] + [ClaimText(300, 2, 1, SENTENCE)]
    pairs = candidate_pairs(claims)
    assert all(300 in pair for pair in pairs)
    assert 0 < len(pairs) <= 300  # linear in the copies, each copy paired with the other article


# --- storage -----------------------------------------------------------------------------------


def seed_story(db: Database, seeds_dir: Path) -> None:
    ingest_paths(db, [seeds_dir], collection="Seed", nlp=load_pipeline())


def test_seed_story_repeated_quotes_linked_and_conflicting_reports_suggested(db: Database, seeds_dir: Path) -> None:
    seed_story(db, seeds_dir)
    with db.read_session() as session:
        rows = list_matches(session, "Seed")
    linked = [row for row in rows if row.tier == "linked"]
    assert len(linked) >= 8
    assert all(row.article_a != row.article_b for row in rows)
    case_years = [row for row in rows if any("2008" in r and "2002" in r for r in row.reasons)]
    assert case_years and all(row.tier == "suggested" for row in case_years)
    assert rows[0].conflict  # conflicts first
    # Ingest kept the table current: a rebuild finds exactly the same pairs.
    before = {(row.claim_a, row.claim_b, row.tier) for row in rows}
    rebuild(db, "Seed")
    with db.read_session() as session:
        assert {(row.claim_a, row.claim_b, row.tier) for row in list_matches(session, "Seed")} == before


def lead(db: Database) -> Actor:
    with db.transaction() as session:
        return Actor.of(create_reviewer(session, "Lena Lead", None, "lead", actor=Actor.operator()))


def test_decisions_are_kept_by_rebuild_and_shown_per_claim(db: Database) -> None:
    two_stories(db)
    actor = lead(db)
    with db.read_session() as session:
        [row] = list_matches(session, "news")
    with db.transaction() as session:
        decide_match(session, actor, row.id, "rejected")
    rebuild(db, "news")
    with db.read_session() as session:
        [again] = list_matches(session, "news")
        assert (again.status, again.decided_by) == ("rejected", "Lena Lead")
        assert matches_of_claim(session, row.claim_b) == []
        assert matches_of_claim(session, row.claim_b, include_rejected=True)[0].claim_a == row.claim_b
        assert linked_groups([again]) == []
    with db.transaction() as session, pytest.raises(MatchError):
        decide_match(session, actor, row.id, "maybe")


def test_a_reviewer_decides_an_open_match_or_their_own_decision_never_someone_else_s(db: Database) -> None:
    two_stories(db)
    lena = lead(db)
    with db.transaction() as session:
        ann, ben = (Actor.of(create_reviewer(session, name, None, "reviewer", actor=Actor.operator())) for name in ("Ann", "Ben"))
        [row] = list_matches(session, "news")
    with db.transaction() as session:
        decide_match(session, ann, row.id, "confirmed")
    with db.transaction() as session:
        decide_match(session, ann, row.id, "rejected")  # her own decision: she may change it
    with db.transaction() as session, pytest.raises(PermissionDenied, match="only a lead can change"):
        decide_match(session, ben, row.id, "suggested")
    with db.transaction() as session:
        decide_match(session, lena, row.id, "confirmed")
    for reviewer in (ann, ben):
        with db.transaction() as session, pytest.raises(PermissionDenied):
            decide_match(session, reviewer, row.id, "rejected")
    with db.read_session() as session:
        [now] = list_matches(session, "news")
    assert (now.status, now.decided_by, now.decided_by_id) == ("confirmed", "Lena Lead", lena.id)


def test_merge_split_and_kind_changes_leave_no_dangling_matches(db: Database) -> None:
    two_stories(db)
    actor = lead(db)
    with db.read_session() as session:
        [row] = list_matches(session, "news")
        neighbour = session.scalar(select(Claim).where(Claim.article_id == row.article_b, Claim.id != row.claim_b, Claim.kind == "claim"))
        target = session.get(Claim, row.claim_b)
    with db.transaction() as session:
        merge_units(session, actor, target.id, neighbour.id)
    with db.read_session() as session:
        assert session.scalar(select(func.count()).select_from(MatchTerm).where(MatchTerm.claim_id == neighbour.id)) == 0
        assert all(neighbour.id not in (m.claim_a, m.claim_b) for m in list_matches(session, "news"))
        merged = session.get(Claim, target.id)
    with db.transaction() as session:
        split_unit(session, actor, merged.id, len(target.text) + 1)
    with db.read_session() as session:
        assert [(m.claim_a, m.claim_b) for m in list_matches(session, "news")] == [(row.claim_a, row.claim_b)]
    with db.transaction() as session:
        set_unit_kind(session, actor, row.claim_a, "boilerplate")
    with db.read_session() as session:
        assert session.scalar(select(func.count()).select_from(ClaimMatch)) == 0


def test_identical_claims_inside_one_article_are_not_paired(db: Database) -> None:
    text = "Heading\n\n" + " ".join(["The council approved the new budget for the coming year on Monday."] * 5)
    ingest_documents(db, [Document(source="dup.txt", text=text)], collection="news", nlp=load_pipeline())
    assert rebuild(db, "news").candidates == 0


# --- command line ------------------------------------------------------------------------------


def run(db: Database, *args: str, input: str | None = None):
    return CliRunner().invoke(main, ["--database", db.url, *args], input=input, catch_exceptions=False)


def test_matches_command_lists_jsonl_with_the_documented_fields(db: Database) -> None:
    two_stories(db)
    result = run(db, "matches", "--collection", "news", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    [record] = [json.loads(line) for line in result.output.splitlines()]
    assert {"claim_a", "claim_b", "article_a", "article_b", "text_a", "text_b", "score", "tier", "reasons"} <= set(record)
    assert run(db, "matches", "--tier", "linked", "--collection", "news").exit_code == 0
    table = run(db, "matches", "--collection", "news")
    assert table.exit_code == 0 and f"#{record['id']} {record['tier']}, score " in table.output and ", undecided" in table.output
    stored = run(db, "matches", "--collection", "news", "--link-threshold", "0.99", "--suggest-threshold", "0.98")
    assert stored.exit_code == 0 and "No matches" in stored.output
    assert run(db, "matches", "--collection", "nope").exit_code == 1


def test_one_threshold_given_keeps_the_other(db: Database) -> None:
    from workbench.match_search import collection_thresholds

    two_stories(db)
    assert run(db, "matches", "--collection", "news", "--link-threshold", "0.95", "--suggest-threshold", "0.6").exit_code == 0
    assert run(db, "matches", "--collection", "news", "--suggest-threshold", "0.5").exit_code == 0
    with db.read_session() as session:
        assert (collection_thresholds(session, "news").link, collection_thresholds(session, "news").suggest) == (0.95, 0.5)
    refused = run(db, "matches", "--link-threshold", "0.9")
    assert refused.exit_code == 2 and "--collection NAME" in refused.output


def test_similarity_command_answers_each_line_in_order(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.jsonl"
    rows = [{"a": SENTENCE, "b": SENTENCE}, {"a": SENTENCE, "b": SENTENCE.replace("1,200", "1,500")}, {"a": "", "b": "x"}]
    pairs.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    result = CliRunner().invoke(main, ["similarity", "--pairs", str(pairs)], catch_exceptions=False)
    out = [json.loads(line) for line in result.output.splitlines()]
    assert [o["tier"] for o in out] == ["linked", "suggested", "none"]
    assert set(out[0]) == {"score", "tier", "reasons"}
    bad = CliRunner().invoke(main, ["similarity", "--pairs", "-"], input='{"a": "x"}\nnot json\n')
    assert bad.exit_code == 1 and "line 1" in bad.output and "line 2" in bad.output


@pytest.mark.parametrize(
    ("content", "exit_code", "expected"),
    [
        (b"", 1, "Nothing to score: the file holds no pairs"),
        (b"\n\n", 1, "Nothing to score"),
        ('\ufeff{"a": "x y", "b": "x y"}\n\n\n'.encode(), 0, '"tier"'),
        (b'{"a": "x", "b": "x"}\n\n{"a": "x", "b": "x"}\n', 1, "line 2: empty line"),
    ],
    ids=["empty", "blank lines only", "BOM and blank lines at the end", "a blank line between pairs"],
)
def test_similarity_reads_what_editors_write_and_says_what_it_cannot(tmp_path: Path, content: bytes, exit_code: int, expected: str) -> None:
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_bytes(content)
    result = CliRunner().invoke(main, ["similarity", "--pairs", str(pairs)])
    assert result.exit_code == exit_code and expected in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


STORY = "The council approved a budget of {} for the new school on Tuesday, officials said."


@pytest.mark.parametrize(
    ("amount", "tier"),
    [(lambda n: "three million dollars", "linked"), (lambda n: f"{3 * n} million dollars", "suggested")],
    ids=["one sum", "a sum each"],
)
def test_a_story_told_alike_in_many_articles_is_matched_in_each_whatever_their_number(db: Database, amount, tier: str) -> None:
    """More articles than a word may be in and still find candidates in a small collection (20):
    each claim still finds the others through its rarest words, at ingest one article at a time
    and in a rebuild, which keeps them."""
    articles = 25
    for n in range(1, articles + 1):
        text = f"Outlet {n} covers the vote\n\n{STORY.format(amount(n))} Reporter {n} saw {7 * n} protesters outside."
        ingest_documents(db, [Document(source=f"o{n}.txt", text=text)], collection="news", nlp=load_pipeline())

    def pairs() -> set[frozenset[int]]:
        with db.read_session() as session:
            story = set(session.scalars(select(Claim.id).where(Claim.text.startswith("The council approved"))))
            assert len(story) == articles
            return {
                frozenset((row.claim_a, row.claim_b)) for row in list_matches(session, "news")
                if {row.claim_a, row.claim_b} <= story and row.tier == tier
            }

    expected = articles * (articles - 1) // 2
    assert len(pairs()) == expected
    rebuild(db, "news")
    assert len(pairs()) == expected
