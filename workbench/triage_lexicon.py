"""Triage's word lists and the one scan of an article for them (``scan_article``).

The lexicons (numbers, dates, comparisons, causes, predictions, modals, hedges, evaluative
words, references, verbs of record, first-person opinion) are compiled into one regular
expression factored as a trie, matched once over the lower-cased article; numbers, ``-est`` /
``-ed`` endings and ``'ll`` take one pass each. Linear in the article's length.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

WORD = re.compile(r"[^\W_][^\W_]*(?:['’][^\W_]+)*")
"""A word: letters and digits, with inner apostrophes (``don't``, ``Balenciaga’s``). It starts with
exactly one character class, not a repeated one, which lets ``re`` skip fast to the next word."""


def _lexicon(**kinds: str) -> tuple[dict[str, str], dict[str, list[tuple[tuple[str, ...], str]]]]:
    """Single words → kind, and first word → [(whole phrase, kind)], from space-separated
    entries where ``_`` joins the words of a phrase."""
    words: dict[str, str] = {}
    phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for kind, entries in kinds.items():
        for entry in entries.split():
            parts = tuple(entry.split("_"))
            if len(parts) == 1:
                words.setdefault(parts[0], kind)
            else:
                phrases.setdefault(parts[0], []).append((parts, kind))
    for options in phrases.values():
        options.sort(key=lambda option: -len(option[0]))
    return words, phrases


# fmt: off
_WORDS, _PHRASES = _lexicon(
    number="""
        two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
        sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety
        hundred hundreds thousand thousands million millions billion billions trillion trillions
        dozen dozens twice triple tripled double doubled quadrupled percent
    """,
    date="""
        yesterday today tonight tomorrow ago monday tuesday wednesday thursday friday saturday
        sunday last_year last_month last_week last_decade last_century next_year next_month
        next_week this_year this_month this_week in_the_past in_the_last
    """,
    comparison="""
        more less fewer most least than better best worse worst record highest lowest largest
        biggest increase increased increases decrease decreased decreases rose risen fell fallen
        doubled tripled grew grown cut raised dropped surged soared plummeted compared
    """,
    cause="""
        because therefore consequently caused causes causing triggered sparked fuelled fueled
        drove due_to led_to leads_to lead_to leading_to resulted_in results_in result_in
        as_a_result thanks_to owing_to so_that blamed_on blamed_for responsible_for
        contributed_to contributes_to contributing_to driven_by
    """,
    prediction="""
        will won't won’t would gonna predict predicts predicted forecast forecasts projected
        is_expected_to are_expected_to is_likely_to are_likely_to is_set_to are_set_to going_to
        is_projected_to are_projected_to
    """,
    modal="""
        should shouldn't shouldn’t must mustn't mustn’t ought_to need_to needs_to have_to has_to
    """,
    hedged="""
        reportedly allegedly alleged apparently possibly perhaps probably might supposedly rumored
        rumoured maybe imo appears_to appear_to appeared_to seems_to seem_to seemed_to may_have
        it_is_said it_is_believed it_is_thought sources_say some_say in_my_view in_my_opinion
    """,
    evaluative="""
        absurd awful bad beautiful brilliant catastrophic clearly deeply deliberate devastating
        disaster disastrous disgusting disturbing dreadful egregious excellent extraordinary
        extraordinarily fantastic fortunately unfortunately good great grievous horrible horrific
        huge inappropriate incredible incredibly infuriated infuriating insane outrage outraged
        outrageous pathetic perfect reckless ridiculous rotten sad sadly scandal scandalous
        shameful shocking sincere sincerely stupid subpar terrible tremendous unacceptable
        unbelievable unsettling wonderful wrong very really totally absolutely highly so-called
        mere merely simply obviously frankly amazing nasty evil corrupt crooked disgrace
        disgraceful controversial malevolent
    """,
    reference="""
        court courts lawsuit lawsuits suit ruling ruled verdict indictment indicted statute
        legislation bill law laws treaty report reports census survey study audit filing subpoena
        summons complaint investigation constitution amendment executive_order act
    """,
)
# fmt: on
_MONTH_WORDS = frozenset(
    "January February March April May June July August September October November December "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec".split()
)
_NOT_SUPERLATIVE = frozenset(
    "interest honest protest forest request test rest west suggest invest arrest latest guest nest "
    "quest chest contest manifest harvest digest modest earnest just must against lest priest "
    "greatest".split()
) - {"greatest"}
_REFERENCE_NUMBERED = frozenset("section article paragraph clause chapter title".split())
_FACTUAL_WORDS = frozenset(
    "was were had did didn't didn’t voted signed approved passed paid lost won spent created "
    "killed built left took gave sent called said started became has_been have_been".split()
)
_TOPIC_WORDS = frozenset("""
    economy economic jobs job unemployment wages wage income incomes salary salaries
    poverty inflation recession growth gdp manufacturing factories factory workers businesses
    companies corporations industry
    tax taxes taxpayers taxpayer deficit deficits debt debts budget budgets spending borrowing
    dollars cost costs funding
    trade tariffs tariff nafta tpp imports exports china mexico
    health healthcare obamacare insurance premiums medicare medicaid hospitals doctors drugs opioid
    opioids prescription
    immigration immigrants immigrant illegal border borders refugees refugee deportation visas
    crime crimes murders murder police violence guns gun shootings prison prisons
    isis terrorism terrorists terrorist iraq syria iran afghanistan russia nuclear war wars military
    troops veterans soldiers sanctions
    oil coal energy climate emissions carbon pollution
    students college colleges tuition schools teachers
    pensions retirement social_security
""".split())
"""Subjects of public policy that fact-checkers check most (economy, budget and taxes, trade,
health, immigration, crime, security, energy and climate, education, pensions): a feature of the
score (``topic``), not a signal shown. Built by hand from those subjects, not from data; no
``-ed`` form, which counts as a verb of record."""
_OPINION_VERBS = frozenset(
    "think believe feel want hope guess love like know mean agree disagree".split()
)
_OPINION_WORDS = frozenset("thank thanks let's let’s".split())


def trie_pattern(entries: Iterable[str]) -> str:
    """A regular expression matching exactly ``entries``, factored as a trie (fast in ``re``)."""
    trie: dict = {}
    for entry in entries:
        node = trie
        for character in entry:
            node = node.setdefault(character, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        branches = [re.escape(character) + pattern(child) for character, child in sorted(node.items()) if character]
        optional = "" in node
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if optional else body

    return pattern(trie)


_LEXICON_KINDS: dict[str, str] = {
    **_WORDS,
    **{" ".join(phrase): kind for options in _PHRASES.values() for phrase, kind in options},
    **{word.replace("_", " "): "factual" for word in _FACTUAL_WORDS},
    **{f"{subject} {verb}": "opinion" for subject in ("i", "we", "i'm", "i’m", "we're", "we’re") for verb in (*_OPINION_VERBS, "going")},
    **{word: "opinion" for word in _OPINION_WORDS},
}
"""Every lexicon entry (lower case, words joined by one space) → its kind."""
for _word in _TOPIC_WORDS:
    _LEXICON_KINDS.setdefault(_word.replace("_", " "), "topic")
_LEXICON_KINDS.update({month.lower(): "month" for month in _MONTH_WORDS})
_LEXICON_KINDS.update({word: "section" for word in _REFERENCE_NUMBERED})
_SCAN = re.compile(rf"(?<![a-z0-9à-ÿ])(?:{trie_pattern(_LEXICON_KINDS)})\b")
"""Lexicon entries, searched in the lower-cased article (one pass)."""
_DIGITS = re.compile(r"[0-9][0-9]*(?:[,.][0-9]+)*")
"""A number (``1,250.5``); ``[0-9][0-9]*`` rather than ``[0-9]+`` lets ``re`` skip to the next digit fast."""
_SUFFIXES = re.compile(r"e(?:st|d)\b")
"""Ends of superlatives (``biggest``) and past participles (``approved``): found from the end."""
_CONTRACTED_WILL = re.compile(r"['’]ll\b")
_SECTION_NUMBER = re.compile(r" (?:[0-9]+[a-z]?|(?P<roman>[IVXLC]+))\b")
"""The number after ``section``, ``article``, … (``Section 230``, ``Article 5a``, ``Title IX``); a
Roman one only after a capital (``Article I``, not ``the article I read``)."""


_TIME_WORD_BEFORE = re.compile(
    r"(?:\b(?:in|since|until|till|by|from|of|early|late|mid|last|next|this|during|before|after|through|between)[\s-]+)$"
)
"""The words before a month (``in May``, ``since May``, ``mid-May``)."""


def month_may(text: str, start: int, end: int) -> bool:
    """Whether ``May`` at ``text[start:end]`` is the month (not the verb, nor ``Theresa May``): a
    day or year follows (``May 5``, ``May 2023``) or a word of time comes before (``in May``)."""
    following = text[end : end + 4].lstrip(". ")[:1]
    return following.isdigit() or _TIME_WORD_BEFORE.search(text[max(0, start - 12) : start].lower()) is not None


def same_length_lower(text: str) -> str:
    """``text.lower()`` with ``text``'s offsets: ``İ`` (U+0130, the one character whose lower case
    is two characters) becomes ``i``."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text.replace("\u0130", "i").lower()


