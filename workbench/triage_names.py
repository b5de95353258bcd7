"""Names in an article (capitalised spans typed person / organisation / place from small
gazetteers; no downloaded model) and the resolution of a pronoun or a description
(``she``, ``the brand``) to the name it stands for.

``find_names`` is one pass of one regular expression over the article plus a few set look-ups
per capitalised span; ``SpeakerResolver.resolve`` is a binary search and a bounded look-back.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass

from workbench.english import SENTENCE_STARTERS
from workbench.triage_lexicon import month_may

_PRONOUNS = {"he": "person", "she": "person", "they": "organisation", "we": "organisation", "it": "organisation"}

PARTICLES = "von der|van der|van den|de la|de los|de|des|del|della|da|van|von|der|la|le|bin|al|ten|ter"
"""Lower-case words inside a person's name (``Ursula von der Leyen``, ``Juan de la Cruz``)."""
NAME_WORD = r"[A-Z](?:[\w'’-]|\.(?=[A-Z]))*\.?"
"""A capitalised word, an initialism with its dots (``U.S.``, ``J.K.``) or an initial (``F.``)."""
_NAME = re.compile(
    rf"{NAME_WORD}(?: (?:(?:{PARTICLES}|of|the|for|and|&) )?(?:(?:al|el)-)?{NAME_WORD})*"
)
"""A run of capitalised words (with ``of``, ``van``, ``von der``, ``&`` inside): a candidate name."""

