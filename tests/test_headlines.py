"""Issue 14: a headline is never a claim, in every format; body sentences stay claims."""

from __future__ import annotations

import json

import pytest

from workbench.import_preview import pasted_document
from workbench.extract import extract
from workbench.reading import read_upload, title_without_site_name

BODY = "Lisbon and Porto disagree over the plan. The government will decide in March."

HEADLINES = [
    "Water plans divide Portuguese cities",  # sentence case
    "Water Plans Divide Portuguese Cities",  # title case
    "Exclusive: Regulator to fine airline over delayed refunds",
    "Analysis: Why the central bank is in no hurry to cut rates",
    "Can a four-day week work in a hospital?",
    "Flooded towns count the cost: 'We lost everything'",
    "Cities split over water: what we know",
]


def kinds(extraction) -> list[tuple[str, str]]:
    return [(unit.kind, unit.text) for unit in extraction.units]


def body_claims(extraction) -> list[str]:
    return [unit.text for unit in extraction.units if unit.kind == "claim"]


@pytest.mark.parametrize("headline", HEADLINES)
@pytest.mark.parametrize("gap", ["\n", "\n\n"], ids=["no-blank-line", "blank-line"])
def test_first_line_headline_in_plain_text(headline: str, gap: str) -> None:
    extraction = extract(headline + gap + BODY)
    assert extraction.title == headline
    assert kinds(extraction)[0] == ("title", headline)
    assert body_claims(extraction) == [
        "Lisbon and Porto disagree over the plan.", "The government will decide in March."
    ]


@pytest.mark.parametrize("headline", HEADLINES)
def test_first_line_headline_in_a_paste(headline: str) -> None:
    document = pasted_document(headline + "\n" + BODY)
    extraction = extract(document.text, headlines=document.headlines)
    assert extraction.title == headline and len(body_claims(extraction)) == 2


@pytest.mark.parametrize("headline", HEADLINES)
def test_first_line_headline_in_csv_and_jsonl(headline: str) -> None:
    quoted = (headline + "\n" + BODY).replace('"', '""')
    csv_data = f'text\n"{quoted}"\n'
    jsonl_data = json.dumps({"text": headline + "\n\n" + BODY}) + "\n"
    for name, data in (("a.csv", csv_data), ("a.jsonl", jsonl_data)):
        (document,) = read_upload(name, data.encode())
        extraction = extract(document.text, headlines=document.headlines)
        assert kinds(extraction)[0] == ("title", headline), name
        assert len(body_claims(extraction)) == 2, name


@pytest.mark.parametrize("headline", HEADLINES)
def test_markdown_headings_are_never_claims(headline: str) -> None:
    markdown = f"# {headline}\n\n{BODY}\n\n## What happens next.\n\nThe minister will visit in April."
    (document,) = read_upload("a.md", markdown.encode())
    extraction = extract(document.text, headlines=document.headlines)
    assert document.title == headline
    assert kinds(extraction)[0] == ("title", f"# {headline}")
    assert ("heading", "## What happens next.") in kinds(extraction)
    assert body_claims(extraction) == [
        "Lisbon and Porto disagree over the plan.",
        "The government will decide in March.",
        "The minister will visit in April.",
    ]


def html_page(title: str, h1: str) -> str:
    paragraphs = "".join(
        f"<p>Paragraph {i}: officials in Porto say the plan favours the capital, and they will appeal.</p>"
        for i in range(6)
    )
    return (
        f"<html><head><title>{title}</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>{h1}</h1>{paragraphs}</article><footer>Copyright 2024</footer></body></html>"
    )


@pytest.mark.parametrize("headline", HEADLINES)
def test_html_h1_and_title_are_never_claims(headline: str) -> None:
    (document,) = read_upload("page.html", html_page(f"{headline} | The Daily Example", headline).encode())
    extraction = extract(document.text, headlines=document.headlines)
    assert document.title == headline
    assert not any(headline.casefold() in claim.casefold() for claim in body_claims(extraction))
    assert len(body_claims(extraction)) == 6


def test_html_h1_ending_in_a_full_stop_is_still_set_aside() -> None:
    headline = "Porto will appeal the water plan."
    (document,) = read_upload("page.html", html_page("Porto appeal - Example News", headline).encode())
    extraction = extract(document.text, headlines=document.headlines)
    assert headline not in body_claims(extraction)
    assert document.title == headline  # trafilatura prefers the <h1> to the <title>


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Cities split over water | The Daily Example", "Cities split over water"),
        ("Cities split over water - Example News", "Cities split over water"),
        ("Covid-19 vaccines: what we know", "Covid-19 vaccines: what we know"),
        ("Only a site name", "Only a site name"),
    ],
)
def test_title_without_site_name(title: str, expected: str) -> None:
    assert title_without_site_name(title) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The brand filed suit on Monday.\nIt declined to comment.",
        "Hello World. My name is Jonas.",
        "This is a sentence\ncut off in the middle because pdf.",
    ],
)
def test_body_sentences_on_the_first_line_stay_claims(text: str) -> None:
    extraction = extract(text)
    assert extraction.title is None
    assert all(unit.kind == "claim" for unit in extraction.units)
