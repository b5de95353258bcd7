"""Tests of the claim extraction pipeline: sentence rules, unit kinds, seeds, offsets.

Sentence rules are tested like spaCy's own Sentencizer: a blank English pipeline with only
the sentence component, and (text, expected sentences) pairs.
"""

from __future__ import annotations

import datetime
import doctest
import gc
from pathlib import Path

import pytest
import spacy
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import workbench.extract
from workbench.extract import Extraction, Unit, extract, extract_many, load_pipeline, normalise_text
from workbench.models import CLAIM_KINDS
from workbench.nlp import SENTENCES_COMPONENT, UNITS_COMPONENT, UNITS_KEY, make_doc, unit_rows

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def sentencizer() -> spacy.Language:
    nlp = spacy.blank("en")
    nlp.add_pipe(SENTENCES_COMPONENT)
    return nlp


def sentences(nlp: spacy.Language, text: str) -> list[str]:
    return [sent.text.strip() for sent in nlp(text).sents if not sent.text.isspace()]


def kinds_and_texts(text: str) -> list[tuple[str, str]]:
    return [(unit.kind, unit.text) for unit in extract(text).units]


# ---------------------------------------------------------------------------- sentences


def test_every_token_gets_a_sentence_start_flag(sentencizer):
    doc = sentencizer("Mr. Smith left.\n\nHe said: “It is over. Really.” Then he went home")
    assert [token.text for token in doc if token.is_sent_start] == ["Mr.", "He", "Really", "Then"]
    assert all(token.is_sent_start in (True, False) for token in doc)


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "First line without punctuation\nSecond line",
            ["First line without punctuation", "Second line"],
        ),
        ("Para one\n\nPara two.", ["Para one", "Para two."]),
        ("Ends with a colon:\nThe next line.", ["Ends with a colon:", "The next line."]),
        ("Headline here  \n   indented next line", ["Headline here", "indented next line"]),
        ("Line one\u2028Line two\u2029Line three", ["Line one", "Line two", "Line three"]),
        ("It ended with Dr.\nThe next paragraph.", ["It ended with Dr.", "The next paragraph."]),
        (
            "features\ncontact manager\nevents, activities\n",
            ["features", "contact manager", "events, activities"],
        ),
    ],
)
def test_line_breaks_always_end_sentences(sentencizer, text, expected):
    assert sentences(sentencizer, text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            '"We did X. We did Y," the statement said.',
            ['"We did X.', 'We did Y," the statement said.'],
        ),
        (
            "“We did X. We did Y,” the statement said.",
            ["“We did X.", "We did Y,” the statement said."],
        ),
        ("“It is over.” She left.", ["“It is over.”", "She left."]),
        ("'It is over.' He left.", ["'It is over.'", "He left."]),
        ("“It is over,” she said. “We are done.”", ["“It is over,” she said.", "“We are done.”"]),
        ('"Is it over?" she asked.', ['"Is it over?" she asked.']),
        ('"It is over!" she added. "We are done."', ['"It is over!" she added.', '"We are done."']),
        (
            "He said: “We are sorry. It won’t happen again.” The brand declined to comment.",
            [
                "He said: “We are sorry.",
                "It won’t happen again.”",
                "The brand declined to comment.",
            ],
        ),
        (
            "“The ruling confirms it is illegal.” the statement said.",
            ["“The ruling confirms it is illegal.” the statement said."],
        ),
        (
            "The statement said it was “deeply sorry.” Kardashian agreed.",
            ["The statement said it was “deeply sorry.”", "Kardashian agreed."],
        ),
    ],
)
def test_quotations_split_and_keep_closing_quotes_and_attribution(sentencizer, text, expected):
    assert sentences(sentencizer, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "United States v. Williams was decided in 2008.",
        "The ruling ‘United States v. Williams’ 2008 was cited.",
        "Ashcroft vs. Free Speech Coalition came first.",
        "North Six, Inc. and Des Jardins were sued.",
        "North Six, Inc., and Des Jardins were sued.",
        "Apple Inc. Chief Executive Tim Cook spoke.",
        "The U.S. Supreme Court ruled on it.",
        "I work for the U.S. Government in Virginia.",
        "Mr. Smith and Dr. Jones met Mrs. Brown and Prof. Green.",
        "It happened on Jan. 5 in Paris.",
        "He wore No. 5 on his shirt.",
        "Please turn to p. 55 of the summons.",
        "Author J. K. Rowling and George W. Bush spoke.",
        "My name is Jonas E. Smith.",
        "It starts at 10 a.m. Eastern Time on Monday.",
        "At 5 a.m. Mr. Smith went to the bank.",
        "Smaller brands, e.g. Acne Studios, stayed quiet.",
        "Smith et al. found no effect.",
        "St. Michael's Church is on 5th st. near the light.",
        "That is JFK Jr.'s book.",
    ],
)
def test_abbreviations_and_initials_do_not_split(sentencizer, text):
    assert sentences(sentencizer, text) == [text]


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "They sued North Six, Inc. The company declined.",
            ["They sued North Six, Inc.", "The company declined."],
        ),
        ("He lives in the U.K. He moved in 2020.", ["He lives in the U.K.", "He moved in 2020."]),
        (
            "Let's ask Jane and co. They should know.",
            ["Let's ask Jane and co.", "They should know."],
        ),
        (
            "We make a good team, you and I. Did you see him?",
            ["We make a good team, you and I.", "Did you see him?"],
        ),
        (
            "It ended at 5 p.m. The next day they met.",
            ["It ended at 5 p.m.", "The next day they met."],
        ),
        (
            "The deal (announced in Nov.) closed. It was big.",
            ["The deal (announced in Nov.) closed.", "It was big."],
        ),
    ],
)
def test_abbreviations_end_a_sentence_before_a_sentence_starter(sentencizer, text, expected):
    assert sentences(sentencizer, text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "It rose 3.5 percent. Shares fell 2.25 points.",
            ["It rose 3.5 percent.", "Shares fell 2.25 points."],
        ),
        (
            "Balenciaga filed a $25.5 million lawsuit. The brand wants $25 million.",
            ["Balenciaga filed a $25.5 million lawsuit.", "The brand wants $25 million."],
        ),
        ("Version 2.0 was released in 2022.", ["Version 2.0 was released in 2022."]),
        ("She is 42. Her brand is new.", ["She is 42.", "Her brand is new."]),
        (
            "Visit https://example.com/a.b?c=d. Then call us.",
            ["Visit https://example.com/a.b?c=d.", "Then call us."],
        ),
        ("See www.balenciaga.com for details.", ["See www.balenciaga.com for details."]),
        (
            "Email press@balenciaga.com. They replied.",
            ["Email press@balenciaga.com.", "They replied."],
        ),
        ("The hashtag. #cancelbalenciaga trended.", ["The hashtag.", "#cancelbalenciaga trended."]),
        ("iPhone sales rose. iPad sales fell.", ["iPhone sales rose.", "iPad sales fell."]),
    ],
)
def test_numbers_urls_and_emails(sentencizer, text, expected):
    assert sentences(sentencizer, text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("He paused... and then left.", ["He paused... and then left."]),
        ("We are shocked… The images were wrong.", ["We are shocked… The images were wrong."]),
        ("The thing is . . . I didn’t mean it.", ["The thing is . . . I didn’t mean it."]),
        ("I never meant that.... She left.", ["I never meant that....", "She left."]),
        (
            "It ended with a period . . . . Next sentence.",
            ["It ended with a period . . . .", "Next sentence."],
        ),
        (
            "It was compounds. . . . The practice went on.",
            ["It was compounds.", ". . . The practice went on."],
        ),
        (
            "ppl going down their rabbit hole.. https://t.co/x",
            ["ppl going down their rabbit hole.. https://t.co/x"],
        ),
    ],
)
def test_ellipses(sentencizer, text, expected):
    assert sentences(sentencizer, text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("As OK! previously reported, she spoke.", ["As OK! previously reported, she spoke."]),
        ("She told OK! Magazine about it.", ["She told OK! Magazine about it."]),
        ("She works at Yahoo! in accounting.", ["She works at Yahoo! in accounting."]),
        ("Wow! That was fast.", ["Wow!", "That was fast."]),
        ("Hello?! Is that you?", ["Hello?!", "Is that you?"]),
    ],
)
def test_exclamation_marks_in_names(sentencizer, text, expected):
    assert sentences(sentencizer, text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            " date 2022-11-29 The two children posed.",
            ["date 2022-11-29", "The two children posed."],
        ),
        (
            " date 2022-11-28 Balenciaga Sues Its Producers",
            ["date 2022-11-28", "Balenciaga Sues Its Producers"],
        ),
        (
            "Published: November 28, 2022 Balenciaga Sues",
            ["Published: November 28, 2022", "Balenciaga Sues"],
        ),
        ("date 2022-11-29\nThe text.", ["date 2022-11-29", "The text."]),
        (
            "Posted on November 28, 2022, the video spread.",
            ["Posted on November 28, 2022, the video spread."],
        ),
    ],
)
def test_leading_dateline_is_its_own_sentence(sentencizer, text, expected):
    assert sentences(sentencizer, text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("1) The first item 2) The second item", ["1) The first item", "2) The second item"]),
        ("a. The first item b. The second item", ["a. The first item", "b. The second item"]),
        ("Steps: 1) Read the label 2) Call us", ["Steps:", "1) Read the label", "2) Call us"]),
        ("It cost 1. The other cost 2. Then 3.", ["It cost 1.", "The other cost 2.", "Then 3."]),
        ("She scored 9) Then 10) More", ["She scored 9) Then 10) More"]),
    ],
)
def test_inline_lists_split_only_when_numbered_consecutively_from_a_line_start(
    sentencizer, text, expected
):
    assert sentences(sentencizer, text) == expected


