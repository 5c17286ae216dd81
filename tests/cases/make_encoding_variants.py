"""Regenerate the enc-* cases from enc-utf8-plain: `python tests/cases/make_encoding_variants.py`.

Every variant holds the same broken plan, saved with another encoding or other line ends, and
expects exactly the findings (rules, files and lines) of enc-utf8-plain. The files are binary on
purpose; .gitattributes marks tests/cases as -text so git never rewrites their line ends.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

CASES = Path(__file__).resolve().parent
REFERENCE = CASES / "enc-utf8-plain"
PLAN = "SmallBusiness.serviceplan"
BOM = "\ufeff"


def _utf16(text: str, codec: str) -> bytes:
    return (BOM + text.replace('encoding="utf-8"', 'encoding="utf-16"', 1)).encode(codec)


VARIANTS = {
    "enc-utf8-bom": ("UTF-8 with a byte order mark.", lambda t: (BOM + t).encode("utf-8")),
    "enc-utf8-crlf": ("UTF-8 with CRLF line ends.", lambda t: t.replace("\n", "\r\n").encode()),
    "enc-utf8-bom-crlf": (
        "UTF-8 with BOM and CRLF.",
        lambda t: (BOM + t.replace("\n", "\r\n")).encode("utf-8"),
    ),
    "enc-utf8-cr-only": (
        "UTF-8 with classic Mac CR-only line ends (a line break in XML 1.0, section 2.11).",
        lambda t: t.replace("\n", "\r").encode("utf-8"),
    ),
    "enc-utf16le-bom": ("UTF-16 LE with BOM, declaring utf-16.", lambda t: _utf16(t, "utf-16-le")),
    "enc-utf16le-bom-crlf": (
        "UTF-16 LE with BOM and CRLF (Notepad's 'Unicode').",
        lambda t: _utf16(t.replace("\n", "\r\n"), "utf-16-le"),
    ),
    "enc-utf16be-bom": ("UTF-16 BE with BOM, declaring utf-16.", lambda t: _utf16(t, "utf-16-be")),
}
XFAIL = {
    "enc-utf8-cr-only": (
        "libxml2 counts lines on LF only, so with CR-only line ends every finding is "
        "reported on line 1"
    ),
}
PREFIX = (
    "The same broken plan (non-ASCII comment, unknown EwsPermission, PopEnabled 'oui', "
    "no mailbox size) as "
)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main() -> None:
    text = (REFERENCE / PLAN).read_bytes().decode("utf-8")
    assert "\r" not in text and not text.startswith(BOM), "the reference must be plain UTF-8 + LF"
    with (REFERENCE / "expect.toml").open("rb") as handle:
        findings = tomllib.load(handle)["findings"]
    for name, (what, encode) in VARIANTS.items():
        folder = CASES / name
        folder.mkdir(exist_ok=True)
        (folder / PLAN).write_bytes(encode(text))
        lines = [f"description = {_quote(PREFIX + what)}", "exit = 1"]
        if name in XFAIL:
            lines.append(f"xfail = {_quote(XFAIL[name])}")
        lines.append("findings = [")
        lines += [f"  [{_quote(rule)}, {_quote(file)}, {line}]," for rule, file, line in findings]
        lines.append("]")
        (folder / "expect.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
