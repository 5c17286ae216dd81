"""Every rule the validator applies, keyed by its stable id; `serviceplan rules` lists them."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Finding, Location, Severity


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    name: str
    severity: Severity
    summary: str
    hint: str

    def finding(
        self, message: str, location: Location, *, hint: str = "", path: str = ""
    ) -> Finding:
        return Finding(self.id, self.severity, message, location, hint or self.hint, path)


E, W = Severity.ERROR, Severity.WARNING

RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        # The file itself
        Rule(
            "SP001",
            "not-well-formed",
            E,
            "The file is not well-formed XML.",
            "Fix the XML syntax at the position given (an editor with XML support helps).",
        ),
        Rule(
            "SP002",
            "doctype-forbidden",
            E,
            "The file has a DOCTYPE; plan files never need one and it can hide entity attacks.",
            "Delete the <!DOCTYPE ...> declaration; write values out instead of entities.",
        ),
        Rule(
            "SP003",
            "file-too-large",
            E,
            "The file is larger than the size cap.",
            "Plan files are a few kilobytes; check the file, or raise --max-file-size.",
        ),
        Rule(
            "SP004",
            "bad-encoding",
            E,
            "The file is not UTF-8 or UTF-16 with a byte order mark.",
            "Save the file as UTF-8 (with or without BOM) or UTF-16 with BOM.",
        ),
        Rule(
            "SP008",
            "invalid-suppression",
            W,
            "A `serviceplan: ignore` comment that suppresses nothing: it names an unknown "
            "rule, or none, or stands before no element.",
            "Name rules by id (SP405), prefix (SP4) or name (plan-never-referenced), right "
            "before the element, or before the root element for the whole file.",
        ),
        Rule(
            "SP100",
            "schema-violation",
            E,
            "The file does not match the service-plan schema (ServicePlan.xsd).",
            "Compare the element with schemas/ServicePlan.xsd (shipped in the package).",
        ),
        # Features
        Rule(
            "SP101",
            "unknown-feature",
            E,
            "An element that is not a known feature.",
            "Check the spelling against the feature catalogue (schemas/catalog/exchange2013.csv).",
        ),
        Rule(
            "SP102",
            "wrong-section",
            E,
            "A feature placed in the Organization when it belongs to mailbox plans, or the "
            "reverse.",
            "Move the element to the section it belongs to.",
        ),
        Rule(
            "SP103",
            "feature-out-of-order",
            E,
            "A feature out of the schema's order (global, permission, quota; alphabetical "
            "within a group with the schema's exceptions).",
            "Move the element where the message says.",
        ),
        Rule(
            "SP104",
            "duplicate-feature",
            E,
            "The same feature written twice in one section.",
            "Keep one of the two elements.",
        ),
        Rule(
            "SP105",
            "required-quota-missing",
            E,
            "A required Organization quota is missing (ContactCountQuota, "
            "DistributionListCountQuota, MailboxCountQuota, MailUserCountQuota, "
            "RecipientMailSubmissionRateQuota).",
            "Add the quota element with a value.",
        ),
        Rule(
            "SP106",
            "datacenter-only-feature",
            E,
            "A feature that only Microsoft's datacenter accepts; hosting mode rejects it.",
            "Remove the element (hosting-mode Exchange rejects the plan).",
        ),
        Rule(
            "SP107",
            "invalid-value",
            E,
            "A value of the wrong type or out of range for its feature.",
            "Write a value of the feature's type, as the message says.",
        ),
        Rule(
            "SP108",
            "unexpected-content",
            E,
            "A feature element holding child elements instead of text.",
            "Feature elements hold a single text value.",
        ),
        # Dependencies
        Rule(
            "SP201",
            "broken-dependency",
            E,
            "A feature set in a way its dependency does not allow.",
            "Change the feature or its dependency as the message says.",
        ),
        # Mailbox plans
        Rule(
            "SP301",
            "no-mailbox-plan",
            E,
            "The plan has no mailbox plan.",
            'Add a <MailboxPlan Name=... MailboxPlanIndex=... ProvisionAsDefault="true">.',
        ),
        Rule(
            "SP302",
            "default-mailbox-plan",
            E,
            'No mailbox plan, or more than one, has ProvisionAsDefault="true".',
            'Set ProvisionAsDefault="true" on exactly one mailbox plan.',
        ),
        Rule(
            "SP303",
            "duplicate-mailbox-plan-name",
            E,
            "Two mailbox plans share a Name.",
            "Give each mailbox plan its own Name.",
        ),
        Rule(
            "SP304",
            "duplicate-mailbox-plan-index",
            E,
            "Two mailbox plans share a MailboxPlanIndex.",
            "Give each mailbox plan its own MailboxPlanIndex.",
        ),
        Rule(
            "SP305",
            "mailbox-size-missing",
            E,
            "A mailbox plan without ProhibitSendReceiveMaiboxQuota (the mailbox size).",
            "Add <ProhibitSendReceiveMaiboxQuota>, e.g. 10GB (Exchange spells it without the l).",
        ),
        Rule(
            "SP306",
            "mailbox-plan-permissions-in-several-plans",
            E,
            "MailboxPlanPermissions features enabled in several mailbox plans while "
            "PerMBXPlanRoleAssignmentPolicyEnabled is off.",
            "Enable those features in one mailbox plan only.",
        ),
        Rule(
            "SP307",
            "invalid-mailbox-plan-attribute",
            E,
            "A mailbox plan attribute that is missing or has a bad value.",
            "Name is required text, MailboxPlanIndex a small number, ProvisionAsDefault "
            "true or false.",
        ),
        # Remap
        Rule(
            "SP401",
            "remap-field-count",
            E,
            "A remap line without 3 to 7 comma-separated fields.",
            "Write ProgramId,OfferId,ServicePlanName (fields 4 to 7 are datacenter-only).",
        ),
        Rule(
            "SP402",
            "remap-empty-field",
            E,
            "A remap line with an empty ProgramId, OfferId or plan name.",
            "Fill in the field.",
        ),
        Rule(
            "SP403",
            "remap-duplicate-key",
            E,
            "Two remap lines with the same ProgramId and OfferId (ignoring case).",
            "Keep one line per (ProgramId, OfferId).",
        ),
        Rule(
            "SP404",
            "remap-plan-missing",
            E,
            "A remap line names a plan with no .serviceplan file beside the remap.",
            "Add the plan file or correct the name (the file's base name, no extension).",
        ),
        Rule(
            "SP405",
            "plan-never-referenced",
            W,
            "A plan file that no remap line points at.",
            "Add a remap line for it. If it is retired but tenants may still be on it (as "
            "after SP605's move to a new plan name), keep it and mark it with "
            "<!-- serviceplan: ignore SP405 --> before its root element; delete it only when "
            "no tenant is on it.",
        ),
        Rule(
            "SP406",
            "remap-quote-in-field",
            E,
            "A remap field containing a quote; Exchange does not unquote, so the quote "
            "becomes part of the value.",
            "Remove the quotes: fields are split on commas.",
        ),
        Rule(
            "SP407",
            "remap-header-row",
            W,
            "A first line that looks like a header; Exchange reads it as a mapping.",
            "Turn the header into a comment by starting it with #.",
        ),
        # Tenant inventory (diff --tenants, render --tenants)
        Rule(
            "SP501",
            "inventory-missing-column",
            E,
            "The tenant inventory lacks a required column (name, domain, program_id, offer_id).",
            "Add the column to the header row (or the key to every JSON line).",
        ),
        Rule(
            "SP502",
            "inventory-empty-field",
            E,
            "A tenant row with an empty required field.",
            "Fill in the field, or delete the row.",
        ),
        Rule(
            "SP503",
            "inventory-duplicate-tenant",
            E,
            "Two rows for the same tenant name (compared ignoring case).",
            "Keep one row per tenant.",
        ),
        Rule(
            "SP504",
            "inventory-bad-number",
            E,
            "A mailbox count or usage figure that is not a whole number of at least 0.",
            "Write digits only, e.g. 250; byte usage may also be written 9.5GB.",
        ),
        Rule(
            "SP505",
            "inventory-unknown-pair",
            E,
            "A tenant whose (ProgramId, OfferId) no remap line maps.",
            "Correct the pair, or add a remap line ProgramId,OfferId,PlanName.",
        ),
        Rule(
            "SP506",
            "inventory-bad-row",
            E,
            "A row that cannot be read: bad CSV quoting, more cells than columns, or a JSON "
            "line that is not an object.",
            "Fix the row; in CSV quote cells holding commas, quotes or line breaks.",
        ),
        Rule(
            "SP507",
            "inventory-unknown-usage",
            E,
            "A used.<Feature> column naming no count or byte quota of the catalogue.",
            "Name a quota feature exactly, e.g. used.MailboxCountQuota; "
            "`serviceplan features` lists them.",
        ),
        # Update-ServicePlan blockers and tenant safety (diff)
        Rule(
            "SP601",
            "mailbox-plan-renamed",
            E,
            "A mailbox plan renamed (same MailboxPlanIndex, new Name): Update-ServicePlan "
            "needs every old mailbox plan under the same Name and index, and refuses.",
            "Keep the old Name; to rename, create a new plan file and move tenants to it "
            "with New-Organization for new tenants only.",
        ),
        Rule(
            "SP602",
            "mailbox-plan-reindexed",
            E,
            "A mailbox plan whose MailboxPlanIndex changed: Update-ServicePlan refuses.",
            "Keep the old MailboxPlanIndex; give a new mailbox plan a new index instead.",
        ),
        Rule(
            "SP603",
            "mailbox-plan-removed",
            E,
            "A mailbox plan removed: Update-ServicePlan needs every old mailbox plan in the "
            "new plan, and refuses.",
            "Keep the mailbox plan (it can stay unused), or move its mailboxes first.",
        ),
        Rule(
            "SP604",
            "forbidden-transition",
            E,
            "A feature change Update-ServicePlan refuses (e.g. any change of "
            "PerMBXPlanOWAPolicyEnabled, PerMBXPlanRoleAssignmentPolicyEnabled off to on).",
            "Keep the old value for existing tenants; offer the new value in a plan used "
            "only for new tenants.",
        ),
        Rule(
            "SP605",
            "plan-edited-in-place",
            W,
            "A plan edited under the same name: Update-ServicePlan skips tenants whose plan "
            "name is unchanged, so existing tenants keep the old settings.",
            "To reach existing tenants, save the edit as a new plan (e.g. SmallBusiness2), "
            "repoint the remap rows, then run Update-ServicePlan for those tenants.",
        ),
        Rule(
            "SP606",
            "usage-above-new-limit",
            E,
            "A tenant's reported usage is above a limit the change lowers (mailboxes over a "
            "new MailboxCountQuota, a mailbox larger than a new mailbox size).",
            "Keep the limit at or above the usage, or bring the tenant under it first.",
        ),
    )
}

RULES_BY_NAME: dict[str, Rule] = {rule.name: rule for rule in RULES.values()}


def rule(name: str) -> Rule:
    """The rule with this user-facing name (a KeyError is a bug in the caller)."""
    return RULES_BY_NAME[name]