# fmt: off
_WOMEN_NAMES = frozenset("""
alexandria alice amanda amy angela anna anne ashley barbara bella betsy carol catherine christina
deborah diana donna elizabeth emily emma gina hillary ivanka jacinda jane janet jennifer jessica jill
julia julie kamala karen kate katherine kathleen kimberly laura linda lisa margaret maria marie mary
melania michelle nancy nicole nikki patricia rachel ruth samantha sandra sarah sharon sophie susan
theresa ursula giorgia claire harriet gwen helen susan grace rose lucy sophia olivia chloe hannah
megan rebecca victoria natalie joanna fiona eleanor
""".split())
_MEN_NAMES = frozenset("""
aaron adam adrian alan albert alexander andrew anthony antonio barack ben benjamin bernie beto bill
bob boris brad brian bruce carl carlos charles christopher chuck cory dan daniel david dennis donald
doug edward emmanuel eric frank gabriele gary george greg hans jack james jared jason jeb jeff jerry
jim joe john jon jonathan jose joseph joshua juan justin kanye kevin klaus kyle larry lester luis
marco mark martin matt matthew michael miguel mike mitch narendra nicholas nick olaf patrick paul
peter pierre rand richard rick robert ron ronald rudy ryan scott sean stephen steve steven ted thomas
tim timothy tom tony vladimir walter william xi owen marcus thomas henry george oliver harry jacob
liam noah ethan samuel daniel gareth rhys ian neil keith graham colin derek
""".split())
"""First names almost always of a woman / of a man: ``she`` is never resolved to a man so named,
nor ``he`` to a woman (the pronoun is kept instead)."""
_FIRST_NAMES = _WOMEN_NAMES | _MEN_NAMES | frozenset("alex ali chris kelly kim kris lindsey sam".split())
"""First names: a capitalised run that starts with one is a person (``Kim Kardashian``)."""
_ORGANISATIONS = frozenset("""
balenciaga cnn msnbc fox nbc abc cbs bbc newsweek tmz instagram twitter tiktok facebook youtube
google apple amazon microsoft nato un eu fbi cia nsa irs epa who congress senate house pentagon
isis nafta gucci ford reuters ap afp nytimes times post guardian telegraph ok! kering
""".split())
ORGANISATION_WORDS = frozenset("""
inc inc. ltd co co. corp corporation company group university college institute commission
committee council court department ministry agency bank association party union news times post
journal network foundation coalition fund league club office bureau board administration
energy airways airlines motors systems technologies holdings partners capital media foods brands
pharmaceuticals labs industries services solutions international trust hospital authority
alliance federation guild society plan programme program initiative scheme forum service partnership
studios records podcast magazine gazette herald tribune chronicle today
""".split())
_PLACES = frozenset(place.strip() for place in """
america, united states, united states of america, us, usa, u.s, u.s.a, uk, u.k, united kingdom, britain, england,
scotland, wales, ireland, france, paris, london, spain, italy, germany, berlin, china, beijing,
russia, moscow, ukraine, iran, iraq, syria, libya, israel, mexico, canada, japan, india, brazil,
kenya, europe, africa, asia, middle east, north korea, south korea, korea, new york,
new york city, manhattan, washington, california, texas, florida, ohio, michigan, chicago,
boston, los angeles, pennsylvania, virginia, georgia, arizona, nevada, wisconsin, iowa,
hempstead, belgium, hollywood, silicon valley, wall street
""".split(","))
_PLACE_WORDS = frozenset(
    "street road avenue lane square bridge park river lake mountains valley county city high school "
    "church station airport harbour harbor beach island".split()
)
"""Last words of a place's name (``Elm Street``, ``Lincoln High``), not a person's: except these
surnames after a first name (``Linda Park``, ``Jenny Lake``)."""
_SURNAME_PLACE_WORDS = frozenset("park lake lane church".split())
# fmt: on
TITLES = frozenset(
    "mr mrs ms dr prof president senator sen secretary governor gov rep representative mayor judge "
    "minister chancellor photographer designer director ceo founder artist actor actress star "
    "spokesperson spokesman spokeswoman chief officer gen capt sgt col lt maj adm cmdr rev hon mp mep "
    "professor inspector detective det insp supt superintendent commissioner councillor councilman "
    "councilwoman sheriff constable sergeant principal headteacher coach owner pastor bishop archbishop "
    "sir dame councilmember councilor alderman guard forward striker midfielder defender goalkeeper quarterback "
    "pitcher winger captain manager".split()
)
NOT_NAMES = SENTENCE_STARTERS | {
    "I", "I'm", "I’m", "I've", "I’ve", "I'd", "I’ll", "I'll", "Mr", "Mrs", "Ms", "Dr", "OK", "Yes", "No", "Well", "Oh",
    "Please", "Thank", "Thanks", "Let", "Let's", "Look", "Just", "Not", "Sunday", "Monday", "Tuesday",
    "Wednesday", "Thursday", "Friday", "Saturday", "Following", "According", "Despite", "Another",
    "Featured", "Soon", "Netizens", "Images", "Criticism", "People", "Accusations", "Type", "Get",
    "January", "February", "March", "April", "June", "July", "August", "September", "October",
    "November", "December", "Jan", "Feb", "Aug", "Sept", "Oct", "Nov", "Dec", "Spring", "Summer",
    "Autumn", "Fall", "Winter", "All", "Any", "None", "Every", "Nothing", "Everyone", "Nobody", "Christmas", "Democratic", "Republican", "Democrats", "Republicans",
}
NOT_NAMES |= frozenset("""
    Perhaps Maybe Moreover Overall Furthermore Nevertheless Nonetheless Therefore Thus Hence Besides
    Otherwise Likewise Similarly Finally Ultimately Additionally Unfortunately Fortunately Clearly
    Obviously Apparently Reportedly Allegedly Currently Recently Previously Initially Eventually
    Importantly Notably Specifically Basically Essentially Actually Honestly Frankly Certainly Surely
    Sadly Luckily Interestingly Ironically Unsurprisingly Crucially Consequently Accordingly Hopefully
    Personally Generally Typically Usually Normally Often Sometimes Yesterday Today Tomorrow Tonight
    Again Altogether Anyway Admittedly Arguably Naturally Indeed Instead Still Yet Earlier Later
""".split())
NOT_NAMES |= {word.capitalize() for word in (
    "two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred "
    "hundreds thousand thousands million billion billions dozen dozens"
).split()}
"""Capitalised words that name no one: sentence openers, pronouns, days and months, numbers."""


