"""The C fast path and the Python rules must agree on which plans are clean."""

from __future__ import annotations

import copy
from importlib import resources

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from serviceplan.catalog import load_catalog
from serviceplan.files.inputs import STDIN
from serviceplan.model import Finding
from serviceplan.pipeline import ValidateOptions, validate_paths
from serviceplan.plan.load import parse_plan_xml
from serviceplan.rules.check import explain_plan
from serviceplan.rules.fastpath import fast_path
from serviceplan.rules.inline import read_suppressions
from serviceplan.rules.registry import RULES
from serviceplan.rules.selection import ALL_RULES, screen

CATALOG = load_catalog()
FAST = fast_path(CATALOG)
SAMPLES = sorted(
    (p.name, p.read_bytes())
    for p in resources.files("serviceplan.serviceplans").iterdir()
    if p.name.endswith(".serviceplan")
)
VALUES = [
    "true",
    "false",
    "1",
    "0",
    " true ",
    "0",
    "5000",
    "1001",
    "Unlimited",
    "10GB",
    "100MB",
    "bogus",
    "",
    "1.00:00:00",
    "25:00:00",
    "3000000000",
    "EhfAC",
]


def _sections(root: etree._Element) -> list[etree._Element]:
    return [root.find("Organization"), *root.iterfind("MailboxPlans/MailboxPlan")]


@st.composite
def mutated_plans(draw: st.DrawFn) -> bytes:
    _, data = draw(st.sampled_from(SAMPLES))
    root = etree.fromstring(data)
    for _ in range(draw(st.integers(1, 4))):
        section = draw(st.sampled_from(_sections(root)))
        action = draw(st.sampled_from(["toggle", "delete", "insert", "attribute", "copy-plan"]))
        children = [c for c in section if isinstance(c.tag, str)]
        if action == "toggle" and children:
            child = draw(st.sampled_from(children))
            child.text = draw(st.sampled_from(VALUES))
        elif action == "delete" and children:
            section.remove(draw(st.sampled_from(children)))
        elif action == "insert":
            scope = "Organization" if section.tag == "Organization" else "MailboxPlan"
            feature = draw(st.sampled_from(list(CATALOG.scope(scope).values())))
            element = etree.Element(feature.name)
            element.text = draw(st.sampled_from(VALUES))
            section.insert(draw(st.integers(0, len(section))), element)
        elif action == "attribute" and section.tag == "MailboxPlan":
            name = draw(st.sampled_from(["Name", "MailboxPlanIndex", "ProvisionAsDefault"]))
            section.set(name, draw(st.sampled_from(["0", "1", "true", "false", " 1", "", "A"])))
        elif action == "copy-plan" and section.tag == "MailboxPlan":
            section.addnext(copy.deepcopy(section))
    return etree.tostring(root)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_plans())
def test_fast_path_is_clean_exactly_when_the_rules_find_nothing(data: bytes) -> None:
    root, problems = parse_plan_xml(data, "x.serviceplan")
    assert root is not None and not problems
    findings = explain_plan(root, "x.serviceplan", CATALOG)
    if FAST.is_clean(root):  # sound: never clean when a rule finds something
        assert not findings, [(f.rule, f.message) for f in findings]
    elif b'Index=" ' not in data:  # complete, but for padded indexes left to the full rules
        assert findings, "the fast path refused a plan the rules find clean"


def test_every_bundled_plan_takes_the_fast_path() -> None:
    for name, data in SAMPLES:
        root, _ = parse_plan_xml(data, name)
        assert FAST.is_clean(root), name


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    mutated_plans(),
    st.lists(st.sampled_from([*RULES, "SP1", "SP3", "nope"]), min_size=1, max_size=3),
    st.sampled_from(["file", "Organization", "MailboxPlans"]),
)
def test_validate_honours_inline_suppression_on_either_path(
    data: bytes, rules: list[str], before: str
) -> None:
    """Whether a plan takes the fast path or the explained one, validate reports exactly the
    explained findings less what the plan's own `serviceplan: ignore` comment suppresses."""
    root = etree.fromstring(data)
    comment = etree.Comment(f" serviceplan: ignore {', '.join(rules)} ")
    (root if before == "file" else root.find(before)).addprevious(comment)
    data = etree.tostring(root.getroottree())
    report = validate_paths([STDIN], ValidateOptions(stdin=data, stdin_name="x.serviceplan"))
    parsed, _ = parse_plan_xml(data, "x.serviceplan")
    assert parsed is not None
    suppressions, about_comment = read_suppressions(data, "x.serviceplan")
    expected = screen(
        [*explain_plan(parsed, "x.serviceplan", CATALOG), *about_comment],
        ALL_RULES,
        {"x.serviceplan": suppressions},
    )
    assert sorted(report.findings, key=Finding.sort_key) == sorted(
        expected.findings, key=Finding.sort_key
    )
    assert report.suppressed == expected.suppressed