# -------------------------------------------------------------------------------- units


@pytest.mark.parametrize(
    "text,expected_title",
    [
        ("Balenciaga Sues Its Producers\nThe brand filed suit.", "Balenciaga Sues Its Producers"),
        (
            "Kim Kardashian speaks out against Balenciaga\n\nThe brand apologised.",
            "Kim Kardashian speaks out against Balenciaga",
        ),
        (
            " date 2022-11-28 Balenciaga Sues Its Producers\nIt filed suit.",
            "Balenciaga Sues Its Producers",
        ),
        (
            "Type to search\n\nBalenciaga Sues Its Producers\n\nIt filed suit.",
            "Balenciaga Sues Its Producers",
        ),
        ("Did Balenciaga Go Too Far?\nIt filed suit.", "Did Balenciaga Go Too Far?"),
        ("The brand filed suit on Monday.\nIt declined to comment.", None),
        (  # a sentence-case first line without a full stop reads as a headline (issue 14)
            "Balenciaga files a lawsuit against the production company\nIt did.",
            "Balenciaga files a lawsuit against the production company",
        ),
        ("Hello World. My name is Jonas.", None),
        ("The brand apologised.\n\nBalenciaga Sues Its Producers\n\nIt filed suit.", None),
    ],
)
def test_title_is_a_short_capitalised_first_block(text, expected_title):
    extraction = extract(text)
    assert extraction.title == expected_title
    titles = [unit.text for unit in extraction.units if unit.kind == "title"]
    assert titles == ([expected_title] if expected_title else [])


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "Balenciaga Sues Its Producers\nKim Kardashian Breaks Her Silence\nThe brand filed suit.",
            [
                ("title", "Balenciaga Sues Its Producers"),
                ("boilerplate", "Kim Kardashian Breaks Her Silence"),
                ("claim", "The brand filed suit."),
            ],
        ),
        (
            "Balenciaga Sues Its Producers\n\nIt filed suit.\n\nBalenciaga Sues Its Producers\n\nMore.",
            [
                ("title", "Balenciaga Sues Its Producers"),
                ("claim", "It filed suit."),
                ("boilerplate", "Balenciaga Sues Its Producers"),
                ("claim", "More."),
            ],
        ),
        (
            "It filed suit.\n\nBalenciaga’s response\n\nIt apologised.",
            [
                ("claim", "It filed suit."),
                ("heading", "Balenciaga’s response"),
                ("claim", "It apologised."),
            ],
        ),
        (
            "It filed suit.\n\nIs Balenciaga refusing to be accountable?\n\nIt apologised.",
            [
                ("claim", "It filed suit."),
                ("heading", "Is Balenciaga refusing to be accountable?"),
                ("claim", "It apologised."),
            ],
        ),
        (
            "It filed suit.\n\nKardashian is re-evaluating her relationship.\n\nIt apologised.",
            [
                ("claim", "It filed suit."),
                ("claim", "Kardashian is re-evaluating her relationship."),
                ("claim", "It apologised."),
            ],
        ),
        (
            "It filed suit.\nThe company did not respond",
            [("claim", "It filed suit."), ("claim", "The company did not respond")],
        ),
    ],
)
def test_headings_stand_alone_between_paragraphs(text, expected):
    assert kinds_and_texts(text) == expected


