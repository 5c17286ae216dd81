"""What a render template sees: `tenant`, `plan`, `remap`, `update`, `output` and `tool`.

Plan and remap contexts are built once per plan and remap line and shared by every tenant on
them; a tenant's own context is one small dict, so 100,000 tenants cost 100,000 dicts.
A value that is not there (a setting without a value, a tenant without a mailbox count) is an
`Unset` naming itself, so writing it fails the tenant with that name (render.values).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import __version__
from ..model import RemapRow, ResolvedPlan, base_name
from ..report.compiled import plan_json
from ..tenants.inventory import Tenant
from .values import UNLIMITED, Token, Unset


class Record(dict[str, Any]):
    """A dict whose keys are also its attributes. Jinja2 looks `a.b` up as an attribute first
    and only then as a key, so on a plain dict every `tenant.name` raises and catches an
    AttributeError; here it is one instance-dictionary lookup (a quarter of a manifest's
    render time). The record is its own `__dict__`: call `release` on a short-lived one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.__dict__ = self

    def __reduce__(self) -> tuple[type[Record], tuple[dict[str, Any]]]:
        return (type(self), (dict(self),))


def release(record: Record) -> None:
    """Break the record's cycle with itself, so reference counting frees it at once."""
    record.__dict__ = {}


def records(value: Any) -> Any:
    """The same data with every dict a Record (lists become tuples: shared, never changed)."""
    if isinstance(value, dict):
        return Record({key: records(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(records(item) for item in value)
    return value


Context = Record
TOOL = Record(name="serviceplan", version=Token(__version__))


def plan_context(plan: ResolvedPlan) -> Context:
    """compile's JSON form of the plan (settings by feature: value, type, text, source, line),
    plus `file_name` and `default_mailbox_plan`."""
    document = plan_json(plan)
    default = next(
        (entry["name"] for entry in document["mailbox_plans"] if entry["provision_as_default"]),
        None,
    )
    context: Record = records(
        {**document, "file_name": base_name(plan.source), "default_mailbox_plan": default}
    )
    name = plan.name
    if default is None:
        context["default_mailbox_plan"] = Unset(f"the default mailbox plan of {name}")
    _mark(context["organization"], f"of plan {name}")
    for mailbox_plan in context["mailbox_plans"]:
        _mark(mailbox_plan["settings"], f"of mailbox plan {mailbox_plan['name']!r} of plan {name}")
    return context


def _mark(settings: Record, where: str) -> None:
    """An unset value becomes an Unset naming the setting; Unlimited a Token. (The `text` of
    a default stays None, which fails when written all the same: an Unset for each of the
    hundreds of defaults would cost tenant.json's tojson a call per default per tenant.)"""
    for feature, setting in settings.items():
        value = setting["value"]
        if value is None:
            setting["value"] = Unset(f"{feature} {where}")
        elif value == "Unlimited" and setting["type"] not in ("string", "enum"):
            setting["value"] = UNLIMITED


def remap_context(row: RemapRow) -> Context:
    """The remap line that selects the tenant's plan."""
    return Record(
        {
            "program_id": row.program_id,
            "offer_id": row.offer_id,
            "plan_name": row.plan_name,
            "file": row.location.file,
            "line": row.location.line,
            "location": row.location.brief(),  # e.g. ServicePlanHostingRemap.csv:7
        }
    )


NO_UPDATE = Unset(
    "update (only a tenant whose inventory `plan` names another plan than the remap has one)"
)
_NO_MAILBOXES = Unset("tenant.mailboxes (the inventory gives no mailbox count)")
_NO_PLAN = Unset("tenant.plan_changed (the inventory does not say which plan the tenant is on)")


def tenant_context(tenant: Tenant, plan_name: str) -> Context:
    """Every column of the tenant's row as read, then the typed fields over them."""
    fields: Mapping[str, Any] = tenant.fields
    if None in fields.values():  # a JSONL null
        fields = {
            column: Unset(f"tenant[{column!r}] (null in the inventory)") if cell is None else cell
            for column, cell in fields.items()
        }
    context = Record(fields)
    context.update(
        name=tenant.name,
        domain=tenant.domain,
        program_id=tenant.program_id,
        offer_id=tenant.offer_id,
        location=tenant.location,
        plan=tenant.plan,
        mailboxes=_NO_MAILBOXES if tenant.mailboxes is None else tenant.mailboxes,
        mailboxes_by_plan=tenant.mailboxes_by_plan,
        used=tenant.used,
        line=tenant.line,
        fields=fields,
        # None when the inventory does not say which plan the tenant was provisioned with
        plan_changed=tenant.plan.casefold() != plan_name.casefold() if tenant.plan else _NO_PLAN,
    )
    return context


def update_context(old_name: str, new: Context, plans: Mapping[str, Context]) -> Context:
    """From the plan the tenant was on to the one the remap selects now. Exchange refuses the
    update while a mailbox plan of the old plan has no match (same Name, same index)."""
    old = plans.get(old_name.casefold())
    missing: list[Record] = []
    if old is not None:
        have = {(entry["name"], entry["index"]) for entry in new["mailbox_plans"]}
        missing = [
            Record(name=entry["name"], index=entry["index"])
            for entry in old["mailbox_plans"]
            if (entry["name"], entry["index"]) not in have
        ]
    return Record(
        {
            "from": old["name"] if old is not None else old_name,
            "to": new["name"],
            "known": old is not None,
            "missing_mailbox_plans": tuple(missing),
        }
    )
