"""One exception root: every error the tool reports is a ServicePlanError, and the CLI turns
it into one line and exit code 2 (usage or tool error) in one place (cli/__init__.py)."""

from __future__ import annotations


class ServicePlanError(Exception):
    """Root of every error the tool reports instead of a traceback."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    @property
    def messages(self) -> tuple[str, ...]:
        """One line each for the CLI to print (several when several things failed)."""
        return (self.message,)


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


class OutputErrors(OutputError):
    """Several outputs could not be written (each --report that failed), reported together
    after everything else was written and printed."""

    def __init__(self, errors: tuple[OutputError, ...]) -> None:
        super().__init__("; ".join(error.message for error in errors))
        self.errors = errors

    @property
    def messages(self) -> tuple[str, ...]:
        return tuple(error.message for error in self.errors)
