"""SQLAlchemy 2.0 typed models: the whole schema of the workbench."""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from workbench.vocabulary import (  # re-exported: models.CLAIM_KINDS and models.ROLES are imported widely
    CLAIM_KINDS,
    LABELS,
    MATCH_STATUSES,
    MATCH_TIERS,
    ROLES,
    ClaimKind,
    MatchStatus,
    Role,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _in_sql(column: str, values: tuple[str, ...]) -> str:
    """A check constraint's condition: ``column`` holds one of ``values``."""
    return f"{column} IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def utcnow() -> datetime:
    """Timezone-aware current UTC time (stored as UTC on both databases)."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and always read back timezone-aware, on SQLite too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime}


class Collection(Base):
    """A batch of articles reviewed together, e.g. one story."""

    __tablename__ = "collection"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    reviewers_per_claim: Mapped[int | None] = mapped_column(Integer)
    """How many verdicts each claim needs; ``None`` means every assigned reviewer."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    articles: Mapped[list[Article]] = relationship(back_populates="collection")

    __table_args__ = (
        CheckConstraint("reviewers_per_claim IS NULL OR reviewers_per_claim >= 1", name="reviewers_per_claim_positive"),
    )


class Article(Base):
    """One imported article; ``text`` is exactly the string claim offsets refer to."""

    __tablename__ = "article"

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(ForeignKey("collection.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(1000), default="")
    source: Mapped[str] = mapped_column(String(2000), default="")
    url: Mapped[str | None] = mapped_column(String(2000))
    published: Mapped[date | None] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)

    collection: Mapped[Collection] = relationship(back_populates="articles")
    claims: Mapped[list[Claim]] = relationship(
        back_populates="article", order_by="Claim.position", cascade="all, delete-orphan"
    )

    __table_args__ = (UniqueConstraint("collection_id", "content_hash"),)


class Claim(Base):
    """A unit of an article: a sentence-level claim or a non-claim unit (title, chrome, ...)."""

    __tablename__ = "claim"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    start_char: Mapped[int] = mapped_column(Integer)
    end_char: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20), default=ClaimKind.CLAIM.value)
    paragraph: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    """Bumped whenever a lead edits the unit, so stale verdict forms are refused."""

    article: Mapped[Article] = relationship(back_populates="claims")
    verdicts: Mapped[list[Verdict]] = relationship(back_populates="claim", cascade="all, delete-orphan")

    @hybrid_property
    def reviewable(self) -> bool:
        """Whether reviewers label this unit (only claims; headings, chrome and the rest are set aside)."""
        return self.kind == ClaimKind.CLAIM

    __table_args__ = (
        Index("ix_claim_article_position", "article_id", "position"),
        Index("ix_claim_kind_article", "kind", "article_id"),
        CheckConstraint("start_char >= 0 AND end_char > start_char", name="offsets_valid"),
        CheckConstraint(
            _in_sql("kind", CLAIM_KINDS), name="kind_known"
        ),
    )


class Reviewer(Base):
    """A person who signs in: a reviewer or a lead."""

    __tablename__ = "reviewer"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20), default=Role.REVIEWER.value)
    password_hash: Mapped[str | None] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (CheckConstraint(_in_sql("role", ROLES), name="role_known"),)


class Assignment(Base):
    """A reviewer assigned to review a collection."""

    __tablename__ = "assignment"

    collection_id: Mapped[int] = mapped_column(
        ForeignKey("collection.id", ondelete="CASCADE"), primary_key=True
    )
    reviewer_id: Mapped[int] = mapped_column(
        ForeignKey("reviewer.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)


class Verdict(Base):
    """The current verdict of one reviewer on one claim."""

    __tablename__ = "verdict"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewer.id"), index=True)
    label: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[list[str]] = mapped_column(JSON, default=list)
    guideline_version: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    claim: Mapped[Claim] = relationship(back_populates="verdicts")
    reviewer: Mapped[Reviewer] = relationship()

    __table_args__ = (
        UniqueConstraint("claim_id", "reviewer_id"),
        CheckConstraint(_in_sql("label", LABELS), name="label_known"),
    )


class VerdictHistory(Base):
    """Every change to a verdict: who, when, what it was, what it became."""

    __tablename__ = "verdict_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewer.id"))
    """Whose verdict changed (indexed with ``id``: a reviewer's history, and their latest change)."""
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("reviewer.id"))
    """Who made the change (the reviewer, a lead, or ``None`` for an import without a signed-in user)."""
    action: Mapped[str] = mapped_column(String(20))
    """``create``, ``update``, ``delete`` (undo), ``import``, ``match`` (applied from a match), or ``edit``
    (withdrawn by a lead's merge or split)."""
    old_label: Mapped[str | None] = mapped_column(String(32))
    new_label: Mapped[str | None] = mapped_column(String(32))
    old_note: Mapped[str | None] = mapped_column(Text)
    new_note: Mapped[str | None] = mapped_column(Text)
    old_evidence: Mapped[list[str] | None] = mapped_column(JSON)
    new_evidence: Mapped[list[str] | None] = mapped_column(JSON)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    source_claim_id: Mapped[int | None] = mapped_column(ForeignKey("claim.id", ondelete="SET NULL"))
    """Action ``match``: the matched claim whose verdict was applied (``None`` once that claim is gone)."""

    __table_args__ = (Index("ix_verdict_history_reviewer_id_id", "reviewer_id", "id"),)


