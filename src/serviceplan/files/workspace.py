"""The repository root that CI reports name files from: `GITHUB_WORKSPACE` when set (the
checkout GitHub Actions resolves annotation paths and SARIF URIs against), else the git top
level of the working directory; None outside a repository. No network: one local `git`."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path


def repository_root(environ: Mapping[str, str], cwd: str | None = None) -> str | None:
    """The folder reports name files relative to, as an absolute path; None when there is
    none (no GITHUB_WORKSPACE, not in a git work tree, or git missing)."""
    workspace = environ.get("GITHUB_WORKSPACE", "")
    if workspace:
        return str(Path(workspace).absolute())
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=cwd,
            capture_output=True,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"},
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    top = os.fsdecode(done.stdout).strip()
    return top if done.returncode == 0 and top else None