def bare(word: str) -> str:
    """A word without its contraction or possessive (``It's`` → ``It``, ``They’ll`` → ``They``)."""
    for apostrophe in ("'", "’"):
        word = word.split(apostrophe, 1)[0] or word
    return word
_COMMON_NOUNS = frozenset("""
    Prices Sales Officials Taxes Unemployment Inflation Experts Analysts Researchers Scientists
    Authorities Critics Supporters Residents Voters Workers Students Teachers Doctors Parents
    Children Families Women Men Companies Businesses Investors Shares Stocks Markets Rates Costs
    Wages Jobs Crime Figures Results Studies Polls Surveys Sources Lawmakers Prosecutors Officers
    Troops Soldiers Immigrants Refugees Taxpayers Consumers Customers Users Fans Protesters
    Economists Emissions Exports Imports Growth Spending Deficits Profits Revenue Earnings Benefits
    Premiums Deaths Cases Infections Vaccines Hospitals Schools
""".split())
"""Common nouns of the news that often open a sentence (``Prices rose``): alone, no name (unless a
person of that name was named before: ``Steve Jobs`` … ``Jobs``); they can still be speakers."""


@dataclass(frozen=True)
class Name:
    start: int
    end: int
    text: str
    kind: str
    """``person``, ``organisation`` or ``place``."""
    sentence: int


_SENTENCE_END = re.compile(r"[.!?…\n\u2028\u2029](?:(?<=[.!?…])[\"'”’»)]*\s+|(?<=[\n\u2028\u2029])[\n\u2028\u2029]*)")
"""A sentence end (``.``, ``!``, ``?`` or ``…`` with closing marks and the space after) or a run of
line breaks; written to start with one character class, which ``re`` searches for fast."""


def _sentence_starts(text: str) -> list[int]:
    return [0, *map(re.Match.end, _SENTENCE_END.finditer(text))]


@dataclass(frozen=True)
class _Run:
    """What a distinct capitalised run says on its own, before its context is read."""

    start: int
    """Offsets of the name inside the run (see ``trimmed_name``)."""
    end: int
    words: tuple[str, ...]
    settled: str | None
    """``place``, ``person`` (a known first name) or ``None`` whatever the context."""
    may_follow_title: bool
    """Short enough for a title before it (``Senator``) to make it a person."""
    organisation: bool
    """A known organisation or a word such as ``Council`` in it."""
    fallback: str | None
    """The kind when neither a title nor a person named earlier decides."""


_INITIALS = re.compile(r"(?:[A-Z]\.)+")
"""An initial or initials (``F.``, ``J.K.``, ``U.S.``)."""


def _run(words: tuple[str, ...], start: int, end: int) -> _Run:
    """The context-free part of a name's classification (see ``_name_kind``)."""
    if len(words) > 5:
        return _Run(start, end, words, None, False, False, None)  # a headline in title case, not a name
    lowered = [w.lower().rstrip(".") for w in words]
    joined = " ".join(lowered)
    settled = None
    surname = len(words) == 2 and lowered[0] in _FIRST_NAMES and lowered[1] in _SURNAME_PLACE_WORDS
    if joined in _PLACES or len(words) >= 2 and lowered[-1] in _PLACE_WORDS and not surname:
        settled = "place"
    organisation = (
        not ORGANISATION_WORDS.isdisjoint(lowered) or joined in _ORGANISATIONS or lowered[0] in _ORGANISATIONS
        or len(words) >= 2 and lowered[-1] in _PORTFOLIO_NOUNS  # ``Foreign Affairs``, ``Public Health``
    )
    if not settled and lowered[0] in _FIRST_NAMES and len(words) >= 2 and ORGANISATION_WORDS.isdisjoint(lowered):
        settled = "person"  # not ``Bill and Melinda Gates Foundation``
    if settled or organisation:
        fallback = None  # never reached: decided before
    elif 2 <= len(words) <= 3 and words[-1][1:2].islower() and lowered[-1] not in OFFICE_WORDS and all(
        w[:1].isupper() and w[1:2].islower() or _INITIALS.fullmatch(w) and w.lower().rstrip(".") not in _PLACES for w in words
    ):
        fallback = "person"
    elif len(words) == 4 and words[1] == "and" and all(w[:1].isupper() and w[1:2].islower() for w in words[::2] + words[3:]):
        fallback = "person"  # two people of one family: ``Ravi and Meena Shah``
    elif words[0].isupper() and len(words[0]) >= 2 or len(words) == 1:
        fallback = "organisation"
    else:
        fallback = None
    return _Run(start, end, words, settled, len(words) <= 3 and lowered[-1] not in OFFICE_WORDS, organisation, fallback)


