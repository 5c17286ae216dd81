"""The kinds of difference a diff reports: str enums, so reports print and serialise the word
itself."""

from __future__ import annotations

import enum


class ChangeKind(enum.StrEnum):
    """What a change to a plan is."""

    ADDED = "added"
    REMOVED = "removed"
    MODIFIED = "modified"
    TEXTUAL = "textual"  # the same value written differently
    PLAN_ADDED = "plan-added"
    PLAN_REMOVED = "plan-removed"
    MAILBOX_PLAN_ADDED = "mailbox-plan-added"
    MAILBOX_PLAN_REMOVED = "mailbox-plan-removed"
    MAILBOX_PLAN_RENAMED = "mailbox-plan-renamed"
    MAILBOX_PLAN_REINDEXED = "mailbox-plan-reindexed"
    DEFAULT_MOVED = "default-moved"
    PILOT_CHANGED = "mailbox-plan-pilot-changed"  # IsPilotMailboxPlan turned on or off


class RowChangeKind(enum.StrEnum):
    """What happened to a remap row."""

    ADDED = "added"
    REMOVED = "removed"
    REPOINTED = "repointed"