@pytest.mark.parametrize(
    "chrome",
    [
        "Type to search",
        "Sign up now",
        "Leave a Comment",
        "You Might also Like",
        "Advertisement",
        "Read more: Balenciaga apologises for its campaign",
        "Share this article",
        "• 1",
        "***",
        "By Jane Doe",
        "By Jane Doe and John Smith, CNN",
        "Photo: Getty Images",
    ],
)
def test_page_chrome_between_paragraphs_is_boilerplate(chrome):
    text = f"It filed suit.\n\n{chrome}\n\nIt apologised."
    assert kinds_and_texts(text) == [
        ("claim", "It filed suit."),
        ("boilerplate", chrome),
        ("claim", "It apologised."),
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "The brand will send newsletters weekly to its customers.",
        "Benay Ozdemir wrote the story.",
        "By Monday, the company had filed suit.",
        "Customers were asked to sign up for its newsletter.",
        "Posted on November 28, 2022, the video spread.",
        "Galimberti is a photographer and writer for National Geographic.",
    ],
)
def test_claims_that_resemble_chrome_stay_claims(sentence):
    text = f"It filed suit.\n\n{sentence}\n\nSign up now"
    assert kinds_and_texts(text) == [
        ("claim", "It filed suit."),
        ("claim", sentence),
        ("boilerplate", "Sign up now"),
    ]


def test_footer_chrome_bylines_and_bios_are_boilerplate():
    footer = [
        "We send love letters weekly",
        "Get your inbox filled with best content.",
        "Sign up now",
        "Benay Ozdemir",
        "Benay is an in-house writer for Niche Media.",
        "• 1",
        "Leave a Comment",
    ]
    text = "It filed suit. It apologised.\n\n" + "\n\n".join(footer)
    assert kinds_and_texts(text) == [
        ("claim", "It filed suit."),
        ("claim", "It apologised."),
        *(("boilerplate", line) for line in footer),
    ]


@pytest.mark.parametrize(
    "text,expected_units,expected_date",
    [
        (
            " date 2022-11-29 The two children posed.",
            [("metadata", "date 2022-11-29"), ("claim", "The two children posed.")],
            datetime.date(2022, 11, 29),
        ),
        (
            "Published: November 28, 2022\nIt filed suit.",
            [("metadata", "Published: November 28, 2022"), ("claim", "It filed suit.")],
            datetime.date(2022, 11, 28),
        ),
        (
            "Posted 28 Nov 2022\nIt filed suit.",
            [("metadata", "Posted 28 Nov 2022"), ("claim", "It filed suit.")],
            datetime.date(2022, 11, 28),
        ),
        (
            "Updated 3:45 PM ET, Mon November 28, 2022\nIt filed suit.",
            [
                ("metadata", "Updated 3:45 PM ET, Mon November 28, 2022"),
                ("claim", "It filed suit."),
            ],
            None,
        ),
        (
            "date 2022-13-45 It filed suit.",
            [("metadata", "date 2022-13-45"), ("claim", "It filed suit.")],
            None,
        ),
        (
            "It filed suit on November 28, 2022.",
            [("claim", "It filed suit on November 28, 2022.")],
            None,
        ),
    ],
)
def test_datelines_are_metadata_and_give_the_publication_date(text, expected_units, expected_date):
    extraction = extract(text)
    assert [(unit.kind, unit.text) for unit in extraction.units] == expected_units
    assert extraction.published == expected_date


