"""Print the README's Quick start command marked `<!-- ci:NAME -->`, exactly as written.

.ci/run runs what this prints, so CI proves the commands a new user copies, not a copy of them.
"""

from __future__ import annotations

import sys
from pathlib import Path


def command(readme: str, name: str) -> str:
    body = block(readme, name)
    if len(body) != 1:
        marker = f"<!-- ci:{name} -->"
        raise SystemExit(f"quickstart: the block after {marker} must hold one command line")
    return body[0]


def block(readme: str, name: str) -> list[str]:
    """The lines of the code block right after `<!-- ci:NAME -->` (the tests read the CI
    workflow and the pre-commit configuration the README shows this way too)."""
    lines = readme.splitlines()
    marker = f"<!-- ci:{name} -->"
    if marker not in lines:
        raise SystemExit(f"quickstart: README.md has no {marker} line")
    start = lines.index(marker) + 1
    if not lines[start].startswith("```"):
        raise SystemExit(f"quickstart: {marker} must stand right before a code block")
    body = []
    for line in lines[start + 1 :]:
        if line.startswith("```"):
            break
        body.append(line)
    return body


if __name__ == "__main__":
    readme = Path(__file__).resolve().parents[1] / "README.md"
    print(command(readme.read_text(encoding="utf-8"), sys.argv[1]))
