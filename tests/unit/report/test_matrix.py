"""The matrix's formats: text fitted to a width, Markdown, CSV cells no spreadsheet runs, JSON
valid against its schema, HTML escaped."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from importlib.resources import files

import jsonschema
import pytest

import serviceplan
from serviceplan.catalog import load_catalog
from serviceplan.matrix.table import Matrix, MatrixOptions, build_matrix
from serviceplan.model import Location, RemapRow
from serviceplan.report import REPORTERS, ReportOptions
from serviceplan.report.matrix import render_csv, render_markdown, render_text

OPTIONS = ReportOptions(tool_version="9.9.9")
SAMPLES = str(serviceplan.bundled_plans())


def matrix(**options: object) -> Matrix:
    compiled = serviceplan.compile_plans([SAMPLES])
    return build_matrix(compiled, load_catalog(), MatrixOptions(**options))  # type: ignore[arg-type]


def hostile(m: Matrix) -> Matrix:
    """The first plan's remap pair and mailbox plan renamed to formula and markup text."""
    first = m.plans[0]
    pair = RemapRow(('=HYPERLINK("x")', "+1<b>|x", first.name), Location("remap.csv", 9))
    column = dataclasses.replace(first.mailbox_plans[0], name="@SUM(1)\x1b]0;x")
    plan = dataclasses.replace(first, pairs=(pair,), mailbox_plans=(column,))
    return dataclasses.replace(m, plans=(plan, *m.plans[1:]))


@pytest.mark.parametrize("name", REPORTERS.formats("matrix"))
def test_every_format_is_deterministic_and_ends_in_one_newline(name: str) -> None:
    first = REPORTERS["matrix", name](matrix(), OPTIONS)
    assert first == REPORTERS["matrix", name](matrix(), OPTIONS)
    assert first.endswith("\n") and not first.endswith("\n\n")


def test_text_without_a_width_is_whole_and_marks_defaults() -> None:
    text = render_text(matrix(different=True), OPTIONS)
    line = next(x for x in text.splitlines() if x.strip().startswith("MailboxCountQuota"))
    assert line.split()[1:4] == ["250", "1,000", "5,000"]
    accepted = next(x for x in text.splitlines() if x.strip().startswith("AcceptedDomains"))
    assert accepted.split()[1:3] == ["—°", "✓"]
    assert "° the catalogue default" in text
    assert text.splitlines()[-1].startswith("6 plans, 9 mailbox plans:")


@pytest.mark.parametrize("width", [100, 140, 200])
def test_text_fits_the_width_it_can_by_wrapping_headings(width: int) -> None:
    m = matrix(scope="organization")  # type: ignore[arg-type]
    whole = max(map(len, render_text(m, OPTIONS).splitlines()))
    fitted = render_text(m, OPTIONS, width=width).splitlines()
    table = fitted[: fitted.index("")]
    narrowest = render_text(m, OPTIONS, width=1).splitlines()  # every heading wrapped
    least = max(map(len, narrowest[: narrowest.index("")]))
    assert whole > 140 and least < 120
    assert max(map(len, table)) <= max(width, least)
    assert table[0].split()[1] == ("Small" if width < 140 else "SmallBusiness")
    rows = [line for line in table if line.startswith("  MailboxCountQuota")]
    assert rows[0].split()[1:4] == ["250", "1,000", "5,000"]


def test_text_shows_control_characters_escaped() -> None:
    text = render_text(hostile(matrix()), OPTIONS)
    assert "\x1b" not in text and "\\x1b" in text


def test_markdown_is_a_table_per_scope_with_values_escaped() -> None:
    text = render_markdown(hostile(matrix()), OPTIONS)
    assert text.count("| --- |") == 2
    assert "| MailboxCountQuota | 250 | 1,000 | 5,000 |" in text
    assert "&lt;b&gt;&#124;x" in text and "<b>" not in text
    assert "@&#8203;SUM(1)" in text  # no @mention either


def test_csv_cells_are_neutralised_as_render_writes_them() -> None:
    text = render_csv(hostile(matrix()), OPTIONS)
    rows = list(csv.reader(io.StringIO(text)))
    head, pairs = rows[0], rows[1]
    assert head[:3] == ["Scope", "Section", "Feature"]
    assert head[3] == "SmallBusiness / @SUM(1)\\x1b]0;x"
    assert pairs[3] == '\'=HYPERLINK("x"),+1<b>|x'
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert "\x1b" not in text
    quota = next(r for r in rows if r[2] == "MailboxCountQuota")
    assert quota[3:5] == ["250", "explicit"]
    accepted = next(r for r in rows if r[2] == "AcceptedDomains")
    assert accepted[3:7] == ["false", "default", "true", "explicit"]
    assert len({len(row) for row in rows}) == 1


def test_json_is_valid_against_its_schema() -> None:
    schema = json.loads(
        files("serviceplan.schemas").joinpath("matrix-report.schema.json").read_text("utf-8")
    )
    for options in ({}, {"different": True}, {"scope": "organization", "all_features": True}):
        document = json.loads(REPORTERS["matrix", "json"](matrix(**options), OPTIONS))
        jsonschema.validate(document, schema)
    first = document["organization"][0]["rows"][0]["cells"][0]
    assert set(first) >= {"plan", "value", "text", "source"}
    quota = next(
        row
        for s in document["organization"]
        for row in s["rows"]
        if row["feature"] == "MailboxCountQuota"
    )
    assert [c["value"] for c in quota["cells"][:3]] == [250, 1000, 5000]


def test_html_escapes_every_value() -> None:
    page = REPORTERS["matrix", "html"](hostile(matrix()), OPTIONS)
    assert "<b>|x" not in page and "&lt;b&gt;|x" in page
    assert "<script" not in page and "http" not in page.replace("http-equiv", "")
    assert "Content-Security-Policy" in page