class FinalVerdict(Base):
    """A lead's adjudicated verdict on a claim, kept apart from reviewers' verdicts."""

    __tablename__ = "final_verdict"

    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="CASCADE"), primary_key=True)
    label: Mapped[str] = mapped_column(String(32))
    rationale: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[int] = mapped_column(ForeignKey("reviewer.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    claim: Mapped[Claim] = relationship()

    __table_args__ = (CheckConstraint(_in_sql("label", LABELS), name="label_known"),)


class FinalVerdictHistory(Base):
    """Every change to a final verdict."""

    __tablename__ = "final_verdict_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("reviewer.id"))
    old_label: Mapped[str | None] = mapped_column(String(32))
    new_label: Mapped[str | None] = mapped_column(String(32))
    old_rationale: Mapped[str | None] = mapped_column(Text)
    new_rationale: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class Guideline(Base):
    """One version of the label guidelines: a definition per label."""

    __tablename__ = "guideline"

    version: Mapped[int] = mapped_column(primary_key=True)
    definitions: Mapped[dict[str, str]] = mapped_column(JSON)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("reviewer.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- sign-in sessions ---


class SignInSession(Base):
    """A signed-in browser: the cookie's token is kept only as a SHA-256 hash.

    A row starts with a one-time ``handoff_hash`` (the page hands the code to the browser, which
    trades it for the cookie); ``token_hash`` is set by that trade.
    """

    __tablename__ = "sign_in_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(
        ForeignKey("reviewer.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    handoff_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    ended_at: Mapped[datetime | None] = mapped_column()


class SignInThrottle(Base):
    """Failed sign-ins counted per attempted name and per client address (keys are hashed)."""

    __tablename__ = "sign_in_throttle"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- reliability: control claims ---


class ControlClaim(Base):
    """An adjudicated claim a lead uses as a control: mixed into queues, its final verdict the answer."""

    __tablename__ = "control_claim"

    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="CASCADE"), primary_key=True)
    added_by: Mapped[int] = mapped_column(ForeignKey("reviewer.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    """Only verdicts given from this moment on count towards accuracy on controls."""


class ControlSetting(Base):
    """How often a collection's queues show control claims, and the accuracy a lead expects on them."""

    __tablename__ = "control_setting"

    collection_id: Mapped[int] = mapped_column(ForeignKey("collection.id", ondelete="CASCADE"), primary_key=True)
    rate: Mapped[float] = mapped_column(Float)
    """Share of queue steps that show a control claim (0 to 0.5)."""
    threshold: Mapped[float] = mapped_column(Float)
    """Reviewers whose accuracy on controls falls below this are flagged."""
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        CheckConstraint("rate >= 0 AND rate <= 0.5", name="rate_range"),
        CheckConstraint("threshold >= 0 AND threshold <= 1", name="threshold_range"),
    )


# --- match (same claim across articles) ---


class ClaimMatch(Base):
    """Two reviewable claims of different articles that say the same thing (``claim_a_id < claim_b_id``)."""

    __tablename__ = "claim_match"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_a_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="CASCADE"))
    claim_b_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    """Similarity 0–1 (see ``workbench.matching``)."""
    tier: Mapped[str] = mapped_column(String(20))
    """``linked`` (a verdict may be shared) or ``suggested`` (for a person to confirm or reject)."""
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    """What differs ("number: 2008 vs 2002"), or why a close pair was not linked."""
    same_collection: Mapped[bool] = mapped_column(default=True)
    status: Mapped[str] = mapped_column(String(20), default=MatchStatus.SUGGESTED.value)
    """``suggested`` (no person decided yet), ``confirmed`` or ``rejected``."""
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("reviewer.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("claim_a_id", "claim_b_id"),
        CheckConstraint("claim_a_id < claim_b_id", name="ordered_pair"),
        CheckConstraint(_in_sql("tier", MATCH_TIERS), name="tier_known"),
        CheckConstraint(_in_sql("status", MATCH_STATUSES), name="status_known"),
    )


class MatchTerm(Base):
    """A content word (hashed) of a reviewable claim: the index candidate search reads."""

    __tablename__ = "match_term"

    term: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="CASCADE"), primary_key=True, index=True)


