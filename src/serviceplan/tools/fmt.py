"""A plan's canonical text: features in the catalogue's order, one layout, comments kept.

The canonical form (what `serviceplan fmt` writes):

- UTF-8, LF line ends, a final newline, and `<?xml version="1.0" encoding="utf-8"?>` first.
- One element per line, indented by two spaces a level; a container without children is
  written `<Name/>`, a feature `<Name>value</Name>` (`<Name/>` when empty).
- `Configuration` holds `Organization` then `MailboxPlans`. Organization features are in the
  catalogue's Organization order, each mailbox plan's in its MailboxPlan order; mailbox plans
  keep their order.
- Attributes: namespace declarations first, then `Version`, `Name` on Configuration and `Name`,
  `MailboxPlanIndex`, `ProvisionAsDefault`, `IsPilotMailboxPlan` on a MailboxPlan, then every
  other attribute in document order. Attribute values are kept exactly.
- Values are trimmed, except a string feature's: xs:string keeps its spaces, so they are part of
  the setting. Nothing else in a value changes (`1` stays `1`).
- A comment (or processing instruction) belongs to the element that follows it in the same
  parent and moves with it; one inside a feature's value goes just before that feature; those
  at the end of a parent stay at its end, those before or after the root stay there. Comment
  text is kept exactly.

Only a file whose structure is a plan can be placed in that order: anything else (not
well-formed, another root, unknown or duplicate elements, text between elements) is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from ..catalog import MAILBOX_PLAN, ORGANIZATION, Catalog
from ..errors import InputError
from ..plan.load import parse_plan_xml, to_utf8
from ..plan.schema import safe_parser

DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'
INDENT = "  "
ROOT = "Configuration"
SECTIONS = (ORGANIZATION, "MailboxPlans")
_LEADING_ATTRIBUTES = {
    ROOT: ("Version", "Name"),
    MAILBOX_PLAN: ("Name", "MailboxPlanIndex", "ProvisionAsDefault", "IsPilotMailboxPlan"),
}
_XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
# a literal tab or line end in an attribute would read back as a space
_ATTRIBUTE_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\t": "&#9;",
        "\n": "&#10;",
        "\r": "&#13;",
    }
)
_PARSER = safe_parser(keep_comments=True)
MAX_ATTRIBUTES = 64  # on one element; a plan's have at most four
_HINT = "fmt places features by the catalogue, so it only formats files whose structure is a plan"


@dataclass(frozen=True, slots=True)
class _Block:
    """An element with the comments written before it: they move together."""

    leading: tuple[str, ...]  # comments and PIs, already serialised
    element: etree._Element


def format_plan(data: bytes, source: str, catalog: Catalog) -> bytes:
    """The canonical bytes of a plan file; InputError when it is not a plan to format."""
    _, findings = parse_plan_xml(data, source)  # the project's checks: encoding, DOCTYPE, syntax
    if findings:
        first = findings[0]
        raise _refusal(str(first.location), first.message)
    utf8, _ = to_utf8(data, source)  # its findings were among those above
    try:
        root = etree.fromstring(utf8, _PARSER)
    except etree.XMLSyntaxError as error:  # parse_plan_xml already accepted it: defensive
        raise _refusal(f"{source}:{error.lineno or 0}", error.msg or str(error)) from error
    formatter = _Formatter(catalog, source)
    if root.tag != ROOT:
        raise formatter.refuse(root, f"the root element is <{root.tag}>, not <{ROOT}>")
    lines = [DECLARATION]
    lines += [_misc(node) for node in reversed(list(root.itersiblings(preceding=True)))]
    lines += formatter.element(root, 0, ())
    lines += [_misc(node) for node in root.itersiblings()]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _refusal(where: str, reason: str) -> InputError:
    return InputError(
        f"{where}: cannot format: {reason}; run `serviceplan validate` first", hint=_HINT
    )


class _Formatter:
    def __init__(self, catalog: Catalog, source: str) -> None:
        self.catalog = catalog
        self.source = source

    def refuse(self, element: etree._Element, reason: str) -> InputError:
        return _refusal(f"{self.source}:{element.sourceline or 0}", reason)

    def element(self, element: etree._Element, depth: int, leading: tuple[str, ...]) -> list[str]:
        """The lines of a container and what it holds, after the comments that precede it."""
        tag = element.tag
        place = self.placement(tag)
        assert place is not None  # the parent placed it, as a container
        pad = INDENT * depth
        lines = [pad + line for line in leading]
        start = self.start_tag(element)
        blocks, trailing = self.blocks(element)
        placed: list[tuple[int, _Block]] = []
        for block in blocks:
            position = place(block.element.tag)
            if position is None:
                raise self.refuse(block.element, f"<{block.element.tag}> has no place in <{tag}>")
            placed.append((position, block))
        self.refuse_duplicates(tag, blocks)
        placed.sort(key=lambda item: item[0])  # stable: mailbox plans keep their order
        if not blocks and not trailing:
            return [*lines, f"{pad}{start}/>"]
        lines.append(f"{pad}{start}>")
        for _, block in placed:
            if tag in (ORGANIZATION, MAILBOX_PLAN):
                lines += self.feature(block.element, tag, depth + 1, block.leading)
            else:
                lines += self.element(block.element, depth + 1, block.leading)
        lines += [pad + INDENT + line for line in trailing]
        lines.append(f"{pad}</{tag}>")
        return lines

    def feature(
        self, element: etree._Element, scope: str, depth: int, leading: tuple[str, ...]
    ) -> list[str]:
        """One feature line, after its comments; a comment inside the value goes with them."""
        if any(isinstance(child.tag, str) for child in element):
            raise self.refuse(element, f"the feature <{element.tag}> holds elements, not a value")
        pad = INDENT * depth
        comments = [*leading, *(_misc(child) for child in element)]
        value = "".join(element.itertext())  # text split by a comment reads whole, as load does
        if self.catalog.scope(scope)[element.tag].type != "string":
            value = value.strip()
        start, text = self.start_tag(element), value.translate(_TEXT_ESCAPES)
        line = f"{start}/>" if not text else f"{start}>{text}</{element.tag}>"
        return [pad + comment for comment in comments] + [pad + line]

    def start_tag(self, element: etree._Element) -> str:
        # lxml looks each attribute up by name: n^2 for an element with 100,000 of them
        if len(element.attrib) > MAX_ATTRIBUTES:
            raise self.refuse(element, f"<{element.tag}> has {len(element.attrib):,} attributes")
        return _start_tag(element)

    def placement(self, tag: str) -> Callable[[str], int | None] | None:
        """Where each child of a container goes (None: it has no place); None: not a container."""
        if tag == ROOT:
            return lambda child: SECTIONS.index(child) if child in SECTIONS else None
        if tag == "MailboxPlans":  # mailbox plans keep the order they are written in
            return lambda child: 0 if child == MAILBOX_PLAN else None
        if tag in (ORGANIZATION, MAILBOX_PLAN):
            features = self.catalog.scope(tag)

            def position(child: str) -> int | None:
                feature = features.get(child)
                return None if feature is None else feature.position

            return position
        return None

    def blocks(self, element: etree._Element) -> tuple[list[_Block], list[str]]:
        """The child elements with their leading comments, and the comments left at the end."""
        if (element.text or "").strip():
            raise self.refuse(element, f"text {element.text.strip()!r} in <{element.tag}>")
        blocks: list[_Block] = []
        pending: list[str] = []
        for child in element:
            if (child.tail or "").strip():
                raise self.refuse(child, f"text {child.tail.strip()!r} in <{element.tag}>")
            if isinstance(child.tag, str):
                blocks.append(_Block(tuple(pending), child))
                pending = []
            else:
                pending.append(_misc(child))
        return blocks, pending

    def refuse_duplicates(self, tag: str, blocks: list[_Block]) -> None:
        if tag == "MailboxPlans":
            return
        seen: set[str] = set()
        for block in blocks:
            name = block.element.tag
            if name in seen:
                raise self.refuse(block.element, f"a second <{name}> in <{tag}>")
            seen.add(name)


def _start_tag(element: etree._Element) -> str:
    """`<Tag` with new namespace declarations and the attributes, in the canonical order."""
    parent = element.getparent()
    inherited = {} if parent is None else parent.nsmap
    parts = [f"<{element.tag}"]
    for prefix, uri in element.nsmap.items():
        if inherited.get(prefix) != uri:
            name = "xmlns" if prefix is None else f"xmlns:{prefix}"
            parts.append(f'{name}="{uri.translate(_ATTRIBUTE_ESCAPES)}"')
    attributes = dict(element.attrib)
    first = [name for name in _LEADING_ATTRIBUTES.get(element.tag, ()) if name in attributes]
    for name in [*first, *(name for name in attributes if name not in first)]:
        value = attributes[name].translate(_ATTRIBUTE_ESCAPES)
        parts.append(f'{_qualified(name, element)}="{value}"')
    return " ".join(parts)


def _qualified(name: str, element: etree._Element) -> str:
    """An attribute's name as written: `{uri}local` back to `prefix:local`."""
    if not name.startswith("{"):
        return name
    uri, _, local = name[1:].partition("}")
    if uri == _XML_NAMESPACE:
        return f"xml:{local}"
    prefix = next(p for p, u in element.nsmap.items() if u == uri and p is not None)
    return f"{prefix}:{local}"


def _misc(node: etree._Element) -> str:
    """A comment or processing instruction, its text exactly as written."""
    if isinstance(node, etree._ProcessingInstruction):
        return f"<?{node.target} {node.text}?>" if node.text else f"<?{node.target}?>"
    return f"<!--{node.text or ''}-->"
