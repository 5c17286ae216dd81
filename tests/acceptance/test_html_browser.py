"""The HTML reports opened in a real browser: headless Chromium (Debian's `chromium`), with
every request unreachable. The DOM Chromium builds holds the expected cells and SVG bars, and
no element that came from hostile input (a plan value, a mailbox plan name, a remap field, a
tenant name); each screenshot is a PNG of the window's size that shows something.

Each test launches the browser once (DOM and screenshot together): launches are slow on a
loaded machine, and no test asserts on time. Without chromium these tests skip with the
reason; under CI=true a skip is a failure (.ci/run installs chromium).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from _browser import (
    README_SCREENSHOT,
    README_SIZE,
    Dom,
    Page,
    chromium,
    open_page,
    read_png,
    readme_screenshot,
    version,
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "serviceplans"
# hostile text, each in a place that reaches the page: a plan value (PrivacyLink, a string),
# a mailbox plan's Name, both fields of a remap line, two tenant names
PLAN_VALUE = '"><img src=x onerror=alert(1)>'
MAILBOX_PLAN = "<script>alert(2)</script>"
PROGRAM_ID, OFFER_ID = "<img src=x onerror=alert(3)>", "<script>alert(4)</script>"
TENANTS = ("<script>alert(5)</script>", '"><img src=x onerror=alert(6)>')
# no element of these may come from the data (the reports themselves use none of them)
FORBIDDEN = {
    "script",
    "img",
    "iframe",
    "object",
    "embed",
    "link",
    "base",
    "form",
    "input",
    "video",
    "audio",
    "source",
    "image",
    "use",
    "foreignobject",
    "meta-refresh",
}
Run = Callable[..., CompletedProcess[str]]


@pytest.fixture(scope="module")
def browser() -> str:
    binary = chromium()
    if binary is None:
        pytest.skip("chromium is not installed (apt-get install chromium; .ci/run installs it)")
    return binary


def _xml(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """The bundled samples with hostile text in SmallBusiness and the remap, and an inventory
    with hostile tenant names (`--ignore SP106`: PrivacyLink is datacenter-only)."""
    plans = tmp_path / "plans"
    shutil.copytree(SAMPLES, plans, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    small = plans / "SmallBusiness.serviceplan"
    text = small.read_text("utf-8")
    anchor = "<OfflineAddressBookEnabled>true</OfflineAddressBookEnabled>\n"
    text = text.replace(anchor, f"{anchor}    <PrivacyLink>{_xml(PLAN_VALUE)}</PrivacyLink>\n", 1)
    text = text.replace(
        'MailboxPlan Name="Standard"', f'MailboxPlan Name="{_xml(MAILBOX_PLAN)}"', 1
    )
    small.write_text(text, "utf-8")
    with (plans / "ServicePlanHostingRemap.csv").open("a", encoding="utf-8") as remap:
        remap.write(f"{PROGRAM_ID},{OFFER_ID},SmallBusiness\n")
    rows = ["name,domain,program_id,offer_id,plan,mailboxes,mailboxes.Standard"]
    for i, name in enumerate(TENANTS):
        quoted = '"' + name.replace('"', '""') + '"'
        rows.append(f"{quoted},t{i}.example,Business,SmallOrg,SmallBusiness,{40 + i},{40 + i}")
    rows.append("Contoso,contoso.com,Business,MedOrg,MediumBusiness,300,300")
    (tmp_path / "tenants.csv").write_text("\n".join(rows) + "\n", "utf-8")
    return tmp_path


def _inert(page: Page, texts: tuple[str, ...]) -> Dom:
    """The DOM holds each hostile text as text, and no element or attribute it could make."""
    dom = Dom(page.dom)
    tags = {name for name, _ in dom.tags}
    assert tags & FORBIDDEN == set(), sorted(tags & FORBIDDEN)
    for name, attributes in dom.tags:
        for attribute in attributes:
            assert not attribute.startswith("on"), (name, attribute)
            assert attribute not in ("src", "href", "srcset", "action", "xlink:href"), name
    assert "url(" not in page.dom and "@import" not in page.dom
    for text in texts:
        assert text in dom.all_text, text
    return dom


def _shows_something(path: Path, size: tuple[int, int]) -> None:
    png = read_png(path)
    assert (png.width, png.height) == size
    assert png.colours >= 8, png  # text in several colours, bars: not a blank page
    assert png.ink > 0.01, png


def test_matrix_html_in_chromium(browser: str, hostile: Path, run_cli: Run) -> None:
    page_file = hostile / "m.html"
    result = run_cli(
        "matrix",
        "plans",
        "--ignore",
        "SP106",
        "--format",
        "html",
        "-o",
        str(page_file),
        cwd=hostile,
    )
    assert result.returncode == 0, result.stderr
    page = open_page(browser, page_file, hostile, size=(1280, 900))
    dom = _inert(page, (PLAN_VALUE, MAILBOX_PLAN, f"{PROGRAM_ID},{OFFER_ID}"))
    # the Contoso comparison, as people read it
    assert dom.row("MailboxCountQuota")[1:4] == ["250", "1,000", "5,000"]
    assert dom.row("PrivacyLink")[1] == PLAN_VALUE
    quota, archive = dom.row("ProhibitSendReceiveMaiboxQuota"), dom.row("ArchiveQuota")
    premium = 4  # Feature, Small/<script>, Medium/Standard, Large/Standard, Large/Premium
    assert (quota[premium], archive[premium]) == ("10 GB", "1 GB")
    assert dom.row("AcceptedDomains")[1:3] == ["—°", "✓"]  # a default off, a written on
    _shows_something(page.screenshot, (1280, 900))


def test_diff_html_in_chromium(browser: str, hostile: Path, run_cli: Run) -> None:
    page_file = hostile / "d.html"
    remap = hostile / "plans" / "ServicePlanHostingRemap.csv"  # the hostile tenants move
    remap.write_text(
        remap.read_text("utf-8").replace("SmallOrg,SmallBusiness", "SmallOrg,MediumBusiness"),
        "utf-8",
    )
    args = ("diff", str(SAMPLES), "plans", "--tenants", "tenants.csv", "--ignore", "SP106")
    result = run_cli(*args, "--format", "html", "-o", str(page_file), cwd=hostile)
    assert result.returncode == 1, result.stderr  # the mailbox plan's rename is a blocker
    report = json.loads(run_cli(*args, "--format", "json", cwd=hostile).stdout)
    page = open_page(browser, page_file, hostile, size=(1024, 1400))
    dom = _inert(page, (PLAN_VALUE, MAILBOX_PLAN, *TENANTS))
    bars = [a for name, a in dom.tags if name == "rect" and "bar" in (a.get("class") or "")]
    kinds = [(a.get("class") or "").split()[-1] for a in bars]
    per_category = [k for k in kinds if k in ("constant", "per-mailbox")]
    assert len(per_category) == len(report["summary"]["categories"]) > 0
    reached = [t for t in report["tenants"]["reached"] if t["mailboxes_to_update"]]
    assert len(kinds) - len(per_category) == min(len(reached), 10) > 0
    assert {"svg", "details", "summary"} <= {name for name, _ in dom.tags}
    assert "SP601" in dom.all_text and "hint:" in dom.all_text
    _shows_something(page.screenshot, (1024, 1400))


def test_readme_screenshot_is_what_the_browser_step_makes(browser: str, tmp_path: Path) -> None:
    """docs/diff-report.png is the README's example diff as Chromium draws it (regenerate:
    `python tests/acceptance/_browser.py`); the same step here must give a PNG of that size."""
    page = readme_screenshot(browser, tmp_path, tmp_path / "diff-report.png")
    _shows_something(page.screenshot, README_SIZE)
    _shows_something(README_SCREENSHOT, README_SIZE)
    assert "Changes per update category" in Dom(page.dom).all_text
    print(f"browser: {version(browser)}; screenshot: {page.screenshot}")


def test_ci_installs_chromium_when_it_is_missing() -> None:
    """Without this block a new CI machine would skip (so fail) every browser test."""
    script = (ROOT / ".ci" / "run").read_text("utf-8")
    block = script.split("# --- chromium", 1)[1].split("# --- end chromium", 1)[0]
    assert "if ! command -v chromium" in block
    assert "apt-get install -y -q chromium" in block
    assert script.index("# --- end chromium") < script.index('run_suite newest "$tests_command"')
