"""serviceplan: Exchange-style hosting service plans as code.

The library API (the CLI is a thin layer over it)::

    import serviceplan

    report = serviceplan.validate_paths(["serviceplans/"], serviceplan.ValidateOptions())
    result = serviceplan.compile_plans(
        ["serviceplans/"], serviceplan.CompileOptions(program_id="Business", offer_id="SmallOrg")
    )
    outcome = serviceplan.diff_paths(
        serviceplan.DiffOptions(old="old/", new="new/", tenants="t.csv")
    )
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# name -> module: imported on first use, so `serviceplan --version` pays for none of it
_EXPORTS = {
    "validate_paths": "pipeline",
    "ValidateOptions": "pipeline",
    "compile_plans": "pipeline",
    "CompileOptions": "pipeline",
    "CompileResult": "resolve.result",
    "bundled_plans": "pipeline",
    "diff_paths": "pipeline",
    "DiffOptions": "pipeline",
    "DiffOutcome": "diff.outcome",
    "render_tenants": "pipeline",
    "RenderOptions": "render.run",
    "RenderResult": "render.run",
    "read_inventory": "tenants.inventory",
    "Tenant": "tenants.inventory",
    "load_catalog": "catalog",
    "Catalog": "catalog",
    "Feature": "catalog",
    "Finding": "model",
    "Location": "model",
    "Severity": "model",
    "ValidationReport": "model",
    "ResolvedPlan": "model",
    "ResolvedMailboxPlan": "model",
    "Setting": "model",
    "ServicePlanError": "errors",
}

__all__ = [
    "Catalog",
    "CompileOptions",
    "CompileResult",
    "DiffOptions",
    "DiffOutcome",
    "Feature",
    "Finding",
    "Location",
    "RenderOptions",
    "RenderResult",
    "ResolvedMailboxPlan",
    "ResolvedPlan",
    "ServicePlanError",
    "Setting",
    "Severity",
    "Tenant",
    "ValidateOptions",
    "ValidationReport",
    "__version__",
    "bundled_plans",
    "compile_plans",
    "diff_paths",
    "load_catalog",
    "read_inventory",
    "render_tenants",
    "validate_paths",
]

if TYPE_CHECKING:
    from .catalog import Catalog, Feature, load_catalog
    from .diff.outcome import DiffOutcome
    from .errors import ServicePlanError
    from .model import (
        Finding,
        Location,
        ResolvedMailboxPlan,
        ResolvedPlan,
        Setting,
        Severity,
        ValidationReport,
    )
    from .pipeline import (
        CompileOptions,
        DiffOptions,
        ValidateOptions,
        bundled_plans,
        compile_plans,
        diff_paths,
        render_tenants,
        validate_paths,
    )
    from .render.run import RenderOptions, RenderResult
    from .resolve.result import CompileResult
    from .tenants.inventory import Tenant, read_inventory


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'serviceplan' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