def _name_kind(run: _Run, text: str, start: int, known_people: set[str]) -> str | None:
    """A place or a person by gazetteer, a person after a title, an organisation, a person
    named earlier, else by the shape of the words."""
    if run.settled or len(run.words) > 5:
        return run.settled
    if run.may_follow_title and text[max(0, start - 30) : start].rstrip(" ,").rsplit(" ", 1)[-1].lower().rstrip(".") in TITLES:
        return "person"
    if run.organisation:
        return "organisation"
    if run.words[-1] in known_people or " ".join(run.words) in known_people:
        return "person"
    return run.fallback


_INNER_TITLES = frozenset(
    "minister secretary president senator governor mayor chancellor judge spokesperson spokesman "
    "spokeswoman ceo chief mp inspector leader attorney speaker chair chairman chairwoman justice".split()
)
"""Offices that end a run's description and start the holder's name (``Finance Minister Ana Ruiz``)."""
_HOLDER_SKIPS = _INNER_TITLES | TITLES | {"general", "gen", "elect"}
"""Words between an office and its holder's name (``Secretary General``, ``President-elect``)."""
_GENERAL_OFFICES = frozenset(
    "attorney surgeon major lieutenant brigadier inspector secretary director solicitor postmaster "
    "comptroller auditor accountant governor".split()
)
"""Words that make an office with ``General`` after them (``Attorney General``, ``Major General``)."""
OFFICE_WORDS = TITLES | _INNER_TITLES | {"general", "gen"}
"""Words of a title or an office that ``trimmed_name`` drops before a person's name."""


def office_word(word: str) -> str:
    """A word as offices are listed: lower case, no full stop, ``-elect`` or ``-General``
    (``Gov.`` → ``gov``, ``Secretary-General`` → ``secretary``)."""
    return word.rstrip(".").lower().removesuffix("-elect").removesuffix("-general")


def _is_name_word(word: str) -> bool:
    """A word of a person's name: capitalised, then lower case, and no organisation word or title."""
    lowered = word.lower().rstrip(".")
    return word[:1].isupper() and word[1:2].islower() and lowered not in ORGANISATION_WORDS and lowered not in TITLES


_TRAILING_JOINERS = frozenset({"of", "the", "and", "&", "for", "de", "van", "von", "al"})
_PORTFOLIO_NOUNS = frozenset("""
affairs health services resources development government education trade justice defence defense
finance housing transport energy environment security state commons lords exchequer communities
enterprise employment infrastructure agriculture culture sport welfare works planning operations
policy relations safety innovation science technology industry tourism heritage equality labour
communications marketing sales strategy research treasury interior prosecutions police
""".split())
"""Last words of a portfolio (``Minister for Foreign Affairs``) that are no surname."""