TWEET = (
    "check this out..i just posted that they now have NINE posts..imo they don’t want ppl going "
    "down their rabbit 🐰 hole.. https://t.co/c30gdMad0R — lucylovesme (@AdlerCatherine) November 21, 2022"
)


@pytest.mark.parametrize(
    "embed",
    [
        TWEET,
        "Shocking. Truly. https://t.co/abc\n— Jane Doe (@janedoe) December 1, 2022",
        "A post shared by Kim Kardashian (@kimkardashian)",
    ],
)
def test_social_embeds_are_one_unit(embed):
    text = f"It filed suit.\n\n{embed}\n\nIt apologised."
    assert kinds_and_texts(text) == [
        ("claim", "It filed suit."),
        ("embed", embed),
        ("claim", "It apologised."),
    ]


@pytest.mark.parametrize("row", ["| Year | Cars |", "|---|---|", "| 2020 | 40,000 |", "|a|"])
def test_table_rows_are_set_aside(row):
    text = f"The table shows traffic.\n{row}\nThe bridge opened in 1932."
    assert kinds_and_texts(text) == [
        ("claim", "The table shows traffic."),
        ("embed", row),
        ("claim", "The bridge opened in 1932."),
    ]




ATTRIBUTION = "— Jane Doe (@jane) March 3, 2021"
INSTAGRAM = "A post shared by Kim Kardashian (@kimkardashian)"


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            f"Intro.\nPost text\n{ATTRIBUTION}\n{ATTRIBUTION}",
            [("claim", "Intro."), ("embed", f"Post text\n{ATTRIBUTION}"), ("embed", ATTRIBUTION)],
        ),
        (
            f"Intro.\nPost text\n{ATTRIBUTION}\n{ATTRIBUTION}\n{ATTRIBUTION}",
            [
                ("claim", "Intro."),
                ("embed", f"Post text\n{ATTRIBUTION}"),
                ("embed", ATTRIBUTION),
                ("embed", ATTRIBUTION),
            ],
        ),
        (
            f"Post text\n{ATTRIBUTION}\n{ATTRIBUTION}\nIt filed suit.",
            [("embed", f"Post text\n{ATTRIBUTION}"), ("embed", ATTRIBUTION), ("claim", "It filed suit.")],
        ),
        (
            f"{ATTRIBUTION}\n{ATTRIBUTION}\nIt filed suit.",
            [("embed", ATTRIBUTION), ("embed", ATTRIBUTION), ("claim", "It filed suit.")],
        ),
        (
            f"It filed suit.\nPost text\n{INSTAGRAM}\n{INSTAGRAM}",
            [("claim", "It filed suit."), ("embed", f"Post text\n{INSTAGRAM}"), ("embed", INSTAGRAM)],
        ),
        (
            f"It filed suit.\nPost text {ATTRIBUTION}\n{ATTRIBUTION}",
            [("claim", "It filed suit."), ("embed", f"Post text {ATTRIBUTION}"), ("embed", ATTRIBUTION)],
        ),
        (
            f"It filed suit.\nPost text. Truly.\n{ATTRIBUTION}\n{ATTRIBUTION}\nSign up now\nBy Jane Doe",
            [
                ("claim", "It filed suit."),
                ("embed", f"Post text. Truly.\n{ATTRIBUTION}"),
                ("embed", ATTRIBUTION),
                ("boilerplate", "Sign up now"),
                ("boilerplate", "By Jane Doe"),
            ],
        ),
    ],
)
def test_an_attribution_line_below_an_embed_is_an_embed_of_its_own(text, expected):
    """The line above an attribution line is its post, unless that line is an embed itself: a
    second attribution line in a row used to take the first one's unit, and its post with it."""
    extraction = extract(text)
    assert_well_formed(extraction)
    assert [(unit.kind, unit.text) for unit in extraction.units] == expected



SPECIAL_LINES = [
    ATTRIBUTION,
    INSTAGRAM,
    f"Post text {ATTRIBUTION}",
    "By Jane Doe",
    "date 2022-11-29",
    "Published: Nov. 28, 2022",
    "Figure 1.2",
    "Photo: X",
    "A. Lincoln",
    "Dear Sir,",
    "Yours truly,",
    "## Heading",
    "Sign up now",
    "Jane Doe is a staff writer at the Times.",
]
"""Lines classified by their pattern (embeds, bylines, datelines, captions, signatures, chrome)."""


