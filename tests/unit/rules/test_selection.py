"""Rule selectors and `screen`, the one function every command's findings pass through."""

from __future__ import annotations

from pathlib import Path

import pytest

from serviceplan.model import Finding, Location, Severity
from serviceplan.rules.registry import RULES
from serviceplan.rules.selection import (
    ALL_RULES,
    FIXED,
    RuleSelection,
    SelectorError,
    Suppressions,
    glob_pattern,
    resolve_selector,
    screen,
    select_rules,
    suppressible,
)


def finding(rule: str, file: str = "plans/A.serviceplan", line: int = 3) -> Finding:
    return RULES[rule].finding(f"{rule} here", Location(file, line))


def test_selectors() -> None:
    assert resolve_selector("SP405") == {"SP405"}
    assert resolve_selector("sp405") == {"SP405"}
    assert resolve_selector("plan-never-referenced") == {"SP405"}
    assert resolve_selector("SP40") == {r for r in RULES if r.startswith("SP40")}
    assert resolve_selector("SP4") >= {"SP401", "SP407"}
    assert resolve_selector("ALL", allow_all=True) == frozenset(RULES)
    with pytest.raises(SelectorError, match="unknown rule 'ALL'"):
        resolve_selector("ALL")
    with pytest.raises(SelectorError) as raised:
        resolve_selector("plan-never-referencd")
    assert raised.value.hint.startswith("did you mean plan-never-referenced?")
    for nothing in ("SP", "SP9", "SP999", "", "405"):
        with pytest.raises(SelectorError):
            resolve_selector(nothing)


def test_the_rules_that_mean_the_file_cannot_be_read_stay_on() -> None:
    assert {"SP001", "SP002", "SP003", "SP004", "SP100", "SP104", "SP107", "SP108", "SP307"} == (
        FIXED
    )
    assert suppressible("SP0") == {r for r in RULES if r.startswith("SP0")} - FIXED
    for rule in ("SP001", "not-well-formed", "SP100", "invalid-value"):
        with pytest.raises(SelectorError, match="cannot be switched off"):
            suppressible(rule)


def test_layers_as_ruff_reads_them() -> None:
    sp4 = resolve_selector("SP4")
    assert select_rules([(None, frozenset())]) is None
    assert select_rules([(sp4, frozenset({"SP405"}))]) == sp4 - {"SP405"}
    assert select_rules([(None, frozenset({"SP405"}))]) == frozenset(RULES) - {"SP405"}
    # a later select replaces the earlier selection and its ignores
    assert select_rules([(sp4, frozenset({"SP405"})), (frozenset({"SP405"}), frozenset())]) == {
        "SP405"
    }


def test_no_configuration_passes_everything_unchanged() -> None:
    findings = [finding("SP405"), finding("SP101")]
    assert screen(findings, ALL_RULES) == screen(findings, RuleSelection(), {})
    assert screen(findings, ALL_RULES).findings == tuple(findings)
    assert screen(findings, ALL_RULES).suppressed == 0


def test_unselected_rules_are_left_out_and_counted() -> None:
    findings = [finding("SP405"), finding("SP101"), finding("SP001")]
    screened = screen(findings, RuleSelection(selected=frozenset({"SP101"})))
    assert [f.rule for f in screened.findings] == ["SP101", "SP001"]  # SP001 always reports
    assert screened.suppressed == 1


def test_severity_changes() -> None:
    rules = RuleSelection(severity=(("SP405", Severity.ERROR), ("SP101", Severity.WARNING)))
    screened = screen([finding("SP405"), finding("SP101"), finding("SP107")], rules)
    assert [(f.rule, f.severity) for f in screened.findings] == [
        ("SP405", Severity.ERROR),
        ("SP101", Severity.WARNING),
        ("SP107", Severity.ERROR),
    ]
    assert screened.findings[0].message == "SP405 here"  # nothing else changes


def test_per_file_ignores_match_globs_relative_to_the_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    rules = RuleSelection(
        per_file_ignores=(
            ("retired/*.serviceplan", frozenset({"SP405"})),
            ("Old.serviceplan", frozenset({"SP101"})),
            ("**/legacy/**", frozenset({"SP106"})),
        ),
        root=str(tmp_path),
    )
    findings = [
        finding("SP405", "retired/A.serviceplan"),  # ignored
        finding("SP405", "retired/deeper/A.serviceplan"),  # `*` stays in its folder
        finding("SP405", "A.serviceplan"),
        finding("SP101", "some/where/OLD.serviceplan"),  # a bare name: any folder, any case
        finding("SP106", "x/legacy/y/B.serviceplan"),  # ignored
        finding("SP106", "legacy/B.serviceplan"),  # ignored: **/ matches no folder too
        finding("SP405", "main:retired/A.serviceplan"),  # a git revision's file: its path
        finding("SP405", str(tmp_path / "retired" / "Z.serviceplan")),  # absolute
    ]
    kept = screen(findings, rules)
    assert [(f.rule, f.location.file) for f in kept.findings] == [
        ("SP405", "retired/deeper/A.serviceplan"),
        ("SP405", "A.serviceplan"),
    ]
    assert kept.suppressed == 6


def test_glob_pattern() -> None:
    assert glob_pattern("*.serviceplan").fullmatch("A.ServicePlan")
    assert not glob_pattern("a/*.serviceplan").fullmatch("a/b/c.serviceplan")
    assert glob_pattern("a/**/c.serviceplan").fullmatch("a/b/x/c.serviceplan")
    assert glob_pattern("a/**/c.serviceplan").fullmatch("a/c.serviceplan")
    assert glob_pattern("./a?.csv").fullmatch("ab.csv")
    assert not glob_pattern("a+b").fullmatch("aab")  # regex characters are literal


def test_inline_suppressions_cover_their_lines_or_the_file() -> None:
    inline = {
        "A.serviceplan": Suppressions(spans=((3, 5, frozenset({"SP101"})),)),
        "B.serviceplan": Suppressions(file=frozenset({"SP405"})),
    }
    findings = [
        finding("SP101", "A.serviceplan", 4),  # suppressed
        finding("SP101", "A.serviceplan", 6),
        finding("SP107", "A.serviceplan", 4),
        finding("SP405", "A.serviceplan", 0),
        finding("SP405", "B.serviceplan", 0),  # suppressed
    ]
    screened = screen(findings, ALL_RULES, inline)
    assert [(f.rule, f.location.line) for f in screened.findings] == [
        ("SP101", 6),
        ("SP107", 4),
        ("SP405", 0),
    ]
    assert screened.suppressed == 2
