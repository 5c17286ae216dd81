"""`features` as text: whole lines into a pipe, fitted to a terminal's width, nothing lost."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from serviceplan.catalog import MAILBOX_PLAN, Feature, load_catalog
from serviceplan.tools.explain import select_features
from serviceplan.tools.features_table import render_features_text, wrap

CATALOG = load_catalog()
FEATURES = select_features(CATALOG)


def words(features: Sequence[Feature]) -> set[str]:
    """Every word the table must show: names, categories, each requirement's words."""
    found: set[str] = set()
    for feature in features:
        found.add(feature.name)
        found.update(feature.categories)
        for requirement in feature.requires:
            found.update(requirement.text.split())
    return found


def shown(text: str) -> set[str]:
    return {word.strip(",;") for word in text.split()} | set(text.replace(";", " ").split())


def test_without_a_width_one_line_per_feature() -> None:
    lines = render_features_text(FEATURES).splitlines()
    assert len(lines) == len(FEATURES) + 2  # the header and the count
    assert max(len(line) for line in lines) > 300  # whole, for grep


@pytest.mark.parametrize("width", [60, 80, 100, 120, 160, 200, 250, 330])
def test_fits_the_width_and_keeps_every_word(width: int) -> None:
    text = render_features_text(FEATURES, width)
    assert max(len(line) for line in text.splitlines()) <= width
    assert words(FEATURES) <= shown(text)
    assert text.endswith(f"{len(FEATURES)} features\n")


def test_a_wide_terminal_keeps_the_table_and_wraps_the_long_cells() -> None:
    text = render_features_text(FEATURES, 250)
    lines = text.splitlines()
    assert lines[0].split() == [
        "Scope", "Group", "Name", "Type", "Default", "Categories", "Mode", "Required", "Requires"
    ]  # fmt: skip
    assert len(lines) > len(FEATURES) + 2  # some rows take two lines


def test_a_narrow_terminal_gets_a_block_per_feature() -> None:
    text = render_features_text(select_features(CATALOG, scope=MAILBOX_PLAN), 80)
    assert text.startswith(
        "ActiveSyncEnabled\n"
        "  MailboxPlan (boolean), boolean, default false, hosting, optional\n"
        "  categories: MailboxPlanConfiguration\n"
    )


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        ("a, b, c", 4, ["a,", "b, c"]),
        ("x; y z", 10, ["x; y z"]),
        ("abcdefgh", 3, ["abc", "def", "gh"]),  # a piece longer than a line is cut, not lost
        ("", 5, [""]),
    ],
)
def test_wrap(text: str, width: int, lines: list[str]) -> None:
    assert wrap(text, width) == lines
