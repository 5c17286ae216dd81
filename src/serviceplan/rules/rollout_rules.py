"""The rules about tenants and rollout: the inventory (SP5xx), Update-ServicePlan blockers and
tenant safety in diff (SP6xx), render (SP7xx). The file and plan rules are in registry.py."""

from __future__ import annotations

from .rule import E, Rule, W

ROLLOUT_RULES: tuple[Rule, ...] = (
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
        "A used.<Feature> column naming no count or byte quota of the catalogue (reported "
        "once, on the header; the column is ignored).",
        "Name a quota feature, e.g. used.MailboxCountQuota (any spelling `serviceplan "
        "explain` accepts); `serviceplan features` lists them.",
    ),
    Rule(
        "SP508",
        "inventory-type-line",
        W,
        "A CSV inventory starting with the #TYPE line of Windows PowerShell's Export-Csv; "
        "the line is skipped.",
        "Export with Export-Csv -NoTypeInformation (the default from PowerShell 6 on).",
    ),
    Rule(
        "SP509",
        "inventory-duplicate-column",
        E,
        "A CSV header naming one field twice (the same column, two spellings of one "
        "quota, or one mailbox plan in two cases); the later column is ignored.",
        "Keep one column per field.",
    ),
    # Tenants against the plan they are on today (tenants check)
    Rule(
        "SP510",
        "usage-over-limit",
        E,
        "A tenant whose reported usage is above its plan's limit today (`mailboxes` or "
        "used.MailboxCountQuota over MailboxCountQuota, used.<Feature> over the feature, per "
        "mailbox plan where the tenant has mailboxes on it).",
        "Raise the limit, move the tenant to a larger plan, or bring its usage under the limit.",
    ),
    Rule(
        "SP511",
        "tenant-plan-missing",
        E,
        "A tenant whose plan today (its `plan` column, else the plan the remap gives its pair) "
        "is none of the plans checked.",
        "Correct the `plan` column, or add the plan file to the paths checked.",
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
    Rule(
        "SP607",
        "tenant-plan-unknown",
        W,
        "A tenant whose plan now (its `plan` column, else the old remap's) is no plan of the "
        "old revision: what the change does to it cannot be told.",
        "Correct the `plan` column (the plan file's base name the tenant was last "
        "provisioned or updated with), or leave it empty to use the old remap's plan.",
    ),
    Rule(
        "SP701",
        "update-refused",
        E,
        "A tenant render would write an update for (its `plan` column names another plan "
        "than the remap selects) whose Update-ServicePlan Exchange refuses: a mailbox plan "
        "of the old plan without a match by Name and index, or a forbidden transition. "
        "No script is written for it.",
        "Make the new plan keep every old mailbox plan (same Name and index) and the "
        "values Exchange cannot change (`serviceplan diff OLD NEW` shows them), or keep "
        "the tenant on its plan.",
    ),
    Rule(
        "SP702",
        "template-warning",
        W,
        "A render template's warn(...) for a tenant (new-organization.ps1 warns when the "
        "inventory reports more mailboxes than the plan's MailboxCountQuota allows); the "
        "file is still written.",
        "Look at the tenant before running its script; the message says what the template found.",
    ),
)
