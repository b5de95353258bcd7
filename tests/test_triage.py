"""Triage core: signals, quotes and speakers, the score, and bad input that must not mis-span."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from workbench.extract import extract
from workbench.triage import (
    SIGNAL_KINDS,
    WEIGHTS,
    find_names,
    find_quotes,
    score,
    signal_choice,
    signal_kind,
    triage_article,
    triage_text,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# Our own gold for the seed articles: every direct quote of four words or more, by the words it
# opens with, and who said it (a statement "said" by the brand counts as the brand's).
SEED_QUOTES: dict[str, list[tuple[str, str]]] = {
    "000_61620f005caad597.txt": [
        ("to seek redress for extensive damages", "Balenciaga"),
        ("a series of grievous errors", "Balenciaga"),
        ("The first campaign, the gift collection campaign", "Balenciaga"),
        ("The second, separate campaign which was meant", "Balenciaga"),
    ],
    "001_68c18a8236d82fe6.txt": [
        ("We would like to address", "Balenciaga"),
        ("The first campaign, the gift collection campaign", "Balenciaga"),
        ("The second, separate campaign for spring 2023", "Balenciaga"),
        ("We want to learn from our mistakes", "Balenciaga"),
        ("I have been quiet", "Kim Kardashian"),
        ("As a mother of four", "Kim Kardashian"),
        ("The safety of children", "Kim Kardashian"),
        ("I am currently re-evaluating", "Kim Kardashian"),
    ],
    "002_4c0b4ffaa8ac48fb.txt": [
        ("All the items included", "Balenciaga"),
        ("We apologize for displaying", "Balenciaga"),
        ("inexplicable acts and omissions", "Balenciaga"),
        ("As for my future with Balenciaga", "Kim Kardashian"),
    ],
    "003_31e09ec1713ad0d5.txt": [
        ("it should not have been featured", "Balenciaga"),
        ("against the parties responsible", "Balenciaga"),
        ("not entitled in whatsoever manner", "Gabriele Galimberti"),
        ("As a photographer", "Gabriele Galimberti"),
        ("I suspect that any person", "Gabriele Galimberti"),
        ("We sincerely apologise", "Balenciaga"),
    ],
    "004_a229bd1af394b472.txt": [
        ("I am not in a position", "Gabriele Galimberti"),
    ],
}
OPENING_MARKS = "\"“„«「‘"
CLOSING_MARKS = "\"”“»」’"


def seed_text(name: str) -> str:
    return extract((SEEDS / name).read_text(encoding="utf-8")).text


def direct_quotes(text: str):
    return [quote for quote in find_quotes(text) if not quote.scare]


def test_seed_quotes_have_exact_spans_and_mostly_the_right_speaker() -> None:
    right = total = 0
    misses = []
    for name, gold in SEED_QUOTES.items():
        text = seed_text(name)
        found = direct_quotes(text)
        assert len(found) == len(gold), (name, [text[q.start : q.start + 30] for q in found])
        for quote, (opening, speaker) in zip(found, gold):
            assert text[quote.start :].startswith(opening), (name, opening)
            assert text[quote.start - 1] in OPENING_MARKS
            assert text[quote.end] in CLOSING_MARKS or text[quote.end + 1] in CLOSING_MARKS
            total += 1
            if quote.speaker == speaker:
                right += 1
            else:
                misses.append((opening, quote.speaker, speaker))
    assert total == 23
    assert right >= 21, misses  # the README's figure: 21 of 23 (91%), against a target of 80%


def test_every_seed_claim_span_is_exact() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        extraction = extract(path.read_text(encoding="utf-8"))
        spans = [(unit.start, unit.end) for unit in extraction.units]
        for (start, end), triage in zip(spans, triage_article(extraction.text, spans)):
            assert_exact(extraction.text, start, end, triage)


def assert_exact(article: str, start: int, end: int, triage) -> None:
    assert 0.0 <= triage.checkworthiness <= 1.0
    for signal in triage.signals:
        assert signal.kind in SIGNAL_KINDS
        assert article[signal.start : signal.end] == signal.text
        assert start <= signal.start < signal.end <= end
    if triage.quote:
        assert article[triage.quote.start : triage.quote.end] == triage.quote.text
        assert start <= triage.quote.start < triage.quote.end <= end


def kinds(sentence: str) -> set[str]:
    return set(triage_text(sentence).kinds())


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Unemployment fell to 3.1% from 4 percent, costing $25 million.", {"number", "comparison"}),
        ("The law was passed on Nov. 29, 2022, three years ago.", {"date", "reference"}),
        ("It is the biggest lawsuit in the history of fashion.", {"comparison", "reference"}),
        ("Prices rose because of the drought.", {"cause", "comparison"}),
        ("Sales will fall next year, analysts predict.", {"prediction", "date"}),
        ("The ruling in Ashcroft v. Free Speech Coalition stands.", {"reference", "entity"}),
        ("Kim Kardashian reportedly declined the offer.", {"hedged", "entity"}),
        ("The brand should apologise for this disgusting campaign.", {"modal", "evaluative"}),
        ("Is Balenciaga refusing to be accountable?", {"question"}),
        ("Critics called the campaign “inappropriate” and worse.", {"scare_quote"}),
        ("The mayor said that crime has fallen.", {"attributed"}),
        ("According to court documents, the firm hired them.", {"attributed"}),
    ],
)
def test_signals(sentence: str, expected: set[str]) -> None:
    assert expected <= kinds(sentence)
    assert_exact(sentence, 0, len(sentence), triage_text(sentence))


@pytest.mark.parametrize(
    ("sentence", "references"),
    [
        ("Under section 230 and Section 1983, it is legal.", ["section 230", "Section 1983"]),
        ("Article 5a, chapter 11 and Title IX apply.", ["Article 5a", "chapter 11", "Title IX"]),
        ("The article I read said so.", []),
        ("Title V and Article I apply, says the song title CC.", ["Title V", "Article I"]),
    ],
)
def test_a_numbered_reference_keeps_its_whole_number(sentence: str, references: list[str]) -> None:
    assert [s.text for s in triage_text(sentence).signals if s.kind == "reference"] == references


@pytest.mark.parametrize(
    ("sentence", "words", "speaker"),
    [
        ("Inflation rose 3% in 2022, the bank said.", "the bank said", "the bank"),
        ("Costs climbed, a spokesman said in a statement.", "a spokesman said", "a spokesman"),
        ("The economy grew, said John Smith.", "said John Smith", "John Smith"),
        ("Sales rose 10% in 2020, said Acme Corp.", "said Acme Corp", "Acme Corp"),
        ("Sales rose 10% in 2020, said the company.", "said the company", "the company"),
        ("It grew, the more he said.", "he said", "he"),
        ("Prices rose, the bank also said.", "the bank also said", "the bank"),
        ("Prices rose, an aide later said.", "an aide later said", "an aide"),
        ("Prices rose, said the bank on Monday.", "said the bank", "the bank"),
        ("Prices rose 3%, said John’s aide.", "said John’s aide", "John’s aide"),
        ("Officials said that taxes rose by 5%.", "Officials said", "Officials"),
        ("Ana Ruiz, the finance minister, told Reuters that taxes would rise.", "Ana Ruiz, the finance minister, told", "Ana Ruiz"),
        ("Powell testified on Tuesday, warned Congress that rates rise.", "Powell testified on Tuesday, warned", "Powell"),
        ("The mayor said that crime has fallen.", "The mayor said", "The mayor"),
    ],
)
def test_attribution_after_the_statement_names_who_said_it(sentence: str, words: str, speaker: str) -> None:
    (attributed,) = [signal for signal in triage_text(sentence).signals if signal.kind == "attributed"]
    assert (attributed.text, attributed.detail) == (words, speaker)
    assert sentence[attributed.start : attributed.end] == words


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Finance Minister Ana Ruiz told reporters.", "Ana Ruiz"),
        ("Health Secretary Matt Hancock resigned.", "Matt Hancock"),
        ("Acme Chief Executive Officer stepped down.", None),  # no office among the words: left alone
        ("UN Secretary General Antonio Guterres spoke.", "Antonio Guterres"),
        ("The Prime Minister Office said no.", None),  # one word after the office: no one's name
        ("He stayed at the Bank Of America President Hotel.", None),
        ("Steve Jobs founded Apple. Jobs said so.", "Steve Jobs"),  # Jobs alone is a common noun, but not here
        ("It was Inspector General Michael Horowitz who spoke.", "Michael Horowitz"),
        ("Then Attorney General Merrick Garland spoke.", "Merrick Garland"),
        ("Deputy Attorney General Lisa Monaco spoke.", "Lisa Monaco"),
        ("Then Major General John Smith spoke.", "John Smith"),
        ("Then President-elect Joe Biden spoke.", "Joe Biden"),
        ("District Attorney Alvin Bragg spoke.", "Alvin Bragg"),
        ("Major League Baseball agreed with Ana Ruiz.", "Ana Ruiz"),  # no ``General``: no office
        ("Executive Vice President for Human Resources Dana Whitfield spoke.", "Dana Whitfield"),
        ("Executive Vice President for Human Resources Dana J. Whitfield spoke.", "Dana J. Whitfield"),
        ("The Minister for Housing and Local Government Aoife Brennan spoke.", "Aoife Brennan"),
        ("Chief Executive Officer of Northwind Logistics Paul Grant spoke.", "Paul Grant"),
        ("The Director of Public Health spoke.", None),  # a portfolio, no holder
        ("The Minister for Foreign Affairs spoke.", None),
        ("The Secretary of Health and Human Services spoke.", None),
    ],
)
def test_the_holder_of_an_office_is_the_person(text: str, name: str | None) -> None:
    people = [found.text for found in find_names(text) if found.kind == "person"]
    assert people[:1] == ([name] if name else [])


@pytest.mark.parametrize(
    ("pronoun", "speaker"),
    [("she", "she"), ("he", "Hans Müller")],  # Hans is a man's name: "she" is someone else
)
@pytest.mark.parametrize("before", ["", "Economist "])
def test_a_pronoun_is_not_resolved_to_a_person_of_the_other_sex(pronoun: str, speaker: str, before: str) -> None:
    text = f"{before}Hans Müller runs the plant.\n\nSales rose.\n\n\"We will win the contract this year,\" {pronoun} said."
    speaker = before + speaker if speaker != "she" else speaker
    (quote,) = find_quotes(text)
    assert quote.speaker == speaker


@pytest.mark.parametrize(
    "text", ["Ursula von der Leyen said no.", "Pierre de Villiers said no.", "Luis de Guindos said no.", "Kim de Vries said no."]
)
def test_a_known_first_name_makes_a_person_of_a_name_with_a_particle(text: str) -> None:
    (name,) = find_names(text)
    assert (name.text, name.kind) == (text.removesuffix(" said no."), "person")


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("It's late. They'll win. We’re here. That's all.", []),
        ("Nine died and Thousands marched.", []),
        ("Jane Doe and Mary Jones met Bill and Melinda Gates Foundation staff.",
         [("Jane Doe", "person"), ("Mary Jones", "person"), ("Bill and Melinda Gates Foundation", "organisation")]),
        ("Perhaps the bill will pass. Moreover, prices rose. Overall, it worked. Unfortunately, no.", []),
        ("The U.S. economy grew, J.K. Rowling wrote and George W. Bush spoke.",
         [("U.S.", "place"), ("J.K. Rowling", "person"), ("George W. Bush", "person")]),
    ],
)
def test_contractions_numbers_and_initials(text: str, names: list[tuple[str, str]]) -> None:
    assert [(name.text, name.kind) for name in find_names(text)] == names


def test_she_after_two_people_named_together_stays_she() -> None:
    text = 'Jane Doe and Mary Jones criticised the plan.\n\n"Inflation is at a 40-year high and rising," she said.'
    (quote,) = find_quotes(text)
    assert quote.speaker == "she"


def test_they_is_not_resolved_to_a_contraction() -> None:
    text = "Acme Corp cut 200 jobs on Monday.\n\nIt's a painful moment.\n\n\"We lost 5 percent of our revenue,\" they said."
    (quote,) = find_quotes(text)
    assert quote.speaker == "Acme Corp"


@pytest.mark.parametrize("noun", ["Prices", "Taxes", "Unemployment", "Inflation", "Officials", "Sales"])
def test_a_common_noun_opening_a_sentence_is_no_name(noun: str) -> None:
    assert "entity" not in kinds(f"{noun} rose sharply over the summer.")


@pytest.mark.parametrize("text", ["The state taxed imports heavily.", "Congress funded the wall."])
def test_a_verb_of_record_on_a_subject_of_policy_still_counts_as_one(text: str) -> None:
    from workbench.triage import analyse_article

    ((_signals, _quote, features),) = analyse_article(text, [(0, len(text))])
    assert "factual_verb" in features


def test_plain_sentence_has_no_framing_signals() -> None:
    assert not kinds("The cat sat on the mat.") & {"evaluative", "modal", "question", "hedged", "scare_quote"}


def test_quote_speaker_and_verb_forms() -> None:
    cases = {
        "“We will appeal the ruling,” she said.": ("she", "said"),
        "Dana Smith told Newsweek: “The numbers are wrong and we can show it.”": ("Dana Smith", "told"),
        "\"Prices went up by ten percent last year,\" said Mayor John Ortiz.": ("John Ortiz", "said"),
        "Prime Minister Helena Varga said: \"This is a day our country will never forget.\"": ("Helena Varga", "said"),
    }
    for text, (speaker, verb) in cases.items():
        (quote,) = direct_quotes(text)
        assert (quote.speaker, quote.verb) == (speaker, verb), text


def test_pronoun_resolves_to_the_only_person_named_last_else_stays() -> None:
    clear = "Maria Lopez runs the clinic.\n“We treated four hundred patients this year,” she said."
    assert direct_quotes(clear)[0].speaker == "Maria Lopez"
    unclear = "Maria Lopez met Ana Ruiz.\n“We treated four hundred patients this year,” she said."
    assert direct_quotes(unclear)[0].speaker == "she"


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ('Mary Jones arrived on Monday.\n\nShe told Alex Kim: "Taxes on families rose 5 percent in 2023."', "Mary Jones"),
        ('Mary Jones spoke.\n\n"I met John Smith yesterday and he agreed with me," she said.', "Mary Jones"),
    ],
)
def test_a_pronoun_stands_for_the_person_named_before_it_not_the_listener_nor_a_name_quoted(text: str, speaker: str) -> None:
    (quote,) = direct_quotes(text)
    assert quote.speaker == speaker


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ('"Prices will keep rising," he said.\n\nThe remarks by Arjun Mehta, an economist, came late.', "Arjun Mehta"),
        ('"Prices will keep rising," she said. Those were the words of Maria Lopez, the mayor.', "Maria Lopez"),
        ('"Prices will keep rising," he told Jane Smith on Monday.', "he"),
        ('"Prices will keep rising," she said. The view of John Smith is different.', "she"),
        ('"Prices will keep rising," he said. Nobody agreed. Others, like Paul Lee and Ann Moss, left.', "he"),
        ('"Prices will keep rising," he said. ' + "Nobody agreed with that view at all. " * 9 + "Paul Lee left.", "he"),
    ],
)
def test_a_pronoun_with_nobody_named_before_it_is_the_one_person_named_next(text: str, speaker: str) -> None:
    """Within a few sentences, never in the pronoun's own sentence, never one of two, never the
    other sex."""
    (quote,) = direct_quotes(text)
    assert quote.speaker == speaker


@pytest.mark.parametrize(
    ("text", "speakers"),
    [
        (
            ('"Taxes will rise for most families next year," Mary Jones said.\n\n'
            '"We will not raise taxes on working families," the White House said.\n\n'
            '"Sales increased sharply in the third quarter," a company spokesperson told CNN.'),
            ["Mary Jones", "White House", "a company spokesperson"],
        ),
        ('Mary Jones said on Monday that taxes were too high.\n\n"We will not raise taxes on working families."', [None]),
        ('Mary Jones issued a statement:\n\n"We will not raise taxes on working families."', ["Mary Jones"]),
    ],
)
def test_a_quote_speaks_by_its_own_attribution_and_takes_the_paragraph_before_only_when_announced(
    text: str, speakers: list[str | None]
) -> None:
    assert [quote.speaker for quote in direct_quotes(text)] == speakers


@pytest.mark.parametrize(
    ("text", "speaker", "verb"),
    [
        ('"The appeal will be filed on Monday," defence lawyer Nadia Petrov said.', "Nadia Petrov", "said"),
        ('"Wages have not kept up with rents," said union leader Sam Okoro.', "Sam Okoro", "said"),
        ('"We will rebuild the bridge," Mayor Li Wei of Eastport said.', "Li Wei", "said"),
        ('"Our figures are sound," said Pieter van der Berg.', "Pieter van der Berg", "said"),
        ('"The tests came back clean," officials said.', "officials", "said"),
        ('"The route is closed until further notice," said a spokeswoman for the operator.',
         "a spokeswoman for the operator", "said"),
        ('"This is a turning point for the sport," said one senior league official.', "one senior league official", "said"),
        ('"Rates will stay high," the bank’s chief economist, Omar Said, said in a note.', "Omar Said", "said"),
        ('"The deal is done," Lena Ortiz, the chief executive, who joined in May, said.', "Lena Ortiz", "said"),
        ('"She needs rest," Wilde’s spokesman said.', "Wilde’s spokesman", "said"),
        ('"Every child deserves a safe school." – Carmen Diaz, Education Secretary', "Carmen Diaz", "—"),
        ('"Never again." – Carmen Diaz, Education Secretary', "Carmen Diaz", "—"),  # short, but signed alone
        ('"Hands off our pensions," they chanted.', "they", "chanted"),
        ('"The figures do not add up," Novak’s lawyer, Ada Finch, told the court.', "Ada Finch", "told"),
        ('"Tariffs are easy to start and hard to end," argues economist Kim Lau of Yale University.', "Kim Lau", "argues"),
        ('"We will not be blackmailed," said a statement from the prime minister’s office.',
         "a statement from the prime minister’s office", "said"),
        ('Greenfield Energy closed two plants.\n\n"It was a difficult decision for everyone," it said.', "Greenfield Energy", "said"),
        ('"We will publish the review in full," said Inspector General Michael Horowitz.', "Michael Horowitz", "said"),
        ('"The charges stand as filed today," District Attorney Alvin Bragg said.', "Alvin Bragg", "said"),
    ],
)
def test_more_ways_of_naming_a_quote_s_speaker_after_it(text: str, speaker: str, verb: str) -> None:
    (quote,) = direct_quotes(text)
    assert (quote.speaker, quote.verb) == (speaker, verb)


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ('Sen. Ana Holt, a Democrat from Ohio, said the plan "will not help a single family."', "Ana Holt"),
        ('Rep. Luis Moreno (D-Texas) said: "Families deserve to be treated with dignity."', "Luis Moreno"),
        (
            ('Finance Minister Ana Ruiz met her counterpart, Klaus Weber, on Monday.\n\n'
            '"We agreed the rules need reform, not abandonment," she told reporters.'),
            "Ana Ruiz",
        ),
        (
            ('Judge Rita Lyons presided. Defence lawyer Tom Harris asked for more time.\n\n'
            '"The court has been more than patient in this matter," she said.'),
            "Rita Lyons",
        ),
        ('Veteran goalkeeper Stefan Novak has retired.\n\n"My body is telling me it is time to stop," the 41-year-old said.',
         "Stefan Novak"),
    ],
)
def test_a_speaker_behind_an_aside_a_pronoun_or_an_age(text: str, speaker: str) -> None:
    (quote,) = direct_quotes(text)
    assert quote.speaker == speaker


@pytest.mark.parametrize(
    ("text", "quoted", "speaker"),
    [
        ("Mr Hughes said: 'The council has let residents down again.'", "The council has let residents down again.", "Mr Hughes"),
        ("'We are deeply saddened by the loss,' a spokesman for the trust said.", "We are deeply saddened by the loss,",
         "a spokesman for the trust"),
        ("Rock 'n' roll and the '90s don't make a quote, nor do the farmers' markets.", None, None),
    ],
)
def test_straight_single_quotes(text: str, quoted: str | None, speaker: str | None) -> None:
    quotes = direct_quotes(text)
    assert [(text[q.start : q.end], q.speaker) for q in quotes] == ([(quoted, speaker)] if quoted else [])


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("'The players' union will not accept this,' she said.", ["The players' union will not accept this,"]),
        ("‘The players’ union will not accept this,’ she said.", ["The players’ union will not accept this,"]),
        ("He said: 'The members' vote is final and the unions' leaders agree.'",
         ["The members' vote is final and the unions' leaders agree."]),
        ("‘Ask the teachers’ he said, ‘they know’.", ["Ask the teachers", "they know"]),
        ("‘Ask the teachers’ and they will tell you,’ he said.", ["Ask the teachers"]),
    ],
)
def test_a_plural_possessive_inside_single_quotes_does_not_close_them(text: str, quoted: list[str]) -> None:
    """``s’`` before a noun is a possessive when a later mark can close the quote; before a pronoun,
    a verb of saying or a function word it closes the quote."""
    assert [text[q.start : q.end] for q in find_quotes(text)] == quoted


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ('"We won the vote," the son of Donald Trump said.', "the son of Donald Trump"),
        ('"We won the vote," one aide to the president said.', "one aide to the president"),
        ('"We will win this fight," Secretary of State Antony Blinken said.', "Antony Blinken"),
        ('"We are fine for now," U.S. Secretary of State Antony Blinken told reporters.', "Antony Blinken"),
        ('"We will win this fight," the Bank of England said.', "Bank of England"),
        ('"The plan fails," analysts at Goldman Sachs wrote.', "analysts at Goldman Sachs"),
        ('"We are fine for now," Sen. Elizabeth Warren, D-Mass., said.', "Elizabeth Warren"),
        ('"We will win this fight," Jane Doe, CEO, said.', "Jane Doe"),
        ('"We won the vote," the mayor of Springfield, Illinois, said.', None),
        ('He called it "a total and utter disaster" - Trump, however, disagreed.', None),
        ('Tom Smith and Sarah Smith arrived. "We will win this fight," Ms Smith told The Times.', "Ms Smith"),
        ('The Republican National Committee said: "We will win this fight."', "The Republican National Committee"),
    ],
)
def test_no_speaker_is_taken_from_the_wrong_words(text: str, speaker: str | None) -> None:
    """Prepositions are no role (``the son of Donald Trump`` is not Donald Trump), an office's
    portfolio is no name (``Secretary of State Antony Blinken`` is Antony Blinken), a tag between commas is no speaker, and a title that tells which Smith stays."""
    assert [quote.speaker for quote in direct_quotes(text)] == [speaker]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ('Rosa Diaz opened the cafe on Elm Street in May.\n\n"I wanted a job that smelled of bread," she said.', "Rosa Diaz"),
        ('Ada Lloyd, who farms near Builth Wells, told the BBC: "This spring has been the worst in memory."', "Ada Lloyd"),
        ('Superintendent Mark Reid disagreed. "This will cost the district money it does not have," he said.', "Mark Reid"),
        ('The Department for Transport said: "We will review the timetable this summer."', "The Department for Transport"),
        ('Fenwick Foods recalled its pies. The Ohio-based company said: "We are acting out of caution here."',
         "Fenwick Foods"),
        ("A Met Office spokesperson said: 'It will be a very warm day for most of the country.'",
         "A Met Office spokesperson"),
        ('Lena Ross called the vote. The prime minister said: "The country needs a clear mandate now."',
         "The prime minister"),
    ],
)
def test_speakers_beside_places_roles_and_descriptions(text: str, speaker: str) -> None:
    (quote,) = direct_quotes(text)
    assert quote.speaker == speaker


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ('Floods Hit Coast\n\nThe council met at noon. "We expect to restore most of it by Friday," she said.', "she"),
        ('Storm Hits Coast\nLinda Park spoke at noon. "We expect to restore power by Friday," she said.', "Linda Park"),
        ('Jane Doe\nThe council met at noon. "We expect to restore power by Friday," she said.', "Jane Doe"),
    ],
)
def test_a_headline_in_title_case_is_no_one_but_a_byline_is(text: str, speaker: str) -> None:
    (quote,) = direct_quotes(text)
    assert quote.speaker == speaker


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ('"The decision is final," said Chief Justice John Roberts.', "John Roberts"),
        ('"Crime fell by 10 percent last year," Police Commissioner Keechant Sewell said.', "Keechant Sewell"),
        ('"No one is above the law," Attorney General Merrick Garland said Thursday.', "Merrick Garland"),
        ('"This bill will cut taxes," House Speaker Mike Johnson said.', "Mike Johnson"),
        ('"We are not at war with Russia," NATO Secretary-General Jens Stoltenberg said.', "Jens Stoltenberg"),
        ('"It\'s a good day for America," said U.S. Rep. Adam Schiff, D-Calif.', "Adam Schiff"),
        ('"Inflation has peaked," said Fed Chair Jerome Powell.', "Jerome Powell"),
        ('"The report is flawed," said Professor Sir John Curtice.', "John Curtice"),
        ('"It\'s a great honour," said Dame Judi Dench.', "Judi Dench"),
        ('"We\'re done negotiating now," said New York Gov. Kathy Hochul.', "Kathy Hochul"),
        ('"Nobody expected this," said Erik ten Hag.', "Erik ten Hag"),
        ('"It\'s over for us now," said the coach, Pep Guardiola.', "Pep Guardiola"),
        ('"They lied to us," said residents of the town.', "residents of the town"),
        ('"The bridge is unsafe," engineers warned.', "engineers"),
        ('"It\'s a total lie," tweeted Elon Musk.', "Elon Musk"),
        ('"I didn\'t do it at all," insisted O.J. Simpson.', "O.J. Simpson"),
        ('"Sales rose 40 percent," said Apple\'s chief executive, Tim Cook.', "Tim Cook"),
        ('"We made a mistake," conceded the company\'s CEO, Elon Musk.', "Elon Musk"),
        ('"Unemployment is at a record low," claimed the White House press secretary, Karine Jean-Pierre.', "Karine Jean-Pierre"),
        ('"He was a good man," his mother said.', "his mother"),
        ('"The team played well," said Paris Saint-Germain coach Luis Enrique.', "Luis Enrique"),
        ('"This," said Barack Obama, "is the moment we have been waiting for."', "Barack Obama"),
        ('"The talks have failed completely," Deputy Prime Minister Oliver Dowden said.', "Oliver Dowden"),
        ('"We will not cut a single job," said Executive Vice President for Human Resources Dana Whitfield.',
         "Dana Whitfield"),
        ('Executive Vice President for Human Resources Dana Whitfield said: "We will not cut a single job."',
         "Dana Whitfield"),
        ('The Minister for Housing and Local Government Aoife Brennan said: "We will build ten thousand homes."',
         "Aoife Brennan"),
        ('"The numbers speak for themselves," said Chief Executive Officer of Northwind Logistics Paul Grant.',
         "Paul Grant"),
        ('"Nothing at all was hidden from us," said April Ryan.', "April Ryan"),
        ('"Costs went up again last year," said June Carter.', "June Carter"),
        ('"We are ready for this fight," said Will Smith.', "Will Smith"),
        ('"It is truly devastating for us," said Ahmed al-Sharaa.', "Ahmed al-Sharaa"),
        ('"We will rebuild," vowed Governor Ron DeSantis.', "Ron DeSantis"),
        ('"Enough is enough," said protesters outside parliament.', "protesters outside parliament"),
        ('"Vote no," urged the editorial board of The New York Times.', "the editorial board of The New York Times"),
        ('"We will not back down," the Prime Minister said. "Never."', "Prime Minister"),
        ('"Prices will rise again," according to Bank of England governor Andrew Bailey.', "Andrew Bailey"),
    ],
)
def test_speakers_of_wire_service_sentences(text: str, speaker: str) -> None:
    """Offices before a name, verbs before their speaker, appositives, described speakers, a quote
    resumed after its attribution and a one-word sentence quoted after an attributed one (sentences
    a tester wrote to break the rules, 2026-12-03)."""
    quotes = direct_quotes(text)
    assert quotes and [quote.speaker for quote in quotes] == [speaker] * len(quotes)


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ('The audit was damning. The council\'s treasurer, Maria Lind, accepted it. "We have already changed how '
         'we buy services."', "Maria Lind"),
        ('"Rents are rising everywhere," the survey found.\n\nThe housing minister, Omar Pike, disagreed. '
         '"Our figures show rents falling in most towns."', "Omar Pike"),
        ('"We are seeing more cases," said Dr. R. Iyer, Chief Medical Officer. "Most of them are mild," he said.',
         "R. Iyer"),
        ('"We need a full audit first," said Councilmember Rosa Vidal.', "Rosa Vidal"),
        ('"We just kept believing in each other," Guard Malik Stone said.', "Malik Stone"),
        ('Ravi and Meena Shah ran the shop near Eastfield for ten years.\n"We lost all our stock in one night," they said.',
         "Ravi and Meena Shah"),
        ('Tom and Ann Lee met the buyers. Acme Corp signed.\n"We are pleased with the deal," they said.', "Acme Corp"),
    ],
)
def test_a_quote_after_a_sentence_naming_one_person_is_theirs_and_a_title_is_no_one(text: str, speaker: str) -> None:
    """A quote that opens a sentence after its paragraph names one person is that person's (not the
    speaker of the quote before); an office after a name (``Chief Medical Officer``) is no person."""
    assert direct_quotes(text)[-1].speaker == speaker


def test_a_quote_resumed_after_its_attribution_is_one_quote_in_two_parts() -> None:
    text = '"This," said Barack Obama, "is the moment we have been waiting for."'
    assert [(text[q.start : q.end], q.speaker, q.scare) for q in find_quotes(text)] == [
        ("This,", "Barack Obama", False),
        ("is the moment we have been waiting for.", "Barack Obama", False),
    ]


def test_an_attributed_span_ends_where_the_speaker_s_words_end() -> None:
    text = "Taxes will rise next year, said Prime Minister Helena Varga."
    (attributed,) = [s for s in triage_text(text).signals if s.kind == "attributed"]
    assert (attributed.text, attributed.detail) == ("said Prime Minister Helena Varga", "Helena Varga")


def test_according_to_takes_the_whole_name_or_description() -> None:
    text = (
        'According to the Office for Budget Responsibility, "inflation will fall below 2 percent by 2025."\n\n'
        'According to a spokesperson for the ministry, "the figures were revised in 2022."'
    )
    assert [quote.speaker for quote in direct_quotes(text)] == ["Office for Budget Responsibility", "a spokesperson for the ministry"]


def test_a_quote_running_over_paragraphs_takes_the_speaker_named_at_its_end() -> None:
    text = (
        "Dr. Priya Raman led the study.\n\n"
        '"We saw a forty percent fall in admissions among patients on the drug.\n\n'
        '"That is a much larger effect than any of us expected," she said.'
    )
    assert [quote.speaker for quote in direct_quotes(text)] == ["Priya Raman", "Priya Raman"]


def test_quote_running_over_paragraphs_keeps_its_speaker() -> None:
    text = (
        "Tom Baker said: “The first part of the statement runs on.\n\n"
        "“The second part follows in a new paragraph without a closing mark before it.”"
    )
    quotes = direct_quotes(text)
    assert [q.speaker for q in quotes] == ["Tom Baker", "Tom Baker"]
    for quote in quotes:
        assert text[quote.start : quote.end].strip() == text[quote.start : quote.end]


@pytest.mark.parametrize(
    "text",
    [
        "He said “this never closes and the sentence just goes on.",
        "An inch mark 5\" and a stray ” closer and „ opener.",
        "She said « les chiffres sont faux, et nous le prouverons », selon Le Monde.",
        "Er sagte: „Die Zahlen sind falsch und wir werden es beweisen“, so der Minister.",
        "彼は「数字は間違っている、そして我々はそれを証明する」と言った。",
        "“Outer quote with ‘an inner quote of several words here’ inside it,” he said.",
        "“Nested “twice” without singles, and then some more words,” she said.",
        "\"\"\"\"“”“”«»«»„“「」『』‘’’’''",
        "“Quote starts in one paragraph\n\nand a new paragraph does not open with a mark.",
        "A very long sentence, " + "with 12% more words and “quoted bits” and, " * 5000 + "ends here.",
        "",
        "   \n\n   ",
        "Trailing opener “",
        "”Leading closer",
        "SİX",
        "İzmir saıd that the moſt people came.",
        "„a " * 300 + "b」 " * 300,
        "“a " * 300 + "b’ " * 300,
        "The " * 500,
        "Aaa. " * 300,
    ],
)
def test_bad_input_never_crashes_or_misspans(text: str) -> None:
    spans = [(0, len(text))] if text else []
    for quote in find_quotes(text):
        assert 0 <= quote.start < quote.end <= len(text)
        assert text[quote.start : quote.end].strip()
    for (start, end), triage in zip(spans, triage_article(text, spans)):
        assert_exact(text, start, end, triage)


def test_other_scripts_quote_marks_are_quotes() -> None:
    for text, inner in [
        ("She said « les chiffres sont faux, et nous le prouverons », selon Le Monde.", "les chiffres"),
        ("Er sagte: „Die Zahlen sind falsch und wir werden es beweisen“, so der Minister.", "Die Zahlen"),
        ("彼は「数字は間違っている、そして我々はそれを証明する」と言った。", "数字は"),
    ]:
        (quote,) = find_quotes(text)
        assert text[quote.start : quote.end].startswith(inner)


@pytest.mark.parametrize("text", ["He called it „「\"“ and left.", "She said «“»” and “…!” there."])
def test_marks_with_nothing_between_them_quote_nothing(text: str) -> None:
    assert find_quotes(text) == []
    assert "scare_quote" not in kinds(text) and triage_text(text).quote is None


def test_random_text_spans_are_exact() -> None:
    rng = random.Random(11)
    alphabet = list("abc XYZ.,;:?!\n\"'“”„‘’«»「」$%0123456789-") + ["said", " She ", " Kim Lee ", " told "]
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 200)))
        cuts = sorted({0, len(text), *(rng.randint(0, len(text)) for _ in range(3))})
        spans = [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]
        for (start, end), triage in zip(spans, triage_article(text, spans)):
            assert_exact(text, start, end, triage)


def test_score_is_deterministic_bounded_and_ranks_facts_over_questions() -> None:
    fact = "In 2015 the state cut school funding by $1.2 billion, the largest cut since 1990."
    question = "What do you think?"
    assert triage_text(fact).checkworthiness == triage_text(fact).checkworthiness
    assert triage_text(fact).checkworthiness > 0.5 > triage_text(question).checkworthiness
    assert score({}) == round(1 / (1 + 2.718281828459045 ** -WEIGHTS["bias"]), 4)


@pytest.mark.parametrize(
    "text, topical",
    [
        ("The deficit grew last year.", True),
        ("Medicare premiums went up.", True),
        ("He talked about social security for an hour.", True),
        ("Illegal immigration is down.", True),
        ("The band played a new song last year.", False),
        ("Warsaw is cold in winter.", False),  # "war" only as a whole word
    ],
)
def test_a_subject_of_public_policy_raises_the_score_without_a_chip(text: str, topical: bool) -> None:
    from workbench.triage import analyse_article

    ((signals, _quote, features),) = analyse_article(text, [(0, len(text))])
    assert ("topic" in features) is topical
    assert "topic" not in {signal.kind for signal in signals}
    if topical:
        without = {name: value for name, value in features.items() if name != "topic"}
        assert score(features) > score(without)


def test_the_readme_lists_every_weight_of_the_score() -> None:
    readme = (SEEDS.parent / "README.md").read_text(encoding="utf-8")
    listed = readme.split("Weights\n(`workbench.triage.WEIGHTS`)", 1)[1].split("They were set by hand", 1)[0]
    listed = " ".join(listed.split())
    for name, weight in WEIGHTS.items():
        if name == "bias":
            assert f"e^-(−{-weight:g} + Σ" in readme
            continue
        words = name.replace("_", " ").replace("first person", "first-person")
        shown = f"+{weight:g}" if weight > 0 else f"−{-weight:g}"
        assert f"{words} {shown}" in listed, f"README does not list {name} {shown}"


def test_reasons_name_the_speaker() -> None:
    text = "Kim Kardashian runs a brand.\n“I am currently re-evaluating my relationship with the brand,” she said."
    spans = [(29, len(text))]
    (triage,) = triage_article(text, spans)
    assert triage.reasons()[0] == "quote: Kim Kardashian"


@pytest.mark.parametrize("prefix", ["", "İzmir: "])
def test_a_dotted_capital_i_changes_no_other_signal(prefix: str) -> None:
    """``İ`` is the one character whose lower case is longer; the lexicons still see the same words."""
    text = prefix + "SİX of the HIGHEST ever and they APPROVED it. They’LL see."
    kinds = [(signal.kind, signal.text) for signal in triage_text(text).signals if signal.kind != "entity"]
    assert kinds == [("number", "SİX"), ("comparison", "HIGHEST"), ("prediction", "LL")]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("The bill was signed by Joe Biden. It takes effect next year.", ["Joe Biden"]),
        ("It was Angela Merkel. Germany agreed.", ["Angela Merkel", "Germany"]),
        ("Gov. Gavin Newsom met Mrs. Smith in St. Louis on Sunday.", ["Gavin Newsom", "Smith", "St. Louis"]),
        ("Nothing changed in November. Images were shared.", []),
        ("We met Gen. Mark Milley on Friday. Sgt. Ann Lee was there.", ["Mark Milley", "Ann Lee"]),
    ],
)
def test_names_end_at_a_sentence_end(text: str, names: list[str]) -> None:
    assert [name.text for name in find_names(text)] == names


@pytest.mark.parametrize(
    "text",
    [
        '"We will not back down on any of it," said John Smith. His party lost 12 seats.',
        'He met John Smith. It\'s "a disaster for every one of us," Smith added.',
        '"We will win this fight for all of us," said Gov. John Smith. His party lost.',
    ],
)
def test_a_speaker_ends_at_a_sentence_end_not_at_a_title(text: str) -> None:
    (quote,) = [quote for quote in find_quotes(text) if not quote.scare]
    assert quote.speaker in ("John Smith", "Smith", "Gov. John Smith")


def test_chips_and_pickers_name_signals_alike() -> None:
    """Chips say ``names``; pickers say ``names (entity)``, since exports and the CLI say ``entity``."""
    (triage,) = triage_article("Kim Lee said prices rose 5%.", [(0, 28)])
    assert "names" in triage.reasons() and "entity" not in triage.reasons()
    assert [signal_choice(kind) for kind in ("entity", "scare_quote", "number")] == [
        "names (entity)", "scare quote", "number",
    ]
    copied = ["names (entity)", "Scare quote", "NUMBER", "entity"]
    assert [signal_kind(word) for word in copied] == ["entity", "scare_quote", "number", "entity"]


def test_a_description_with_a_name_beside_it_speaks_by_that_name() -> None:
    text = "The spotlight fell on the photographer, Gabriele Galimberti, who issued a statement that he was “not entitled to choose the products at all.”"
    (quote,) = find_quotes(text)
    assert (quote.speaker, quote.verb) == ("Gabriele Galimberti", "issued a statement")


@pytest.mark.parametrize(
    ("text", "date", "name"),
    [
        ("Unemployment fell to 4 percent in May, the minister said.", True, None),
        ("Prices rose 3 percent in May 2023.", True, None),
        ("Prices have stalled since mid-May.", True, None),
        ("Theresa May said the deal was done.", False, "Theresa May"),
        ("Prices rose by May 5, officials said.", True, None),
    ],
)
def test_may_the_month_is_a_date_and_no_name(text: str, date: bool, name: str | None) -> None:
    signals = triage_text(text).signals
    assert any(signal.kind == "date" and signal.text == "May" for signal in signals) is date
    assert [signal.text for signal in signals if signal.kind == "entity"] == ([name] if name else [])


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Talks have stalled since Monday.", []),
        ("Negotiators met. Volunteers helped.", []),
        ("NATO met on Monday.", ["NATO"]),
        ("Donald, you said it yourself.", ["Donald"]),
        ("Acme rose. Investors in Acme cheered.", ["Acme", "Acme"]),
        ("Paris is calm tonight.", ["Paris"]),
    ],
)
def test_a_lone_word_is_no_name_just_because_it_opens_a_sentence(text: str, names: list[str]) -> None:
    assert [name.text for name in find_names(text)] == names


@pytest.mark.parametrize(
    ("text", "speakers"),
    [
        ('Its chair, Dame Philippa Orcutt, said: "Justice that cannot be reached is not justice." '
         'A Ministry of Justice spokesman said: "We have invested in the court estate."',
         ["Philippa Orcutt", "A Ministry of Justice spokesman"]),  # never the chair again
        ('Elspeth Carrow objected. A Treasury source said: "The majority of farms will pay nothing at all."',
         ["A Treasury source"]),
        ('Former star Jenna Pike was sacked. "Eight years of my life, and it was three lines long," Jenna told '
         "the podcast.", ["Jenna Pike"]),  # a first name one person has: that person
        ('Jenna Pike and Jenna Moss met. "Eight years of my life, and it was three lines long," Jenna said.',
         ["Jenna"]),  # two people have it: as written
        ("Housing campaigner Fergal Doherty of the Hearth Housing Alliance said that was cold comfort. "
         '"People have been waiting for ten years now," he said.', ["Fergal Doherty"]),  # the Alliance is no one
    ],
)
def test_described_speakers_first_names_and_organisations_named_like_people(text: str, speakers: list[str]) -> None:
    assert [quote.speaker for quote in direct_quotes(text)] == speakers


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("The production company North Six, Inc was sued.", []),  # a name, not a count
        ("The Big Six banks agreed.", []),
        ("Six people died in the fire.", ["Six"]),  # a sentence's first word
        ('He said "Six people died."', ["Six"]),  # a quote's first word
        ("Police said: Six people died.", ["Six"]),
        ("Only six people came.", ["six"]),
    ],
)
def test_a_number_word_written_capitalised_inside_a_sentence_is_a_name(text: str, numbers: list[str]) -> None:
    assert [signal.text for signal in triage_text(text).signals if signal.kind == "number"] == numbers


def test_a_name_before_a_company_suffix_is_an_organisation() -> None:
    found = find_names("The production company North Six, Inc and Nicholas Des Jardins were sued.")
    assert ("North Six", "organisation") in [(name.text, name.kind) for name in found]
    assert ("Nicholas Des Jardins", "person") in [(name.text, name.kind) for name in found]
