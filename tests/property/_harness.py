"""What the property tests share: the profile, the strategies (mutated samples, remaps,
inventories), the in-process runner, and the checks every command's answer must pass."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from serviceplan.catalog import load_catalog
from serviceplan.cli import main

PROFILE_NAME = os.environ.get("SERVICEPLAN_HYPOTHESIS_PROFILE", "fast")
if PROFILE_NAME not in ("fast", "long"):
    raise ValueError(f"SERVICEPLAN_HYPOTHESIS_PROFILE is fast or long, not {PROFILE_NAME!r}")
PROFILE = settings.get_profile(f"serviceplan-{PROFILE_NAME}")  # registered in conftest.py
LONG = PROFILE_NAME == "long"

CATALOG = load_catalog()
FEATURES = sorted({feature.name for feature in CATALOG.features})
_BUNDLED = resources.files("serviceplan.serviceplans")
SAMPLES: list[tuple[str, bytes]] = sorted(
    (p.name, p.read_bytes()) for p in _BUNDLED.iterdir() if p.name.endswith(".serviceplan")
)
REMAP_NAME = "ServicePlanHostingRemap.csv"
SAMPLE_REMAP = (_BUNDLED / REMAP_NAME).read_bytes()
PLAN_NAMES = [name.removesuffix(".serviceplan") for name, _ in SAMPLES]


# --- running a command in-process ------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    command: str
    argv: list[str]
    code: int
    out: str
    err: str

    def __str__(self) -> str:
        return (
            f"{self.argv}\nexit {self.code}\nstdout: {self.out[:3000]!r}\n"
            f"stderr: {self.err[:3000]!r}"
        )


class _Stdin(io.StringIO):
    """Standard input with nothing on it (`-` reads sys.stdin.buffer)."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self.buffer = io.BytesIO(data)


def invoke(command: str, argv: list[str], cwd: Path | None = None, stdin: bytes = b"") -> Answer:
    """`serviceplan ARGV` through `serviceplan.cli.main`, stdout and stderr captured."""
    out, err = io.StringIO(), io.StringIO()
    previous, previous_stdin = Path.cwd(), sys.stdin
    try:
        if cwd is not None:
            os.chdir(cwd)
        sys.stdin = _Stdin(stdin)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    finally:
        sys.stdin = previous_stdin
        os.chdir(previous)
    return Answer(command, argv, code, out.getvalue(), err.getvalue())


def check_answer(answer: Answer, *, json_out: bool = False) -> Any:
    """Exit 0, 1 or 2; never a traceback or an internal error; exit 2 with a message; JSON
    that parses when JSON was asked for. Returns the parsed JSON (None when not JSON)."""
    assert answer.code in (0, 1, 2), answer
    for stream in (answer.out, answer.err):
        assert "Traceback" not in stream, answer
        assert "internal error" not in stream, answer
    if answer.code == 2:
        first = answer.err.strip().splitlines()[0] if answer.err.strip() else ""
        usage = "Error:" in answer.err  # click's own usage errors
        assert first.startswith("serviceplan: error: ") or usage, answer
        assert len(answer.err.strip()) > len("serviceplan: error: "), answer
    with contextlib.suppress(InvalidArgument):  # outside a hypothesis test: no events
        event(f"{answer.command}: exit {answer.code}")
    if json_out and answer.out.strip():
        try:
            return json.loads(answer.out)
        except json.JSONDecodeError as error:
            raise AssertionError(f"stdout is not JSON ({error})\n{answer}") from None
    return None


def line_count(data: bytes, *, end_of_file: bool = True) -> int:
    """The last line a finding may name: CRLF, LF and a lone CR each end a line. With
    `end_of_file`, the end of a file after its final line break starts one more (where an
    editor's cursor lands, and where the XML parser reports what a truncated file lacks)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = data.decode("utf-16", errors="replace").encode("utf-8")
    lines = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    if not end_of_file and len(lines) > 1 and not lines[-1]:
        lines.pop()
    return len(lines)


def check_lines(document: Any, files: dict[str, bytes]) -> None:
    """Every finding's line exists in the file it names."""
    if not isinstance(document, dict):
        return
    for finding in document.get("findings", []):
        name = Path(finding["file"]).name
        line = int(finding.get("line") or 0)
        if line and name in files:
            assert line <= line_count(files[name]), (finding, line_count(files[name]))


# --- strategies: plans -----------------------------------------------------------------------

