"""The app's colours: every text colour meets WCAG AA contrast (4.5:1) on the backgrounds it is
drawn on, and a chosen label keeps its own colour (never the theme's alarm red)."""

from __future__ import annotations

import re

import pytest

from workbench import LABELS
from workbench.cli.core import SELECTION_COLOUR, streamlit_command
from workbench.render import ARTICLE_CSS, KIND_COLOURS, STATUS_COLOURS, STYLE_SHEET

WCAG_AA = 4.5
WHITE = "#ffffff"
CSS = STYLE_SHEET.read_text()
VARIABLES = dict(re.findall(r"(--wb-[\w-]+):\s*(#[0-9a-fA-F]{6})", CSS))


def resolve(value: str) -> str:
    """A colour as ``#rrggbb``: variables looked up, ``#fff`` written out."""
    value = value.strip()
    if match := re.fullmatch(r"var\((--wb-[\w-]+)\)", value):
        value = VARIABLES[match.group(1)]
    if re.fullmatch(r"#[0-9a-fA-F]{3}", value):
        value = "#" + "".join(char * 2 for char in value[1:])
    return value.lower()


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    darker, lighter = sorted((luminance(one), luminance(other)))
    return (lighter + 0.05) / (darker + 0.05)


def rules(css: str) -> list[tuple[str, dict[str, str]]]:
    """(selector, {property: value}) for every rule, comments removed."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    found = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        declarations = dict(
            (name.strip(), value.strip())
            for name, value in (part.split(":", 1) for part in body.split(";") if ":" in part)
        )
        found.append((selector.strip(), declarations))
    return found


def background_of(declarations: dict[str, str]) -> str | None:
    background = declarations.get("background") or declarations.get("background-color")
    return resolve(background.split()[0]) if background else None


def text_colours(css: str) -> list[tuple[str, str, str]]:
    """(selector, text colour, background) for every rule that sets a text colour.

    A rule without a background of its own is checked on the backgrounds of its variants
    (``.wb-badge`` on ``.wb-badge-supported`` …), or else on white.
    """
    found = []
    all_rules = rules(css)
    for selector, declarations in all_rules:
        if "color" not in declarations or selector == ":root":
            continue
        own = background_of(declarations)
        variants = [background_of(d) for s, d in all_rules if s.startswith(selector + "-") and background_of(d)]
        for background in [own] if own else variants or [WHITE]:
            found.append((selector, resolve(declarations["color"]), background))
    return found


def test_contrast_is_computed_right() -> None:
    assert contrast("#000000", WHITE) == pytest.approx(21.0)
    assert contrast("#9aa5b1", WHITE) == pytest.approx(2.5, abs=0.05)  # the old neighbour grey
    assert contrast("#767676", WHITE) == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize(
    ("selector", "colour", "background"),
    text_colours(CSS) + text_colours(ARTICLE_CSS),
    ids=lambda value: value if value.startswith((".", "#", "b", "a")) else None,
)
def test_every_text_colour_meets_wcag_aa_on_its_background(selector: str, colour: str, background: str) -> None:
    assert contrast(colour, background) >= WCAG_AA, f"{selector}: {colour} on {background}"


def test_neighbouring_sentences_and_small_print_are_readable() -> None:
    for name in ("--wb-ink", "--wb-muted", "--wb-faint"):
        assert contrast(VARIABLES[name], WHITE) >= WCAG_AA, name
    assert contrast(VARIABLES["--wb-muted"], "#eef2f7") >= WCAG_AA  # chips


def test_text_on_every_claim_status_background_is_readable() -> None:
    article_text = {colour for _, colour, _ in text_colours(ARTICLE_CSS)}
    for background in {colour for colour in STATUS_COLOURS.values() if colour.startswith("#")}:
        for colour in article_text | {VARIABLES["--wb-ink"]}:
            assert contrast(colour, background) >= WCAG_AA, (colour, background)
    assert all(colour.startswith("#") for colour in KIND_COLOURS.values())


def test_each_label_button_keeps_its_own_colour_when_chosen() -> None:
    chosen = {
        selector: declarations
        for selector, declarations in rules(CSS)
        if selector.endswith('button[kind="primary"]') and "label_" in selector
    }
    variables = {"supported": "--wb-supported", "disputed": "--wb-disputed", "editorial_framing": "--wb-framing"}
    for label in LABELS:
        matching = [d for s, d in chosen.items() if f'st-key-label_{label}_"]' in s]  # keys label_<label>_<claim>
        assert matching, label
        assert resolve(matching[0]["background"]) == VARIABLES[variables[label]]
        assert contrast(WHITE, VARIABLES[variables[label]]) >= WCAG_AA
    colours = {VARIABLES[name] for name in variables.values()}
    assert len(colours) == 3, "each label has a colour of its own"


def test_selection_is_a_calm_colour_not_the_disputed_red() -> None:
    assert VARIABLES["--wb-select"] == SELECTION_COLOUR
    assert SELECTION_COLOUR not in {VARIABLES["--wb-disputed"], "#ff4b4b"}  # Streamlit's default red
    assert contrast(WHITE, SELECTION_COLOUR) >= WCAG_AA
    command = streamlit_command("127.0.0.1", 8501)
    assert command[command.index("--theme.primaryColor") + 1] == SELECTION_COLOUR


def test_the_style_sheet_has_no_angle_bracket_tags() -> None:
    """The browser's HTML sanitiser drops a whole ``<style>`` block whose text holds ``<word``
    (even in a comment), and with it every rule of the sheet."""
    assert re.search(r"<[/!A-Za-z]", STYLE_SHEET.read_text(encoding="utf-8")) is None


def test_charts_colour_each_label_as_the_page_does() -> None:
    from workbench.render import LABEL_COLOURS

    variables = {"supported": "--wb-supported", "disputed": "--wb-disputed", "editorial_framing": "--wb-framing"}
    assert {label: VARIABLES[name].lower() for label, name in variables.items()} == LABEL_COLOURS
