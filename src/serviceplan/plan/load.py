"""Read plan XML and the remap as hostile input: no DTD, no entities, no network, size caps."""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path

from lxml import etree

from ..collector import gc_paused
from ..errors import InputError
from ..model import (
    FeatureElement,
    Finding,
    Location,
    MailboxPlanElement,
    PlanDocument,
    RemapRow,
    RemapTable,
    base_name,
)
from ..rules.registry import rule
from .schema import safe_parser

DEFAULT_MAX_FILE_SIZE = 1 << 20
PLAN_SUFFIX = ".serviceplan"

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# A DOCTYPE can only stand in the prolog: after the declaration, comments, PIs and space.
_PROLOG_DOCTYPE = re.compile(
    rb"\A\s*(?:<\?(?:[^?]|\?(?!>))*\?>\s*|<!--(?:[^-]|-(?!->))*-->\s*)*<!DOCTYPE"
)
_BAD_ENCODING_MESSAGES = ("not proper UTF-8", "Invalid bytes in character encoding")
_DECLARED_ENCODING_BYTES = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*(["'])([A-Za-z0-9._-]*)\1""")
_ACCEPTED_ENCODINGS = {b"utf-8", b"utf8", b"utf-16", b"utf16"}
_LONE_CR = re.compile(rb"\r(?!\n)")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_DECLARED_ENCODING = re.compile(r"""^(<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")
_PARSER = safe_parser(keep_comments=False)
# lxml appends the error's own position to libxml2's message: the location carries it
_LXML_POSITION = re.compile(r", line [0-9]+, column [0-9]+$")


def read_input(path: Path | None, display: str, max_size: int, stdin: bytes = b"") -> bytes:
    """The bytes of one input, refusing files above `max_size` without reading them whole."""
    if path is None:
        data = stdin
    else:
        try:
            data = _read_capped(path, max_size)
        except OSError as error:
            raise InputError(f"{display}: cannot read: {error.strerror or error}") from error
    if len(data) > max_size:
        raise TooLarge(display, max_size)
    return data


def _read_capped(path: Path, max_size: int) -> bytes:
    """At most `max_size + 1` bytes, with raw system calls (this runs once per plan).

    Only a regular file is read: a FIFO would block (it is opened without blocking, then
    refused), /dev/zero or a terminal would be read up to the cap for nothing."""
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    descriptor = os.open(path, flags)
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        # size the first read from fstat, not from the cap (that would allocate 1 MiB a
        # file); st_size 0 may be a file being written, and the cap bounds every read
        request = min(status.st_size, max_size) + 1
        if request == 1:
            request = max_size + 1
        chunks: list[bytes] = []
        total = 0
        while total <= max_size:
            chunk = os.read(descriptor, request)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            request = max_size + 1 - total
        return b"".join(chunks)
    finally:
        os.close(descriptor)


class TooLarge(InputError):
    """A file over the cap: an error for a command that must read it whole (fmt, the
    inventory); validation catches it and reports its finding (SP003) instead."""

    def __init__(self, display: str, max_size: int) -> None:
        self.finding = rule("file-too-large").finding(
            f"the file is larger than the {max_size:,}-byte cap", Location(display)
        )
        super().__init__(f"{display}: {self.finding.message}", hint=self.finding.hint)


def to_utf8(data: bytes, source: str) -> tuple[bytes, list[Finding]]:
    """UTF-8 bytes with LF line ends for the parser: BOMs stripped, UTF-16 (with BOM)
    transcoded, any other declared encoding refused."""
    if data.startswith(_UTF16_BOMS):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            return b"", [_bad_encoding(source, f"invalid UTF-16: {error.reason}")]
        # the declaration may still say utf-16; the bytes we hand on are UTF-8
        data = _DECLARED_ENCODING.sub(r"\1\2utf-8\2", text, count=1).encode("utf-8")
    elif data.startswith(_UTF8_BOM):
        data = data[3:]
    elif data[:2] in (b"<\x00", b"\x00<"):
        return b"", [_bad_encoding(source, "UTF-16 without a byte order mark")]
    declared = _DECLARED_ENCODING_BYTES.match(data)
    if declared is not None and declared[2].lower() not in _ACCEPTED_ENCODINGS:
        detail = f"the file declares {declared[2].decode('ascii')}; plans are UTF-8 or UTF-16"
        return b"", [_bad_encoding(source, detail)]
    if b"\r" in data:  # libxml2 counts lines on LF only; XML reads a lone CR as LF anyway
        data = _LONE_CR.sub(b"\n", data)
    return data, []


def _bad_encoding(source: str, detail: str) -> Finding:
    return rule("bad-encoding").finding(
        f"unreadable text encoding: {detail}", Location(source, 1, 1)
    )


def parse_plan_xml(data: bytes, source: str) -> tuple[etree._Element | None, list[Finding]]:
    """Parse safely; a syntax error, a DOCTYPE or a bad encoding is a finding, not an exception."""
    data, findings = to_utf8(data, source)
    if findings:
        return None, findings
    mentions_doctype = b"<!DOCTYPE" in data
    doctype = _PROLOG_DOCTYPE.match(data) if mentions_doctype else None
    if doctype is not None:  # refused before parsing: nothing in it is ever looked at
        return None, [_doctype_finding(data, doctype.end() - len(b"<!DOCTYPE"), source)]
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as error:
        return None, _syntax_findings(error, source)
    if mentions_doctype and root.getroottree().docinfo.doctype:
        return None, [_doctype_finding(data, 0, source)]
    return root, []


def _doctype_finding(data: bytes, offset: int, source: str) -> Finding:
    line = data.count(b"\n", 0, offset) + 1
    return rule("doctype-forbidden").finding(
        "a DOCTYPE is not allowed in a plan file", Location(source, line)
    )


def _syntax_findings(error: etree.XMLSyntaxError, source: str) -> list[Finding]:
    # the exception carries this file's first fatal error; the shared parser's log does not
    message = _LXML_POSITION.sub("", error.msg or str(error))
    # lxml's `offset` is libxml2's 1-based column less one (0 for column 1): one convention,
    # 1-based, 0 for unknown, in every output (README "Lines and columns")
    line = error.lineno or 0
    column = error.offset + 1 if error.offset is not None and error.offset >= 0 else 0
    encoding = any(text in message for text in _BAD_ENCODING_MESSAGES)
    name = "bad-encoding" if encoding else "not-well-formed"
    hint = (
        "libxml2 refuses this without huge_tree, which we keep off: the file is not a plan"
        if "huge" in message.lower() or "depth" in message.lower() or "too long" in message
        else ""
    )
    return [rule(name).finding(message, Location(source, line, column), hint=hint)]


def _children(element: etree._Element) -> list[etree._Element]:
    return [child for child in element if isinstance(child.tag, str)]


def _features(parent: etree._Element) -> tuple[FeatureElement, ...]:
    return tuple(
        FeatureElement(
            child.tag,
            # a comment inside the value must not cut it short
            (child.text or "") if len(child) == 0 else "".join(child.itertext()),
            child.sourceline or 0,
            len(child) > 0 and bool(_children(child)),
        )
        for child in parent
        if isinstance(child.tag, str)
    )


def build_document(root: etree._Element, source: str, plan_name: str) -> PlanDocument:
    """The plan as written; structure the schema rejects is kept for the rules to explain."""
    organization = mailbox_plans = None
    for child in _children(root):
        if child.tag == "Organization" and organization is None:
            organization = child
        elif child.tag == "MailboxPlans" and mailbox_plans is None:
            mailbox_plans = child
    plans = []
    if mailbox_plans is not None:
        position = 0
        for element in _children(mailbox_plans):
            if element.tag != "MailboxPlan":
                continue
            position += 1
            path = f"/Configuration/MailboxPlans/MailboxPlan[{position}]"
            plans.append(
                MailboxPlanElement(
                    name=element.get("Name"),
                    index=element.get("MailboxPlanIndex"),
                    provision_as_default=element.get("ProvisionAsDefault"),
                    is_pilot=element.get("IsPilotMailboxPlan"),
                    features=_features(element),
                    location=Location(source, element.sourceline or 0),
                    path=path,
                )
            )

    def where(element: etree._Element | None) -> Location | None:
        return None if element is None else Location(source, element.sourceline or 0)

    return PlanDocument(
        source=source,
        plan_name=plan_name,
        location=Location(source, root.sourceline or 0),
        organization=(None if organization is None else _features(organization)),
        organization_location=where(organization),
        mailbox_plans=tuple(plans),
        mailbox_plans_location=where(mailbox_plans),
    )


def plan_name_of(path: str) -> str:
    """Exchange names a plan after its file's base name; the extension's case does not matter."""
    name = base_name(path)
    if name.lower().endswith(PLAN_SUFFIX):
        return name[: -len(PLAN_SUFFIX)]
    stem, dot, _ = name.rpartition(".")
    return stem if dot and stem else name


def decode_text(data: bytes, source: str) -> tuple[str, list[Finding]]:
    """Text of a CSV-like input: UTF-8 (BOM optional) or UTF-16 with BOM."""
    codec = "utf-16" if data.startswith(_UTF16_BOMS) else "utf-8-sig"
    try:
        return data.decode(codec), []
    except UnicodeDecodeError as error:
        # the line breaks of the text before the bad bytes (UTF-16's are two bytes each)
        before = data[: error.start].decode(codec, errors="replace")
        line = len(_LINE_BREAK.findall(before)) + 1
        name = "UTF-16" if codec == "utf-16" else "UTF-8"
        return "", [
            rule("bad-encoding").finding(
                f"not valid {name} at byte {error.start}: {error.reason}", Location(source, line)
            )
        ]


def split_lines(text: str) -> list[str]:
    """Lines ended by CRLF, LF or CR only, as Exchange (.NET's ReadLine) reads them: not at the
    form feeds, U+0085 or U+2028 that str.splitlines also splits at."""
    lines = _LINE_BREAK.split(text)
    if lines[-1] == "":
        lines.pop()
    return lines


def parse_remap(text: str, source: str) -> RemapTable:
    """Exchange's reading: lines trimmed, blank and # lines skipped, commas split, no quoting."""
    rows = []
    # the rows are acyclic: a megabyte of lines is 500,000 rows, and the collector's passes
    # over them doubled the time to read them, freeing nothing
    with gc_paused():
        for number, line in enumerate(split_lines(text), start=1):
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            fields = tuple(map(str.strip, stripped.split(",")))
            rows.append(RemapRow(fields, Location(source, number)))
    return RemapTable(source, tuple(rows))
