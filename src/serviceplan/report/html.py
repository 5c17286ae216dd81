"""What the HTML reports share: one Jinja2 environment with autoescaping always on, the
templates (package data, report/templates/), and the inline SVG bar chart.

Every report is one self-contained file: the CSS is inline, charts are inline SVG, there is
no script, and a Content-Security-Policy meta tag forbids anything the page might otherwise
fetch (fonts, images, scripts, frames), so opening it makes no request of any kind. Every
value from a plan, a remap or an inventory reaches the page through autoescaping.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import jinja2

from .. import __version__

CHART_WIDTH = 640  # the SVG's user units; the chart scales to the page's width
_LABEL = 230  # room for the labels, left of the bars
_BAR, _STEP = 18, 26  # a bar's height and the distance between bars
LABEL_CHARS = 32  # characters of a label shown (the whole label is the bar's tooltip)


@functools.cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("serviceplan.report", "templates"),
        autoescape=True,  # every template, whatever its name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_page(template: str, **context: Any) -> str:
    return environment().get_template(template).render(tool_version=__version__, **context)


@dataclass(frozen=True, slots=True, kw_only=True)
class Bar:
    label: str  # as shown (cut to LABEL_CHARS)
    title: str  # the whole label, the bar's tooltip
    value: int
    text: str  # the value as shown after the bar
    kind: str  # a CSS class: the bar's colour
    y: int
    width: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Chart:
    title: str
    bars: tuple[Bar, ...]
    height: int
    label_width: int = _LABEL
    width: int = CHART_WIDTH


def bar_chart(title: str, items: Sequence[tuple[str, int, str, str]]) -> Chart | None:
    """A horizontal bar chart of (label, value, value text, css class), in the order given;
    None when there is nothing to draw."""
    if not items:
        return None
    largest = max(value for _, value, _, _ in items) or 1
    room = CHART_WIDTH - _LABEL - 90  # the value's text after the longest bar
    bars = tuple(
        Bar(
            label=label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…",
            title=label,
            value=value,
            text=text,
            kind=kind,
            y=8 + i * _STEP,
            width=max(2, round(room * value / largest)) if value else 0,
        )
        for i, (label, value, text, kind) in enumerate(items)
    )
    return Chart(title=title, bars=bars, height=16 + len(bars) * _STEP)
