"""Inline suppression: `<!-- serviceplan: ignore RULE -->` before an element, or before the root
element for the whole file; a comment that would suppress nothing is SP008."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest

from serviceplan.model import Finding, Location, Severity
from serviceplan.pipeline import ValidateOptions, validate_paths
from serviceplan.rules.inline import Screen, read_suppressions
from serviceplan.rules.registry import RULES
from serviceplan.rules.selection import ALL_RULES, Suppressions

SAMPLES = Path(str(resources.files("serviceplan.serviceplans")))
SMALL = (SAMPLES / "SmallBusiness.serviceplan").read_text(encoding="utf-8")
ROOT_LINE = 9  # <Configuration ...> in SmallBusiness.serviceplan
AUTO_REPLY = 13  # <AutoReplyEnabled>
MAILBOX_PLANS = 36  # <MailboxPlans>


def with_comment(before_line: int, comment: str, text: str = SMALL) -> str:
    """The plan with a comment line inserted before line `before_line` (1-based)."""
    lines = text.split("\n")
    lines.insert(before_line - 1, f"<!-- {comment} -->")
    return "\n".join(lines)


def read(text: str) -> tuple[Suppressions | None, list[Finding]]:
    return read_suppressions(text.encode("utf-8"), "S.serviceplan")


def test_a_file_without_the_marker_is_not_parsed_again() -> None:
    assert read(SMALL) == (None, [])
    assert read("<not xml serviceplan: ignore") == (None, [])  # the plan's parse says why


def test_before_the_root_element_it_covers_the_file() -> None:
    suppressions, findings = read(with_comment(ROOT_LINE, "serviceplan: ignore SP405"))
    assert findings == []
    assert suppressions == Suppressions(file=frozenset({"SP405"}))


def test_before_an_element_it_covers_that_element_s_lines() -> None:
    text = with_comment(AUTO_REPLY, "serviceplan: ignore SP106, unknown-feature")
    suppressions, findings = read(text)
    assert findings == []
    assert suppressions == Suppressions(
        spans=((AUTO_REPLY + 1, AUTO_REPLY + 1, frozenset({"SP106", "SP101"})),)
    )
    plans, _ = read(with_comment(MAILBOX_PLANS, "serviceplan: ignore SP1"))
    assert plans is not None
    ((first, last, ids),) = plans.spans
    assert first == MAILBOX_PLANS + 1 and last > first + 5 and "SP106" in ids
    assert "SP100" not in ids and "SP107" not in ids  # those cannot be suppressed


def test_other_comments_between_the_directive_and_its_element() -> None:
    text = with_comment(AUTO_REPLY, "why: tenants rely on it")
    text = with_comment(AUTO_REPLY, "serviceplan: ignore SP106", text)
    suppressions, _ = read(text)  # directive, the other comment, then <AutoReplyEnabled>
    assert suppressions is not None and suppressions.spans[0][:2] == (AUTO_REPLY + 2,) * 2


@pytest.mark.parametrize(
    ("comment", "where", "message"),
    [
        ("serviceplan: ignore SP4O5", ROOT_LINE, "serviceplan: ignore SP4O5: unknown rule 'SP4O5'"),
        ("serviceplan: ignore", ROOT_LINE, "names no rule"),
        ("serviceplan: ignroe SP405", ROOT_LINE, "says 'ignroe', not ignore RULE"),
        ("serviceplan: ignore SP001", ROOT_LINE, "SP001 (not-well-formed) cannot be switched off"),
        ("serviceplan: ignore SP405", 10_000, "stands after the root element"),
    ],
)
def test_a_comment_that_suppresses_nothing_is_sp008(comment: str, where: int, message: str) -> None:
    _, findings = read(with_comment(where, comment))
    assert [(f.rule, f.severity.value) for f in findings] == [("SP008", "warning")]
    assert message in findings[0].message
    assert findings[0].location.file == "S.serviceplan"


def test_a_typo_next_to_a_good_rule_keeps_the_good_one() -> None:
    suppressions, findings = read(with_comment(ROOT_LINE, "serviceplan: ignore SP405 plan-nevr"))
    assert suppressions == Suppressions(file=frozenset({"SP405"}))
    assert [f.rule for f in findings] == ["SP008"]
    assert "did you mean plan-never-referenced?" in findings[0].hint


def test_the_last_comment_in_a_section_stands_before_nothing() -> None:
    comment = "    <!-- serviceplan: ignore SP106 -->\n"
    text = SMALL.replace("  </Organization>", comment + "  </Organization>")
    _, findings = read(text)
    assert [f.rule for f in findings] == ["SP008"]
    assert "after its last element in <Organization>" in findings[0].message


def test_utf16_plans_are_read_too() -> None:
    text = with_comment(ROOT_LINE, "serviceplan: ignore SP405").replace("utf-8", "utf-16")
    suppressions, _ = read_suppressions(text.encode("utf-16"), "S.serviceplan")
    assert suppressions == Suppressions(file=frozenset({"SP405"}))


# --- through validate: the fast path and the explained path alike -----------------------------


def _validate(folder: Path) -> tuple[list[tuple[str, int]], int]:
    report = validate_paths([str(folder)], ValidateOptions())
    return [(f.rule, f.location.line) for f in report.findings], report.suppressed


def test_a_clean_plan_on_the_fast_path_still_reports_a_bad_comment(tmp_path: Path) -> None:
    (tmp_path / "S.serviceplan").write_text(with_comment(ROOT_LINE, "serviceplan: ignore SP9"))
    assert _validate(tmp_path) == ([("SP008", ROOT_LINE)], 0)


def test_an_explained_plan_has_its_finding_suppressed_on_its_element_only(tmp_path: Path) -> None:
    broken = SMALL.replace("<AutoReplyEnabled>true</AutoReplyEnabled>", "<AutoReply>1</AutoReply>")
    broken = broken.replace("<EwsPermissions>true</EwsPermissions>", "<Ews>1</Ews>")
    (tmp_path / "S.serviceplan").write_text(broken, encoding="utf-8")
    findings, _ = _validate(tmp_path)
    assert findings == [("SP101", AUTO_REPLY), ("SP101", 20)]
    text = with_comment(AUTO_REPLY, "serviceplan: ignore unknown-feature", broken)
    (tmp_path / "S.serviceplan").write_text(text, encoding="utf-8")
    assert _validate(tmp_path) == ([("SP101", 21)], 1)


def test_a_value_that_cannot_be_read_cannot_be_suppressed(tmp_path: Path) -> None:
    broken = SMALL.replace("<AutoReplyEnabled>true<", "<AutoReplyEnabled>maybe<")
    text = with_comment(AUTO_REPLY, "serviceplan: ignore SP107", broken)
    (tmp_path / "S.serviceplan").write_text(text, encoding="utf-8")
    assert _validate(tmp_path) == ([("SP008", AUTO_REPLY), ("SP107", AUTO_REPLY + 1)], 0)


def test_sp405_is_suppressed_from_the_plan_file_even_when_only_the_remap_is_given(
    tmp_path: Path,
) -> None:
    """SP405 lands on a plan beside the remap that was not itself read: its comment counts."""
    shutil.copy(SAMPLES / "SmallBusiness.serviceplan", tmp_path)
    retired = with_comment(ROOT_LINE, "serviceplan: ignore SP405")
    (tmp_path / "Retired.serviceplan").write_text(retired, encoding="utf-8")
    remap = tmp_path / "ServicePlanHostingRemap.csv"
    remap.write_text("Business,SmallOrg,SmallBusiness\n", encoding="utf-8")
    report = validate_paths([str(remap)], ValidateOptions())
    assert (report.findings, report.suppressed) == ((), 1)
    assert report.summary() == "1 file: 0 errors, 0 warnings (1 suppressed)"


def test_the_screen_reads_each_unread_plan_once(tmp_path: Path) -> None:
    plan = tmp_path / "Retired.serviceplan"
    plan.write_text(with_comment(ROOT_LINE, "serviceplan: ignore SP405"), encoding="utf-8")
    screen = Screen(ALL_RULES)
    finding = Finding("SP405", Severity.WARNING, "never referenced", Location(str(plan)))
    assert screen([finding, finding]) == []
    assert screen.suppressed == 2
    plan.unlink()
    assert screen([finding]) == []  # remembered, not read again


def test_sp405_s_hint_keeps_a_plan_tenants_may_still_be_on() -> None:
    """SP605's advice (a new plan name, a repoint) leaves the old plan unreferenced: SP405
    must not tell the user to delete a plan tenants are still on, but how to keep it."""
    hint = RULES["SP405"].hint
    assert "<!-- serviceplan: ignore SP405 -->" in hint
    assert "delete it only when no tenant is on it" in hint
    assert "or delete the plan if it is retired" not in hint
