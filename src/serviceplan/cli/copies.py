"""`serviceplan digest` and `serviceplan verify-copies`: identical plans on every server."""

from __future__ import annotations
