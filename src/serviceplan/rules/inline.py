"""Inline suppression: `<!-- serviceplan: ignore SP405 -->` in a plan file.

The comment applies to the element that follows it (findings on that element's lines), or to
the whole file when it stands before the root element. Rules are named as in the project
configuration (ids, id prefixes, names), comma- or space-separated. A comment that would
suppress nothing (an unknown rule, no rule, no element after it) is itself a finding (SP008),
so a typo never silently keeps a finding that was meant to go, or hides one that was not.

Comments are read in a second parse, only for files that hold `serviceplan:` at all: the
parse every plan gets drops comments (validation never needs them), and the fast and the
explained path both hand their findings to the same screen, so the two always agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from lxml import etree

from ..errors import ServicePlanError
from ..files.inputs import is_plan_name
from ..model import Finding, Location
from ..plan.load import DEFAULT_MAX_FILE_SIZE, read_input, to_utf8
from ..plan.schema import safe_parser
from .registry import rule
from .selection import RuleSelection, SelectorError, Suppressions, screen, suppressible

MARKER = "serviceplan:"
_MARKERS = (MARKER.encode(), MARKER.encode("utf-16-le"), MARKER.encode("utf-16-be"))
_SEPARATORS = re.compile(r"[\s,]+")
_PARSER = safe_parser(keep_comments=True)
_INVALID = rule("invalid-suppression")


def read_suppressions(data: bytes, source: str) -> tuple[Suppressions | None, list[Finding]]:
    """The file's suppression comments, and a finding for each one that suppresses nothing.
    None when there is none (or the file does not parse: its own findings say why)."""
    if not any(marker in data for marker in _MARKERS):
        return None, []
    text, problems = to_utf8(data, source)
    if problems or b"<!DOCTYPE" in text:  # the plan's own parse reports these
        return None, []
    try:
        root = etree.fromstring(text, _PARSER)
    except etree.XMLSyntaxError:
        return None, []
    whole: set[str] = set()
    spans: list[tuple[int, int, frozenset[str]]] = []
    findings: list[Finding] = []
    for comment, place in _comments(root):
        body = (comment.text or "").strip()
        if not body.startswith(MARKER):
            continue
        at = Location(source, comment.sourceline or 0)
        ids = _rules(body[len(MARKER) :], at, findings)
        if place == "before":
            whole |= ids
        elif place == "after":
            findings.append(_nothing_after(at, "the root element"))
        else:
            element = _next_element(comment)
            if element is None:
                parent = comment.getparent()
                findings.append(_nothing_after(at, f"its last element in <{parent.tag}>"))
            elif ids:
                last = max(node.sourceline or 0 for node in element.iter())
                spans.append((element.sourceline or 0, last, ids))
    if not whole and not spans:
        return None, findings
    return Suppressions(frozenset(whole), tuple(spans)), findings


def _comments(root: etree._Element) -> Iterator[tuple[etree._Element, str]]:
    """Every comment with where it stands: before the root, after it, or inside."""
    for node in root.itersiblings(preceding=True):
        if node.tag is etree.Comment:
            yield node, "before"
    for node in root.iter(etree.Comment):
        yield node, "inside"
    for node in root.itersiblings():
        if node.tag is etree.Comment:
            yield node, "after"


def _next_element(comment: etree._Element) -> etree._Element | None:
    node = comment.getnext()
    while node is not None and not isinstance(node.tag, str):  # other comments, PIs
        node = node.getnext()
    return node


def _rules(text: str, at: Location, findings: list[Finding]) -> frozenset[str]:
    words = [word for word in _SEPARATORS.split(text.strip()) if word]
    if not words or words[0] != "ignore":
        said = f"{words[0]!r}" if words else "nothing"
        findings.append(
            _INVALID.finding(f"a serviceplan: comment says {said}, not ignore RULE...", at)
        )
        return frozenset()
    if len(words) == 1:
        findings.append(_INVALID.finding("a serviceplan: ignore comment that names no rule", at))
    ids: set[str] = set()
    for word in words[1:]:
        try:
            ids |= suppressible(word)
        except SelectorError as error:
            message = f"serviceplan: ignore {word}: {error.message}; it suppresses nothing"
            findings.append(_INVALID.finding(message, at, hint=error.hint or _INVALID.hint))
    return frozenset(ids)


def _nothing_after(at: Location, where: str) -> Finding:
    return _INVALID.finding(
        f"this serviceplan: ignore comment stands after {where}, so it suppresses nothing", at
    )


class Screen:
    """One command's screen: the rule selection, and the inline suppressions of every plan it
    read (`read`), or, for a finding in a plan it did not read (SP405 on a plan beside a
    remap), of that file read from disk."""

    def __init__(
        self,
        rules: RuleSelection,
        inline: Mapping[str, Suppressions | None] | None = None,
        max_file_size: int = DEFAULT_MAX_FILE_SIZE,
    ) -> None:
        self.rules = rules
        self.inline: dict[str, Suppressions | None] = dict(inline or {})
        self.max_file_size = max_file_size
        self.suppressed = 0

    def read(self, data: bytes, source: str) -> list[Finding]:
        """Note the plan's suppressions; the findings about its suppression comments."""
        self.inline[source], findings = read_suppressions(data, source)
        return findings

    def __call__(self, findings: Iterable[Finding]) -> list[Finding]:
        findings = list(findings)
        for file in {f.location.file for f in findings} - self.inline.keys():
            self.inline[file] = self._from_disk(file) if is_plan_name(file) else None
        screened = screen(findings, self.rules, self.inline)
        self.suppressed += screened.suppressed
        return list(screened.findings)

    def _from_disk(self, file: str) -> Suppressions | None:
        try:
            return read_suppressions(read_input(Path(file), file, self.max_file_size), file)[0]
        except ServicePlanError:  # unreadable: no suppressions (its own check says why)
            return None