@pytest.mark.parametrize(
    "before,after",
    [
        ("", ""),
        ("Intro.\nPost text\n", ""),
        ("Post text\n", "\nIt filed suit."),
        ("Headline Here\nIntro.\n", "\n\nIt apologised."),
        ("Sign up now\nPost text. Truly.\n", "\nAdvertisement\nBy Jane Doe"),
    ],
    ids=["alone", "at the end", "at the start", "between paragraphs", "among chrome"],
)
@pytest.mark.parametrize("separator", ["\n", "\n\n", "\n \n"], ids=["line", "blank line", "blank spaces"])
@pytest.mark.parametrize("repeats", [2, 3])
@pytest.mark.parametrize("line", SPECIAL_LINES)
def test_special_lines_in_a_row_leave_no_text_outside_the_units(line, repeats, separator, before, after):
    """The same special line twice or thrice in a row, wherever it stands, keeps the contract:
    every character but whitespace lies in exactly one unit."""
    assert_well_formed(extract(before + separator.join([line] * repeats) + after))


# -------------------------------------------------------------------------------- seeds

SEED_UNITS = {
    "000": """
0  metadata    date 2022-11-29
0  claim       The two children involved in the photoshoot were seen posing with the soft toys that were dressed in fishnets, harnesses and collars with locks.
1  claim       The photoshoot was shot by Gabriele Galimberti, who has claimed he had no creative direction or involvement in the shoot’s design or outputs.
2  claim       The campaign was shot by National Geographic photographer Gabriele Galimberti for the French label's Paris Fashion Week Spring/Summer 2023 collection.
3  claim       Galimberti promptly distanced himself from the campaign, claiming to have had no creative direction over the shoot, which featured two child models posing with soft toys dressed in fishnets, harnesses and collars with locks.
4  claim       The production company North Six, Inc and set designer Nicholas Des Jardins who did direct the photoshoot now have a lawsuit against them from Balenciaga.
5  claim       Balenciaga stated the lawsuit is “to seek redress for extensive damages defendants caused in connection with an advertising campaign Balenciaga hired them to produce,” according to the Manhattan Supreme Court summons detail.
6  claim       Following outrage at the images, Balenciaga issued a statement clarifying Balenciaga “takes responsibility” for “a series of grievous errors”
7  claim       "The first campaign, the gift collection campaign, featured children with plush bearbags dressed in what some have labelled BDSM-inspired outfits.
7  claim       Our plush bear bags and the gift collection should have not been featured with children.
7  claim       This was a wrong choice by Balenciaga, combined with our failure in assessing and validating images.
7  claim       The responsibility for this lies with Balenciaga alone.”
8  claim       “The second, separate campaign which was meant to replicate a business office environment, included a photo with a page in the background from a supreme court ruling 'United States v. Williams' 2008 which confirms as illegal and not protected by freedom of speech the promotion of child pornography.” the statement said.
9  claim       Since the campaigns were released, Kim Kardashian, a celebrity known for her involvement in Balenciaga campaigns and proponent of the brand, issued a statement via Twitter:
10 claim       Kardashian is now re-evaluating her relationship with the brand.
11 claim       However, her statement was also met with backlash as many people believed there was no excuse or reason for her to continue a relationship with the brand.
""",
    "001": """
0  metadata    date 2022-11-28
0  title       Balenciaga Sues Production Company Over After Kim Kardashian Breaks Her Silence On Working With The Fashion Brand
1  claim       Balenciaga spoke out on Monday, November 28 — one day after Kim Kardashian broke her silence on the brand's recent ad campaigns which featured children holding teddy bears dressed in what looked like bondage gear.
2  claim       "We would like to address the controversies surrounding our recent ad campaigns.
2  claim       We strongly condemn child abuse; it was never our intent to include it in our narrative.
2  claim       The two separate ad campaigns in question reflect a series of grievous errors for which Balenciaga takes responsibility," the statement, which was posted on Instagram, began.
2  claim       "The first campaign, the gift collection campaign, featured children with plush bear bags dressed in what some have labelled BDSM-inspired outfits.
2  claim       Our plush bear bags and the gift collection should not have been featured with children.
2  claim       This was a wrong choice by Balenciaga, combined with our failure in assessing and validating images.
2  claim       The responsibility for this lies with Balenciaga alone."
3  claim       The statement continued, "The second, separate campaign for spring 2023, which was meant to replicate a business office environment, included a photo with a page in the background from a Supreme Court ruling ‘United States v. Williams’ 2008 which confirms as illegal and not protected by Freedom of Speech the promotion of child pornography.
3  claim       All the items included in this shooting were provided by third parties that confirmed in writing that these props were fake office documents.
3  claim       They turned out to be real legal papers most likely coming from the filming of a television drama.
3  claim       The inclusion of these unapproved documents was the result of reckless negligence for which Balenciaga has filed a complaint.
3  claim       We take full accountability for our lack of oversight and control of the documents in the background and we could have done things differently."
4  claim       Balenciaga said they are re-working their creative direction moving forward.
5  claim       "We want to learn from our mistakes and identify ways we can contribute.
5  claim       Balenciaga reiterates its sincere apologies for the offense we have caused and extends its apologies to talents and partners," the brand concluded.
6  claim       As OK! previously reported, the reality star, 42, took to social media to share her thoughts on the campaign.
7  claim       "I have been quiet for the past few days, not because I haven’t been disgusted and outraged by the recent Balenciaga campaigns, but because I wanted an opportunity to speak to their team to understand for myself how this could have happened," she wrote on Sunday, November 27.
8  claim       "As a mother of four, I have been shaken by the disturbing images," she added.
8  claim       "The safety of children must be held with the highest regard and any attempts to normalize child abuse of any kind should have no place in our society — period."
9  claim       As for what's next, Kardashian said, "I am currently re-evaluating my relationship with the brand, basing it off their willingness to accept accountability for something that should have never happened to begin with — & the actions I am expecting to see them take to protect children."
""",
    "002": """
0  claim       Kim Kardashian reportedly declined an offer from Spanish-founded luxury clothing brand Balenciaga, shortly after their highly controversial Spring 2023 campaign.
1  claim       The campaign featured two separate photoshoots that critics say implied the sexualization of children.
1  claim       One photoshoot featured children modeling BDSM-inspired teddybear backpacks while the other images - set against the backdrop of an office strewn with papers - appeared to display a document from a Supreme Court case involving child pornography.
2  claim       Featured in the background of another image from the office shoot is a coffee table book by artist Michaël Borremans, whose paintings include images of naked toddlers.
3  claim       Balenciaga issued a statement to CNN about the disturbing documents, saying: "All the items included in this shooting were provided by third parties that confirmed in writing that these props were fake office documents.
3  claim       They turned out to be real legal papers most likely coming from the filming of a television drama."
4  claim       Soon afterward Balenciaga apologized, taking to Instagram to issue two statements that blamed other "parties" for the campaigns.
5  claim       "We apologize for displaying unsettling documents in our campaign.
5  claim       We take this matter very seriously and are taking legal action against the parties responsible for creating the set and including unapproved items for our Spring 23 campaign photoshoot.
5  claim       We strongly condemn abuse of children in any form.
5  claim       We stand for children (sic) safety and well-being," they wrote.
6  claim       Following the controversy, Balenciaga filed a $25 million lawsuit in the New York Supreme Court against production company North Six, Inc., set designer Nicholas Des Jardins and his company.
6  claim       According to court documents, Balenciaga hired North Six and Des Jardins to develop and produce its Spring 2023 campaign, CNN reported.
7  claim       The fashion brand - which featured a range of famous figures including Bella Hadid and Nicole Kidman in their Spring 2023 campaigns - alleged in court findings that North Six's "inexplicable acts and omissions were malevolent or, at the very least, extraordinarily reckless."
8  claim       "As for my future with Balenciaga, I am currently re-evaluating my relationship with the brand, basing it off their willingness to accept accountability for something that should have never happened to begin with - [and] the actions I am expecting to see them take to protect children," she added.
9  claim       Netizens became infuriated at the subpar apologies, arguing that the reality TV star should cut all ties with the brand, rather than offering to "re-evaluate" her relationship with them.
10 claim       She has, so far, kept true to her word though, after TMZ reported that the brand approached her with an offer that she declined, and that the Los Angeles-based businesswoman has chosen to ditch Balenciaga outfits she was supposed to wear at upcoming events.
""",
    "003": """
0  boilerplate Type to search
1  title       Kim Kardashian speaks out against Balenciaga
2  boilerplate Featured News Social & Digital
3  boilerplate Kim Kardashian speaks out against Balenciaga
4  claim       Fashion powerhouse Balenciaga has been under the spotlight over an inappropriate campaign featuring children holding stuffed animals in bondage.
5  claim       The campaign gained widespread criticism, and pressure was on Kim Kardashian as she was heavily criticised for staying silent.
5  claim       The reality star is an ambassador for Balaneciaga, but she did not comment until Sunday.
6  claim       She addressed her followers on Instagram and Twitter, saying the reasoning behind her silence was that she wanted the opportunity to speak to Balenciaga’s team to understand how this would have happened.
7  heading     Balenciaga’s response
8  claim       The brand was promoting its latest campaign on its social media feeds from 16 November.
8  claim       Images surrounding the campaign went viral all over the internet, as users were scrutinising the props in the image, criticising the brand for “over-sexualising” young children.
9  claim       The company is now being accused of “endorsing child pornography” as court documens were used as props refer to “virtual child porn”.
9  claim       However, after the criticism, the brand removed the photos from the campaign and said “it should not have been featured with children”.
9  claim       The drama continues to brew as the company has stated it will take legal action “against the parties responsible” for the creation of the campaign which included “unapproved items” in the photo shoot.
10 heading     Is Balenciaga refusing to be accountable?
11 claim       The brand’s apology has attempted to steer the attention away from Balenciaga and instead focuses on the parties involved in using the “unapproved” items.
11 claim       The spotlight was shined upon the photographer, Gabriele Galimberti, who issued a statement that he was “not entitled in whatsoever manner to neither choose the products, nor the models, nor the combination of the same.”
12 claim       “As a photographer, I was only and solely requested to [light] the given scene, and take the shots according to my signature style.
12 claim       As usual for a commercial shooting, the direction of the campaign and the choice of the objects displayed are not in the hands of the photographer,” he says.
13 claim       “I suspect that any person prone to pedophilia searches on the web and has [sic] unfortunately a too easy access to images completely different than mine, absolutely explicit in their awful content.
13 claim       Accusations like these are addressed against wrong targets, and distract from the real problem, and criminals.”
14 claim       The brand has filed a $25 million lawsuit against North Six, and set designer, Nicholas Des Jardins, for their role in creating the second ad.
14 claim       As the saga continues, Balenciaga’s newest recruit, Nicole Kidman has stayed silent after the hashtag #cancelbalenciaga has had over 25 million views on TikTok.
15 claim       Criticism has also continued regarding the usually numerous levels of approvals campaigns go through before launch.
15 claim       People are asking how a mulit-million dollar company can make such a huge mistake, intentionally or unintentionally.
15 claim       But the fashion powerhouse has signed off in a statement, “We sincerely apologise for any offence our holiday campaign may have caused.”
16 boilerplate We send love letters weekly
17 boilerplate Get your inbox filled with best content.
18 boilerplate Sign up now
19 boilerplate Benay Ozdemir
20 boilerplate Benay is an in-house writer for Niche Media.
21 boilerplate • 1
22 boilerplate You Might also Like
23 boilerplate Leave a Comment
""",
    "004": """
0  metadata    date 2022-11-24
0  claim       The fashion photographer hired by Balenciaga for the luxury brand’s Paris Fashion Week Spring/Summer 2023 collection which featured sexualized child models and was sprinkled with references to pedophilia, has claimed that he is being made a scapegoat.
1  claim       According to photographer Gabriele Galimberti, the fashion shoot was intended to be based on the theme of giving and receiving gifts, drawing inspiration from his “toy story” photography series.
1  claim       However, Balenciaga intervened and forced him to use child models in sexualized poses, child porn props, and references to pedophilia.
2  claim       As we reported earlier this week, Balenciaga’s advertisement showed young girls holding plush bear bags adorned with bondage gear.
2  claim       The bears are seen wearing padlocks, fishnets, leather harnesses, as well as ankle and wrist restraints.
3  claim       Another photo court showed documents from Ashcroft v Free Speech Coalition, a 2002 Supreme Court case.
3  claim       The case struck down a portion of the Child Pornography Prevention Act (CPPA) of 1996, ruling that “virtual” child pornography is protected speech.
4  claim       Despite some ‘fact checkers’ running cover for the fashion label, labeling the issue an “absurd conspiracy theory,” Balenciaga publicly apologized for the controversy and said they were pursuing legal action against those responsible.
4  claim       They later deleted their whole Instagram after investigators began finding more examples of pedophilia-related content from past campaigns.
5  claim       Balenciaga claimed the photoshoot included “unapproved” items that were not given the green light to appear in the campaign.
5  claim       However, it now appears this may have just been a deliberate ploy to deflect blame.
6  embed       check this out..i just posted that they now have NINE posts..with the latest post from three hours ago..imo they don’t want ppl going down their rabbit 🐰 hole.. https://t.co/c30gdMad0R — lucylovesme (@AdlerCatherine) November 21, 2022
7  claim       Galimberti responded to Balenciaga’s threat of legal action by telling Newsweek: “I am not in a position to comment [on] Balenciaga’s choices, but I must stress that I was not entitled in whatsoever manner to neither choose the products, nor the models, nor the combination of the same.”
8  claim       In other words, Galimberti is claiming Balenciaga threw him under a bus and that the company itself was responsible for creating the pedo-friendly photo shoot set up.
9  claim       Summit report: The argument that the scandal represents something rotten within Balenciaga was bolstered by other evidence.
10 claim       As a Twitter user highlighted, in a separate Balenciaga photo shoot, a book by Michaël Borremans, a Belgian painter, appears on the desk next to a model.
11 claim       Some of Borremans’ paintings depict naked children who appear to be traumatized or involved in some kind of abusive environment.
12 claim       Meanwhile, Kim Kardashian, an ambassador for Balenciaga, has refused to comment on the issue, despite publicly condemning her soon to be ex-husband Kanye West for offensive words he posted on Twitter.
""",
}
"""Each seed's units as ``paragraph kind text``, one per line, as a careful reader marks them."""


