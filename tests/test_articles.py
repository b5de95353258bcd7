"""The article list, one article's units, escaped rendering and the import preview."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from builders import claim_ids, people
from sqlalchemy import func, select

from workbench.access import Actor, PermissionDenied
from workbench.articles import (
    ArticleError,
    ArticleFilters,
    ArticleView,
    UnitView,
    article_view,
    list_articles,
    unit_status,
)
from workbench.import_preview import import_documents, pasted_document, preview_documents, read_uploads
from workbench.render import article_html, header_html, markdown_escape, snippet
from workbench.assignment import assign
from workbench.db import Database
from workbench.extract import load_pipeline
from workbench.ingest import Document, InputError, ingest_documents
from workbench.links import web_link
from workbench.models import Article, Claim, Collection, FinalVerdict
from workbench.verdicts import save_verdict

NLP = load_pipeline()
THREE_CLAIMS = "Taxes rose by 4% in 2023. Unemployment fell to 3.1 percent. Exports grew again."
HOSTILE = (
    'The council approved <script>window.__pwned=1</script> the plan. '
    'Officials said <img src=x onerror="window.__pwned=2"> it works. '
    'Read <a href="javascript:window.__pwned=3">click</a> for more.'
)


def ingest(db: Database, documents: list[Document], collection: str = "news") -> list[int]:
    return ingest_documents(db, documents, collection=collection, nlp=NLP).article_ids


def give(db: Database, actor: Actor, claim_id: int, label: str) -> None:
    with db.transaction() as session:
        save_verdict(session, actor, claim_id, label)


def set_reviewers_per_claim(db: Database, collection: str, value: int | None) -> None:
    with db.transaction() as session:
        session.scalar(select(Collection).where(Collection.name == collection)).reviewers_per_claim = value


def listing(db: Database, actor: Actor, **filters):
    page = filters.pop("page", 1)
    page_size = filters.pop("page_size", 25)
    with db.session() as session:
        return list_articles(session, actor, ArticleFilters(**filters), page=page, page_size=page_size)


def view(db: Database, actor: Actor, article_id: int) -> ArticleView:
    with db.session() as session:
        return article_view(session, actor, article_id)


# --- the list -------------------------------------------------------------------------------------------


def test_list_counts_claims_verdicts_and_reviewers_done(db):
    lead, ann, bob = people(db)
    busy, quiet = ingest(
        db,
        [
            Document(source="busy.txt", text=THREE_CLAIMS, title="Busy", published=date(2024, 5, 2)),
            Document(source="quiet.txt", text="Nobody reviewed this. Not one claim.", title="Quiet", published=date(2024, 5, 1)),
        ],
    )
    set_reviewers_per_claim(db, "news", 2)
    claims = claim_ids(db, busy)
    for claim_id in claims:
        give(db, ann, claim_id, "supported")
    give(db, bob, claims[0], "disputed")
    rows = {row.id: row for row in listing(db, lead).rows}
    assert (rows[busy].claims, rows[busy].verdicts, rows[busy].claims_done) == (3, 4, 1)
    assert (rows[busy].reviewers, rows[busy].reviewers_done, rows[busy].needed) == (2, 1, 2)
    assert rows[busy].status == "in_progress"
    assert (rows[quiet].claims, rows[quiet].verdicts, rows[quiet].status) == (2, 0, "not_started")
    assert rows[busy].mine == 0 and listing(db, ann).rows[0].mine == 3
    for claim_id in claims[1:]:
        give(db, bob, claim_id, "supported")
    done = {row.id: row for row in listing(db, lead).rows}[busy]
    assert (done.claims_done, done.reviewers_done, done.status) == (3, 2, "done")


def test_non_claims_and_their_kept_verdicts_do_not_count(db):
    lead, ann, _ = people(db)
    (article_id,) = ingest(db, [Document(source="a.txt", text=THREE_CLAIMS)])
    first = claim_ids(db, article_id)[0]
    give(db, ann, first, "supported")
    with db.transaction() as session:
        session.get(Claim, first).kind = "boilerplate"
    (row,) = listing(db, lead).rows
    assert (row.claims, row.verdicts, row.reviewers) == (2, 0, 0)


@pytest.mark.parametrize(
    "reviewers_per_claim, assigned, expected",
    [(None, 2, 2), (None, 0, 2), (1, 2, 1), (5, 2, 2), (5, 0, 2)],
    ids=["all-assigned", "open-all-active", "capped", "more-than-assigned", "more-than-active"],
)
def test_needed_verdicts_follow_the_collection(db, reviewers_per_claim, assigned, expected):
    lead, ann, bob = people(db)
    ingest(db, [Document(source="a.txt", text=THREE_CLAIMS)])
    set_reviewers_per_claim(db, "news", reviewers_per_claim)
    if assigned:
        with db.transaction() as session:
            collection_id = session.scalar(select(Collection.id).where(Collection.name == "news"))
            assign(session, collection_id, [ann.id, bob.id][:assigned], actor=lead)
    assert listing(db, lead).rows[0].needed == expected


def test_search_matches_title_or_source_in_any_case_and_literally(db):
    lead, *_ = people(db)
    ingest(
        db,
        [
            Document(source="reuters.com/budget", text="One claim. Two claims.", title="Budget 100% approved"),
            Document(source="bbc.co.uk/x", text="Another claim. More claims.", title="Weather_report"),
            Document(source="local.txt", text="Third article here. Yes indeed.", title="Council news"),
        ],
    )
    titles = lambda term: sorted(row.title for row in listing(db, lead, search=term).rows)
    assert titles("BUDGET") == ["Budget 100% approved"]
    assert titles("bbc.co") == ["Weather_report"]
    assert titles("%") == ["Budget 100% approved"]
    assert titles("_") == ["Weather_report"]
    assert titles("nothing like this") == []
    assert titles("  ") == ["Budget 100% approved", "Council news", "Weather_report"]


def test_filters_by_collection_date_and_status(db):
    lead, ann, _ = people(db)
    (old,) = ingest(db, [Document(source="old.txt", text="Old claim. Older claim.", published=date(2020, 1, 1))], "archive")
    (new,) = ingest(db, [Document(source="new.txt", text="New claim. Newer claim.", published=date(2024, 6, 1))], "news")
    (undated,) = ingest(db, [Document(source="undated.txt", text="No date here. None at all.")], "news")
    give(db, ann, claim_ids(db, new)[0], "supported")
    with db.session() as session:
        news_id = session.scalar(select(Collection.id).where(Collection.name == "news"))
    ids = lambda **filters: {row.id for row in listing(db, lead, **filters).rows}
    assert ids() == {old, new, undated}
    assert ids(collection_id=news_id) == {new, undated}
    assert ids(published_from=date(2023, 1, 1)) == {new}
    assert ids(published_to=date(2023, 1, 1)) == {old}
    assert ids(published_from=date(2019, 1, 1), published_to=date(2030, 1, 1)) == {old, new}
    assert ids(status="in_progress") == {new}
    assert ids(status="not_started") == {old, undated}
    assert ids(status="done") == set()
    with pytest.raises(ArticleError, match="Unknown status"):
        ids(status="finished")


def test_pages_are_ordered_newest_first_and_cover_everything_once(db):
    lead, *_ = people(db)
    documents = [
        Document(source=f"{n}.txt", text=f"Claim number {n} here. It is true.", published=date(2024, 1, 1 + n))
        for n in range(7)
    ]
    ingest(db, documents)
    pages = [listing(db, lead, page=page, page_size=3) for page in (1, 2, 3)]
    assert [p.total for p in pages] == [7, 7, 7] and pages[0].pages == 3
    seen = [row.published for p in pages for row in p.rows]
    assert seen == sorted((d.published for d in documents), reverse=True)
    assert listing(db, lead, page=99, page_size=3).page == 3, "a page past the end shows the last one"


def test_a_reviewer_sees_only_collections_they_review(db):
    lead, ann, bob = people(db)
    (mine,) = ingest(db, [Document(source="a.txt", text="Assigned claim. Another one.")], "assigned")
    (theirs,) = ingest(db, [Document(source="b.txt", text="Bob only claim. Yes.")], "bob-only")
    (open_,) = ingest(db, [Document(source="c.txt", text="Open claim here. For all.")], "open")
    with db.transaction() as session:
        ids = dict(session.execute(select(Collection.name, Collection.id)).all())
        assign(session, ids["assigned"], [ann.id], actor=lead)
        assign(session, ids["bob-only"], [bob.id], actor=lead)
    assert {row.id for row in listing(db, ann).rows} == {mine, open_}
    assert {row.id for row in listing(db, lead).rows} == {mine, theirs, open_}
    with pytest.raises(PermissionDenied, match="collection you do not review"):
        view(db, ann, theirs)


# --- one article ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, verdicts, distinct, final, needed, expected",
    [
        ("claim", 0, 0, None, 2, "unreviewed"),
        ("claim", 1, 1, None, 2, "partial"),
        ("claim", 2, 1, None, 2, "agreed"),
        ("claim", 2, 2, None, 3, "disagreed"),
        ("claim", 2, 2, "supported", 2, "final"),
        ("heading", 2, 2, None, 2, "not_a_claim"),
    ],
)
def test_unit_status(kind, verdicts, distinct, final, needed, expected):
    assert unit_status(kind, verdicts, distinct, final, needed) == expected


def test_article_view_gives_a_lead_every_status_and_label(db):
    lead, ann, bob = people(db)
    (article_id,) = ingest(db, [Document(source="a.txt", text="Headline here\n\n" + THREE_CLAIMS + " A fourth claim.")])
    set_reviewers_per_claim(db, "news", 2)
    with db.transaction() as session:  # whatever the extractor made of the headline
        session.scalar(select(Claim).where(Claim.article_id == article_id, Claim.position == 0)).kind = "title"
    agreed, partial, disagreed, final = claim_ids(db, article_id)
    for claim_id, ann_label, bob_label in [(agreed, "supported", "supported"), (disagreed, "supported", "disputed"),
                                           (final, "supported", "disputed")]:
        give(db, ann, claim_id, ann_label)
        give(db, bob, claim_id, bob_label)
    give(db, ann, partial, "editorial_framing")
    with db.transaction() as session:
        session.add(FinalVerdict(claim_id=final, label="disputed", rationale="", decided_by=lead.id))
    shown = view(db, lead, article_id)
    statuses = {unit.id: unit.status for unit in shown.units}
    assert statuses == {
        shown.units[0].id: "not_a_claim",
        agreed: "agreed",
        partial: "partial",
        disagreed: "disagreed",
        final: "final",
    }
    assert shown.unit(disagreed).label_counts == (("supported", 1), ("disputed", 1))
    assert shown.unit(final).final_label == "disputed"
    assert [unit.position for unit in shown.units] == list(range(5))
    assert shown.claims == 4 and shown.needed == 2 and shown.lead_view


def test_article_view_shows_a_reviewer_only_their_own_verdicts(db):
    lead, ann, bob = people(db)
    (article_id,) = ingest(db, [Document(source="a.txt", text=THREE_CLAIMS)])
    first, second, third = claim_ids(db, article_id)
    give(db, ann, first, "supported")
    give(db, bob, first, "disputed")
    give(db, bob, second, "disputed")
    with db.transaction() as session:
        session.add(FinalVerdict(claim_id=third, label="disputed", rationale="", decided_by=lead.id))
    shown = view(db, ann, article_id)
    assert [(u.status, u.verdicts, u.my_label) for u in shown.units] == [
        ("mine", 1, "supported"),
        ("todo", 0, None),
        ("todo", 0, None),
    ]
    assert all(u.label_counts == () and u.final_label is None for u in shown.units)
    rendered = article_html(shown)
    assert "Disputed" not in rendered and "disputed" not in rendered.replace("wb-status", "")


def test_article_view_of_a_missing_article(db):
    lead, *_ = people(db)
    with pytest.raises(ArticleError, match="No article with id 404"):
        view(db, lead, 404)


# --- rendering --------------------------------------------------------------------------------------------


def hostile_view(lead_view: bool = True) -> ArticleView:
    units = tuple(
        UnitView(id=i, position=i, text=text, start=0, end=1, kind=kind, paragraph=i // 2, version=1,
                 status="unreviewed" if kind == "claim" else "not_a_claim", verdicts=0)
        for i, (kind, text) in enumerate(
            [("title", '<b onmouseover="x()">Title</b>'), ("claim", HOSTILE), ("embed", "<iframe src=//evil>")]
        )
    )
    return ArticleView(id=1, title="<script>alert(1)</script>", source="<img src=x onerror=alert(2)>",
                       url="javascript:alert(3)", published=None, collection_id=1, collection="c&c",
                       needed=1, lead_view=lead_view, units=units)


def tags_in(markup: str) -> set[str]:
    return {match.lower() for match in re.findall(r"<\s*([a-zA-Z][a-zA-Z0-9]*)", markup)}


def test_article_html_escapes_every_unit():
    markup = article_html(hostile_view(), selected_id=1)
    assert tags_in(markup) <= {"style", "div", "p", "span", "sup"}
    assert "href=\"" not in markup
    assert html.escape(HOSTILE) in markup
    assert markup.count(' wb-selected ') == 1


def test_header_never_links_a_javascript_url():
    markup = header_html(hostile_view())
    assert tags_in(markup) <= {"div", "h2", "em"}
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup and "javascript:alert(3)" in markup
    linked = header_html(ArticleView(**{**hostile_view().__dict__, "url": 'https://example.org/a?b="c"'}))
    assert '<a href="https://example.org/a?b=&quot;c&quot;"' in linked and 'rel="noopener noreferrer nofollow"' in linked


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://example.org/x", "https://example.org/x"),
        ("HTTP://example.org", "HTTP://example.org"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("data:text/html,<script>", None),
        ("//example.org", None),
        ("https://exa mple.org", None),
        ("", None),
        (None, None),
        ("http://[oops", None),
        ("https://example.org/" + "x" * 2000, None),
    ],
)
def test_web_link(url, expected):
    assert web_link(url) == expected


def test_markdown_escape_and_snippet():
    assert markdown_escape("[click](javascript:x) **b** :material/home:") == (
        r"\[click\]\(javascript\:x\) \*\*b\*\* \:material/home\:"
    )
    assert snippet("a  b\nc", 10) == "a b c"
    assert snippet("x" * 20, 10) == "x" * 9 + "…"
    title = "Kim Kardashian reportedly declined an offer from Spanish-founded brands"
    assert snippet(title, 60) == "Kim Kardashian reportedly declined an offer from…"


# --- import preview and commit ---------------------------------------------------------------------------


def test_preview_splits_without_writing_and_flags_duplicates(db):
    _lead, *_ = people(db)
    ingest(db, [Document(source="known.txt", text=THREE_CLAIMS)])
    documents = [Document(source="known-again.txt", text=THREE_CLAIMS), Document(source="new.txt", text=HOSTILE, title="Fresh")]
    with db.session() as session:
        previews = preview_documents(session, documents, "news", NLP)
        other_collection = preview_documents(session, documents, "elsewhere", NLP)
        articles_before = session.scalar(select(func.count()).select_from(Article))
    assert [(p.duplicate, p.claims) for p in previews] == [(True, 3), (False, 3)]
    assert previews[1].title == "Fresh" and previews[1].units[0].text.startswith("The council approved <script>")
    assert [p.duplicate for p in other_collection] == [False, False]
    assert articles_before == 1


def test_preview_is_limited(db):
    documents = [Document(source=f"{n}.txt", text=f"Claim {n} is here. Yes.") for n in range(5)]
    with db.session() as session:
        assert len(preview_documents(session, documents, "news", NLP, limit=2)) == 2


def test_import_requires_a_lead_and_something_to_import(db):
    lead, ann, _ = people(db)
    document = Document(source="a.txt", text=THREE_CLAIMS)
    with pytest.raises(PermissionDenied):
        import_documents(db, ann, [document], "news", NLP)
    with pytest.raises(ArticleError, match="Nothing to import"):
        import_documents(db, lead, [], "news", NLP)
    report = import_documents(db, lead, [document, document], "news", NLP)
    assert (report.added, report.duplicates, report.claims) == (1, 1, 3)


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"text": "   "}, "empty"),
        ({"text": "Fine text.", "url": "javascript:alert(1)"}, "http:// or https://"),
        ({"text": "Fine text.", "url": "https://x.org/" + "a" * 2000}, "longer than 2,000"),
    ],
)
def test_pasted_text_is_checked(fields, message):
    with pytest.raises(InputError, match=message):
        pasted_document(**fields)


def test_pasted_text_becomes_a_document():
    document = pasted_document("Some text.", " Title ", " https://example.org ", date(2024, 1, 2))
    assert document == Document(source="pasted text", text="Some text.", title="Title", url="https://example.org",
                                published=date(2024, 1, 2))


def test_bad_uploads_are_reported_per_file_and_contribute_nothing():
    documents, errors = read_uploads(
        [
            ("good.txt", b"A fine claim. Another one."),
            ("empty.txt", b"   "),
            ("binary.txt", b"\x00\x01\x02abc"),
            ("latin1.txt", "caf\u00e9".encode("latin-1")),
            ("no-text.csv", b"title,url\nA,https://x.org\n"),
            ("picture.png", b"\x89PNG"),
            ("rows.csv", b"title,text\nOne,First row claim.\nTwo,Second row claim.\n"),
        ]
    )
    assert [d.source for d in documents] == ["good.txt", "rows.csv:2", "rows.csv:3"]
    assert len(errors) == 5
    for name, fragment in [("empty.txt", "empty"), ("binary.txt", "binary"), ("latin1.txt", "not UTF-8"),
                           ("no-text.csv", "no text column"), ("picture.png", "unsupported file type")]:
        assert any(error.startswith(name) and fragment in error for error in errors), (name, errors)
