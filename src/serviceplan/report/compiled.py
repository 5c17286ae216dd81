"""Output of `serviceplan compile`: a table per scope (text) or a documented JSON document.

A hosting plan's compile hides the datacenter-only features it leaves at their default (hosting
mode never applies them); `all_features` shows them. One the plan writes always shows."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from itertools import compress
from operator import is_not
from typing import Any

from ..catalog import MAILBOX_PLAN, ORGANIZATION, Catalog, load_catalog
from ..model import RemapRow, ResolvedMailboxPlan, ResolvedPlan, Setting, plural
from ..resolve.plans import default_settings
from ..resolve.result import CompileResult
from ..resolve.scope import LeftOut, LeftOutKind
from ..values import UNSET_TEXT, collapse, format_bytes, format_value, json_value
from . import ReportOptions
from .encode import Stream, encode_stream, envelope
from .text import printable

FORMAT_VERSION = 1  # bump when a key changes meaning or goes away; adding keys is not a bump


def shown(scope: str, settings: Iterable[Setting], all_features: bool) -> list[Setting]:
    """The settings to print: without `all_features`, datacenter-only defaults are left out."""
    if all_features:
        return list(settings)
    features = load_catalog().scope(scope)
    return [s for s in settings if features[s.feature].hosting or not s.is_default]


_PLAIN = frozenset({bool, int, str, float, type(None)})  # values JSON writes as they are


@functools.cache
def _default_json(
    catalog: Catalog, scope: str, all_features: bool
) -> tuple[list[Setting], dict[str, Any]]:
    """resolve's shared default settings, and the JSON of those shown, in the same order; made
    once: most of a compile's settings are defaults. The dicts are shared by every plan's
    document, so never changed."""
    features = catalog.scope(scope)
    defaults = default_settings(catalog, scope)
    shown = {
        setting.feature: _json_setting(features[setting.feature].type, setting)
        for setting in defaults
        if all_features or features[setting.feature].hosting
    }
    return defaults, shown


def _json_setting(kind: str, setting: Setting) -> dict[str, Any]:
    _, value, text, location = setting
    written = value if value.__class__ in _PLAIN else json_value(value)
    if location is None:
        return {"value": written, "type": kind, "text": text, "source": "default"}
    return {
        "value": written,
        "type": kind,
        "text": text,
        "source": "explicit",
        "line": location.line,
    }


def _json_settings(
    scope: str, settings: tuple[Setting, ...], all_features: bool = True
) -> dict[str, Any]:
    """`shown` settings as JSON: a 1,000-plan compile builds 190,000 of these."""
    catalog = load_catalog()
    features = catalog.scope(scope)
    defaults, shown = _default_json(catalog, scope, all_features)
    if len(settings) == len(defaults):
        # resolve's settings: its shared defaults, but where the plan writes a feature; the
        # comparison runs in C, and only the written ones are made here
        written = compress(zip(settings, defaults, strict=True), map(is_not, settings, defaults))
        out = shown.copy()  # a key written over keeps its place
        for (feature, value, text, location), default in written:
            if location is None or feature != default[0] or feature not in shown:
                break  # not as resolve makes them: the general way below
            out[feature] = {
                "value": value if value.__class__ in _PLAIN else json_value(value),
                "type": features[feature].type,
                "text": text,
                "source": "explicit",
                "line": location.line,
            }
        else:
            return out
    out = {}
    for setting in settings:
        kind = features[setting[0]]
        if setting[3] is None and not (all_features or kind.hosting):
            continue
        out[setting[0]] = _json_setting(kind.type, setting)
    return out


def selected_by_json(rows: Iterable[RemapRow]) -> list[dict[str, Any]]:
    """The remap lines that select a plan, as compile's and matrix's JSON give them."""
    return [
        {
            "file": row.location.file,
            "line": row.location.line,
            "program_id": row.program_id,
            "offer_id": row.offer_id,
        }
        for row in rows
    ]


def plan_json(plan: ResolvedPlan, all_features: bool = True) -> dict[str, Any]:
    return {
        "name": plan.name,
        "file": plan.source,
        "selected_by": selected_by_json(plan.selected_by),
        "organization": _json_settings(ORGANIZATION, plan.organization, all_features),
        "mailbox_plans": [
            {
                "name": mailbox_plan.name,
                "index": mailbox_plan.index,
                "provision_as_default": mailbox_plan.provision_as_default,
                "is_pilot": mailbox_plan.is_pilot,
                "line": mailbox_plan.location.line,
                "settings": _json_settings(MAILBOX_PLAN, mailbox_plan.settings, all_features),
            }
            for mailbox_plan in plan.mailbox_plans
        ],
    }


def left_out_json(entry: LeftOut) -> dict[str, Any]:
    return {
        "kind": entry.kind.value,
        "name": entry.name,
        "file": entry.location.file,
        "line": entry.location.line or None,
        "reason": entry.reason,
        "rules": list(entry.rules),
    }


def _json_chunks(
    plans: Sequence[ResolvedPlan],
    options: ReportOptions,
    left_out: Sequence[LeftOut],
    all_features: bool,
) -> Iterator[bytes]:
    """The JSON document in pieces, one plan at a time: no document is built whole."""
    document = {
        **envelope(FORMAT_VERSION, options.tool_version),
        "catalog": load_catalog().name,
        "all_features": all_features,
        "plans": Stream(plan_json(plan, all_features) for plan in plans),
        "left_out": [left_out_json(entry) for entry in left_out],
    }
    return encode_stream(document)


def render_json(
    plans: Sequence[ResolvedPlan],
    options: ReportOptions,
    *,
    left_out: Sequence[LeftOut] = (),
    all_features: bool = False,
) -> str:
    return b"".join(_json_chunks(plans, options, left_out, all_features)).decode("utf-8")


def json_chunks(result: CompileResult, options: ReportOptions) -> Iterator[bytes]:
    """`compile -f json`, streamed (the registry's streaming form of `json_report`)."""
    return _json_chunks(result.plans, options, result.left_out, options.all_features)


def json_report(result: CompileResult, options: ReportOptions) -> str:
    """`compile -f json`: documented by schemas/compile-report.schema.json."""
    return b"".join(json_chunks(result, options)).decode("utf-8")


def text_report(result: CompileResult, options: ReportOptions) -> str:
    """`compile` (text): a table per scope."""
    return b"".join(text_chunks(result, options)).decode("utf-8")


def _text_value(setting: Setting, kind: str) -> str:
    value = setting.value
    if value is None:
        return UNSET_TEXT
    if kind == "bytes" and isinstance(value, int) and not isinstance(value, bool):
        return f"{collapse(setting.text or '') or format_bytes(value)} = {value:,} bytes"
    return collapse(format_value(value))  # a value written over several lines: one row


def _text_table(
    scope: str, settings: tuple[Setting, ...], indent: str, all_features: bool
) -> list[str]:
    features = load_catalog().scope(scope)
    rows = shown(scope, settings, all_features)
    width = max((len(setting.feature) for setting in rows), default=len("Feature"))
    lines = [f"{indent}{'Feature':<{width}} {'Value':<36} From"]
    for setting in rows:
        value = printable(_text_value(setting, features[setting.feature].type))
        # the file's own name: the plan's heading gives its path
        where = "default" if setting.location is None else printable(setting.location.brief())
        lines.append(f"{indent}{setting.feature:<{width}} {value:<36} {where}")
    return lines


def _mailbox_heading(plan: ResolvedMailboxPlan) -> str:
    flags = ", default" if plan.provision_as_default else ""
    flags += ", pilot" if plan.is_pilot else ""
    name = printable(repr(plan.name))
    return f"  Mailbox plan {name} (index {plan.index}{flags}, line {plan.location.line})"


def _left_out_line(entry: LeftOut) -> str:
    where = str(entry.location)
    what = {
        LeftOutKind.PLAN: f"plan {entry.name}  ({where})",
        LeftOutKind.REMAP: f"remap {where}",
        LeftOutKind.REMAP_LINE: f"remap line {where}",
        LeftOutKind.SELECTION: "the pair asked for",
    }[entry.kind]
    rules = f" [{', '.join(entry.rules)}]" if entry.rules else ""
    return f"  {printable(what)}: {printable(entry.reason)}{rules}"


def _names(entry: LeftOut, plan: ResolvedPlan) -> bool:
    return (entry.name or "").casefold() == plan.name.casefold()


def render_text(
    plans: tuple[ResolvedPlan, ...],
    options: ReportOptions,
    *,
    left_out: Sequence[LeftOut] = (),
    all_features: bool = False,
) -> str:
    return b"".join(_text_chunks(plans, left_out, all_features)).decode("utf-8")


def text_chunks(result: CompileResult, options: ReportOptions) -> Iterator[bytes]:
    """`compile` (text), streamed a plan at a time (the registry's form of `text_report`)."""
    return _text_chunks(result.plans, result.left_out, options.all_features)


def _lines(lines: list[str]) -> bytes:
    return "".join(f"{line}\n" for line in lines).encode("utf-8")


def _text_chunks(
    plans: Sequence[ResolvedPlan], left_out: Sequence[LeftOut], all_features: bool
) -> Iterator[bytes]:
    unread = ", ".join(e.location.file for e in left_out if e.kind is LeftOutKind.REMAP)
    for plan in plans:
        lines = [f"{printable(plan.name)}  ({printable(plan.source)})"]
        for row in plan.selected_by:
            pair = printable(f"{row.location} ({row.program_id}, {row.offer_id})")
            lines.append(f"  selected by {pair}")
        if not plan.selected_by and unread:
            lines.append(f"  selected by: not known ({printable(unread)} could not be read)")
        elif not plan.selected_by:
            lines.append("  selected by no remap line")
        for entry in left_out:
            if entry.kind is LeftOutKind.REMAP_LINE and _names(entry, plan):
                lines.append(
                    f"  not counted: {printable(str(entry.location))}, a line with an error"
                )
        lines += ["", "  Organization"]
        lines += _text_table(ORGANIZATION, plan.organization, "    ", all_features)
        for mailbox_plan in plan.mailbox_plans:
            lines += ["", _mailbox_heading(mailbox_plan)]
            lines += _text_table(MAILBOX_PLAN, mailbox_plan.settings, "    ", all_features)
        lines.append("")
        yield _lines(lines)
    lines = []
    if left_out:
        lines += ["Left out (the findings on standard error say why):"]
        lines += [_left_out_line(entry) for entry in left_out]
        lines.append("")
    if plans and not all_features:
        lines.append(
            "Datacenter-only features left at their default are not shown (--all-features)."
        )
    summary = f"{plural(len(plans), 'plan')} compiled"
    skipped = sum(1 for entry in left_out if entry.kind is LeftOutKind.PLAN)
    if skipped:
        summary += f", {plural(skipped, 'plan')} left out"
    if any(entry.kind is LeftOutKind.SELECTION for entry in left_out):
        summary += ", the pair asked for not resolved"
    lines.append(summary)
    yield _lines(lines)