@pytest.mark.parametrize("seed", sorted(SEED_UNITS))
def test_seed_units(seed):
    (path,) = SEEDS.glob(f"{seed}_*.txt")
    extraction = extract(path.read_text(encoding="utf-8"))
    expected = [tuple(line.split(maxsplit=2)) for line in SEED_UNITS[seed].strip().splitlines()]
    assert [(str(u.paragraph), u.kind, u.text) for u in extraction.units] == expected
    assert_well_formed(extraction)


@pytest.mark.parametrize(
    "seed,title,published",
    [
        ("000", None, datetime.date(2022, 11, 29)),
        (
            "001",
            "Balenciaga Sues Production Company Over After Kim Kardashian Breaks Her Silence On Working With The Fashion Brand",
            datetime.date(2022, 11, 28),
        ),
        ("002", None, None),
        ("003", "Kim Kardashian speaks out against Balenciaga", None),
        ("004", None, datetime.date(2022, 11, 24)),
    ],
)
def test_seed_title_and_date(seed, title, published):
    (path,) = SEEDS.glob(f"{seed}_*.txt")
    extraction = extract(path.read_text(encoding="utf-8"))
    assert (extraction.title, extraction.published) == (title, published)


# --------------------------------------------------------------------------- public API


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("a\r\nb\rc\n", "a\nb\nc\n"),
        ("\ufeffHello", "Hello"),
        ("a\x00b\x07c\x1fd\x7fe\x85f", "abcdef"),
        ("tab\tand\xa0nbsp “quotes” \u2028 kept", "tab\tand\xa0nbsp “quotes” \u2028 kept"),
        ("mid\ufeffBOM", "mid\ufeffBOM"),
    ],
)
def test_normalise_text(raw, expected):
    assert normalise_text(raw) == expected