VALUES = [
    "true",
    "false",
    "1",
    "0",
    "True",
    " true ",
    "",
    " ",
    "Unlimited",
    "unlimited",
    "10GB",
    "1.5GB",
    "100 MB",
    "1048576KB",
    "10TB",
    "99999999999999999999GB",
    "1.00:00:00",
    "25:00:00",
    "-1.00:00:00",
    "99999999",
    "-5",
    "2147483648",
    "4294967296",
    "1e3",
    "0x10",
    "١٢٣",
    "EhfAC",
    "&amp;",
    "&#0;",
    "&#x1F600;",
    "&lt;b&gt;",
    "]]>",
    "<![CDATA[true]]>",
    "\u00a0true",
    "x" * 300,
    "9" * 5000,
    "\ufeff",
    "true\u2028",
    "null",
]
SNIPPETS = [
    b"<!DOCTYPE Configuration>",
    b'<!DOCTYPE x [<!ENTITY a "b">]>',
    b"&a;",
    b"&#0;",
    b"&#x110000;",
    b"<![CDATA[",
    b"]]>",
    b"<?pi x?>",
    b"<!--",
    b"-->",
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\r",
    b"\r\n",
    b"<a>" * 40,
    b"</MailboxPlan>",
    b"<MailboxPlan>",
    b"<Organization>",
    b'xmlns="urn:x"',
    b'xmlns:xi="http://www.w3.org/2001/XInclude"',
    b"\xc3\x28",
    b"\xed\xa0\x80",
    b"<MailboxPlan/>",
    b' MailboxPlanIndex="1"',
    b' Name=""',
    b' ProvisionAsDefault="true"',
]
_VALUE = re.compile(rb">([^<>]*)<")
_TAG = re.compile(rb"<(/?)([A-Za-z_][\w.-]*)")
_ATTRIBUTE = re.compile(rb'([A-Za-z_][\w:.-]*)="([^"]*)"')


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


@st.composite
def _drop_line(draw: st.DrawFn, data: bytes) -> bytes:
    lines = _lines(data)
    del lines[draw(st.integers(0, len(lines) - 1))]
    return b"\n".join(lines)


@st.composite
def _duplicate_line(draw: st.DrawFn, data: bytes) -> bytes:
    lines = _lines(data)
    i = draw(st.integers(0, len(lines) - 1))
    lines.insert(draw(st.integers(0, len(lines))), lines[i])
    return b"\n".join(lines)


@st.composite
def _reorder_lines(draw: st.DrawFn, data: bytes) -> bytes:
    lines = _lines(data)
    i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
    lines[i], lines[j] = lines[j], lines[i]
    return b"\n".join(lines)


@st.composite
def _retype_value(draw: st.DrawFn, data: bytes) -> bytes:
    spans = [m.span(1) for m in _VALUE.finditer(data) if m.group(1).strip()]
    if not spans:
        return data
    start, end = draw(st.sampled_from(spans))
    value = draw(st.sampled_from(VALUES) | st.text(max_size=12)).encode("utf-8")
    return data[:start] + value + data[end:]


@st.composite
def _retype_attribute(draw: st.DrawFn, data: bytes) -> bytes:
    spans = [m.span(2) for m in _ATTRIBUTE.finditer(data)]
    if not spans:
        return data
    start, end = draw(st.sampled_from(spans))
    value = draw(st.sampled_from([*VALUES, "128", "-129", "0", "A"]) | st.text(max_size=8))
    return data[:start] + value.replace('"', "&quot;").encode("utf-8") + data[end:]


@st.composite
def _truncate(draw: st.DrawFn, data: bytes) -> bytes:
    return data[: draw(st.integers(0, len(data)))]


@st.composite
def _rename_tag(draw: st.DrawFn, data: bytes) -> bytes:
    tags = list(_TAG.finditer(data))
    if not tags:
        return data
    chosen = draw(st.sampled_from(tags))
    old = chosen.group(2)
    new = draw(
        st.sampled_from(
            [
                *FEATURES,
                "MailboxPlan",
                "Organization",
                "Foo",
                "xi:include",
                "Configuration",
                "MailboxPlans",
            ]
        )
    ).encode()
    if draw(st.booleans()):  # every occurrence: the file stays well-formed
        return re.sub(rb"(</?)" + re.escape(old) + rb"(?=[\s/>])", rb"\g<1>" + new, data)
    start, end = chosen.span(2)
    return data[:start] + new + data[end:]


@st.composite
def _insert_bytes(draw: st.DrawFn, data: bytes) -> bytes:
    at = draw(st.integers(0, len(data)))
    snippet = draw(st.sampled_from(SNIPPETS) | st.binary(min_size=1, max_size=16))
    return data[:at] + snippet + data[at:]


@st.composite
def _swap_case(draw: st.DrawFn, data: bytes) -> bytes:
    start = draw(st.integers(0, len(data)))
    end = draw(st.integers(start, min(len(data), start + 200)))
    return data[:start] + data[start:end].swapcase() + data[end:]


