"""The built-in `serviceplan render` templates (files in the package's `templates` folder),
keyed by the name `--template` takes. Light: `serviceplan render --help` lists them."""

BUILTIN_TEMPLATES: dict[str, str] = {
    "new-organization.ps1": "New-Organization for each tenant, then the mailbox plans to check",
    "update-serviceplan.ps1": "Update-ServicePlan for each tenant whose plan the remap changed",
    "tenant.json": "each tenant's resolved settings and where every value came from",
}