def test_extract_offsets_refer_to_the_normalised_text():
    extraction = extract("\ufeffIt filed suit.\r\n\r\nIt\x00 apologised.")
    assert extraction.text == "It filed suit.\n\nIt apologised."
    assert extraction.units == [
        Unit("It filed suit.", 0, 14, "claim", 0),
        Unit("It apologised.", 16, 30, "claim", 1),
    ]


@pytest.mark.parametrize("text", ["", " ", "\n\n\t \xa0", "\x00\x01"])
def test_blank_text_has_no_units(text):
    assert extract(text) == Extraction(
        text=normalise_text(text), title=None, published=None, units=[]
    )


def test_load_pipeline_is_cached_and_keeps_units_in_a_span_group():
    nlp = load_pipeline()
    assert load_pipeline() is nlp
    doc = nlp("It filed suit. It apologised.")
    assert [(span.text, span.label_) for span in doc.spans[UNITS_KEY]] == [
        ("It filed suit.", "claim"),
        ("It apologised.", "claim"),
    ]


def test_unit_rows_are_the_span_group():
    nlp = load_pipeline()
    for path in sorted(SEEDS.glob("*.txt")):
        doc = nlp(make_doc(nlp, path.read_text(encoding="utf-8")))
        spans = doc.spans[UNITS_KEY]
        assert unit_rows(doc) == [(span.start, span.end, span.label_) for span in spans]