@st.composite
def _reencode(draw: st.DrawFn, data: bytes) -> bytes:
    how = draw(
        st.sampled_from(
            ["crlf", "cr", "bom", "utf16", "utf16-bom", "utf16be-bom", "latin1-declared"]
        )
    )
    if how == "crlf":
        return data.replace(b"\n", b"\r\n")
    if how == "cr":
        return data.replace(b"\n", b"\r")
    if how == "bom":
        return b"\xef\xbb\xbf" + data
    if how == "latin1-declared":
        return data.replace(b'encoding="utf-8"', b'encoding="iso-8859-1"')
    text = data.decode("utf-8", errors="replace")
    if how == "utf16":
        return text.encode("utf-16-le")
    if how == "utf16be-bom":
        return b"\xfe\xff" + text.encode("utf-16-be")
    return b"\xff\xfe" + text.encode("utf-16-le")


MUTATIONS: list[Callable[[bytes], st.SearchStrategy[bytes]]] = [
    _drop_line,
    _duplicate_line,
    _reorder_lines,
    _retype_value,
    _retype_attribute,
    _truncate,
    _rename_tag,
    _insert_bytes,
    _swap_case,
    _reencode,
]


@st.composite
def mutated(draw: st.DrawFn, data: bytes, most: int = 4) -> bytes:
    """`data` after up to `most` mutations (zero: the sample as shipped)."""
    for _ in range(draw(st.integers(0, most))):
        mutation = draw(st.sampled_from(MUTATIONS))
        data = draw(mutation(data))
    return data


@st.composite
def plan(draw: st.DrawFn) -> tuple[str, bytes]:
    """A bundled sample, mutated; its file name (sometimes another plan's, or odd)."""
    name, data = draw(st.sampled_from(SAMPLES))
    if draw(st.integers(0, 9)) == 0:
        name = draw(
            st.sampled_from(
                [
                    "x.servicePlan",
                    "A B.SERVICEPLAN",
                    "-x.serviceplan",
                    "Ünï.serviceplan",
                    ".hidden.serviceplan",
                ]
            )
        )
    return name, draw(mutated(data))


# --- strategies: the remap -------------------------------------------------------------------

_FIELD = st.one_of(
    st.sampled_from(
        [
            "Business",
            "Hosting",
            "SmallOrg",
            "MedOrg",
            "LargeOrg",
            "",
            " ",
            '"x"',
            "ProgramId",
            "OfferId",
            "ServicePlanName",
            "#",
            "=1+1",
            "@x",
            "-1",
            "+1",
            *PLAN_NAMES,
        ]
    ),
    st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=10),
)


@st.composite
def remap_line(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return ""
    if kind == 1:
        return "# " + draw(st.text(max_size=20))
    fields = draw(st.lists(_FIELD, min_size=1, max_size=8))
    line = ",".join(fields)
    if draw(st.booleans()):
        line = draw(st.sampled_from(["", " ", "\t"])) + line + draw(st.sampled_from(["", " "]))
    return line


@st.composite
def remap(draw: st.DrawFn) -> bytes:
    """Generated remap text (fields, quotes, comments, blank lines, BOM, CR), or the sample's
    mutated."""
    if draw(st.integers(0, 3)) == 0:
        return draw(mutated(SAMPLE_REMAP))
    lines = draw(st.lists(remap_line(), max_size=12))
    ends = draw(
        st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=len(lines), max_size=len(lines))
    )
    text = "".join(line + end for line, end in zip(lines, ends, strict=True))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le"]))
    return text.encode(encoding, errors="surrogatepass")


@st.composite
def plan_folder(draw: st.DrawFn) -> dict[str, bytes]:
    """One to three plans and, usually, a remap: file name -> bytes."""
    files: dict[str, bytes] = {}
    for _ in range(draw(st.integers(1, 3))):
        name, data = draw(plan())
        files[name] = data
    if draw(st.integers(0, 4)):
        files[REMAP_NAME] = draw(remap())
    return files


def write_folder(folder: Path, files: dict[str, bytes]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)


# --- strategies: tenant inventories ----------------------------------------------------------

