"""`serviceplan fmt`: canonical form for plan files."""

from __future__ import annotations