def _portfolio_holder(words: list[str], joiner: int) -> int | None:
    """Where the holder's name starts after an office's portfolio (``Minister for Housing and
    Local Government Aoife Brennan``: ``Aoife``), ``words[joiner]`` being its ``for`` or ``of``;
    ``None`` when the run ends with the portfolio (``Secretary of Health and Human Services``)."""
    tail = 2
    if len(words) - joiner >= 5 and (words[-3].lower() in _FIRST_NAMES or _INITIALS.fullmatch(words[-2])):
        tail = 3  # ``Dana J. Whitfield``, ``Mary Ann Jones``
    holder = len(words) - tail
    name = [word for word in words[holder:] if not _INITIALS.fullmatch(word)]
    if holder <= joiner + 1 or words[holder - 1] in _TRAILING_JOINERS or not all(map(_is_name_word, name)):
        return None
    if words[holder].lower() not in _FIRST_NAMES and words[-1].lower() in _PORTFOLIO_NOUNS:
        return None
    return holder


def trimmed_name(candidate: str) -> tuple[int, int, tuple[str, ...]] | None:
    """The name inside a capitalised run, as ``(start, end, words)`` relative to the run.

    A leading common word (``The``, ``According``) or title, an office and what precedes it
    (``Finance Minister``, before a person's name of two or three words), trailing lower-case joiners and
    a possessive (``Balenciaga’s`` → ``Balenciaga``) are dropped; ``None`` if nothing is left.
    Linear in the run's length, however many words are dropped."""
    words = candidate.split()
    first, start, office = 0, 0, False
    while first < len(words):
        word = office_word(words[first])
        if word in TITLES or word in _GENERAL_OFFICES and words[first + 1 : first + 2] in (["General"], ["Gen."]):
            office = True  # ``Inspector General``, ``Attorney General``, ``President-elect``
        elif not (bare(words[first]).rstrip(".") in NOT_NAMES or office and word in _HOLDER_SKIPS):
            break
        start += len(words[first]) + 1
        first += 1
    while first < len(words) and (words[first] in _TRAILING_JOINERS or words[first].rstrip(".") in _COMPANY_WORDS):
        if office and words[first] in ("for", "of"):
            break  # a portfolio, read below
        start += len(words[first]) + 1  # ``Inc and Nicholas Des Jardins`` (after ``North Six,``): a name starts after
        first += 1
    if office and first < len(words) and words[first] in ("for", "of"):
        holder = _portfolio_holder(words, first)  # ``Secretary of State Antony Blinken``
        if holder is None:  # the portfolio alone (``Minister for Foreign Affairs``): no joiner leads a name
            holder = first + 1 + (words[first + 1 : first + 2] == ["the"])
        start += sum(len(word) + 1 for word in words[first:holder])
        first = holder
    for inner in range(first + 1, len(words) - 2):  # ``Finance Minister Ana Ruiz``: the name after the office
        if office_word(words[inner]) in OFFICE_WORDS:
            holder = inner + 1
            while holder < len(words) and office_word(words[holder]) in _HOLDER_SKIPS:
                holder += 1  # ``Secretary General Antonio Guterres``
            if holder < len(words) and words[holder] in ("for", "of"):
                holder = _portfolio_holder(words, holder) or holder  # ``Chief Executive Officer of Acme Paul Grant``
            if 2 <= len(words) - holder <= 3 and all(_is_name_word(word) or _INITIALS.fullmatch(word) for word in words[holder:]):
                start += sum(len(word) + 1 for word in words[first:holder])
                first = holder
            break
    last = len(words)
    while last > first and (words[last - 1] in _TRAILING_JOINERS or words[last - 1].endswith(".") and len(words[last - 1]) > 3):
        if _INITIALS.fullmatch(words[last - 1]):
            break  # ``U.S.``: its last dot is its own
        if words[last - 1].endswith(".") and words[last - 1][:-1].isalpha() and words[last - 1][0].isupper():
            words[last - 1] = words[last - 1][:-1]
            break
        last -= 1
    words = words[first:last]
    if not words:
        return None
    end = start + len(" ".join(words))
    if candidate[start:end] != " ".join(words):
        return None  # irregular spacing inside: skip rather than mis-span
    for suffix in ("’s", "'s", "’", "'"):
        if candidate[start:end].endswith(suffix):
            end -= len(suffix)
            words[-1] = words[-1][: -len(suffix)]
            break
    if end <= start or not words[-1]:
        return None
    return start, end, tuple(words)


