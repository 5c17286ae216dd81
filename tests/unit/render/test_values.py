"""Render's output policy tells the truth (issue 12): an unset value never reaches a manifest,
the quoting rule depends on the kind of the value, never on its text, and a misspelt name
gets a did-you-mean."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from serviceplan.model import Location
from serviceplan.pipeline import CompileOptions, bundled_plans, compile_plans
from serviceplan.render.context import Record, plan_context, tenant_context
from serviceplan.render.env import (
    TemplateSpec,
    UnsafeValue,
    find_template,
    load_template,
    ps_quote,
    size,
)
from serviceplan.render.values import Token, Unset
from serviceplan.tenants.inventory import Tenant
from serviceplan.values import UNLIMITED


def template_file(tmp_path: Path, name: str, source: str) -> TemplateSpec:
    (tmp_path / name).write_text(source, encoding="utf-8")
    return find_template(str(tmp_path / name))


def render(spec: TemplateSpec, **context: object) -> str:
    return str(load_template(spec).render(**context))


@pytest.mark.parametrize("kind", ["ps1", "json"])
def test_the_rule_never_depends_on_the_text(tmp_path: Path, kind: str) -> None:
    """A plain word used to pass raw, so a template worked for "Contoso" and failed later
    for "Alpine Ski House" (issue 12, item 10): every text value is refused alike."""
    spec = template_file(tmp_path, f"t.{kind}", "{{ name }}\n")
    for word in ("Contoso", "contoso.com", "", "Unlimited", "10GB"):
        with pytest.raises(UnsafeValue, match="must go through") as caught:
            render(spec, name=word)
        assert caught.value.kind.startswith("a text value must go through")


def test_serviceplans_own_tokens_are_bare_in_powershell_only(tmp_path: Path) -> None:
    ps1 = template_file(tmp_path, "t.ps1", "-Quota {{ q | size }} {{ t }}\n")
    assert render(ps1, q=10 * 2**30, t=Token("Unlimited")) == "-Quota 10GB Unlimited\n"
    json_ = template_file(tmp_path, "t.json", "{{ q | size }}\n")
    with pytest.raises(UnsafeValue, match="must go through tojson"):
        render(json_, q=10 * 2**30)
    text = template_file(tmp_path, "t.txt", "{{ q | size }}\n")
    assert render(text, q=UNLIMITED) == "Unlimited\n"


@pytest.mark.parametrize("kind", ["ps1", "json", "csv", "txt"])
def test_an_unset_value_is_never_written(tmp_path: Path, kind: str) -> None:
    """It was written as `None` (issue 12, item 8), in every kind of template."""
    spec = template_file(tmp_path, f"t.{kind}", "a {{ value }} b\n")
    with pytest.raises(UnsafeValue, match="an unset value \\(none\\) would be written"):
        render(spec, value=None)
    with pytest.raises(jinja2.UndefinedError, match=r"^ArchiveQuota of plan X is unset: "):
        render(spec, value=Unset("ArchiveQuota of plan X"))


def test_an_unset_value_tests_as_none_and_takes_a_default(tmp_path: Path) -> None:
    source = (
        "{% if v is not none %}set{% else %}unset{% endif %} {{ 'no' if v else 'falsy' }} "
        "{{ v is defined }} {{ v == none }} {{ v | default(0) }}\n"
    )
    spec = template_file(tmp_path, "t.txt", source)
    assert render(spec, v=Unset("X")) == "unset falsy False True 0\n"
    assert render(spec, v=5) == "set no True False 5\n"


def test_tojson_writes_an_unset_value_as_null(tmp_path: Path) -> None:
    spec = template_file(tmp_path, "t.json", "{{ v | tojson }} {{ {'v': v} | tojson(None) }}\n")
    assert render(spec, v=Unset("X")) == 'null {"v": null}\n'


def test_comparing_an_unset_value_names_it(tmp_path: Path) -> None:
    spec = template_file(tmp_path, "t.txt", "{% if v > 5 %}big{% endif %}\n")
    with pytest.raises(jinja2.UndefinedError, match="X of plan P is unset"):
        render(spec, v=Unset("X of plan P"))


def test_an_undefined_name_gets_a_did_you_mean(tmp_path: Path) -> None:
    spec = template_file(tmp_path, "t.txt", "{{ plna.name }}\n")
    with pytest.raises(jinja2.UndefinedError, match="'plna' is undefined: did you mean 'plan'"):
        render(spec, plan=Record(name="x"))
    spec = template_file(tmp_path, "u.txt", "{{ plan.nme }}\n")
    with pytest.raises(jinja2.UndefinedError, match="'nme': did you mean 'name'"):
        render(spec, plan=Record(name="x", file="y"))


def test_an_unset_value_is_refused() -> None:
    with pytest.raises(UnsafeValue, match="ps_quote: an unset value"):
        ps_quote(None)
    with pytest.raises(jinja2.UndefinedError, match="ArchiveQuota of plan X is unset"):
        ps_quote(Unset("ArchiveQuota of plan X"))


def test_size_of_an_unset_value_fails() -> None:
    """It used to write the word `unset` into the manifest (issue 12, item 8)."""
    with pytest.raises(UnsafeValue, match="size: an unset value"):
        size(None)
    with pytest.raises(jinja2.UndefinedError, match="ArchiveQuota of plan X is unset"):
        size(Unset("ArchiveQuota of plan X"))


def test_the_contexts_name_what_is_unset() -> None:
    compiled = compile_plans([bundled_plans()], CompileOptions())
    plans = {plan.name: plan_context(plan) for plan in compiled.plans}
    standard = plans["SmallBusiness"]["mailbox_plans"][0]
    archive = standard["settings"]["ArchiveQuota"]
    assert isinstance(archive["value"], Unset) and archive["value"] is not None
    with pytest.raises(jinja2.UndefinedError) as caught:
        str(archive["value"])
    assert str(caught.value).startswith(
        "ArchiveQuota of mailbox plan 'Standard' of plan SmallBusiness is unset: "
    )
    counts = [entry["settings"]["ProhibitSendReceiveMaiboxQuota"] for entry in
              plans["HostingAllFeatures"]["mailbox_plans"]]  # fmt: skip
    assert all(isinstance(count["value"], int | Token) for count in counts)
    quota = plans["SmallBusiness"]["organization"]["MailboxCountQuota"]
    assert type(quota["value"]) is int and type(quota["text"]) is str


def test_a_tenant_without_a_count_or_with_a_null_cell_is_unset() -> None:
    tenant = Tenant("Contoso", "c.com", "B", "S", Location("t.jsonl", 1),
                    fields={"name": "Contoso", "note": None})  # fmt: skip
    context = tenant_context(tenant, "SmallBusiness")
    assert isinstance(context["mailboxes"], Unset) and isinstance(context["note"], Unset)
    assert isinstance(context["plan_changed"], Unset)
    assert isinstance(context["fields"]["note"], Unset)  # tojson writes null
    assert tenant.fields["note"] is None  # the tenant itself is left as read


@pytest.mark.parametrize("expression", ["v | round", "v | abs", "-v", "v | int", "v ~ 'GB'"])
def test_every_way_of_writing_an_unset_value_names_it(tmp_path: Path, expression: str) -> None:
    spec = template_file(tmp_path, "t.txt", "{{ " + expression + " }}\n")
    with pytest.raises(jinja2.UndefinedError, match=r"^X of plan P is unset"):
        render(spec, v=Unset("X of plan P"))


def test_pprint_writes_an_unset_value_as_none_as_tojson_writes_null(tmp_path: Path) -> None:
    spec = template_file(tmp_path, "t.txt", "{{ {'a': v} | pprint }}\n")
    assert render(spec, v=Unset("X")) == "{'a': None}\n"


def test_an_attribute_of_text_or_a_list_gets_a_did_you_mean(tmp_path: Path) -> None:
    spec = template_file(tmp_path, "t.txt", "{{ name.uper() }}\n")
    with pytest.raises(jinja2.UndefinedError, match="'uper': did you mean 'upper'"):
        render(spec, name="x")