@pytest.mark.parametrize("enabled", [True, False])
def test_extraction_leaves_the_garbage_collector_as_it_found_it(enabled):
    was_enabled = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        extract("It rose. It fell.")
        assert gc.isenabled() is enabled
        for _ in extract_many(["It rose.", "It fell."], batch_size=1):
            assert gc.isenabled() is enabled  # paused while an article is split, not across yield
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was_enabled else gc.disable()


def test_extract_many_matches_extract():
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))] * 3
    assert list(extract_many(texts, batch_size=4)) == [extract(text) for text in texts]


def test_extract_accepts_another_pipeline():
    nlp = spacy.blank("en")
    nlp.add_pipe(SENTENCES_COMPONENT)
    nlp.add_pipe(UNITS_COMPONENT)
    assert extract("It filed suit. It did.", nlp=nlp) == extract("It filed suit. It did.")


# ----------------------------------------------------------------------------- property


def assert_well_formed(extraction: Extraction) -> None:
    """Offsets exact, units ordered and disjoint, all and only non-whitespace covered."""
    text = extraction.text
    previous_end = 0
    paragraph = 0
    for index, unit in enumerate(extraction.units):
        assert unit.kind in CLAIM_KINDS
        assert previous_end <= unit.start < unit.end <= len(text)
        assert unit.text == text[unit.start : unit.end]
        assert not unit.text[0].isspace() and not unit.text[-1].isspace()
        gap = text[previous_end : unit.start]
        assert gap.strip() == ""
        if index and any(brk in gap for brk in "\n\u2028\u2029"):
            paragraph += 1
        assert unit.paragraph == paragraph
        previous_end = unit.end
    assert text[previous_end:].strip() == ""
    titles = [unit.text for unit in extraction.units if unit.kind == "title"]
    assert titles == ([extraction.title] if extraction.title is not None else [])


FRAGMENTS = [
    " ",
    "  ",
    "\n",
    "\n\n",
    "\r\n",
    "\t",
    "\xa0",
    "\u2028",
    "\x00",
    "\ufeff",
    "\u200b",
    "date 2022-11-29 ",
    "Published: Nov. 28, 2022 ",
    "It",
    "filed",
    "suit",
    "Balenciaga",
    "Sues",
    ".",
    "!",
    "?",
    "…",
    "...",
    ". . . .",
    ",",
    ":",
    "“",
    "”",
    '"',
    "'",
    "‘",
    "’",
    "(",
    ")",
    "[",
    "Mr.",
    "U.S.",
    "a.m.",
    "Inc.",
    "v.",
    "No. 5",
    "$25.5",
    "OK!",
    "1.)",
    "2)",
    "a.",
    "b.",
    "• ",
    "— lucylovesme (@AdlerCatherine) November 21, 2022",
    "A post shared by Kim Kardashian (@kimkardashian)",
    "https://t.co/x",
    "a@b.co",
    "Sign up now",
    "By Jane Doe",
    "Photo: X",
    "🐰",
    "e\u0301",
    "ﬁ",
    "İ",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_any_text_extracts_with_exact_offsets(text):
    extraction = extract(text)
    assert extraction.text == normalise_text(text)
    assert_well_formed(extraction)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join))
@example(f"Intro.\nPost text\n{ATTRIBUTION}\n{ATTRIBUTION}")
@example(f"Post text\n{INSTAGRAM}\n{INSTAGRAM}\n{INSTAGRAM}")
def test_article_like_text_extracts_with_exact_offsets(text):
    assert_well_formed(extract(text))


def test_the_module_example_runs() -> None:
    """The example in ``workbench.extract``'s docstring is run, so it cannot go stale."""
    results = doctest.testmod(workbench.extract)
    assert results.attempted and not results.failed
