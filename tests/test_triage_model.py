"""The team's own triage model: trained on verdicts, cross-validated, stored in the database,
enabled per collection by a lead, and only ever ordering the queue."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import triage_newsroom
from click.testing import CliRunner
from sqlalchemy import select

from workbench.access import Actor, PermissionDenied
from workbench.cli import main
from workbench.db import Database
from workbench.models import Claim, ClaimModelScore, TriageModel
from workbench.review import next_claim_id
from workbench.verdicts import save_verdict
from workbench.triage_model import (
    MIN_EXAMPLES,
    claim_labels,
    TriageModelError,
    model_orders,
    model_report,
    set_model_enabled,
    train_model,
)
from workbench.triage_store import set_queue_order


def test_too_few_verdicts_are_refused_and_nothing_is_stored(db: Database) -> None:
    lead, _other, collection_id = triage_newsroom(db, checkable=10, framing=5)
    with pytest.raises(TriageModelError, match=f"at least {MIN_EXAMPLES}"):
        train_model(db, "news", lead)
    with db.read_session() as session:
        assert session.get(TriageModel, collection_id) is None
        assert model_report(session, collection_id) is None
    with db.transaction() as session, pytest.raises(TriageModelError, match="Train a model"):
        set_model_enabled(session, lead, collection_id, True)


def test_trained_model_is_cross_validated_stored_and_orders_only_when_enabled(db: Database) -> None:
    lead, other, collection_id = triage_newsroom(db)
    report = train_model(db, "news", lead)
    assert (report.examples, report.checkable, report.folds) == (40, 20, 5)
    assert report.roc_auc > 0.9 and report.average_precision > 0.9
    assert 0 <= report.rule_roc_auc <= 1
    assert not report.enabled
    with db.read_session() as session:
        stored = session.get(TriageModel, collection_id)
        assert stored.weights and stored.trained_by == lead.id
        scores = dict(session.execute(select(ClaimModelScore.claim_id, ClaimModelScore.score)).all())
        claims = {c.id: c.text for c in session.scalars(select(Claim).where(Claim.kind == "claim"))}
        assert set(scores) == set(claims)
        checkable = [scores[i] for i, text in claims.items() if "shameful" not in text]
        framing = [scores[i] for i, text in claims.items() if "shameful" in text]
        assert min(checkable) > max(framing)
        assert not model_orders(session, [collection_id])
    with db.transaction() as session:
        set_queue_order(session, collection_id, "checkworthiness")
        assert set_model_enabled(session, lead, collection_id, True).enabled
    with db.read_session() as session:
        assert model_orders(session, [collection_id])
        best = max(scores.values())
        first = next_claim_id(session, other)
        assert scores[first] == best
        assert first == min(claim_id for claim_id, value in scores.items() if value == best)
    retrained = train_model(db, "news", lead)
    assert retrained.enabled  # retraining keeps the lead's choice


def test_reviewers_split_between_supported_and_disputed_agree_the_claim_is_checkable(db: Database) -> None:
    lead, other, collection_id = triage_newsroom(db)
    with db.transaction() as session:
        claims = session.scalars(select(Claim).where(Claim.kind == "claim").order_by(Claim.position)).all()
        reviewer = Actor.of(session.scalar(select_reviewer("Rita Reviewer")))
        split, framed, tied = claims[0], claims[1], claims[2]  # the first checkable, framing, checkable
        save_verdict(session, other, split.id, "disputed")  # supported + disputed: checkable
        save_verdict(session, other, framed.id, "supported")
        save_verdict(session, reviewer, framed.id, "disputed")  # framing + supported + disputed: checkable
        save_verdict(session, other, tied.id, "editorial_framing")  # supported + framing: no majority
        labels = claim_labels(session, collection_id)
    assert (labels[split.id], labels[framed.id]) == (1, 1)
    assert tied.id not in labels and len(labels) == len(claims) - 1
    assert train_model(db, "NEWS", lead).collection == "news"


def test_only_a_lead_trains_or_switches(db: Database) -> None:
    _lead, _other, collection_id = triage_newsroom(db)
    with db.read_session() as session:
        reviewer = Actor.of(session.scalar(select_reviewer("Rita Reviewer")))
    with pytest.raises(PermissionDenied):
        train_model(db, "news", reviewer)
    with db.transaction() as session, pytest.raises(PermissionDenied):
        set_model_enabled(session, reviewer, collection_id, True)


def select_reviewer(name: str):
    from workbench.models import Reviewer

    return select(Reviewer).where(Reviewer.name == name)


@pytest.fixture
def newsroom_file(tmp_path: Path) -> str:
    """The triage newsroom in a SQLite file, for the CLI: its URL."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    database = Database(url)
    database.upgrade("head")
    triage_newsroom(database)
    database.dispose()
    return url


