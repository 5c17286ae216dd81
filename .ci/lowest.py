"""Print pip constraints pinning every direct dependency (runtime and test extra) to its lowest
allowed version, as `uv pip install --resolution lowest-direct` would choose them."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
requirements = (
    project["project"]["dependencies"] + project["project"]["optional-dependencies"]["test"]
)
for requirement in requirements:
    match = re.fullmatch(
        r"([A-Za-z0-9._-]+)(?:\[[A-Za-z0-9,._-]+\])?\s*>=\s*([0-9][0-9A-Za-z.]*)",
        requirement.strip(),
    )
    if match is None:
        raise SystemExit(f"lowest: {requirement!r} has no plain '>=' lower bound")
    print(f"{match[1]}=={match[2]}")
