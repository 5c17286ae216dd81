"""Render runs for the tests of render/: a small inventory, one in-process run whose JSON report
is checked against its schema on the way, and listings of the output folder."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from serviceplan import __version__
from serviceplan.pipeline import bundled_plans, render_tenants
from serviceplan.render.report import render_json, render_text
from serviceplan.render.run import RenderOptions, RenderResult
from serviceplan.report import ReportOptions

HEADER = "name,domain,program_id,offer_id,location,plan,mailboxes"
TENANTS = [
    "Contoso,contoso.com,Business,SmallOrg,en-us,SmallBusiness,120",
    "Alpine Ski House,alpineskihouse.com,Business,LargeOrg,,LargeBusiness,830",
    "Fabrikam,fabrikam.com,Business,MedOrg,en-gb,SmallBusiness,640",
]


def schema(name: str) -> dict[str, Any]:
    text = (resources.files("serviceplan.schemas") / f"render-{name}.schema.json").read_text()
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def inventory(folder: Path, *rows: str, header: str = HEADER) -> str:
    path = folder / "tenants.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return str(path)


def run(
    tenants: str, out: Path, template: str = "new-organization.ps1", **more: Any
) -> RenderResult:
    result = render_tenants(
        [bundled_plans()], RenderOptions(tenants=tenants, template=template, out=str(out), **more)
    )
    report = json.loads(render_json(result, ReportOptions(tool_version=__version__)))
    jsonschema.validate(report, schema("report"))
    assert report["summary"]["text"] in render_text(result, ReportOptions(tool_version=__version__))
    return result


def names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def listing(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def mtimes(folder: Path) -> dict[str, int]:
    return {path.name: path.stat().st_mtime_ns for path in folder.iterdir()}


def user_template(folder: Path, name: str, source: str) -> str:
    path = folder / name
    path.write_text(source, encoding="utf-8")
    return str(path)