class MatchSettings(Base):
    """A collection's matching thresholds (defaults in ``workbench.matching`` when absent)."""

    __tablename__ = "match_settings"

    collection_id: Mapped[int] = mapped_column(ForeignKey("collection.id", ondelete="CASCADE"), primary_key=True)
    link_threshold: Mapped[float] = mapped_column(Float)
    suggest_threshold: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- triage ---


class ClaimSignal(Base):
    """Triage of one claim: its check-worthiness, signals and quote (``workbench.triage``)."""

    __tablename__ = "claim_signal"

    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="CASCADE"), primary_key=True)
    checkworthiness: Mapped[float] = mapped_column(Float, index=True)
    """0–1, see ``workbench.triage.WEIGHTS``."""
    kinds: Mapped[str] = mapped_column(String(300), default="")
    """The distinct signal kinds, space-separated with spaces around (`` number quote ``), for filters."""
    signals: Mapped[list[dict]] = mapped_column(JSON, default=list)
    """Every signal: kind, start, end (article offsets), text, detail."""
    quote_start: Mapped[int | None] = mapped_column(Integer)
    quote_end: Mapped[int | None] = mapped_column(Integer)
    quote_speaker: Mapped[str | None] = mapped_column(String(200))
    quote_verb: Mapped[str | None] = mapped_column(String(60))
    claim_version: Mapped[int] = mapped_column(Integer)
    """The claim's ``version`` the signals were computed for."""


class CollectionTriage(Base):
    """How a collection's review queue is ordered."""

    __tablename__ = "collection_triage"

    collection_id: Mapped[int] = mapped_column(
        ForeignKey("collection.id", ondelete="CASCADE"), primary_key=True
    )
    queue_order: Mapped[str] = mapped_column(String(20), default="article")
    """``article`` (article order, the default) or ``checkworthiness`` (most checkable first)."""

    __table_args__ = (CheckConstraint("queue_order IN ('article', 'checkworthiness')", name="queue_order_known"),)


# --- triage model ---


class TriageModel(Base):
    """A collection's check-worthiness model, trained on its own verdicts (``workbench.triage_model``).

    A logistic regression over the triage features, stored as weights (no file, no pickle)."""

    __tablename__ = "triage_model"

    collection_id: Mapped[int] = mapped_column(
        ForeignKey("collection.id", ondelete="CASCADE"), primary_key=True
    )
    weights: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    """Feature name → weight (features as ``workbench.triage.analyse_article`` gives them)."""
    intercept: Mapped[float] = mapped_column(Float)
    examples: Mapped[int] = mapped_column(Integer)
    """Claims trained on (labelled checkable or editorial framing)."""
    checkable: Mapped[int] = mapped_column(Integer)
    """Of those, claims labelled supported or disputed."""
    roc_auc: Mapped[float] = mapped_column(Float)
    """Cross-validated ROC AUC of the model (stratified k-fold)."""
    average_precision: Mapped[float] = mapped_column(Float)
    """Cross-validated average precision of the model."""
    rule_roc_auc: Mapped[float] = mapped_column(Float)
    """ROC AUC of the rule-based check-worthiness on the same claims, for comparison."""
    enabled: Mapped[bool] = mapped_column(default=False)
    """Whether the model orders the collection's queue (a lead's choice)."""
    trained_by: Mapped[int | None] = mapped_column(ForeignKey("reviewer.id", ondelete="SET NULL"))
    trained_at: Mapped[datetime] = mapped_column(default=utcnow)


class ClaimModelScore(Base):
    """A claim's score under its collection's triage model, used only to order the queue."""

    __tablename__ = "claim_model_score"

    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="CASCADE"), primary_key=True)
    score: Mapped[float] = mapped_column(Float, index=True)
