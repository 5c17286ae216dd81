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
    "FindingsReport": "model",
    "ResolvedPlan": "model",
    "ResolvedMailboxPlan": "model",
    "Setting": "model",
    "ServicePlanError": "errors",
}

__all__ = sorted(["__version__", *_EXPORTS])  # _EXPORTS is the one list of the exports

# For type checkers only, the same names with their real types; `X as X` marks each as an
# export (mypy --strict cannot read a computed __all__). tests/unit/test_exports.py fails if
# this block and _EXPORTS disagree.
if TYPE_CHECKING:
    from .catalog import Catalog as Catalog
    from .catalog import Feature as Feature
    from .catalog import load_catalog as load_catalog
    from .diff.outcome import DiffOutcome as DiffOutcome
    from .errors import ServicePlanError as ServicePlanError
    from .model import Finding as Finding
    from .model import FindingsReport as FindingsReport
    from .model import Location as Location
    from .model import ResolvedMailboxPlan as ResolvedMailboxPlan
    from .model import ResolvedPlan as ResolvedPlan
    from .model import Setting as Setting
    from .model import Severity as Severity
    from .pipeline import CompileOptions as CompileOptions
    from .pipeline import DiffOptions as DiffOptions
    from .pipeline import ValidateOptions as ValidateOptions
    from .pipeline import bundled_plans as bundled_plans
    from .pipeline import compile_plans as compile_plans
    from .pipeline import diff_paths as diff_paths
    from .pipeline import render_tenants as render_tenants
    from .pipeline import validate_paths as validate_paths
    from .render.run import RenderOptions as RenderOptions
    from .render.run import RenderResult as RenderResult
    from .resolve.result import CompileResult as CompileResult
    from .tenants.inventory import Tenant as Tenant
    from .tenants.inventory import read_inventory as read_inventory


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'serviceplan' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
