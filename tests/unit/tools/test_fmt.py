"""`format_plan`: the canonical form, its idempotence, and that it never changes a setting."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest
from lxml import etree

from serviceplan.catalog import MAILBOX_PLAN, ORGANIZATION, load_catalog
from serviceplan.errors import InputError
from serviceplan.model import ResolvedPlan, Setting
from serviceplan.pipeline import ValidateOptions, compile_plans, validate_paths, validate_plan_bytes
from serviceplan.plan.schema import safe_parser
from serviceplan.tools.fmt import format_plan

CATALOG = load_catalog()
SAMPLES_FOLDER = Path(str(resources.files("serviceplan.serviceplans")))
SAMPLES = sorted(path.name for path in SAMPLES_FOLDER.glob("*.serviceplan"))
CASES = Path(__file__).resolve().parents[2] / "cases"
SEEDS = range(3)
STRING_FEATURES = {n for n, f in CATALOG.scope(ORGANIZATION).items() if f.type == "string"}


def fmt(data: bytes | str, source: str = "t.serviceplan") -> bytes:
    return format_plan(data.encode() if isinstance(data, str) else data, source, CATALOG)


def sample(name: str) -> bytes:
    return (SAMPLES_FOLDER / name).read_bytes()


def plan(text: str) -> str:
    return dedent(text).lstrip("\n")


# Variants of a sample, built with lxml so the tests do not share the formatter's code


def _parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, safe_parser(keep_comments=True))


def _serialise(root: etree._Element, rng: random.Random) -> bytes:
    for element in root.iter():  # random layout: no indentation rule holds any more
        if element.getparent() is not None:
            element.tail = rng.choice(["", "\n", "\n\t", "  ", "\n        "])
        if len(element) and isinstance(element.tag, str):
            element.text = rng.choice(["", "\n", " "])
    return etree.tostring(root.getroottree(), encoding="utf-8", xml_declaration=False)


def _containers(root: etree._Element) -> list[etree._Element]:
    sections = [c for c in root if c.tag in (ORGANIZATION, "MailboxPlans")]
    plans = [p for s in sections if s.tag == "MailboxPlans" for p in s if p.tag == MAILBOX_PLAN]
    return [root, *(s for s in sections if s.tag == ORGANIZATION), *plans]


def _reverse_attributes(element: etree._Element) -> None:
    items = list(element.attrib.items())
    element.attrib.clear()
    for name, value in reversed(items):
        element.set(name, value)


def messy(data: bytes, rng: random.Random) -> bytes:
    """The same plan, still valid: attributes reversed, layout random, values padded."""
    root = _parse(data)
    for container in _containers(root):
        _reverse_attributes(container)
        for child in container:
            if (
                container.tag in (ORGANIZATION, MAILBOX_PLAN)
                and isinstance(child.tag, str)
                and (
                    child.tag not in STRING_FEATURES  # their spaces are part of the value
                )
            ):
                child.text = f"{rng.choice(['', ' ', chr(10)])}{child.text}  "
    return _serialise(root, rng)


def shuffled_blocks(data: bytes, rng: random.Random) -> bytes:
    """Features (and the sections) shuffled, each with the comments just before it."""
    root = _parse(data)
    for container in _containers(root):
        blocks: list[list[etree._Element]] = []
        pending: list[etree._Element] = []
        for child in container:
            pending.append(child)
            if isinstance(child.tag, str):
                blocks.append(pending)
                pending = []
        rng.shuffle(blocks)
        for node in [*(n for block in blocks for n in block), *pending]:
            container.append(node)  # appending moves the node to the end
        _reverse_attributes(container)
    return _serialise(root, rng)


def shuffled_nodes(data: bytes, rng: random.Random) -> bytes:
    """Every child shuffled, comments on their own: each lands before some other element."""
    root = _parse(data)
    for container in _containers(root):
        nodes = list(container)
        rng.shuffle(nodes)
        for node in nodes:
            container.append(node)
    return _serialise(root, rng)


# Reading the output back


def _key(element: etree._Element) -> str:
    return f"{element.tag}[{element.get('Name', '')}]"


def attachments(data: bytes) -> Counter[tuple[str, str, str]]:
    """(comment, where it is, the element after it) for every comment of a document."""
    found: Counter[tuple[str, str, str]] = Counter()
    for comment in _parse(data).getroottree().iter(etree.Comment):
        parent = comment.getparent()
        following = next((s for s in comment.itersiblings() if isinstance(s.tag, str)), None)
        grandparent = None if parent is None else parent.getparent()
        if (
            parent is not None
            and grandparent is not None
            and grandparent.tag in (ORGANIZATION, MAILBOX_PLAN)
        ):  # inside a feature's value: it belongs to that feature
            parent, following = grandparent, parent
        if parent is None:
            place = "prolog" if following is not None else "epilog"
        else:
            place = _key(parent)
        found[(comment.text, place, "" if following is None else _key(following))] += 1
    return found


def feature_order(data: bytes) -> list[tuple[str, list[str]]]:
    root = _parse(data)
    return [
        (_key(container), [c.tag for c in container if isinstance(c.tag, str)])
        for container in _containers(root)
    ]


def _setting(setting: Setting) -> tuple[str, Any, str | None]:
    # the text is trimmed by design; the value must not move at all
    return setting.feature, setting.value, None if setting.text is None else setting.text.strip()


def settings(plans: tuple[ResolvedPlan, ...]) -> list[Any]:
    return [
        (
            plan.name,
            [_setting(s) for s in plan.organization],
            [
                (
                    m.name,
                    m.index,
                    m.provision_as_default,
                    m.is_pilot,
                    [_setting(s) for s in m.settings],
                )
                for m in plan.mailbox_plans
            ],
        )
        for plan in plans
    ]


def compiled(folder: Path) -> list[Any]:
    result = compile_plans([str(folder)])
    assert result.report.errors == 0, result.report.findings
    assert result.plans
    return settings(result.plans)


# The canonical form, exactly


MESSY = plan("""
    <!-- before the root -->
    <Configuration Tier="Gold" Name="Demo" Version="1"><MailboxPlans>
    <MailboxPlan IsPilotMailboxPlan="0" ProvisionAsDefault="1" MailboxPlanIndex="0" Name="A">
    <ProhibitSendReceiveMaiboxQuota>   5GB
    </ProhibitSendReceiveMaiboxQuota>
    <!-- ActiveSync: about the element below -->
        <ActiveSyncEnabled>1<!-- inside a value --></ActiveSyncEnabled>
    <!-- last in the plan -->
    </MailboxPlan>
    <MailboxPlan Name="Empty" MailboxPlanIndex="1" />
    </MailboxPlans>
    <Organization>
      <PrivacyLink>  a &amp; b </PrivacyLink>
      <MailboxCountQuota>10</MailboxCountQuota><ContactCountQuota>10</ContactCountQuota>
      <AcceptedDomains></AcceptedDomains>
    </Organization>
    </Configuration>
    <!-- after the root -->""")

CANONICAL = plan("""
    <?xml version="1.0" encoding="utf-8"?>
    <!-- before the root -->
    <Configuration Version="1" Name="Demo" Tier="Gold">
      <Organization>
        <AcceptedDomains/>
        <PrivacyLink>  a &amp; b </PrivacyLink>
        <ContactCountQuota>10</ContactCountQuota>
        <MailboxCountQuota>10</MailboxCountQuota>
      </Organization>
      <MailboxPlans>
        <MailboxPlan Name="A" MailboxPlanIndex="0" ProvisionAsDefault="1" IsPilotMailboxPlan="0">
          <!-- ActiveSync: about the element below -->
          <!-- inside a value -->
          <ActiveSyncEnabled>1</ActiveSyncEnabled>
          <ProhibitSendReceiveMaiboxQuota>5GB</ProhibitSendReceiveMaiboxQuota>
          <!-- last in the plan -->
        </MailboxPlan>
        <MailboxPlan Name="Empty" MailboxPlanIndex="1"/>
      </MailboxPlans>
    </Configuration>
    <!-- after the root -->
    """)


def test_canonical_form_exactly() -> None:
    assert fmt(MESSY).decode("utf-8") == CANONICAL


def test_canonical_form_is_a_fixed_point() -> None:
    assert fmt(CANONICAL) == CANONICAL.encode("utf-8")


def test_values_trimmed_but_string_features_kept_and_booleans_as_written() -> None:
    assert "PrivacyLink" in STRING_FEATURES  # the catalogue still calls it a string
    out = fmt(MESSY).decode("utf-8")
    assert "<PrivacyLink>  a &amp; b </PrivacyLink>" in out  # xs:string: spaces are the value
    assert "<ProhibitSendReceiveMaiboxQuota>5GB</" in out
    assert "<ActiveSyncEnabled>1</ActiveSyncEnabled>" in out  # not rewritten to true


def test_unknown_and_namespaced_attributes_are_kept() -> None:
    source = plan("""
        <Configuration xmlns:x="urn:x" x:note="a&quot;b&#10;c" Name="N" Extra="&lt;e&gt;">
          <Organization Scope="all">
            <AcceptedDomains xml:lang="en" Why="because">true</AcceptedDomains>
          </Organization>
          <MailboxPlans/>
        </Configuration>
        """)
    out = fmt(source).decode("utf-8")
    assert (
        '<Configuration xmlns:x="urn:x" Name="N" x:note="a&quot;b&#10;c" Extra="&lt;e&gt;">' in out
    )
    assert '<Organization Scope="all">' in out
    assert '<AcceptedDomains xml:lang="en" Why="because">true</AcceptedDomains>' in out
    assert fmt(out) == out.encode("utf-8")


def test_comment_and_pi_text_is_kept_exactly() -> None:
    source = plan("""
        <Configuration>
          <Organization>
              <!--
                 a multi-line note
              -->
            <?tool keep me?>
            <AcceptedDomains>true</AcceptedDomains>
          </Organization>
          <MailboxPlans/>
        </Configuration>
        """)
    out = fmt(source).decode("utf-8")
    note = "<!--\n         a multi-line note\n      -->"
    assert f"    {note}\n    <?tool keep me?>\n    <AcceptedDomains>" in out
    assert fmt(out).decode("utf-8") == out


# Order, with the bundled samples shuffled


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", SAMPLES)
def test_features_come_out_in_catalogue_order(name: str, seed: int) -> None:
    original = sample(name)
    shuffled = shuffled_nodes(original, random.Random(seed))
    assert feature_order(shuffled) != feature_order(original)  # the shuffle did something
    out = fmt(shuffled)
    for container, tags in feature_order(out):
        scope = container.partition("[")[0]
        if scope in (ORGANIZATION, MAILBOX_PLAN):
            positions = [CATALOG.scope(scope)[tag].position for tag in tags]
            assert positions == sorted(positions), container
    written = [(c, sorted(tags)) for c, tags in feature_order(original)]
    assert [(c, sorted(tags)) for c, tags in feature_order(out)] == written
    assert [c for c, _ in feature_order(out)] == [c for c, _ in feature_order(original)]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", SAMPLES)
def test_shuffling_features_with_their_comments_formats_back_to_the_sample(
    name: str, seed: int
) -> None:
    original = sample(name)
    shuffled = shuffled_blocks(original, random.Random(seed))
    assert shuffled != original
    assert fmt(shuffled) == fmt(original)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", SAMPLES)
def test_comments_move_with_the_element_they_precede(name: str, seed: int) -> None:
    shuffled = shuffled_nodes(sample(name), random.Random(seed))
    assert attachments(fmt(shuffled)) == attachments(shuffled)


def test_a_comment_inside_a_value_goes_before_its_feature() -> None:
    inside = (" inside a value ", "MailboxPlan[A]", "ActiveSyncEnabled[]")
    assert attachments(MESSY.encode())[inside] == 1
    assert attachments(fmt(MESSY)) == attachments(MESSY.encode())


# Idempotence and stable bytes


@pytest.mark.parametrize("name", SAMPLES)
def test_idempotent_on_every_sample(name: str) -> None:
    once = fmt(sample(name))
    assert fmt(once) == once


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("variant", [messy, shuffled_blocks, shuffled_nodes])
@pytest.mark.parametrize("name", SAMPLES)
def test_idempotent_on_shuffled_samples(
    name: str, variant: Callable[[bytes, random.Random], bytes], seed: int
) -> None:
    once = fmt(variant(sample(name), random.Random(seed)))
    assert fmt(once) == once
    assert once.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n')
    assert once.endswith(b">\n") and b"\r" not in once and b"\t" not in once


# Encodings and line ends


def _utf16(text: str, codec: str) -> bytes:
    text = text.replace('encoding="utf-8"', 'encoding="utf-16"')
    return text.encode(codec)


ENCODINGS: dict[str, Callable[[str], bytes]] = {
    "crlf": lambda text: text.replace("\n", "\r\n").encode("utf-8"),
    "cr-only": lambda text: text.replace("\n", "\r").encode("utf-8"),
    "utf8-bom": lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
    "utf8-bom-crlf": lambda text: b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"),
    "utf16le-bom": lambda text: b"\xff\xfe" + _utf16(text, "utf-16-le"),
    "utf16be-bom-crlf": lambda text: b"\xfe\xff" + _utf16(text.replace("\n", "\r\n"), "utf-16-be"),
}


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("text", [MESSY, *(sample(n).decode("utf-8") for n in SAMPLES[:2])])
def test_encodings_and_line_ends_give_the_utf8_lf_output(text: str, encoding: str) -> None:
    data = ENCODINGS[encoding](text)
    assert data != text.encode("utf-8")
    assert fmt(data) == fmt(text)


# Round trip: the same settings, and still valid


@pytest.mark.parametrize("seed", SEEDS[:2])
@pytest.mark.parametrize("name", SAMPLES)
def test_formatting_keeps_every_setting(tmp_path: Path, name: str, seed: int) -> None:
    before, after = tmp_path / "before", tmp_path / "after"
    before.mkdir()
    after.mkdir()
    data = messy(sample(name), random.Random(seed)).replace(b"\n", b"\r\n")
    (before / name).write_bytes(data)
    (after / name).write_bytes(fmt(data))
    assert compiled(after) == compiled(before)
    assert validate_paths([str(after)], ValidateOptions(strict=True)).findings == ()


@pytest.mark.parametrize("seed", SEEDS[:2])
@pytest.mark.parametrize("name", SAMPLES)
def test_a_shuffled_sample_formats_to_the_samples_settings(
    tmp_path: Path, name: str, seed: int
) -> None:
    original, formatted = tmp_path / "original", tmp_path / "formatted"
    original.mkdir()
    formatted.mkdir()
    (original / name).write_bytes(sample(name))
    shuffled = shuffled_nodes(sample(name), random.Random(seed))
    assert validate_plan_bytes(shuffled, name, CATALOG)  # out of order: not a valid plan
    (formatted / name).write_bytes(fmt(shuffled))
    assert compiled(formatted) == compiled(original)
    assert validate_paths([str(formatted)], ValidateOptions(strict=True)).findings == ()


def test_the_settings_comparison_notices_a_changed_value(tmp_path: Path) -> None:
    """The round-trip tests above would fail if formatting changed one value."""
    name = "SmallBusiness.serviceplan"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / name).write_bytes(sample(name))
    (tmp_path / "b" / name).write_bytes(sample(name).replace(b">250<", b">251<", 1))
    assert compiled(tmp_path / "a") != compiled(tmp_path / "b")


# Every plan in the acceptance cases: refused, or formatted without new findings


CASE_PLANS = sorted(CASES.glob("*/*.serviceplan"))


@pytest.mark.parametrize("path", CASE_PLANS, ids=lambda p: p.parent.name)
def test_case_plans_are_refused_or_formatted_without_new_findings(path: Path) -> None:
    data = path.read_bytes()
    try:
        out = fmt(data, path.name)
    except InputError as error:
        assert "run `serviceplan validate` first" in error.message
        return
    assert fmt(out, path.name) == out
    rules_before = {f.rule for f in validate_plan_bytes(data, path.name, CATALOG)}
    rules_after = {f.rule for f in validate_plan_bytes(out, path.name, CATALOG)}
    assert rules_after <= rules_before - {"SP103"}  # formatting only cures the order


# Refusals


def _wrap(organization: str, mailbox_plans: str = "<MailboxPlans/>") -> str:
    return (
        '<?xml version="1.0"?>\n<Configuration>\n<Organization>\n'
        f"{organization}\n</Organization>\n{mailbox_plans}\n</Configuration>\n"
    )


REFUSED = {
    "not well-formed": (_wrap("<AcceptedDomains>true</AcceptedDomain>"), 4, "mismatch"),
    "truncated": ('<?xml version="1.0"?>\n<Configuration>\n<Organization>', 3, "Premature end"),
    "doctype": ('<?xml version="1.0"?>\n<!DOCTYPE Configuration>\n<Configuration/>', 2, "DOCTYPE"),
    "declared latin-1": (
        '<?xml version="1.0" encoding="iso-8859-1"?>\n<Configuration/>',
        1,
        "encoding",
    ),
    "wrong root": ('<?xml version="1.0"?>\n\n<Config/>', 3, "<Config>"),
    "namespaced root": ('<Configuration xmlns="urn:x"/>', 1, "Configuration"),
    "unknown feature": (
        _wrap("<AcceptedDomains/>\n<BrandingEnabled>true</BrandingEnabled>"),
        5,
        "<BrandingEnabled>",
    ),
    "documentation spelling": (
        _wrap("<MailtipsEnabled>true</MailtipsEnabled>"),
        4,
        "<MailtipsEnabled>",
    ),
    "mailbox plan feature in Organization": (
        _wrap("<ActiveSyncEnabled>1</ActiveSyncEnabled>"),
        4,
        "<ActiveSyncEnabled>",
    ),
    "duplicate feature": (
        _wrap("<AcceptedDomains/>\n<AcceptedDomains/>"),
        5,
        "second <AcceptedDomains>",
    ),
    "duplicate in mailbox plan": (
        _wrap(
            "",
            plan("""
        <MailboxPlans>
          <MailboxPlan Name="A">
            <PopEnabled>true</PopEnabled>
            <PopEnabled>true</PopEnabled>
          </MailboxPlan>
        </MailboxPlans>"""),
        ),
        9,
        "second <PopEnabled>",
    ),
    "second Organization": (_wrap("", "<Organization/>"), 6, "second <Organization>"),
    "unknown section": (_wrap("", "<Branding/>"), 6, "<Branding>"),
    "unknown element in MailboxPlans": (
        _wrap("", "<MailboxPlans>\n<Plan/>\n</MailboxPlans>"),
        7,
        "<Plan>",
    ),
    "stray text": (_wrap("quotas follow\n<AcceptedDomains/>"), 3, "quotas follow"),
    "text after a feature": (_wrap("<AcceptedDomains/>\nstray"), 4, "stray"),
    "feature holding elements": (
        _wrap("<AutoReplyEnabled><On/></AutoReplyEnabled>"),
        4,
        "holds elements",
    ),
}


@pytest.mark.parametrize("case", REFUSED)
def test_refuses_what_is_not_a_plan(case: str) -> None:
    source, line, detail = REFUSED[case]
    with pytest.raises(InputError) as raised:
        fmt(source)
    message = raised.value.message
    assert message.startswith(f"t.serviceplan:{line}")
    assert detail in message
    assert "run `serviceplan validate` first" in message


def test_the_plan_the_refusal_cases_break_is_accepted() -> None:
    """So each refusal above comes from its one fault, not from the wrapper."""
    assert fmt(_wrap("<AcceptedDomains/>\n<AddressListsEnabled>1</AddressListsEnabled>"))