def _inside_sentence(article: str, start: int) -> bool:
    """Whether the word at ``start`` follows a word or a comma of its sentence (not the first word of
    the sentence, nor of a quote or a parenthesis)."""
    before = article[max(0, start - 3) : start].rstrip(" \t")
    return bool(before) and (before[-1].isalnum() or before[-1] in ",;")


def scan_article(article: str) -> list[tuple[int, int, str]]:
    """``(start, end, kind)`` of every lexicon hit, number and date in ``article``, in order.

    Kinds are signal kinds, or ``factual`` / ``opinion`` / ``topic`` (features only, not shown). The
    lexicons are matched in the lower-cased text (``same_length_lower``: the article's offsets)."""
    lowered = same_length_lower(article)
    hits: list[tuple[int, int, str]] = []
    for match in _DIGITS.finditer(article):
        start, end = match.span()
        found = match.group()
        money = start > 0 and article[start - 1] in "$€£¥"
        percent = article[end : end + 1] == "%"
        is_year = len(found) == 4 and found[:2] in ("18", "19", "20") and not money and not percent
        hits.append((start - money, end + percent, "date" if is_year else "number"))
    for match in _SCAN.finditer(lowered):
        start, end = match.span()
        found = match.group()
        kind = _LEXICON_KINDS[found]
        if kind == "month":
            if article[start].isupper() and (article[start:end] != "May" or month_may(article, start, end)):
                hits.append((start, end, "date"))
        elif kind == "section":
            numbered = _SECTION_NUMBER.match(article, end)
            if numbered and (not numbered.group("roman") or article[start].isupper()):
                hits.append((start, numbered.end(), "reference"))
        elif kind == "number" and article[start].isupper() and _inside_sentence(article, start):
            continue  # a name or a title (``North Six``, ``the Big Six``), not a count
        else:
            hits.append((start, end, kind))
    for match in _SUFFIXES.finditer(lowered):
        start = match.start()
        while start > 0 and lowered[start - 1].isalpha():
            start -= 1
        word = lowered[start : match.end()]
        if len(word) < 5 or word in _LEXICON_KINDS:
            continue
        if word.endswith("ed"):
            hits.append((start, match.end(), "factual"))
        elif word not in _NOT_SUPERLATIVE:
            hits.append((start, match.end(), "comparison"))
    for match in _CONTRACTED_WILL.finditer(lowered) if "ll" in lowered else ():
        hits.append((match.start() + 1, match.end(), "prediction"))
    hits.sort()
    return hits
