"""`serviceplan explain` and `serviceplan features`: the catalogue, and which plans set what."""

from __future__ import annotations