_COLUMNS = [
    "name",
    "domain",
    "program_id",
    "offer_id",
    "location",
    "plan",
    "mailboxes",
    "mailboxes.Standard",
    "mailboxes.Premium",
    "used.MailboxCountQuota",
    "used.ProhibitSendReceiveMaiboxQuota",
    "used.ProhibitSendReceiveMailboxQuota",  # the documented spelling: the same quota
    "mailboxes.premium",
    "used.Nope",
    "used.AddressListsEnabled",
    "Name",
    "NAME",
    " name",
    "mailboxes.",
    "used.",
    "",
]
_CELL = st.one_of(
    st.sampled_from(
        [
            "Contoso",
            "contoso",
            "CONTOSO",
            "contoso.com",
            "Business",
            "SmallOrg",
            "",
            " ",
            "10",
            "0",
            "-1",
            "1.5",
            "10GB",
            "Unlimited",
            "1e3",
            "١٢٣",
            "9" * 30,
            '=HYPERLINK("x")',
            "+1",
            "-1",
            "@SUM(A1)",
            "O'Brien",
            "a\nb",
            'q"q',
            "Müller",
            "\u202e",
            "\x00",
            "true",
        ]
    ),
    st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=12),
)


def _csv_cell(value: str, quote: bool) -> str:
    if quote or any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


_NAMES = st.sampled_from(
    [
        "Contoso",
        "contoso",
        "Fabrikam",
        "Müller AG",
        "O'Brien",
        "=cmd",
        "a,b",
        'Say "hi"',
        "Line\nbreak",
        "\u202eevil",
        "x" * 200,
    ]
)


def _plausible(column: str) -> st.SearchStrategy[str]:
    """A cell that fits its column (names, pairs, counts, sizes)."""
    if column == "name":
        return _NAMES
    if column == "domain":
        return st.sampled_from(["contoso.com", "fabrikam.example", "xn--mller-kva.example"])
    if column in ("program_id", "offer_id"):
        return st.sampled_from(["Business", "SmallOrg", "MedOrg", "Hosting", " Business "])
    if column.startswith(("mailboxes", "used.")):
        return st.integers(0, 10**6).map(str) | st.sampled_from(["10GB", "Unlimited", ""])
    return _CELL


@st.composite
def inventory_csv(draw: st.DrawFn) -> str:
    columns = draw(st.lists(st.sampled_from(_COLUMNS), min_size=0, max_size=9))
    if draw(st.integers(0, 3)):
        columns = ["name", "domain", "program_id", "offer_id", *columns]
    rows = [columns]
    for _ in range(draw(st.integers(0, 8))):
        row = [draw(_plausible(c) if draw(st.integers(0, 5)) else _CELL) for c in columns]
        width = len(columns) + draw(st.sampled_from([0, 0, 0, -1, 1]))
        rows.append([*row, draw(_CELL)][: max(0, width)])
    end = draw(st.sampled_from(["\n", "\r\n"]))
    text = end.join(",".join(_csv_cell(c, draw(st.booleans())) for c in row) for row in rows)
    if draw(st.integers(0, 9)) == 0:
        text += '"unterminated'
    if draw(st.integers(0, 5)) == 0:  # Windows PowerShell's Export-Csv starts with its #TYPE
        text = draw(st.sampled_from(["#TYPE System.Object", '#TYPE a,"b'])) + end + text
    return text + draw(st.sampled_from(["", end]))


_JSON_SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    _CELL,
)
_JSON = st.recursive(
    _JSON_SCALAR,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(_COLUMNS), inner, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def inventory_jsonl(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.integers(0, 9))
        if kind == 0:
            lines.append(
                draw(
                    st.sampled_from(
                        [
                            "",
                            "[]",
                            "null",
                            "{",
                            '{"name": NaN}',
                            "[" * 3000 + "]" * 3000,
                            "1" * 5000,
                        ]
                    )
                )
            )
            continue
        base = {
            "name": draw(_NAMES | _CELL),
            "domain": draw(_plausible("domain")),
            "program_id": "Business",
            "offer_id": draw(st.sampled_from(["SmallOrg", "MedOrg", ""])),
        }
        extra = draw(st.dictionaries(st.sampled_from(_COLUMNS), _JSON, max_size=3))
        if draw(st.booleans()):
            extra["mailboxes"] = {"Standard": draw(_JSON_SCALAR)}
        if kind == 1:
            base.pop(draw(st.sampled_from(sorted(base))))
        lines.append(json.dumps({**base, **extra}, ensure_ascii=draw(st.booleans())))
    return "\n".join(lines)


@st.composite
def inventory_file(draw: st.DrawFn) -> tuple[str, bytes]:
    """An inventory's file name and bytes: CSV or JSONL, in one of the encodings it meets."""
    if draw(st.booleans()):
        name, text = draw(st.sampled_from(["tenants.csv", "tenants.txt"])), draw(inventory_csv())
    else:
        name, text = (
            draw(st.sampled_from(["tenants.jsonl", "tenants.json", "tenants"])),
            draw(inventory_jsonl()),
        )
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-16-le"]))
    data = text.encode(encoding, errors="surrogatepass")
    if draw(st.integers(0, 9)) == 0:
        data = draw(mutated(data, most=2))
    return name, data
