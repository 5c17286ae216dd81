"""Every rule the validator applies, keyed by its stable id; `serviceplan rules` lists them."""

from __future__ import annotations

from .rollout_rules import ROLLOUT_RULES
from .rule import E, Rule, W

__all__ = ["RULES", "RULES_BY_NAME", "Rule", "rule"]


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
        *ROLLOUT_RULES,
    )
}

RULES_BY_NAME: dict[str, Rule] = {rule.name: rule for rule in RULES.values()}


def rule(name: str) -> Rule:
    """The rule with this user-facing name (a KeyError is a bug in the caller)."""
    return RULES_BY_NAME[name]
