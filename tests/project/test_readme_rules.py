"""The README's table of rule families names every rule `serviceplan rules` lists."""

from __future__ import annotations

import re
from pathlib import Path

from serviceplan.rules.registry import RULES

ROOT = Path(__file__).resolve().parents[2]
DASH = "\u2013"  # the en dash of the README's ranges
IDS = rf"SP\d{{3}}(?:{DASH}SP\d{{3}})?"
FAMILY = re.compile(rf"^\| ({IDS}(?:, {IDS})*) \|", re.M)


def covered(readme: str) -> set[int]:
    numbers: set[int] = set()
    for cell in FAMILY.findall(readme):
        for part in cell.split(", "):
            first, _, last = part.partition(DASH)
            numbers.update(range(int(first[2:]), int((last or first)[2:]) + 1))
    return numbers


def test_every_rule_is_in_a_family_of_the_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = sorted(rule for rule in RULES if int(rule[2:]) not in covered(readme))
    assert missing == []


def test_a_family_left_out_is_found() -> None:
    table = f"| SP001{DASH}SP004, SP008 | the file |\n| SP100 | XSD |\n"
    assert covered(table) == {1, 2, 3, 4, 8, 100}
