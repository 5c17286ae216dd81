"""One exception root; the CLI maps each class to an exit code in one place."""

from __future__ import annotations


class ServicePlanError(Exception):
    """Root of every error the tool reports instead of a traceback."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(ServicePlanError):
    """The command line asks for something impossible (missing path, bad option value)."""


class ConfigError(UsageError):
    """The project configuration (.serviceplan.toml, [tool.serviceplan]) is invalid."""


class InputError(ServicePlanError):
    """An input could not be read at all (unreadable file, wrong kind of file)."""


class CatalogError(ServicePlanError):
    """The feature catalogue or the schema shipped with the tool is broken."""


class ResolveError(ServicePlanError):
    """What was asked for cannot be resolved (a (ProgramId, OfferId) no remap line maps)."""


class OutputError(ServicePlanError):
    """A report or output file could not be written."""
