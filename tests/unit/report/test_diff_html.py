"""`serviceplan diff --format html`: summary first, charts as inline SVG, every value escaped,
no script and no external reference, the page bounded in size (and saying what it left out).
tests/acceptance/test_html_browser.py opens the page in Chromium."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

from _browser import readme_example
from serviceplan.catalog import CATEGORIES, ORGANIZATION, load_catalog
from serviceplan.diff.compare import diff_revisions
from serviceplan.diff.outcome import DiffOutcome
from serviceplan.model import Finding, FindingsReport, Location, ResolvedPlan, Setting
from serviceplan.pipeline import DiffOptions, bundled_plans, compile_plans, diff_paths
from serviceplan.report import REPORTERS, ReportOptions
from serviceplan.report.diff_common import summary
from serviceplan.report.diff_html import LIMIT, render

OPTIONS = ReportOptions(tool_version="1.2.3")
CATALOG = load_catalog()
COMPILED = compile_plans([bundled_plans()])
PLANS = {plan.name: plan for plan in COMPILED.plans}
HOSTILE = '"><img src=x onerror=alert(1)><script>alert(2)</script>'


class Tags(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def page_of(outcome: DiffOutcome) -> str:
    page = render(outcome, OPTIONS)
    assert len(page.encode("utf-8")) < LIMIT
    assert page == render(outcome, OPTIONS)  # deterministic
    parsed = Tags(page).tags
    tags = {name for name, _ in parsed}
    assert not tags & {"script", "img", "iframe", "link", "object", "embed"}, tags
    attributes = {a for _, attrs in parsed for a in attrs}
    assert not attributes & {"src", "href", "srcset", "action"}, attributes
    assert not any(a.startswith("on") for a in attributes)
    return page


def outcome_of(old: list[ResolvedPlan], new: list[ResolvedPlan]) -> DiffOutcome:
    result = diff_revisions(old, new, COMPILED.remaps, COMPILED.remaps, CATALOG)
    findings = tuple(sorted(result.findings, key=Finding.sort_key))
    return DiffOutcome("old", "new", result, None, FindingsReport(("old", "new"), findings))


def set_org(plan: ResolvedPlan, feature: str, value: object, text: str) -> ResolvedPlan:
    setting = Setting(feature, value, text, Location(plan.source, 5))  # type: ignore[arg-type]
    return replace(
        plan, organization=tuple(setting if s.feature == feature else s for s in plan.organization)
    )


def test_registered_as_a_diff_format() -> None:
    assert "html" in REPORTERS.formats("diff")
    assert REPORTERS["diff", "html"] is render


def test_summary_first_then_charts_blockers_and_collapsed_changes(tmp_path: Path) -> None:
    example = readme_example(tmp_path)  # the README's: a repoint and an edit in place
    outcome = diff_paths(
        DiffOptions(
            old=str(example / "old"),
            new=str(example / "new"),
            tenants=str(example / "tenants.csv"),
        )
    )
    page = page_of(outcome)
    order = [
        page.index(summary(outcome).replace("->", "-&gt;")[:40]),
        page.index("<svg"),
        page.index("Tenants with the most mailboxes"),
        page.index("<h2>Blockers (1)</h2>"),
        page.index("<details>"),
    ]
    assert order == sorted(order)
    bars = re.findall(r'<rect class="bar ([a-z-]+)"', page)
    assert bars[:5] == ["constant", "constant", "constant", "constant", "per-mailbox"]
    assert bars.count("skipped") == 2 and "tenant" in bars
    labels = re.findall(r'text-anchor="end">([^<]+)<', page)
    assert labels[:5] == [c for c in CATEGORIES if c in labels[:5]]  # cost order
    assert "hint: Keep the limit at or above the usage" in page
    assert "SmallBusiness → MediumBusiness" in page
    assert "not shown" not in page


def test_hostile_values_are_text() -> None:
    old = PLANS["SmallBusiness"]
    new = set_org(old, "PrivacyLink", HOSTILE, HOSTILE)
    page = page_of(outcome_of([old], [new]))
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;" in page


def test_no_changes() -> None:
    old = PLANS["SmallBusiness"]
    page = page_of(outcome_of([old], [old]))
    assert "No changes." in page and "<svg" not in page and "<details>" not in page


def _everything_changed(plan: ResolvedPlan) -> ResolvedPlan:
    features = CATALOG.scope(ORGANIZATION)
    settings = []
    for s in plan.organization:
        kind = features[s.feature].type
        value = (
            (not s.value)
            if kind == "boolean"
            else (f"{s.value}<i>" if kind in ("string", "enum") else 7)
        )
        settings.append(Setting(s.feature, value, "x", Location(plan.source, 9)))
    return replace(plan, organization=tuple(settings))


def test_a_huge_diff_stays_under_the_limit_and_says_what_it_left_out() -> None:
    base = PLANS["SmallBusiness"]
    old = [
        replace(base, name=f"Plan{n:04d}", source=f"plans/Plan{n:04d}.serviceplan")
        for n in range(400)
    ]
    outcome = outcome_of(old, [_everything_changed(plan) for plan in old])
    assert outcome.diff is not None
    total = sum(len(d.changes) for d in outcome.diff.plans)
    page = page_of(outcome)
    assert len(page.encode("utf-8")) > LIMIT // 2  # the budget is used, not wasted
    rows = page.count("<tr><td>")
    assert 0 < rows < total + 400
    notice = re.search(r'<p class="notice">([^<]+)</p>', page)
    assert notice is not None
    assert "more not shown" in page or "not shown" in notice.group(1)
    assert f"kept under {LIMIT:,} characters" in notice.group(1)
    assert "--format json" in notice.group(1)
