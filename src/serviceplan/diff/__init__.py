"""Diff: what changed between two revisions of the plans, and what reaches each tenant."""