def test_cli_trains_and_switches(newsroom_file: str) -> None:
    url = newsroom_file
    runner = CliRunner()
    trained = runner.invoke(main, ["--database", url, "triage", "--train", "--collection", "news"])
    assert trained.exit_code == 0, trained.output
    assert "40 claims (20 checkable), 5-fold cross-validated ROC AUC" in trained.output
    assert "not enabled" in trained.output
    switched = runner.invoke(main, ["--database", url, "triage", "--model", "on", "--collection", "news"])
    assert switched.exit_code == 0 and "; enabled for the queue order" in switched.output
    missing = runner.invoke(main, ["--database", url, "triage", "--train"])
    assert missing.exit_code == 2 and "--collection" in missing.output
    unknown = runner.invoke(main, ["--database", url, "triage", "--train", "--collection", "nope"])
    assert unknown.exit_code == 1 and "No collection called 'nope'" in unknown.output


def test_dump_and_load_carry_the_model_and_its_scores(db: Database, tmp_path: Path) -> None:
    from workbench.dump import dump_database, load_dump

    lead, _other, collection_id = triage_newsroom(db)
    train_model(db, "news", lead)
    with db.transaction() as session:
        set_model_enabled(session, lead, collection_id, True)
    with db.read_session() as session:
        weights = session.get(TriageModel, collection_id).weights
        scores = dict(session.execute(select(ClaimModelScore.claim_id, ClaimModelScore.score)).all())
    dump_database(db, tmp_path / "dump.jsonl")
    target = Database(f"sqlite:///{tmp_path / 'copy.db'}")
    load_dump(target, tmp_path / "dump.jsonl")
    with target.read_session() as session:
        model = session.get(TriageModel, collection_id)
        assert model.enabled and model.weights == weights
        assert dict(session.execute(select(ClaimModelScore.claim_id, ClaimModelScore.score)).all()) == scores
        assert model_orders(session, [collection_id])
    target.dispose()


def test_a_model_worse_than_the_rules_cannot_order_the_queue(db: Database, monkeypatch) -> None:
    lead, _other, collection_id = triage_newsroom(db)
    train_model(db, "news", lead)
    with db.transaction() as session:
        assert set_model_enabled(session, lead, collection_id, True).enabled
    import sklearn.metrics

    aucs = iter([0.45, 0.49])  # the model's cross-validated ROC AUC, then the rules'
    monkeypatch.setattr(sklearn.metrics, "roc_auc_score", lambda *_args, **_kwargs: next(aucs))
    retrained = train_model(db, "news", lead)
    assert not retrained.enabled and not retrained.usable
    assert "not used for the queue order: it ranks the team's verdicts worse than the rules" in retrained.summary()
    with db.transaction() as session, pytest.raises(TriageModelError, match="cannot order the queue: it ranks"):
        set_model_enabled(session, lead, collection_id, True)
    with db.read_session() as session:
        assert not model_orders(session, [collection_id])
        assert not model_report(session, collection_id).enabled
    with db.transaction() as session:  # enabled before these rules (an older version, a dump): not used
        session.get(TriageModel, collection_id).enabled = True
    with db.read_session() as session:
        assert not model_orders(session, [collection_id])
        assert "not used for the queue order" in model_report(session, collection_id).summary()


def test_switching_off_a_model_never_trained_changes_nothing(newsroom_file: str) -> None:
    url = newsroom_file
    result = CliRunner().invoke(main, ["--database", url, "triage", "--model", "off", "--collection", "NEWS"])
    assert result.exit_code == 0 and "no model trained; the rule score orders the queue" in result.output
    order = CliRunner().invoke(main, ["--database", url, "triage", "--queue-order", "article", "--collection", "NEWS"])
    assert order.exit_code == 0 and "Collection 'news': queue in article order." in order.output