_SENTENCE_BREAK = re.compile(r"(?<=\w\w\w\.)\s+")
"""Where a capitalised run may cross a sentence end (``Joe Biden. It``): after a word of three or
more characters and its full stop. Initials and short abbreviations (``F.``, ``St.``) and titles
(``Gov.``, ``Mrs.``, ``Gen.``) do not end a run."""


def sentence_pieces(run: str) -> list[tuple[int, str]]:
    """``(offset, piece)`` of a capitalised run cut at its sentence ends (usually the run whole)."""
    if ". " not in run:
        return [(0, run)]
    pieces, start = [], 0
    for cut in _SENTENCE_BREAK.finditer(run):
        if run[start : cut.start()].rsplit(" ", 1)[-1].rstrip(".").lower() in TITLES:
            continue  # ``Gov. Gavin Newsom``
        pieces.append((start, run[start : cut.start()]))
        start = cut.end()
    pieces.append((start, run[start:]))
    return pieces


def _people_apart(pieces: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Pieces cut at ``and`` where a side starts with a first name and every side is a full name
    (``Jane Doe and Mary Jones`` are two people; ``Johnson and Johnson``, ``Tom and Jerry`` and ``Bill
    and Melinda Gates Foundation`` stay one name)."""
    if not any(" and " in piece for _offset, piece in pieces):
        return pieces
    apart = []
    for offset, piece in pieces:
        sides = piece.split(" and ")
        lowered = piece.lower().replace(".", "").split()
        if len(sides) < 2 or not ORGANISATION_WORDS.isdisjoint(lowered) or not any(
            side.split(" ", 1)[0].lower() in _FIRST_NAMES for side in sides if side
        ) or any(" " not in side for side in sides):
            apart.append((offset, piece))
            continue
        for side in sides:
            apart.append((offset, side))
            offset += len(side) + len(" and ")
    return apart


def _headline(text: str, match: re.Match, whole: str) -> bool:
    """A capitalised run that is a whole line of several words (``Floods Hit Coast``) is a headline in
    title case, not a name, unless it starts with a known first name (a byline: ``Jane Doe``)."""
    start, end = match.span()
    return (
        (start == 0 or text[start - 1] == "\n")
        and text[end : end + 1] in ("", "\n")
        and " " in whole
        and whole.split(" ", 1)[0].lower() not in _FIRST_NAMES
    )


def find_names(text: str) -> list[Name]:
    """Capitalised spans classified as person, organisation or place, in order.

    A sentence's first word is a name only if it is not a common sentence opener. Once a
    full name is seen, its last word alone (``Galimberti``) also names that person. Each
    distinct capitalised run is trimmed once per article.
    """
    starts = _sentence_starts(text)
    names: list[Name] = []
    known_people: set[str] = set()
    runs: dict[str, _Run | None] = {}
    capitalised = set(_CAPITALISED_INSIDE.findall(text))
    for match in _NAME.finditer(text):
        whole = match.group()
        if bare(whole) in NOT_NAMES or whole in _COMMON_NOUNS and whole not in known_people:
            continue  # one common word (``The``, ``It``, ``Prices``): the usual case, dropped at once
        if whole.rstrip(".") == "May" and month_may(text, match.start(), match.start() + 3):
            continue  # the month (``in May``), not Theresa May
        if _headline(text, match, whole):
            continue
        for offset, candidate in _people_apart(sentence_pieces(whole)):
            if candidate in runs:
                run = runs[candidate]
            else:
                found = trimmed_name(candidate)
                run = runs[candidate] = _run(found[2], found[0], found[1]) if found else None
            if run is None:
                continue
            piece_start = match.start() + offset
            start, end = piece_start + run.start, piece_start + run.end
            kind = _name_kind(run, text, start, known_people)
            if kind == "person" and _COMPANY_SUFFIX.match(text, end):
                kind = "organisation"  # ``North Six, Inc``
            if kind is None or kind == "organisation" and _common_word_opening(run, text, start, starts, capitalised):
                continue
            if kind == "person" and len(run.words) >= 2:
                known_people.add(run.words[-1])
                known_people.add(run.words[0])  # ``Jenna`` after ``Jenna Pike``
                known_people.add(" ".join(run.words))
            names.append(Name(start, end, text[start:end], kind, bisect_right(starts, piece_start) - 1))
    return names


_COMPANY_WORDS = frozenset("Inc Ltd LLC Corp Co plc PLC GmbH AG SA LLP".split())
_COMPANY_SUFFIX = re.compile(r",? (?:Inc|Ltd|LLC|Corp|Co|plc|PLC|GmbH|AG|SA|LLP)\b")
"""What follows a company's name (``North Six, Inc``): the name before it is no person."""
_CAPITALISED_INSIDE = re.compile(r"[\w,;:] [\"'“‘]?([A-Z][\w'’-]*)")
"""A capitalised word inside a sentence (after a word or a comma and a space)."""


def _common_word_opening(run: _Run, text: str, start: int, starts: list[int], capitalised: set[str]) -> bool:
    """A lone word that opens a sentence (``Talks resumed``, ``Volunteers helped``) and that no
    word list knows: capitalised only because it comes first, unless the article also writes it
    capitalised inside a sentence (``… said Acme.``). Acronyms (``NATO``) and first names
    (``Donald, you said …``) stay names."""
    if len(run.words) != 1 or run.organisation or run.settled or run.words[0].isupper() or run.words[0].lower() in _FIRST_NAMES:
        return False
    opening = starts[bisect_right(starts, start) - 1]
    if text[opening:start].strip(" \t\"'“‘«([") != "":
        return False
    return run.words[0] not in capitalised


def _full_names(names: list[Name]) -> dict[str, str]:
    """Last word of a person's full name → the full name as first written; and a first name, when
    one person alone has it and it is no one's last name (``Jenna`` → ``Jenna Pike``)."""
    full: dict[str, str] = {}
    by_first: dict[str, set[str]] = {}
    for name in names:
        if name.kind == "person" and " " in name.text and " and " not in name.text:
            words = name.text.split()
            full.setdefault(words[-1], name.text)
            by_first.setdefault(words[0], set()).add(name.text)
    for first, people in by_first.items():
        if len(people) == 1 and first not in full:
            (full[first],) = people
    return full



_SELF_DESCRIPTIONS = (
    "statement", "brand", "company", "firm", "label", "house", "group", "powerhouse", "retailer",
)
"""Last words of a description (``the brand``) that stands for the organisation an article is about."""


FORWARD_REACH = 300
"""How far after ``he`` / ``she`` a person may be named for the pronoun to mean them, when nobody is
named before it."""
MAX_SENTENCES_BACK = 3
"""Sentences naming people that ``he`` / ``she`` look back through for a person who may be meant."""
_AGED = re.compile(r"the \d{1,3}-year-old")
"""A person described by age (``the 41-year-old``), resolved like ``he`` / ``she``."""


def _may_be(pronoun: str, named: str) -> bool:
    """Whether ``he`` / ``she`` may stand for ``named``: not ``she`` for a man's first name, nor ``he``
    for a woman's (``Economist Paul Krugman`` counts as Paul)."""
    first = next((word for word in named.lower().split() if word in _FIRST_NAMES), "")
    return not (pronoun == "she" and first in _MEN_NAMES or pronoun == "he" and first in _WOMEN_NAMES)


class SpeakerResolver:
    """Resolves ``she`` / ``he`` (and ``the 41-year-old``) to the person named last who may be meant
    (never ``she`` for a man's first name nor ``he`` for a woman's), looking back through up to
    ``MAX_SENTENCES_BACK`` sentences that name people, when only one such person is named in the
    sentence where one is found; ``they`` / ``we`` / ``it`` to the organisation named last, when only
    one is named in that sentence; and ``the brand`` / ``the statement`` to the organisation named most
    often so far (when one leads). Otherwise the pronoun or description stays as written."""

    def __init__(self, names: list[Name], text: str):
        self.text = text
        self.full = _full_names(names)
        self.by_kind: dict[str, list[Name]] = {}
        for name in names:
            self.by_kind.setdefault(name.kind, []).append(name)
        self.ends = {kind: [name.end for name in found] for kind, found in self.by_kind.items()}

    def introduced(self, start: int, before: int) -> str | None:
        """The one person (by full name) named between ``start`` and ``before``, else ``None``: who a
        quote opening after ``Colin Maybury accepted the findings.`` is from (looks at most 20 back)."""
        people = self.by_kind.get("person", [])
        index = bisect_left(self.ends.get("person", []), before + 1) - 1
        found: set[str] = set()
        for name in reversed(people[max(0, index - 19) : index + 1]):
            if name.start < start:
                break
            found.add(self.full.get(name.text, name.text))
        return found.pop() if len(found) == 1 else None

    def _couple_before(self, before: int) -> Name | None:
        """The person named last before ``before`` when that name is two people (``Ben and Carla Mostyn``):
        ``they`` stands for them rather than for an organisation named no later in the text's sentences."""
        people = self.by_kind.get("person", [])
        index = bisect_left(self.ends.get("person", []), before + 1) - 1
        return people[index] if index >= 0 and " and " in people[index].text else None

    def _named_next(self, pronoun: str, before: int) -> str | None:
        """For ``he`` / ``she`` with nobody named before it: the one person named in the first later
        sentence that names people, within ``FORWARD_REACH`` characters (an article opening ``"…,"
        he said. The remarks by Arjun Mehta …``), else ``None`` (never someone named in the
        pronoun's own sentence: ``"…," he told Jane Smith``)."""
        people = self.by_kind.get("person", [])
        index = bisect_left(self.ends.get("person", []), before + 1)
        if index == len(people) or people[index].start - before > FORWARD_REACH:
            return None
        if not _SENTENCE_END.search(self.text, before, people[index].start):
            return None
        sentence = people[index].sentence
        found = {self.full.get(name.text, name.text) for name in people[index : index + 20] if name.sentence == sentence}
        (named,) = found if len(found) == 1 else (None,)
        return named if named and _may_be(pronoun, named) else None

    def resolve(self, speaker: str, before: int) -> str:
        lowered = speaker.lower()
        kind = _PRONOUNS.get(lowered) or ("person" if _AGED.fullmatch(lowered) else None)
        describes_self = kind is None and lowered.split()[0] in ("the", "its", "their") and lowered.endswith(_SELF_DESCRIPTIONS)
        if describes_self:
            kind = "organisation"
        if kind is None:
            return self.full.get(speaker, speaker)
        names = self.by_kind.get(kind, [])
        count = bisect_left(self.ends.get(kind, []), before + 1)
        couple = self._couple_before(before) if lowered == "they" else None
        if couple and (not count or couple.sentence >= names[count - 1].sentence):
            return couple.text  # ``Ben and Carla Mostyn lived near Felbridge. "…," they said``
        if not count:
            return (self._named_next(lowered, before) if kind == "person" else None) or speaker
        if describes_self:
            counts = Counter(self.full.get(name.text, name.text) for name in names[max(0, count - 200) : count])
            (top, top_count), *rest = counts.most_common(2) + [(None, 0)]
            return top if top_count > rest[0][1] else speaker
        sentences_back = MAX_SENTENCES_BACK if kind == "person" else 1
        sentence, candidates = names[count - 1].sentence, set()
        for name in reversed(names[max(0, count - 20) : count]):
            if name.sentence != sentence:
                if candidates or sentences_back == 1:
                    break
                sentence, sentences_back = name.sentence, sentences_back - 1
            named = self.full.get(name.text, name.text)
            if kind != "person" or _may_be(lowered, named):
                candidates.add(named)
        return candidates.pop() if len(candidates) == 1 else speaker
